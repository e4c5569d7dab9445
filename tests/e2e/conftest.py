"""The end-to-end tier's clusters: one loopback cluster and local repository per environment.

Each environment's cluster (e2e/cluster.py) runs for one module of scenarios - staging's
(test_gitops_loop.py, day two included), then prod's (test_prod_deploy.py) - and is stopped
before the next starts, as two real clusters would never share one. A module's scenarios
run in file order because each day-two case starts from the state the previous one left (as a
real environment's history does). On failure the tail of every component's log is printed.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from cluster.build import cached_binary
from config.loader import load_environment
from config.model import Environment
from e2e import cluster as e2e_cluster
from e2e.cluster import E2ECluster, Settings
from e2e.components import MOTO_CREDENTIALS
from e2e.localrepo import LocalRepo, make_local_repo
from e2e.netns import only_loopback
from manifests import REPO_ROOT
from tests.support.tools import missing_tool, require_tool

ENV = "staging"
PROD = "prod"


@dataclass
class Deployed:
    """The environment under test, as bootstrapped, with the timeline of its first sync."""

    env: Environment
    repo: LocalRepo
    cluster: E2ECluster
    kubectl: str
    timeline: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.env.name

    @property
    def kube(self):
        return self.cluster.kube

    def kubectl_run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.kubectl, f"--kubeconfig={self.cluster.kubeconfig}", *args],
            cwd=self.repo.path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def ops(self, *args: str) -> subprocess.CompletedProcess:
        """The project's operations CLI, run in the local repository as an operator would."""
        env = {**os.environ, **MOTO_CREDENTIALS, "KUBECONFIG": str(self.cluster.kubeconfig)}
        return subprocess.run(
            [sys.executable, "-m", "ops", *args],
            cwd=self.repo.path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@dataclass
class PromotedProd:
    """What staging's accepted promotion leaves for prod's cluster: a bare copy of the repository
    with the prod branch, and the images staging's pods ran (container name -> image)."""

    repo: Path
    images: dict[str, str] = field(default_factory=dict)


def _claims(dist_env: Path) -> list[tuple[str, str]]:
    """(storage class, size) for every claim the rendered StatefulSets will make, one per replica."""
    claims = []
    for path in sorted(dist_env.glob("*/statefulset_*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc:
                continue
            for template in doc["spec"].get("volumeClaimTemplates") or []:
                spec = template["spec"]
                claims += [(spec["storageClassName"], spec["resources"]["requests"]["storage"])] * int(
                    doc["spec"].get("replicas", 1)
                )
    return claims


@contextlib.contextmanager
def deploy_cluster(env_name: str, source: Path = REPO_ROOT, ref: str = "HEAD") -> Iterator[Deployed]:
    """A started cluster with Argo CD reading `env_name`'s branch of a fresh local repository (nothing synced yet),
    cloned from the project at HEAD or from `source` at `ref`."""
    if not only_loopback():
        missing_tool("the end-to-end tier runs in a private network namespace: use `make test-e2e` (e2e/isolated.sh)")
    for name in e2e_cluster.BINARIES:
        require_tool(str(cached_binary(name)), "build them with `python -m cluster.build`")
    etcd = require_tool("etcd", "Debian package etcd-server")
    require_tool("redis-server", "Debian package redis-server")
    require_tool("git")

    with tempfile.TemporaryDirectory(prefix=f"flask-platform-e2e-{env_name}-") as tmp:
        root = Path(tmp)
        committed = load_environment(env_name)
        repo = make_local_repo(root, env_name, committed.gitops.branch, source, ref)
        env = load_environment(env_name, repo.path / "environments", repo.overlay)
        settings = Settings(
            argocd_namespace=env.gitops.argocd_namespace,
            repo_url=repo.url,
            aws_region=env.secrets.region,
            eso_service_account=(env.secrets.controller_service_account.namespace, env.secrets.controller_service_account.name),
            ingress_class=env.cluster.ingress_class,
            claims=_claims(repo.dist(env_name)),
            webhook_secret_key=env.gitops.notifications.webhook.url_secret_key
            if env.gitops.notifications and env.gitops.notifications.webhook
            else None,
            slack=bool(env.gitops.notifications and env.gitops.notifications.slack),
        )
        started = time.monotonic()
        cluster = e2e_cluster.start(root, etcd, settings)
        deployed = Deployed(env, repo, cluster, str(cached_binary("kubectl")))
        repo.refresh_on_push(deployed.kubectl, cluster.kubeconfig, env.gitops.argocd_namespace)
        deployed.timeline["cluster started"] = time.monotonic() - started
        try:
            yield deployed
        finally:
            cluster.stop()


@pytest.fixture(scope="module")
def deployed() -> Iterator[Deployed]:
    with deploy_cluster(ENV) as d:
        yield d


@pytest.fixture(scope="session")
def promoted_prod(tmp_path_factory: pytest.TempPathFactory) -> PromotedProd:
    return PromotedProd(tmp_path_factory.mktemp("promoted-prod") / "flask-platform.git")


@pytest.fixture(scope="module")
def prod_deployed(promoted_prod: PromotedProd) -> Iterator[Deployed]:
    """prod's cluster reads the prod branch staging's promotion pushed (tests/support/e2e_release.py);
    when the staging module did not run (a selection of prod's cases), the project at HEAD, and
    the case that checks the promotion fails saying so."""
    if not promoted_prod.images:
        with deploy_cluster(PROD) as d:
            yield d
        return
    with deploy_cluster(PROD, promoted_prod.repo, f"origin/{load_environment(PROD).gitops.branch}") as d:
        yield d


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.when == "call":
        for value in item.funcargs.values():
            if isinstance(value, Deployed):
                report.sections.append((f"{value.name} component logs", value.cluster.log_tails()))
                break
