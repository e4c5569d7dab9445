"""Load one environment's dist/ and put its objects in the order ArgoCD would sync them.

dist/<env>/<app>/*.yaml holds one folder per ArgoCD Application. ArgoCD syncs an
Application's objects by sync wave (`argocd.argoproj.io/sync-wave`, default 0), then by kind
(namespaces and quota before the workloads that need them), then by name. The Applications
themselves are created by the root app in their own wave order; a folder that no Application
points at (the argocd/ folder, bootstrapped with `kubectl apply`) goes first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from synthesis.object_view import ObjectView

SYNC_WAVE = "argocd.argoproj.io/sync-wave"

# Kind order within one wave, as ArgoCD sorts it (inherited from Helm's install order); kinds
# not listed (custom resources) come after all of these.
KIND_ORDER = [
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
]
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"}


@dataclass(frozen=True)
class Manifest(ObjectView):
    app: str  # the dist/<env>/<app> folder, i.e. the ArgoCD Application it belongs to
    source: Path
    obj: dict[str, Any]

    @property
    def document(self) -> dict[str, Any]:
        return self.obj


def environments(dist_root: Path) -> list[str]:
    if not dist_root.is_dir():
        return []
    return sorted(p.name for p in dist_root.iterdir() if p.is_dir() and not p.name.startswith("."))


def load_env(env_dir: Path) -> list[Manifest]:
    manifests: list[Manifest] = []
    for path in sorted(env_dir.rglob("*")):
        if path.suffix not in {".yaml", ".yml"} or not path.is_file():
            continue
        app = path.relative_to(env_dir).parts[0] if len(path.relative_to(env_dir).parts) > 1 else ""
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc:
                continue
            if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
                raise ValueError(f"{path}: a document that is not a Kubernetes object")
            items = doc.get("items", []) if doc["kind"].endswith("List") and "items" in doc else [doc]
            manifests.extend(Manifest(app, path, item) for item in items)
    return manifests


def sync_wave(obj: dict[str, Any]) -> int:
    raw = (obj.get("metadata", {}).get("annotations") or {}).get(SYNC_WAVE, "0")
    try:
        return int(str(raw).strip())
    except ValueError as exc:
        raise ValueError(f"{obj.get('kind')} {obj.get('metadata', {}).get('name')}: sync wave {raw!r} is not an integer") from exc


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def applications(manifests: list[Manifest]) -> list[Manifest]:
    return [m for m in manifests if m.kind == "Application" and m.obj.get("apiVersion", "").startswith("argoproj.io/")]


def _source_paths(app: dict[str, Any]) -> list[str]:
    spec = app.get("spec", {})
    sources = [spec["source"]] if "source" in spec else list(spec.get("sources", []))
    return [str(s.get("path", "")).rstrip("/") for s in sources if s.get("path")]


def app_of_folder(manifests: list[Manifest]) -> dict[str, dict[str, Any]]:
    """Map each dist/<env>/<app> folder name to the Application object that syncs it."""
    found: dict[str, dict[str, Any]] = {}
    for app in applications(manifests):
        for path in _source_paths(app.obj):
            found[path.rpartition("/")[2]] = app.obj
    return found


def with_default_namespaces(manifests: list[Manifest], is_namespaced: Callable[[dict[str, Any]], bool]) -> list[Manifest]:
    """Fill in metadata.namespace where ArgoCD would.

    ArgoCD puts a namespaced object without metadata.namespace into its Application's
    destination namespace; whether a kind is namespaced comes from the API server's discovery.
    """
    owners = app_of_folder(manifests)
    result = []
    for m in manifests:
        dest = owners.get(m.app, {}).get("spec", {}).get("destination", {}).get("namespace")
        if dest and not m.namespace and is_namespaced(m.obj):
            obj = {**m.obj, "metadata": {**m.obj.get("metadata", {}), "namespace": dest}}
            m = Manifest(m.app, m.source, obj)
        result.append(m)
    return result


def apply_order(manifests: list[Manifest]) -> list[Manifest]:
    owners = app_of_folder(manifests)

    def app_rank(m: Manifest) -> tuple[int, int]:
        owner = owners.get(m.app)
        # (0, 0): bootstrapped by hand before any Application exists.
        return (1, sync_wave(owner)) if owner is not None else (0, 0)

    return sorted(
        manifests,
        key=lambda m: (app_rank(m), m.app, sync_wave(m.obj), _kind_rank(m.kind), m.namespace, m.name),
    )


def declared_namespaces(manifests: list[Manifest]) -> set[str]:
    return {m.name for m in manifests if m.kind == "Namespace"}


def pod_template(m: Manifest) -> dict[str, Any]:
    """The pod template of a workload (CronJob nests it one level deeper)."""
    spec = m.obj.get("spec", {})
    if m.kind == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    template: dict[str, Any] = spec.get("template") or {}
    return template


def workloads(manifests: list[Manifest]) -> list[Manifest]:
    return [m for m in manifests if m.kind in WORKLOAD_KINDS]


def pod_for(m: Manifest) -> dict[str, Any]:
    """The Pod the workload's controller would create, to put through admission.

    A StatefulSet's controller adds one PersistentVolumeClaim volume per volumeClaimTemplate;
    without them the template's volumeMounts would point at volumes that do not exist.
    """
    template = pod_template(m)
    meta = template.get("metadata") or {}
    spec = dict(template.get("spec") or {})
    if m.kind == "StatefulSet":
        claims = [
            {
                "name": t["metadata"]["name"],
                "persistentVolumeClaim": {"claimName": f"{t['metadata']['name']}-{m.name}-0"},
            }
            for t in m.obj.get("spec", {}).get("volumeClaimTemplates") or []
        ]
        spec["volumes"] = [*(spec.get("volumes") or []), *claims]
    pod_meta: dict[str, Any] = {"generateName": f"{m.name}-", "namespace": m.namespace}
    for key in ("labels", "annotations"):
        if meta.get(key):
            pod_meta[key] = meta[key]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": spec}
