"""The harness's own logic, without an API server: ordering, RBAC expectations, hooks, upgrade diffs."""

from __future__ import annotations

from pathlib import Path

from cluster.build import PROMTOOL, kubernetes_go_mod, prometheus_module_version, staging_modules, staging_version
from cluster.client import parse_warning
from cluster.dist_objects import apply_order, pod_for, sync_wave
from cluster.rbac import Request, ScopedRule, Subject, expected, granted_rules, must_deny
from cluster.sync import recreated_on_sync
from cluster.upgrade import changed_paths
from manifests import Manifest


def _m(app: str, kind: str, name: str, ns: str = "", wave: int | None = None, **extra: object) -> Manifest:
    meta: dict[str, object] = {"name": name}
    if ns:
        meta["namespace"] = ns
    if wave is not None:
        meta["annotations"] = {"argocd.argoproj.io/sync-wave": str(wave)}
    return Manifest({"apiVersion": "v1", "kind": kind, "metadata": meta, **extra}, Path(f"{app}/x.yaml"), app=app)


def _application(name: str, path: str, wave: int) -> Manifest:
    obj = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": name, "namespace": "argocd", "annotations": {"argocd.argoproj.io/sync-wave": str(wave)}},
        "spec": {"source": {"path": path}, "destination": {"namespace": "backend"}},
    }
    return Manifest(obj, Path("argocd/apps.yaml"), app="argocd")


def test_warning_header_text_is_unescaped() -> None:
    assert parse_warning('299 - "would violate PodSecurity \\"restricted:latest\\": runAsNonRoot != true"') == (
        'would violate PodSecurity "restricted:latest": runAsNonRoot != true'
    )


def test_apply_order_follows_application_waves_then_object_waves_then_kinds() -> None:
    manifests = [
        _m("backend", "Deployment", "api", "backend"),
        _m("backend", "ServiceAccount", "api", "backend"),
        _m("backend", "ConfigMap", "early", "backend", wave=-1),
        _m("platform", "Namespace", "backend", wave=5),
        _application("backend", "dist/staging/backend", 1),
        _application("platform", "dist/staging/platform", -1),
    ]
    order = [(m.app, m.kind, m.name) for m in apply_order(manifests)]
    assert order == [
        ("argocd", "Application", "platform"),
        ("argocd", "Application", "backend"),
        ("platform", "Namespace", "backend"),
        ("backend", "ConfigMap", "early"),
        ("backend", "ServiceAccount", "api"),
        ("backend", "Deployment", "api"),
    ]
    assert sync_wave({"metadata": {}}) == 0


def test_statefulset_pod_gets_its_claim_volumes() -> None:
    sts = _m(
        "backend",
        "StatefulSet",
        "db",
        "backend",
        apiVersion="apps/v1",
        spec={
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [], "volumes": [{"name": "tmp", "emptyDir": {}}]},
            },
            "volumeClaimTemplates": [{"metadata": {"name": "data"}}],
        },
    )
    pod = pod_for(sts)
    assert pod["metadata"] == {"generateName": "db-", "namespace": "backend", "labels": {"a": "b"}}
    assert pod["spec"]["volumes"] == [
        {"name": "tmp", "emptyDir": {}},
        {"name": "data", "persistentVolumeClaim": {"claimName": "data-db-0"}},
    ]


def test_rbac_expectation_follows_resource_names_and_flags_wide_roles() -> None:
    subject = Subject("backend", "api")
    role = _m(
        "backend",
        "Role",
        "api",
        "backend",
        rules=[
            {"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["db"], "verbs": ["get"]},
        ],
    )
    binding = _m(
        "backend",
        "RoleBinding",
        "api",
        "backend",
        roleRef={"kind": "Role", "name": "api"},
        subjects=[{"kind": "ServiceAccount", "name": "api", "namespace": "backend"}],
    )
    rules = granted_rules([role, binding], subject)
    assert expected(rules, Request("backend", "get", "secrets", name="db"))
    assert not expected(rules, Request("backend", "get", "secrets", name="other"))
    assert not expected(rules, Request("backend", "list", "secrets"))
    assert not expected(rules, Request("frontend", "get", "secrets", name="db"))
    assert granted_rules([role, binding], Subject("backend", "other")) == []

    wide = [ScopedRule("backend", {"apiGroups": [""], "resources": ["secrets"], "verbs": ["*"]})]
    flagged = [req for req in must_deny(subject, ["db"]) if expected(wide, req)]
    assert Request("backend", "list", "secrets") in flagged
    assert Request("backend", "delete", "secrets", name="db") in flagged


def _hook(**annotations: str) -> Manifest:
    return Manifest({"kind": "Job", "metadata": {"name": "m", "annotations": annotations}}, Path("backend/x.yaml"))


def test_argocd_hooks_recreated_on_every_sync_are_the_before_hook_creation_ones() -> None:
    hook, policy = "argocd.argoproj.io/hook", "argocd.argoproj.io/hook-delete-policy"
    assert recreated_on_sync(_hook(**{hook: "Sync", policy: "BeforeHookCreation"}))
    assert recreated_on_sync(_hook(**{hook: "PreSync"}))  # Argo CD's default policy
    assert recreated_on_sync(_hook(**{hook: "Sync", policy: "HookSucceeded, BeforeHookCreation"}))
    assert not recreated_on_sync(_hook(**{hook: "Sync", policy: "HookSucceeded"}))
    assert not recreated_on_sync(_hook(**{"argocd.argoproj.io/sync-wave": "1"}))


def test_upgrade_diff_names_the_changed_leaves_and_ignores_metadata() -> None:
    old = {
        "metadata": {"labels": {"v": "1"}},
        "spec": {"selector": {"matchLabels": {"app": "a"}}, "claims": [{"size": "1Gi"}, {"size": "2Gi"}], "ports": [1]},
    }
    new = {
        "metadata": {"labels": {"v": "2"}},
        "spec": {"selector": {"matchLabels": {"app": "b"}}, "claims": [{"size": "1Gi"}, {"size": "3Gi"}], "ports": [1, 2]},
    }
    assert changed_paths(old, new) == ["spec.claims[1].size", "spec.ports", "spec.selector.matchLabels.app"]
    assert changed_paths(old, old) == []


def test_build_module_replaces_every_staging_module() -> None:
    gomod = "replace (\n\tk8s.io/api => ./staging/src/k8s.io/api\n\tk8s.io/client-go => ./staging/src/k8s.io/client-go\n)\n"
    staging = staging_modules(gomod)
    assert staging == ["k8s.io/api", "k8s.io/client-go"]
    assert staging_version("v1.35.4") == "v0.35.4"
    generated = kubernetes_go_mod("v1.35.4", staging)
    assert "require k8s.io/kubernetes v1.35.4" in generated
    assert "\tk8s.io/client-go => k8s.io/client-go v0.35.4" in generated


def test_promtool_builds_from_the_prometheus_module_of_its_release() -> None:
    assert prometheus_module_version("v3.16.0") == "v0.316.0"
    assert prometheus_module_version("v3.5.2") == "v0.305.2"
    assert PROMTOOL.binary.parent.name == f"promtool-{PROMTOOL.version}"
