"""Session fixtures of the cluster tier: binaries, one control plane set, synced environments.

Each environment under dist/ (and the known-good fixture environment) gets its own API server
so that environments that reuse namespace names never meet. All processes are stopped when the
session ends, whether the tests passed or not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cluster.client import Client
from cluster.server import ApiServer, ControlPlanes
from cluster.sync import install_crds, sync
from manifests import load_env
from tests.support.cluster import CRD_DIR, SyncedEnv, control_plane_binaries, targets


@pytest.fixture(scope="session")
def binaries() -> tuple[str, str]:
    return control_plane_binaries()


@pytest.fixture(scope="session")
def control_planes(binaries: tuple[str, str]) -> Iterator[ControlPlanes]:
    etcd, apiserver = binaries
    planes = ControlPlanes(etcd, apiserver)
    try:
        yield planes
    finally:
        planes.close()


@pytest.fixture(scope="session")
def crd_dir() -> Path:
    if not CRD_DIR.is_dir():
        pytest.fail(f"pinned CRDs not found at {CRD_DIR} (crds/ of the repository)", pytrace=False)
    return CRD_DIR


@pytest.fixture(scope="session")
def fresh_client(control_planes: ControlPlanes, crd_dir: Path) -> Callable[[str], tuple[ApiServer, Client]]:
    """A new, empty API server for a scenario, with the pinned CRDs Established."""

    def make(key: str) -> tuple[ApiServer, Client]:
        server = control_planes.server(key)
        client = Client(server.url, server.ssl_context())
        install_crds(client, crd_dir)
        return server, client

    return make


@pytest.fixture(scope="session")
def synced(fresh_client: Callable[[str], tuple[ApiServer, Client]]) -> Callable[[str], SyncedEnv]:
    """The result of syncing one target into its own API server, computed once per session."""
    cache: dict[str, SyncedEnv] = {}

    def get(target: str) -> SyncedEnv:
        if target not in cache:
            server, client = fresh_client(f"sync-{target}")
            report = sync(client, load_env(targets()[target]))
            cache[target] = SyncedEnv(target, server, client, report)
        return cache[target]

    return get
