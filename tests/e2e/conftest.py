"""The end-to-end tier's clusters: one loopback cluster and local repository per environment.

Each environment's cluster (e2e/cluster.py) serves one module of scenarios - staging's
(test_gitops_loop.py, day two included), then prod's (test_prod_deploy.py). The two clusters
share nothing but the tier's network namespace, as two real clusters would. prod's reads the
branch staging's promotion case pushes, so it cannot start before that case; it starts right
after it, on a thread, and is bootstrapped there while staging's remaining cases run
(`BackgroundDeploy`), so prod's module finds it deployed. A module's scenarios run in file
order because each day-two case starts from the state the previous one left (as a real
environment's history does). On failure the tail of every component's log is printed.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
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
def deploy_cluster(env_name: str, source: Path = REPO_ROOT, ref: str = "HEAD", *, reloader: bool = True) -> Iterator[Deployed]:
    """A started cluster with Argo CD reading `env_name`'s branch of a fresh local repository (nothing synced yet),
    cloned from the project at HEAD or from `source` at `ref`; without Reloader if `reloader` is
    false (e2e_cluster.start)."""
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
        cluster = e2e_cluster.start(root, etcd, settings, reloader=reloader)
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


class BackgroundDeploy:
    """A cluster started and bootstrapped on a thread while other cases run; `take` waits for it.

    The thread lives until `stop`, and stops the cluster itself: the kernel kills a server when
    the thread that started it ends (cluster/server.py, _die_with_parent). The cluster starts
    without Reloader (its metrics port is fixed, and the other cluster's Reloader holds it):
    `take` adds Reloader, so it is called once the other cluster has stopped. Reloader is not
    needed before then: a bootstrap creates Secrets, and Reloader rolls workloads only when a
    Secret they read changes. A failure on the thread is raised by `take`, with the tail of
    every component's log.
    """

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._release = threading.Event()
        self._deployed: Deployed | None = None
        self._failure: str | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self, env_name: str, source: Path, ref: str, bootstrap: Callable[[Deployed], Deployed]) -> None:
        if self._thread is not None:
            raise RuntimeError(f"a cluster for {env_name} was already started")

        def deploy() -> None:
            try:
                with deploy_cluster(env_name, source, ref, reloader=False) as d:
                    try:
                        self._deployed = bootstrap(d)
                    except BaseException as error:
                        self._failure = f"{error!r}\n{d.cluster.log_tails()}"
                        return
                    self._ready.set()
                    self._release.wait()
            except BaseException as error:  # raised again by take(), in the case that needs the cluster
                self._failure = repr(error)
            finally:
                self._ready.set()

        self._thread = threading.Thread(target=deploy, name=f"deploy-{env_name}", daemon=True)
        self._thread.start()

    def take(self) -> Deployed:
        assert self._thread is not None, "nothing was started"
        self._ready.wait()
        if self._failure is not None or self._deployed is None:
            raise RuntimeError(f"the cluster started in the background failed: {self._failure}")
        if "reloader" not in self._deployed.cluster.services:
            self._deployed.cluster.start_reloader()
        return self._deployed

    def stop(self) -> None:
        self._release.set()
        if self._thread is not None:
            self._thread.join()


@pytest.fixture(scope="session")
def promoted_prod(tmp_path_factory: pytest.TempPathFactory) -> PromotedProd:
    return PromotedProd(tmp_path_factory.mktemp("promoted-prod") / "flask-platform.git")


@pytest.fixture(scope="session")
def prod_in_background() -> Iterator[BackgroundDeploy]:
    """prod's cluster, started by staging's promotion case (start_prod_from) once prod's branch exists."""
    launch = BackgroundDeploy()
    try:
        yield launch
    finally:
        launch.stop()


def start_prod_from(promoted: PromotedProd, launch: BackgroundDeploy, bootstrap: Callable[[Deployed], Deployed]) -> None:
    """Start prod's cluster on the prod branch staging's accepted promotion pushed, and bootstrap it."""
    launch.start(PROD, promoted.repo, f"origin/{load_environment(PROD).gitops.branch}", bootstrap)


@pytest.fixture(scope="module")
def prod_deployed(promoted_prod: PromotedProd, prod_in_background: BackgroundDeploy) -> Iterator[Deployed]:
    """prod's cluster reads the prod branch staging's promotion pushed (tests/support/e2e_release.py),
    started and bootstrapped while staging's last cases ran. When the staging module did not run
    (a selection of prod's cases), it is the project at HEAD, started here, and the case that
    checks the promotion fails saying so; test_prod_deploy.py bootstraps it."""
    if prod_in_background.started:
        yield prod_in_background.take()
        return
    with deploy_cluster(PROD) as d:
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
