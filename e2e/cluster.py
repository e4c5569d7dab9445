"""The whole loopback cluster of the end-to-end tier, started in dependency order and stopped together.

etcd + kube-apiserver (cluster.server) ─ CRDs from crds/ (+ the operator's own kinds crds/ lacks)
kube-controller-manager, kube-scheduler ─ KWOK with e2e/kwok-stages.yaml and fake nodes
static PersistentVolumes, the IRSA ServiceAccount, the ingress status stand-in
redis ─ Argo CD repo server + application controller (ARGOCD_FAKE_IN_CLUSTER, KUBECONFIG)
moto (Secrets Manager + STS) ─ External Secrets controller
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cluster.build import ARGOCD, EXTERNAL_SECRETS, cached_binary, helper_dir, operator_crd_dir
from cluster.server import ApiServer, ControlPlanes
from cluster.sync import CRD_KIND, install_crds, load_crds
from e2e import argocd_install, components, stand_ins
from e2e.components import Service
from e2e.kube import Kube, wait_for
from e2e.kubeconfig import write_kubeconfig
from manifests import REPO_ROOT

CRD_DIR = REPO_ROOT / "crds"
KWOK_STAGES = Path(__file__).resolve().parent / "kwok-stages.yaml"
NODE_COUNT = 3
INGRESS_ADDRESS = "127.0.0.1"
BINARIES = ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "kwok", "argocd", "external-secrets")


@dataclass
class Settings:
    """What the cluster takes from the environment under test (all read from its config)."""

    argocd_namespace: str
    repo_url: str
    aws_region: str
    eso_service_account: tuple[str, str]  # namespace, name
    ingress_class: str
    claims: list[tuple[str, str]]  # (storage class, size) of each claim the StatefulSets make


@dataclass
class E2ECluster:
    root: Path
    planes: ControlPlanes
    server: ApiServer
    kube: Kube
    kubeconfig: Path
    aws_endpoint: str
    services: dict[str, Service] = field(default_factory=dict)

    def log_tails(self, lines: int = 30) -> str:
        parts = [f"== {name} ==\n{svc.process.log_tail(lines)}" for name, svc in self.services.items()]
        return "\n".join(parts)

    def stop(self) -> None:
        # Controllers first (they would log errors about a vanishing API server), then the
        # API server and etcd.
        for service in reversed(list(self.services.values())):
            with contextlib.suppress(Exception):
                service.process.terminate()
        for service in reversed(list(self.services.values())):
            with contextlib.suppress(Exception):
                service.process.wait()
        self.planes.close()


def operator_only_crds(pinned: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The External Secrets release's CRDs for kinds crds/ does not pin (it watches GeneratorState)."""
    names = {crd["metadata"]["name"] for crd in pinned}
    extra = []
    for path in sorted(operator_crd_dir(EXTERNAL_SECRETS).glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == CRD_KIND and doc["metadata"]["name"] not in names:
                extra.append(doc)
    return extra


def start(root: Path, etcd_binary: str, settings: Settings) -> E2ECluster:
    binary = {name: str(cached_binary(name)) for name in BINARIES}
    planes = ControlPlanes(etcd_binary, binary["kube-apiserver"], root=root)
    cluster: E2ECluster | None = None
    try:
        server = planes.server("e2e")
        kube = Kube(server.url, server.ssl_context())
        install_crds(kube, CRD_DIR)
        extra = operator_only_crds(load_crds(CRD_DIR))
        for crd in extra:
            kube.ensure(crd)
        kube.wait_established([crd["metadata"]["name"] for crd in extra])

        workdir = planes.root
        kubeconfig = write_kubeconfig(server, workdir / "kubeconfig")
        argocd_kubeconfig = write_kubeconfig(server, workdir / "kubeconfig-argocd", settings.argocd_namespace)
        cluster = E2ECluster(workdir, planes, server, kube, kubeconfig, "")
        svc = cluster.services

        svc["kube-controller-manager"] = components.kube_controller_manager(
            binary["kube-controller-manager"], server, kubeconfig, workdir
        )
        svc["kube-scheduler"] = components.kube_scheduler(binary["kube-scheduler"], kubeconfig, workdir)
        stand_ins.create_nodes(kube, NODE_COUNT)
        svc["kwok"] = components.kwok(binary["kwok"], kubeconfig, KWOK_STAGES, workdir, stand_ins.KWOK_NODE_SELECTOR)
        wait_for("every KWOK node Ready", lambda: _nodes_ready(kube, NODE_COUNT), timeout_s=60)

        stand_ins.storage_for_claims(kube, settings.claims)
        stand_ins.irsa_service_account(kube, *settings.eso_service_account)
        svc["ingress-status"] = components.ingress_status_writer(
            sys.executable, kubeconfig, INGRESS_ADDRESS, settings.ingress_class, workdir
        )

        svc["redis"] = components.redis("redis-server", workdir)
        svc["moto"] = components.moto(sys.executable, workdir)
        cluster.aws_endpoint = svc["moto"].address

        argocd_install.install(kube, settings.argocd_namespace, settings.repo_url)
        redis_address = svc["redis"].address
        svc["argocd-repo-server"] = components.argocd_repo_server(
            binary["argocd"], helper_dir(ARGOCD), argocd_kubeconfig, redis_address, workdir
        )
        svc["argocd-application-controller"] = components.argocd_application_controller(
            binary["argocd"], argocd_kubeconfig, redis_address, svc["argocd-repo-server"].address, workdir
        )
        svc["external-secrets"] = components.external_secrets(
            binary["external-secrets"], kubeconfig, cluster.aws_endpoint, settings.aws_region, workdir
        )
        return cluster
    except BaseException:
        if cluster is not None:
            cluster.stop()
        else:
            planes.close()
        raise


def _nodes_ready(kube: Kube, count: int) -> bool:
    ready = 0
    for node in kube.items("/api/v1/nodes", label_selector="type=kwok"):
        for cond in (node.get("status") or {}).get("conditions") or []:
            if cond.get("type") == "Ready" and cond.get("status") == "True":
                ready += 1
    return ready == count
