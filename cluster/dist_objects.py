"""Put one environment's dist/ in the order ArgoCD would sync it.

dist/<env>/<app>/*.yaml holds one folder per ArgoCD Application. ArgoCD syncs an
Application's objects by sync wave (`argocd.argoproj.io/sync-wave`, default 0), then by kind
(namespaces and quota before the workloads that need them), then by name. The Applications
themselves are created by the root app in their own wave order; a folder that no Application
points at (the argocd/ folder, bootstrapped with `kubectl apply`) goes first. Reading the files
is the shared loader's job (manifests.load_env).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from manifests import Manifest, pod_template

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


def sync_wave(obj: dict[str, Any]) -> int:
    raw = (obj.get("metadata", {}).get("annotations") or {}).get(SYNC_WAVE, "0")
    try:
        return int(str(raw).strip())
    except ValueError as exc:
        raise ValueError(f"{obj.get('kind')} {obj.get('metadata', {}).get('name')}: sync wave {raw!r} is not an integer") from exc


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def applications(manifests: list[Manifest]) -> list[Manifest]:
    return [m for m in manifests if m.kind == "Application" and m.body.get("apiVersion", "").startswith("argoproj.io/")]


def _source_paths(app: dict[str, Any]) -> list[str]:
    spec = app.get("spec", {})
    sources = [spec["source"]] if "source" in spec else list(spec.get("sources", []))
    return [str(s.get("path", "")).rstrip("/") for s in sources if s.get("path")]


def app_of_folder(manifests: list[Manifest]) -> dict[str, dict[str, Any]]:
    """Map each dist/<env>/<app> folder name to the Application object that syncs it."""
    found: dict[str, dict[str, Any]] = {}
    for app in applications(manifests):
        for path in _source_paths(app.body):
            found[path.rpartition("/")[2]] = app.body
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
        if dest and not m.namespace and is_namespaced(m.body):
            obj = {**m.body, "metadata": {**m.body.get("metadata", {}), "namespace": dest}}
            m = replace(m, body=obj)
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
        key=lambda m: (app_rank(m), m.app, sync_wave(m.body), _kind_rank(m.kind), m.namespace, m.name),
    )


def declared_namespaces(manifests: list[Manifest]) -> set[str]:
    return {m.name for m in manifests if m.kind == "Namespace"}


def pod_for(m: Manifest) -> dict[str, Any]:
    """The Pod the workload's controller would create, to put through admission.

    A StatefulSet's controller adds one PersistentVolumeClaim volume per volumeClaimTemplate;
    without them the template's volumeMounts would point at volumes that do not exist.
    """
    template = pod_template(m)
    if template is None:
        raise ValueError(f"{m.path}: {m.ref} creates no pods")
    meta = template.metadata
    spec = dict(template.spec)
    if m.kind == "StatefulSet":
        claims = [
            {
                "name": t["metadata"]["name"],
                "persistentVolumeClaim": {"claimName": f"{t['metadata']['name']}-{m.name}-0"},
            }
            for t in m.body.get("spec", {}).get("volumeClaimTemplates") or []
        ]
        spec["volumes"] = [*(spec.get("volumes") or []), *claims]
    pod_meta: dict[str, Any] = {"generateName": f"{m.name}-", "namespace": m.namespace}
    for key in ("labels", "annotations"):
        if meta.get(key):
            pod_meta[key] = meta[key]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": spec}
