"""The whole loopback cluster of the end-to-end tier, started in dependency order and stopped together.

etcd + kube-apiserver (cluster.server) ─ CRDs from crds/ (+ the operator's own kinds crds/ lacks)
controller identities and their RBAC (e2e/identities.py)
kube-controller-manager, kube-scheduler ─ KWOK with e2e/kwok-stages.yaml and fake nodes
metrics-server (KWOK's emulated kubelet metrics) ─ the v1beta1.metrics.k8s.io APIService
static PersistentVolumes, the IRSA ServiceAccount, the ingress status and TLS issuer stand-ins
redis ─ Argo CD repo server + application controller (ARGOCD_FAKE_IN_CLUSTER, KUBECONFIG)
webhook receiver ─ Argo CD notifications controller (e2e/notifications.py)
moto (Secrets Manager + STS) ─ External Secrets controller ─ Reloader (rolls what reads a changed Secret)
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
from e2e import argocd_install, components, identities, metrics_api, notifications, stand_ins
from e2e.components import Service
from e2e.kube import Kube, wait_for
from e2e.kubeconfig import write_kubeconfig
from manifests import REPO_ROOT, YAML_LOADER

CRD_DIR = REPO_ROOT / "crds"
KWOK_STAGES = Path(__file__).resolve().parent / "kwok-stages.yaml"
KWOK_METRICS = Path(__file__).resolve().parent / "kwok-metrics.yaml"
# Image tags KWOK_STAGES plays as broken images; the failure-path cases release them through
# the tier's overlay (e2e/localrepo.py).
NEVER_READY_TAG = "e2e-never-ready"
MIGRATION_FAILS_TAG = "e2e-migration-fails"
NODE_COUNT = 3
INGRESS_ADDRESS = "127.0.0.1"
BINARIES = (
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kubectl",
    "kwok",
    "argocd",
    "external-secrets",
    "metrics-server",
    "reloader",
)


@dataclass
class Settings:
    """What the cluster takes from the environment under test (all read from its config)."""

    argocd_namespace: str
    repo_url: str
    aws_region: str
    eso_service_account: tuple[str, str]  # namespace, name
    ingress_class: str
    claims: list[tuple[str, str]]  # (storage class, size) of each claim the StatefulSets make
    # The key of argocd-notifications-secret that holds the webhook URL (gitops.notifications.webhook).
    webhook_secret_key: str | None = None
    # gitops.notifications.slack: the environment's Applications are told through Slack.
    slack: bool = False


@dataclass
class E2ECluster:
    root: Path
    planes: ControlPlanes
    server: ApiServer
    kube: Kube
    kubeconfig: Path
    aws_endpoint: str
    # Where the TLS issuer stand-in writes the CA it signs Ingress certificates with.
    tls_issuer_ca: Path | None = None
    # Component name -> the kubeconfig it runs with (its own identity).
    kubeconfigs: dict[str, Path] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)

    def log_tails(self, lines: int = 30) -> str:
        parts = [f"== {name} ==\n{svc.process.log_tail(lines)}" for name, svc in self.services.items()]
        return "\n".join(parts)

    def start_reloader(self) -> None:
        """Reloader, as the last component (its kubeconfig is written when the cluster starts)."""
        if "reloader" in self.services:
            raise RuntimeError("Reloader already runs in this cluster")
        self.services["reloader"] = components.reloader(str(cached_binary("reloader")), self.kubeconfigs["reloader"], self.root)

    def stop(self) -> None:
        # Controllers first (they would log errors about a vanishing API server), then the
        # API server and etcd.
        for service in reversed(list(self.services.values())):
            with contextlib.suppress(Exception):
                service.process.terminate()
        for service in reversed(list(self.services.values())):
            with contextlib.suppress(Exception):
                service.process.wait()
        # Nothing of the tier's cluster outlives it: its API server is not left to drain.
        self.planes.close(graceful=False)


def operator_only_crds(pinned: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The External Secrets release's CRDs for kinds crds/ does not pin (it watches GeneratorState)."""
    names = {crd["metadata"]["name"] for crd in pinned}
    extra = []
    for path in sorted(operator_crd_dir(EXTERNAL_SECRETS).glob("*.yaml")):
        for doc in yaml.load_all(path.read_text(), Loader=YAML_LOADER):
            if doc and doc.get("kind") == CRD_KIND and doc["metadata"]["name"] not in names:
                extra.append(doc)
    return extra


