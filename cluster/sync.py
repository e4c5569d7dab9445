"""Apply an environment's objects to the test API server the way an ArgoCD sync would.

Every object is server-side applied in sync order; each result keeps the API server's exact
error message and warning headers so the tests can show them verbatim. Applying continues past
a failed object, so one run reports every problem at once.

No controller-manager runs next to the test API server, so the few controller duties that
admission depends on are done here explicitly (the `emulate_*` functions).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cluster.client import ApiError, Client, identity
from cluster.dist_objects import apply_order, declared_namespaces, with_default_namespaces
from manifests import YAML_LOADER, Manifest

CRD_KIND = "CustomResourceDefinition"
HOOK = "argocd.argoproj.io/hook"
HOOK_DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy"


@dataclass
class ObjectResult:
    manifest: Manifest
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def what(self) -> str:
        return f"{self.manifest.app}/{self.manifest.path.name}: {identity(self.manifest.body)}"


@dataclass
class SyncReport:
    manifests: list[Manifest]
    results: list[ObjectResult]
    prerequisites: list[str]

    def errors(self) -> list[str]:
        return [f"{r.what}: {r.error}" for r in self.results if r.error]

    def warnings(self) -> list[str]:
        return [f"{r.what}: warning: {w}" for r in self.results for w in r.warnings]


def load_crds(crd_dir: Path) -> list[dict[str, Any]]:
    crds: list[dict[str, Any]] = []
    for path in sorted(crd_dir.glob("*.yaml")):
        crds.extend(doc for doc in yaml.load_all(path.read_text(), Loader=YAML_LOADER) if doc and doc.get("kind") == CRD_KIND)
    if not crds:
        raise FileNotFoundError(f"no CustomResourceDefinition in {crd_dir}")
    return crds


def install_crds(client: Client, crd_dir: Path) -> list[str]:
    """Apply the pinned CRDs and wait until their APIs are served."""
    crds = load_crds(crd_dir)
    for crd in crds:
        client.apply(crd)
    names = [crd["metadata"]["name"] for crd in crds]
    client.wait_established(names)
    return names


def resolve_namespaces(client: Client, manifests: list[Manifest]) -> list[Manifest]:
    return with_default_namespaces(manifests, lambda obj: client.resource(obj["apiVersion"], obj["kind"]).namespaced)


def prerequisite_namespaces(manifests: list[Manifest]) -> list[str]:
    """Namespaces the ArgoCD objects live in but dist/ does not create.

    That is ArgoCD's own namespace, which exists before anything in dist/ can be synced
    because ArgoCD's installation creates it. Any other missing namespace is a dist/ defect
    and is left to fail the apply.
    """
    argocd_namespaces = {
        m.namespace for m in manifests if m.body.get("apiVersion", "").startswith("argoproj.io/") and m.namespace
    }
    return sorted(argocd_namespaces - declared_namespaces(manifests))


def emulate_quota_controller(client: Client, quota: dict[str, Any]) -> None:
    """Publish a ResourceQuota's status as kube-controller-manager's quota controller would.

    Quota admission refuses every object a quota covers while the quota's status is unknown
    (`status unknown for quota`). The controller would set status.hard from spec.hard and the
    current usage; nothing in a fresh namespace is counted yet, so usage is zero except what
    admission itself has already recorded.
    """
    live = client.read(quota)
    if not live.ok:
        raise ApiError(f"read {identity(quota)}", live)
    obj = live.body
    hard = dict(obj.get("spec", {}).get("hard", {}))
    used = dict(obj.get("status", {}).get("used", {}))
    obj["status"] = {"hard": hard, "used": {key: used.get(key, "0") for key in hard}}
    client.update_status(obj)


def emulate_serviceaccounts_controller(client: Client, namespace: str) -> None:
    """Create a namespace's `default` ServiceAccount as kube-controller-manager would.

    The ServiceAccount admission plugin rejects a pod whose ServiceAccount does not exist, and
    every real namespace has `default`; without this a pod template that (wrongly or not) uses
    it would fail here for a reason no real cluster has.
    """
    sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": namespace}}
    resp = client.request("POST", f"/api/v1/namespaces/{namespace}/serviceaccounts", sa)
    if not resp.ok and resp.status != 409:  # 409: it exists already
        raise ApiError(f"create {identity(sa)}", resp)


def sync(client: Client, manifests: list[Manifest]) -> SyncReport:
    manifests = resolve_namespaces(client, manifests)
    prerequisites = prerequisite_namespaces(manifests)
    for ns in prerequisites:
        client.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        emulate_serviceaccounts_controller(client, ns)
    results = [_apply_one(client, manifest) for manifest in apply_order(manifests)]
    # A changed ValidatingAdmissionPolicy takes effect once the API server's policy cache has
    # caught up (about a second); an object applied right after it in the same sync can meet the
    # old policy. ArgoCD retries a failed sync (the Applications' retry policy); so does this,
    # for such refusals only, a few times within seconds. A real violation still fails.
    for _attempt in range(POLICY_RETRIES):
        refused = [i for i, r in enumerate(results) if r.error and POLICY_REFUSAL in r.error]
        if not refused:
            break
        time.sleep(POLICY_RETRY_DELAY_S)
        for i in refused:
            results[i] = _apply_one(client, results[i].manifest)
    return SyncReport(manifests, results, prerequisites)


POLICY_REFUSAL = "ValidatingAdmissionPolicy"
POLICY_RETRIES = 5
POLICY_RETRY_DELAY_S = 1.0


def recreated_on_sync(manifest: Manifest) -> bool:
    """An Argo CD hook that each sync deletes and creates afresh instead of updating.

    BeforeHookCreation (Argo CD's default when no policy is given) deletes the previous run's
    object first, so a changed hook (a migration Job with a new image) never meets the
    immutability of its old self; applying it over the old one here would report a refusal
    that Argo CD never hits.
    """
    annotations = manifest.body.get("metadata", {}).get("annotations") or {}
    if HOOK not in annotations:
        return False
    policies = {p.strip() for p in str(annotations.get(HOOK_DELETE_POLICY, "")).split(",") if p.strip()}
    return not policies or "BeforeHookCreation" in policies


def _delete(client: Client, obj: dict[str, Any]) -> None:
    # Background: the object goes at once; foreground deletion would wait for the garbage
    # collector of kube-controller-manager, which does not run next to the test API server.
    resp = client.request("DELETE", client.path_for(obj), query={"propagationPolicy": "Background"})
    if not resp.ok and resp.status != 404:  # 404: there was no earlier run
        raise ApiError(f"delete {identity(obj)}", resp)


def _apply_one(client: Client, manifest: Manifest) -> ObjectResult:
    result = ObjectResult(manifest)
    try:
        if recreated_on_sync(manifest):
            _delete(client, manifest.body)
        result.warnings = client.apply(manifest.body).warnings
        if manifest.body.get("apiVersion") == "v1" and manifest.kind == "ResourceQuota":
            emulate_quota_controller(client, manifest.body)
        if manifest.body.get("apiVersion") == "v1" and manifest.kind == "Namespace":
            emulate_serviceaccounts_controller(client, manifest.name)
    except ApiError as exc:
        result.error = exc.response.message
        result.warnings = exc.response.warnings
    except LookupError as exc:  # a kind this API server does not serve
        result.error = str(exc)
    return result
