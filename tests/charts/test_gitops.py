"""What ArgoCD reads from dist/<env>: complete, ordered, and allowed by its AppProject."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from charts import names
from config.loader import REPO_ROOT, available_environments, load_environment
from config.quantities import cpu_millicores, memory_bytes

DIST = REPO_ROOT / "dist"
WAVE = "argocd.argoproj.io/sync-wave"


def load(env: str) -> dict[str, list[dict[str, Any]]]:
    apps = {}
    for folder in sorted((DIST / env).iterdir()):
        apps[folder.name] = [yaml.safe_load(p.read_text()) for p in sorted(folder.glob("*.yaml"))]
    return apps


@pytest.fixture(scope="module", params=available_environments())
def env_dist(request):
    return request.param, load(request.param)


def all_objects(apps):
    return [o for docs in apps.values() for o in docs]


def of_kind(apps, kind):
    return [o for o in all_objects(apps) if o["kind"] == kind]


def wave(obj) -> int:
    return int(obj["metadata"].get("annotations", {}).get(WAVE, "0"))


def test_each_application_path_exists_and_holds_manifests(env_dist):
    env, apps = env_dist
    applications = [o for o in apps["argocd"] if o["kind"] == "Application"]
    assert {a["spec"]["source"]["path"] for a in applications} == {f"dist/{env}/{app}" for app in apps}
    for application in applications:
        path = REPO_ROOT / application["spec"]["source"]["path"]
        assert path.is_dir() and list(path.glob("*.yaml")), path


def test_applications_sync_policy(env_dist):
    env, apps = env_dist
    config = load_environment(env)
    for application in of_kind(apps, "Application"):
        spec = application["spec"]
        assert spec["source"]["repoURL"] == config.gitops.repo_url
        assert spec["source"]["targetRevision"] == config.gitops.branch
        assert spec["syncPolicy"]["automated"] == {"allowEmpty": False, "prune": True, "selfHeal": True}
        assert "CreateNamespace=true" not in spec["syncPolicy"].get("syncOptions", [])
        assert spec["syncPolicy"]["retry"]["backoff"]
        assert "resources-finalizer.argocd.argoproj.io/foreground" in application["metadata"]["finalizers"]


def test_staging_tracks_the_staging_branch():
    for application in of_kind(load("staging"), "Application"):
        assert application["spec"]["source"]["targetRevision"] == "staging"


def test_destination_namespaces_are_created_by_the_platform_app(env_dist):
    env, apps = env_dist
    created = {o["metadata"]["name"] for o in apps["platform"] if o["kind"] == "Namespace"}
    argocd_ns = load_environment(env).gitops.argocd_namespace
    for application in of_kind(apps, "Application"):
        namespace = application["spec"]["destination"]["namespace"]
        if application["spec"]["source"]["path"].endswith("/argocd"):
            assert namespace == argocd_ns  # ArgoCD's own namespace exists before bootstrap
        else:
            assert namespace in created
    for obj in all_objects(apps):
        ns = obj["metadata"].get("namespace")
        assert ns is None or ns in created or ns == argocd_ns, obj["metadata"]


def test_every_kind_is_allowed_by_the_app_project(env_dist):
    _, apps = env_dist
    (project,) = of_kind(apps, "AppProject")
    spec = project["spec"]
    cluster = {(r["group"], r["kind"]) for r in spec["clusterResourceWhitelist"]}
    namespaced = {(r["group"], r["kind"]) for r in spec["namespaceResourceWhitelist"]}
    seen_cluster, seen_namespaced = set(), set()
    for obj in all_objects(apps):
        key = (obj["apiVersion"].rpartition("/")[0], obj["kind"])
        (seen_namespaced if obj["metadata"].get("namespace") else seen_cluster).add(key)
    assert seen_cluster <= cluster
    assert seen_namespaced <= namespaced
    assert cluster == {
        ("", "Namespace"),
        ("external-secrets.io", "ClusterSecretStore"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    }
    assert namespaced == seen_namespaced, "the project allows kinds that dist/ does not contain"
    assert spec["orphanedResources"] == {"warn": True}
    assert len(spec["sourceRepos"]) == 1


def test_every_external_secret_store_exists(env_dist):
    _, apps = env_dist
    stores = {o["metadata"]["name"] for o in of_kind(apps, "ClusterSecretStore")}
    for external_secret in of_kind(apps, "ExternalSecret"):
        ref = external_secret["spec"]["secretStoreRef"]
        assert ref["kind"] == "ClusterSecretStore" and ref["name"] in stores
        store = next(o for o in of_kind(apps, "ClusterSecretStore") if o["metadata"]["name"] == ref["name"])
        assert external_secret["metadata"]["namespace"] in store["spec"]["conditions"][0]["namespaces"]


def test_sync_waves_order_namespaces_store_secrets_workloads(env_dist):
    _, apps = env_dist
    namespaces = max(wave(o) for o in of_kind(apps, "Namespace"))
    store = [wave(o) for o in of_kind(apps, "ClusterSecretStore")]
    secrets = [wave(o) for o in of_kind(apps, "ExternalSecret")]
    workloads = [wave(o) for o in of_kind(apps, "Deployment") + of_kind(apps, "StatefulSet")]
    assert namespaces < min(store) and max(store) < min(secrets) and max(secrets) < min(workloads)
    app_waves = {a["spec"]["source"]["path"].rsplit("/", 1)[1]: wave(a) for a in of_kind(apps, "Application")}
    assert app_waves["argocd"] < app_waves["platform"] < app_waves["backend"] < app_waves["frontend"]


def test_namespaces_enforce_restricted_pod_security(env_dist):
    env, apps = env_dist
    version = load_environment(env).cluster.pod_security_version
    for namespace in of_kind(apps, "Namespace"):
        labels = namespace["metadata"]["labels"]
        for mode in ("enforce", "audit", "warn"):
            assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
            assert labels[f"pod-security.kubernetes.io/{mode}-version"] == version


def test_default_deny_with_dns_in_every_workload_namespace(env_dist):
    _, apps = env_dist
    for namespace in names.WORKLOAD_NAMESPACES:
        policies = {
            o["metadata"]["name"]: o
            for o in apps["platform"]
            if o["kind"] == "NetworkPolicy" and o["metadata"]["namespace"] == namespace
        }
        deny = policies["default-deny"]["spec"]
        assert deny["podSelector"] == {} and deny["policyTypes"] == ["Ingress", "Egress"] and "ingress" not in deny
        dns = policies["allow-dns-egress"]["spec"]["egress"][0]
        assert {(p["protocol"], p["port"]) for p in dns["ports"]} == {("UDP", 53), ("TCP", 53)}


def _workload_budget(apps, namespace):
    """Worst case during a rolling update at the autoscaler's maximum: (cpu m, memory B, pods)."""
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h["spec"]["maxReplicas"] for h in of_kind(apps, "HorizontalPodAutoscaler")}
    cpu = memory = pods = 0
    for workload in of_kind(apps, "Deployment") + of_kind(apps, "StatefulSet"):
        if workload["metadata"]["namespace"] != namespace:
            continue
        replicas = hpas.get(workload["metadata"]["name"], workload["spec"].get("replicas", 1))
        surge = workload["spec"].get("strategy", {}).get("rollingUpdate", {}).get("maxSurge", 0)
        count = replicas + surge
        for c in workload["spec"]["template"]["spec"]["containers"]:
            cpu += cpu_millicores(c["resources"]["limits"]["cpu"]) * count
            memory += memory_bytes(c["resources"]["limits"]["memory"]) * count
        pods += count
    return cpu, memory, pods


