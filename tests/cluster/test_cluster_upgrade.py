"""Upgrading a cluster from the previously committed dist/ to the current one.

The previous dist/ is applied first, then the current one, as ArgoCD would on merge: an
immutable field changed in between (a selector, a StatefulSet's volumeClaimTemplates) makes
the second sync fail here instead of in production.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cluster.client import Client
from cluster.history import baseline_commit, describe_prune, export_dist, prune_candidates
from cluster.server import ApiServer, ControlPlanes
from cluster.sync import sync
from manifests import environments, load_env
from tests.support.cluster import DIST, REPO_ROOT


@pytest.mark.parametrize("env", [e.name for e in environments(DIST)])
def test_upgrade_from_previous_dist(
    fresh_client: Callable[[str], tuple[ApiServer, Client]], control_planes: ControlPlanes, env: str, tmp_path: Path
) -> None:
    current = load_env(DIST / env)
    commit = baseline_commit(REPO_ROOT)
    if commit is None:
        print(f"\ndist/{env}: no earlier commit has a dist/, so the current dist/ is applied twice")
        previous = current
    elif not (export_dist(REPO_ROOT, commit, tmp_path) / env).is_dir():
        print(f"\ndist/{env}: new since {commit[:12]}, so the current dist/ is applied twice")
        previous = current
    else:
        print(f"\ndist/{env}: upgrading from the dist/ of {commit[:12]}")
        previous = load_env(tmp_path / "dist" / env)

    _, client = fresh_client(f"upgrade-{env}")
    try:
        before = sync(client, previous)
        if before.errors():
            print("note: the previous dist/ did not apply cleanly itself:\n" + "\n".join(before.errors()))
        after = sync(client, current)
    finally:
        control_planes.release(f"upgrade-{env}")
    print(describe_prune(prune_candidates(before.manifests, after.manifests)))
    assert not after.errors(), f"dist/{env}: upgrade refused:\n" + "\n".join(after.errors())
    assert not after.warnings(), f"dist/{env}: upgrade warned:\n" + "\n".join(after.warnings())
