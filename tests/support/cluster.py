"""What the cluster tier checks: where dist/, the pinned CRDs and the fixture live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cluster.build import cached_binary
from cluster.client import Client
from cluster.server import ApiServer
from cluster.sync import SyncReport
from manifests import CRDS, REPO_ROOT, Manifest, environments
from tests.support.tools import require_tool

# CLUSTER_TIER_DIST points the tier at another synth output (a scratch synth, say) instead.
DIST = Path(os.environ.get("CLUSTER_TIER_DIST") or REPO_ROOT / "dist")
CRD_DIR = CRDS
FIXTURE_ENV = Path(__file__).resolve().parents[1] / "cluster" / "fixtures" / "env"
FIXTURE = "fixture"


def targets() -> dict[str, Path]:
    """Every environment to check: each dist/<env>, plus the known-good fixture."""
    found = {f"dist/{env.name}": env for env in environments(DIST)}
    found[FIXTURE] = FIXTURE_ENV
    return found


@dataclass
class SyncedEnv:
    name: str
    server: ApiServer
    client: Client
    report: SyncReport

    @property
    def manifests(self) -> list[Manifest]:
        return self.report.manifests


def control_plane_binaries() -> tuple[str, str]:
    """etcd and the cached kube-apiserver: skipped locally when missing, a failure in CI."""
    apiserver = require_tool(str(cached_binary("kube-apiserver")), "build it with `make cluster-binaries`")
    etcd = require_tool("etcd", "Debian package etcd-server")
    return etcd, apiserver