def test_quota_fits_the_workloads(env_dist):
    _, apps = env_dist
    for quota in of_kind(apps, "ResourceQuota"):
        hard = quota["spec"]["hard"]
        cpu, memory, pods = _workload_budget(apps, quota["metadata"]["namespace"])
        assert cpu <= cpu_millicores(hard["limits.cpu"]), quota["metadata"]
        assert memory <= memory_bytes(hard["limits.memory"]), quota["metadata"]
        assert pods <= int(hard["pods"])


def test_bootstrap_selector_creates_only_the_project_and_the_root_app(env_dist):
    """`kubectl apply -f dist/<env>/argocd/ -l flask-platform.io/bootstrap=true` (docs/operations.md).

    Any child Application in that selection would be created by hand, all at once, and the
    root app's waves (platform -> backend -> frontend) would never order them.
    """
    env, apps = env_dist
    selected = [o for o in apps["argocd"] if o["metadata"].get("labels", {}).get("flask-platform.io/bootstrap") == "true"]
    assert sorted((o["kind"], o["metadata"]["name"]) for o in selected) == [
        ("AppProject", f"flask-platform-{env}"),
        ("Application", f"{env}-root"),
    ]
    root = next(o for o in selected if o["kind"] == "Application")
    assert root["spec"]["source"]["path"] == f"dist/{env}/argocd", "the root app must create the others"
    docs = (REPO_ROOT / "docs" / "operations.md").read_text() + (REPO_ROOT / "README.md").read_text()
    assert "kubectl apply -f dist/staging/argocd/\n" not in docs, "a bootstrap command without the selector"
    assert "-l flask-platform.io/bootstrap=true" in docs


def _secret_keys_written(es) -> set[str]:
    """The keys ESO writes into the target Secret of an ExternalSecret (v1 semantics)."""
    fetched = {d["secretKey"] for d in es["spec"].get("data") or []}
    template = es["spec"]["target"].get("template")
    if not template:
        return fetched
    templated = set(template.get("data") or {})
    return templated if template.get("mergePolicy", "Replace") == "Replace" else fetched | templated


def _keys_read_by_pods(apps) -> dict[tuple[str, str], set[str]]:
    read: dict[tuple[str, str], set[str]] = {}
    for obj in all_objects(apps):
        template = (obj.get("spec") or {}).get("template") or ((obj.get("spec") or {}).get("jobTemplate") or {}).get(
            "spec", {}
        ).get("template")
        if obj["kind"] not in {"Deployment", "StatefulSet", "Job", "CronJob"} or not template:
            continue
        ns, spec = obj["metadata"]["namespace"], template["spec"]
        for volume in spec.get("volumes") or []:
            if "secret" in volume:
                read.setdefault((ns, volume["secret"]["secretName"]), set()).update(i["key"] for i in volume["secret"]["items"])
        for container in (spec.get("initContainers") or []) + spec["containers"]:
            for env_var in container.get("env") or []:
                ref = (env_var.get("valueFrom") or {}).get("secretKeyRef")
                if ref:
                    read.setdefault((ns, ref["name"]), set()).add(ref["key"])
    return read


def test_each_external_secret_writes_exactly_the_keys_its_pods_read(env_dist):
    """No key in a Secret that no pod reads (a bare password beside the URL that embeds it)."""
    _env, apps = env_dist
    read = _keys_read_by_pods(apps)
    for es in of_kind(apps, "ExternalSecret"):
        target = (es["metadata"]["namespace"], es["spec"]["target"]["name"])
        assert _secret_keys_written(es) == read.get(target, set()), target
