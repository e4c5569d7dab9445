"""The steps and checks every environment's end-to-end scenario shares: bootstrap, wait, steady state.

Bootstrap exactly as docs/operations.md says (`ops bootstrap`, then `kubectl apply -f
dist/<env>/argocd/ -l flask-platform.io/bootstrap=true`), then every check is on live objects
of the deployed environment.
"""

from __future__ import annotations

import time

import yaml

from e2e.kube import condition, wait_for
from e2e.observe import (
    app_states,
    application_step,
    created_step,
    mounted_secret_keys,
    out_of_order,
    ready_step,
    secret_keys,
)
from tests.e2e.conftest import Deployed

SETTLE_TIMEOUT_S = 300.0
DAY_TWO_TIMEOUT_S = 180.0


def argocd_ns(d: Deployed) -> str:
    return d.env.gitops.argocd_namespace


def apps(d: Deployed):
    return app_states(d.kube, argocd_ns(d))


def app_folders(env: str) -> dict[str, str]:
    return {f"{env}-root": "argocd", f"{env}-platform": "platform", f"{env}-backend": "backend", f"{env}-frontend": "frontend"}


def deploys(d: Deployed, state, revision: str) -> bool:
    """The app runs what `revision` holds for its folder.

    Argo CD keeps an app at the last revision that changed its own folder, so the revision of
    an app whose folder a commit did not touch stays behind the branch head.
    """
    if not state.revision:
        return False
    if state.revision == revision:
        return True
    folder = f"dist/{d.name}/{app_folders(d.name)[state.name]}"
    return d.repo.same_tree(state.revision, revision, folder)


def all_settled(d: Deployed, revision: str | None = None):
    states = apps(d)
    if set(states) != set(app_folders(d.name)):
        return None
    if all(s.settled and (revision is None or deploys(d, s, revision)) for s in states.values()):
        return states
    return None


def wait_settled(d: Deployed, what: str, revision: str | None = None, timeout_s: float = DAY_TWO_TIMEOUT_S):
    try:
        return wait_for(what, lambda: all_settled(d, revision), timeout_s, interval_s=2.0)
    except TimeoutError as error:
        states = "\n".join(f"  {s}" for s in apps(d).values())
        raise AssertionError(f"{error}\nApplications:\n{states}") from None


