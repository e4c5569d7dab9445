"""prod, end to end: real Argo CD, External Secrets and metrics-server deploy dist/prod from the prod branch,
the one staging's accepted promotion pushed (its images: the digests staging's pods ran).

A cluster of its own (prod and staging use the same namespaces, as two real clusters would),
bootstrapped exactly as staging is (tests/support/e2e_scenario.py). What prod has and staging lacks is
checked on the live objects: the HorizontalPodAutoscaler reads CPU utilisation through the
resource metrics API (metrics-server scraping KWOK's emulated kubelet metrics), and every
host of its routing rules is covered by a TLS entry whose Secret (filled by the tier's
stand-in for cert-manager, e2e/tls_issuer.py) serves a certificate that verifies for that
host against the issuing CA (e2e/tls_check.py).
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from e2e import notifications, tls_check
from e2e.kube import condition, wait_for
from e2e.kubeconfig import client_for
from tests.e2e.conftest import BackgroundDeploy, Deployed, PromotedProd
from tests.support import e2e_release as release
from tests.support import e2e_scenario as sc

# metrics-server needs two scrapes (15 s apart) for a CPU rate and the autoscaler reads it
# every 15 s: a minute is plenty once the pods run.
METRICS_TIMEOUT_S = 120.0
ROUTING_KINDS = ("Ingress", "HTTPRoute")


@pytest.fixture(scope="module")
def prod(prod_deployed: Deployed, prod_in_background: BackgroundDeploy) -> Deployed:
    # Started by staging's promotion case, prod was bootstrapped on its thread (tests/e2e/conftest.py).
    return prod_deployed if prod_in_background.started else sc.bootstrap(prod_deployed)


def test_every_application_synced_and_healthy(prod: Deployed) -> None:
    sc.check_every_application_synced_and_healthy(prod)


def test_prod_runs_the_digests_staging_ran(prod: Deployed, promoted_prod: PromotedProd) -> None:
    release.check_prod_runs_what_staging_ran(prod, promoted_prod)


def test_workloads_available_on_kwok_nodes(prod: Deployed) -> None:
    sc.check_workloads_available_on_kwok_nodes(prod)


def test_external_secrets_ready_and_secrets_hold_exactly_the_mounted_keys(prod: Deployed) -> None:
    sc.check_external_secrets_ready_with_exactly_the_mounted_keys(prod)


def test_app_of_apps_waits_wave_by_wave(prod: Deployed) -> None:
    sc.check_app_of_apps_waits_wave_by_wave(prod)


def test_store_then_external_secrets_then_workloads(prod: Deployed) -> None:
    sc.check_store_then_external_secrets_then_workloads(prod)


def test_ops_validate_passes(prod: Deployed) -> None:
    sc.check_ops_validate_passes(prod)


def test_autoscaler_reads_cpu_utilisation_from_the_metrics_api(prod: Deployed) -> None:
    d = prod
    rendered = sc.dist_objects(d, "backend", "HorizontalPodAutoscaler")
    assert rendered, "prod renders no HorizontalPodAutoscaler"
    for hpa in rendered:
        meta = hpa["metadata"]
        path = f"/apis/autoscaling/v2/namespaces/{meta['namespace']}/horizontalpodautoscalers/{meta['name']}"

        def reading(path: str = path):
            live = d.kube.get_object(path) or {}
            current = (live.get("status") or {}).get("currentMetrics") or []
            active = condition(live, "ScalingActive").get("status") == "True"
            return active and current and live

        try:
            live = wait_for(f"HPA {meta['name']} reads its metrics", reading, METRICS_TIMEOUT_S, interval_s=2.0)
        except TimeoutError as error:
            raise AssertionError(f"{error}: {(d.kube.get_object(path) or {}).get('status')}") from None
        cpu = [m["resource"] for m in live["status"]["currentMetrics"] if m.get("type") == "Resource"]
        assert cpu and cpu[0]["name"] == "cpu" and "averageUtilization" in cpu[0]["current"], live["status"]
        target = live["spec"]["scaleTargetRef"]["name"]
        spec = hpa["spec"]
        assert spec["minReplicas"] <= live["status"]["desiredReplicas"] <= spec["maxReplicas"], live["status"]
        # The numbers come from metrics-server, per pod of the target.
        pods = d.kube.must("LIST pod metrics", d.kube.get(f"/apis/metrics.k8s.io/v1beta1/namespaces/{meta['namespace']}/pods"))[
            "items"
        ]
        assert any(p["metadata"]["name"].startswith(f"{target}-") and p["containers"] for p in pods), pods


def test_every_routed_host_is_served_a_certificate_that_verifies_for_it(prod: Deployed) -> None:
    """The hosts come from the routing rules (Ingress rules, HTTPRoutes), not from what the issuer was asked for."""
    d = prod
    assert d.cluster.tls_issuer_ca is not None
    ca = d.cluster.tls_issuer_ca.read_bytes()
    apps = ("platform", "backend", "frontend")
    routing = [obj for app in apps for kind in ROUTING_KINDS for obj in sc.dist_objects(d, app, kind)]
    served = tls_check.served_hosts(routing)
    assert len(served) >= 2, f"prod routes fewer hosts than its API and front end: {served}"
    assert not tls_check.uncovered(served), tls_check.uncovered(served)
    for host in served:
        path = f"/api/v1/namespaces/{host.namespace}/secrets/{host.secret}"
        secret = wait_for(f"TLS Secret {host.secret}", lambda p=path: d.kube.get_object(p), 60)
        assert secret["type"] == "kubernetes.io/tls"
        chain, key = (base64.b64decode(secret["data"][k]) for k in ("tls.crt", "tls.key"))
        problem = tls_check.handshake_problem(chain, key, ca, host.host)
        assert problem is None, f"{host.source}, Secret {host.secret}: {problem}"


def test_controllers_authenticate_as_their_own_identities(prod: Deployed) -> None:
    """No controller holds the admin certificate: each kubeconfig authenticates as its own user, outside system:masters."""
    seen = {}
    for component, kubeconfig in prod.cluster.kubeconfigs.items():
        client = client_for(kubeconfig)
        review = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
        resp = client.request("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", review)
        user = client.must(f"SelfSubjectReview as {component}", resp)["status"]["userInfo"]
        assert "system:masters" not in (user.get("groups") or []), (component, user)
        seen[component] = user["username"]
    assert seen["kube-controller-manager"] == "system:kube-controller-manager"
    assert seen["kube-scheduler"] == "system:kube-scheduler"
    assert seen["external-secrets"].startswith("system:serviceaccount:"), seen
    assert len(set(seen.values())) == len(seen), f"two components share an identity: {seen}"
    # The controller manager acts through one ServiceAccount per controller: the autoscaler's
    # reads of the metrics API above were made as system:serviceaccount:kube-system:horizontal-pod-autoscaler.
    sa = prod.kube.get_object("/api/v1/namespaces/kube-system/serviceaccounts/horizontal-pod-autoscaler")
    assert sa is not None, "the controller manager runs without per-controller ServiceAccounts"


def test_slack_channel_is_told_each_application_deployed_once(prod: Deployed) -> None:
    """gitops.notifications.slack: the real notifications controller posts to prod's channel, through
    the product's slack service and the bot token of argocd-notifications-secret, that each
    Application was deployed at the branch's revision, once (the Slack Web API is the tier's
    stand-in, e2e/webhook_receiver.py)."""
    d = prod
    channel = d.env.gitops.notifications.slack.channel
    # Each Application at the revision it last synced (Argo CD keeps an app whose folder a
    # commit did not touch at an earlier revision).
    revisions = {name: state.revision for name, state in sc.wait_settled(d, "every Application settled").items()}

    def deployed() -> dict[str, list[dict[str, str]]]:
        posts = notifications.slack_posts(d.cluster.root)
        said = {app: re.compile(rf"\[{d.name}\] {app} deployed\b.* at revision {rev[:12]}\b") for app, rev in revisions.items()}
        return {app: [p for p in posts if pattern.match(p.get("text", ""))] for app, pattern in said.items()}

    everyone = "Slack told every Application deployed"
    told = wait_for(everyone, lambda: (t := deployed()) and all(t.values()) and t, notifications.NOTIFIED_TIMEOUT_S)
    print(f"\nslack posts: {json.dumps(told)}")
    for app, posts in told.items():
        assert len(posts) == 1, f"{app}: want one deployed post, got {posts}"
        assert (posts[0]["channel"], posts[0]["token"]) == (channel, notifications.SLACK_TOKEN), posts[0]


def test_kwok_kept_its_watches(prod: Deployed) -> None:
    sc.check_kwok_kept_its_watches(prod)