def start(root: Path, etcd_binary: str, settings: Settings, *, reloader: bool = True) -> E2ECluster:
    """Every component, in dependency order. With `reloader=False` all but Reloader, whose
    identity is issued and which `E2ECluster.start_reloader` starts later: it serves its metrics
    on a fixed port, so a cluster started beside another one in the tier's network namespace
    adds it once the other has stopped."""
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
        pki = server.pki
        ids = identities.issue(pki, settings.argocd_namespace, settings.eso_service_account)
        # Argo CD's namespace first: its install's namespaced Roles live there.
        kube.ensure({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": settings.argocd_namespace}})
        for obj in identities.rbac_objects(ids):
            kube.ensure(obj)

        # The operator's kubeconfig (kubectl, ops): the admin.
        kubeconfig = write_kubeconfig(server, workdir / "kubeconfig")
        cluster = E2ECluster(workdir, planes, server, kube, kubeconfig, "")
        svc = cluster.services

        def kubeconfig_of(identity, name: str, namespace: str = "default") -> Path:
            path = write_kubeconfig(server, workdir / f"kubeconfig-{name}", identity, namespace)
            cluster.kubeconfigs[name] = path
            return path

        kcm_kubeconfig = kubeconfig_of(ids.kube_controller_manager, "kube-controller-manager")
        svc["kube-controller-manager"] = components.kube_controller_manager(
            binary["kube-controller-manager"], server, kcm_kubeconfig, workdir
        )
        svc["kube-scheduler"] = components.kube_scheduler(
            binary["kube-scheduler"], kubeconfig_of(ids.kube_scheduler, "kube-scheduler"), workdir
        )
        stand_ins.create_nodes(kube, NODE_COUNT)
        svc["kwok"] = components.kwok(
            binary["kwok"],
            kubeconfig_of(ids.kwok, "kwok"),
            [KWOK_STAGES, KWOK_METRICS],
            pki.serving("kwok-serving", [components.KUBELET_ADDRESS]),
            workdir,
            stand_ins.KWOK_NODE_SELECTOR,
        )
        wait_for("every KWOK node Ready", lambda: _nodes_ready(kube, NODE_COUNT), timeout_s=60)

        svc["metrics-server"] = components.metrics_server(
            binary["metrics-server"],
            kubeconfig_of(ids.metrics_server, "metrics-server"),
            pki.serving("metrics-server-serving", metrics_api.SERVING_NAMES),
            pki.ca_cert,
            workdir,
        )
        metrics_api.register(kube, int(svc["metrics-server"].address.rsplit(":", 1)[1]), pki.ca_cert)

        stand_ins.storage_for_claims(kube, settings.claims)
        stand_ins.irsa_service_account(kube, *settings.eso_service_account)
        stand_in_kubeconfig = kubeconfig_of(ids.stand_ins, "stand-ins")
        svc["ingress-status"] = components.ingress_status_writer(
            sys.executable, stand_in_kubeconfig, INGRESS_ADDRESS, settings.ingress_class, workdir
        )
        cluster.tls_issuer_ca = workdir / "tls-issuer-ca.crt"
        svc["tls-issuer"] = components.tls_issuer(sys.executable, stand_in_kubeconfig, cluster.tls_issuer_ca, workdir)

        svc["redis"] = components.redis("redis-server", workdir)
        svc["moto"] = components.moto(sys.executable, workdir)
        cluster.aws_endpoint = svc["moto"].address

        svc["webhook-receiver"] = notifications.webhook_receiver(workdir)
        # What the operator puts into argocd-notifications-secret: the webhook URL, under the
        # key the environment names (docs/operations.md, "Notifications").
        secrets = {settings.webhook_secret_key: svc["webhook-receiver"].address} if settings.webhook_secret_key else {}
        # For Slack, the bot token under slack-token; the tier's one change to the product's
        # slack service is its apiURL, the receiver playing Slack's Web API.
        slack_api = notifications.slack_api_url(svc["webhook-receiver"]) if settings.slack else None
        if slack_api:
            secrets[notifications.SLACK_TOKEN_KEY] = notifications.SLACK_TOKEN
        argocd_install.install(kube, settings.argocd_namespace, settings.repo_url, secrets, slack_api_url=slack_api)
        redis_address = svc["redis"].address
        svc["argocd-repo-server"] = components.argocd_repo_server(
            binary["argocd"],
            helper_dir(ARGOCD),
            kubeconfig_of(ids.argocd_repo_server, "argocd-repo-server", settings.argocd_namespace),
            redis_address,
            workdir,
        )
        svc["argocd-application-controller"] = components.argocd_application_controller(
            binary["argocd"],
            kubeconfig_of(ids.argocd_application_controller, "argocd-application-controller", settings.argocd_namespace),
            redis_address,
            svc["argocd-repo-server"].address,
            workdir,
        )
        svc["argocd-notifications-controller"] = notifications.controller(
            binary["argocd"],
            kubeconfig_of(ids.argocd_notifications_controller, "argocd-notifications-controller", settings.argocd_namespace),
            svc["argocd-repo-server"].address,
            workdir,
        )
        svc["external-secrets"] = components.external_secrets(
            binary["external-secrets"],
            kubeconfig_of(ids.external_secrets, "external-secrets"),
            cluster.aws_endpoint,
            settings.aws_region,
            workdir,
        )
        kubeconfig_of(ids.reloader, "reloader")
        if reloader:
            cluster.start_reloader()
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