def deployment(d: Deployed, namespace: str, name: str) -> dict:
    obj = d.kube.get_object(f"/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
    assert obj is not None, f"Deployment {namespace}/{name} missing"
    return obj


def dist_objects(d: Deployed, app: str, kind: str) -> list[dict]:
    docs = []
    for path in sorted(d.repo.dist(d.name).joinpath(app).glob(f"{kind.lower()}_*.yaml")):
        docs += [doc for doc in yaml.safe_load_all(path.read_text()) if doc and doc.get("kind") == kind]
    return docs


def bootstrap(d: Deployed) -> Deployed:
    """docs/operations.md: the secrets into Secrets Manager, then the bootstrap objects, then wait."""
    boot = d.ops("bootstrap", d.name, "--endpoint-url", d.cluster.aws_endpoint)
    assert boot.returncode == 0, boot.stdout + boot.stderr
    started = time.monotonic()
    # docs/operations.md, step 3, verbatim.
    applied = d.kubectl_run("apply", "-f", f"dist/{d.name}/argocd/", "-l", "flask-platform.io/bootstrap=true")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    wait_settled(d, "every Application Synced and Healthy", revision=d.repo.head(), timeout_s=SETTLE_TIMEOUT_S)
    d.timeline["kubectl apply to all Synced+Healthy"] = time.monotonic() - started
    print(f"\n{d.name} timeline: {', '.join(f'{k} {v:.0f}s' for k, v in d.timeline.items())}")
    return d


# -- the steady state after bootstrap -------------------------------------------------------


def check_every_application_synced_and_healthy(d: Deployed) -> None:
    states = apps(d)
    assert all(s.settled for s in states.values()), states
    assert all(deploys(d, s, d.repo.head()) for s in states.values()), states


def _autoscaler_bounds(d: Deployed, app: str, namespace: str, name: str) -> tuple[int, int] | None:
    for hpa in dist_objects(d, app, "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        if hpa["metadata"]["namespace"] == namespace and (target["kind"], target["name"]) == ("Deployment", name):
            return int(hpa["spec"].get("minReplicas", 1)), int(hpa["spec"]["maxReplicas"])
    return None


def check_workloads_available_on_kwok_nodes(d: Deployed) -> None:
    nodes = {n["metadata"]["name"] for n in d.kube.items("/api/v1/nodes", label_selector="type=kwok")}
    for app in ("backend", "frontend"):
        for kind, plural in (("Deployment", "deployments"), ("StatefulSet", "statefulsets")):
            for rendered in dist_objects(d, app, kind):
                meta = rendered["metadata"]
                live = d.kube.get_object(f"/apis/apps/v1/namespaces/{meta['namespace']}/{plural}/{meta['name']}")
                assert live is not None, f"{kind} {meta['name']} not created"
                bounds = _autoscaler_bounds(d, app, meta["namespace"], meta["name"]) if kind == "Deployment" else None
                if bounds:
                    # The autoscaler owns the count (dist/ renders none): within its bounds.
                    want = int(live["spec"]["replicas"])
                    assert bounds[0] <= want <= bounds[1], f"{kind} {meta['name']}: {want} replicas outside {bounds}"
                else:
                    want = int(rendered["spec"].get("replicas", 1))
                field = "availableReplicas" if kind == "Deployment" else "readyReplicas"
                assert int((live.get("status") or {}).get(field) or 0) == want, f"{kind} {meta['name']}: {live.get('status')}"
                selector = ",".join(f"{k}={v}" for k, v in rendered["spec"]["selector"]["matchLabels"].items())
                pods = d.kube.items(f"/api/v1/namespaces/{meta['namespace']}/pods", label_selector=selector)
                running = [p for p in pods if (p.get("status") or {}).get("phase") == "Running"]
                assert len(running) == want, f"{kind} {meta['name']}: {len(running)} running pods, want {want}"
                assert {p["spec"]["nodeName"] for p in running} <= nodes


def check_external_secrets_ready_with_exactly_the_mounted_keys(d: Deployed) -> None:
    store = dist_objects(d, "platform", "ClusterSecretStore")[0]
    live_store = d.kube.get_object(f"/apis/external-secrets.io/v1/clustersecretstores/{store['metadata']['name']}")
    assert condition(live_store, "Ready").get("status") == "True", live_store.get("status")

    mounted: dict[tuple[str, str], set[str]] = {}
    for app in ("backend", "frontend"):
        for kind in ("Deployment", "StatefulSet", "Job", "CronJob"):
            for workload in dist_objects(d, app, kind):
                template = (
                    workload["spec"]["jobTemplate"]["spec"]["template"] if kind == "CronJob" else workload["spec"]["template"]
                )
                for secret, keys in mounted_secret_keys(template["spec"]).items():
                    mounted.setdefault((workload["metadata"]["namespace"], secret), set()).update(keys)

    external_secrets = dist_objects(d, "backend", "ExternalSecret")
    assert external_secrets
    for es in external_secrets:
        ns, name = es["metadata"]["namespace"], es["metadata"]["name"]
        live = d.kube.get_object(f"/apis/external-secrets.io/v1/namespaces/{ns}/externalsecrets/{name}")
        assert condition(live, "Ready").get("status") == "True", f"ExternalSecret {name}: {live.get('status')}"
        target = es["spec"]["target"]["name"]
        secret = d.kube.get_object(f"/api/v1/namespaces/{ns}/secrets/{target}")
        assert secret is not None, f"Secret {target} not created"
        assert (ns, target) in mounted, f"Secret {target} is mounted by no pod"
        assert secret_keys(secret) == mounted[(ns, target)], (
            f"Secret {target}: holds {sorted(secret_keys(secret))}, pods mount {sorted(mounted[(ns, target)])}"
        )


def check_app_of_apps_waits_wave_by_wave(d: Deployed) -> None:
    """platform -> backend -> frontend: each child Application is created only once the previous one is Healthy.

    Without the Application health check of install/argocd-cm-patch.yaml, Argo CD creates all
    three in one go (an Application is Healthy the moment it exists).
    """
    ns = argocd_ns(d)
    live = {a["metadata"]["name"]: a for a in d.kube.items(f"/apis/argoproj.io/v1alpha1/namespaces/{ns}/applications")}
    steps = [application_step(live[f"{d.name}-{app}"]) for app in ("platform", "backend", "frontend")]
    assert not out_of_order(steps), out_of_order(steps)


def check_store_then_external_secrets_then_workloads(d: Deployed) -> None:
    store_name = dist_objects(d, "platform", "ClusterSecretStore")[0]["metadata"]["name"]
    store = d.kube.get_object(f"/apis/external-secrets.io/v1/clustersecretstores/{store_name}")
    secrets = [
        d.kube.get_object(f"/apis/external-secrets.io/v1/namespaces/backend/externalsecrets/{es['metadata']['name']}")
        for es in dist_objects(d, "backend", "ExternalSecret")
    ]
    # The database StatefulSet where the environment renders one (not with an external database).
    workloads = [deployment(d, "backend", "flask-app")] + [
        d.kube.get_object(f"/apis/apps/v1/namespaces/backend/statefulsets/{s['metadata']['name']}")
        for s in dist_objects(d, "backend", "StatefulSet")
    ]
    store_step = ready_step(store)
    secrets_done = max((ready_step(es) for es in secrets), key=lambda s: s.done)
    secrets_started = min((ready_step(es) for es in secrets), key=lambda s: s.started)
    first_workload = min((created_step(w) for w in workloads), key=lambda s: s.started)
    steps = [store_step, type(store_step)("every ExternalSecret", secrets_started.started, secrets_done.done), first_workload]
    assert not out_of_order(steps), out_of_order(steps)


def check_ops_validate_passes(d: Deployed) -> None:
    result = d.ops("validate", d.name)
    assert result.returncode == 0, result.stdout + result.stderr
    na = [line for line in result.stdout.splitlines() if line.startswith("N/A")]
    # Only the API health check through the ingress host cannot exist here: KWOK runs no
    # container, so nothing answers behind the Ingress.
    assert len(na) <= 1 and all("API" in line for line in na), result.stdout
    assert "FAIL" not in result.stdout


def check_kwok_kept_its_watches(d: Deployed) -> None:
    """KWOK plays each pod's stage as soon as it sees the pod; a watch that fails and waits out the
    reflector's back-off held Job pods for up to a minute (cluster/server.py, the WatchList gate)."""
    log = d.cluster.services["kwok"].process.log.read_text(errors="replace")
    failed = [line for line in log.splitlines() if "watch ended with error" in line]
    assert not failed, f"{len(failed)} of KWOK's watches failed, e.g. {failed[0][:400]}"
