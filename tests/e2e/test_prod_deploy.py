"""prod, end to end: real Argo CD, External Secrets and metrics-server deploy dist/prod from the prod branch.

A cluster of its own (prod and staging use the same namespaces, as two real clusters would),
bootstrapped exactly as staging is (tests/support/e2e_scenario.py). What prod has and staging lacks is
checked on the live objects: the HorizontalPodAutoscaler reads CPU utilisation through the
resource metrics API (metrics-server scraping KWOK's emulated kubelet metrics), and each
Ingress's TLS Secret holds a certificate for exactly its hosts (issued by the tier's stand-in
for cert-manager, e2e/tls_issuer.py).
"""

from __future__ import annotations

import base64
import ipaddress

import pytest
from cryptography import x509

from e2e.kube import condition, wait_for
from e2e.kubeconfig import client_for
from tests.e2e.conftest import Deployed
from tests.support import e2e_scenario as sc

# metrics-server needs two scrapes (15 s apart) for a CPU rate and the autoscaler reads it
# every 15 s: a minute is plenty once the pods run.
METRICS_TIMEOUT_S = 120.0


@pytest.fixture(scope="module")
def prod(prod_deployed: Deployed) -> Deployed:
    return sc.bootstrap(prod_deployed)


def test_every_application_synced_and_healthy(prod: Deployed) -> None:
    sc.check_every_application_synced_and_healthy(prod)


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


def _names_in(cert: x509.Certificate) -> set[str]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    names = {str(name) for name in san.get_values_for_type(x509.DNSName)}
    return names | {str(ip) for ip in san.get_values_for_type(x509.IPAddress) if isinstance(ip, ipaddress.IPv4Address)}


def test_each_ingress_tls_secret_holds_a_certificate_for_its_hosts(prod: Deployed) -> None:
    d = prod
    assert d.cluster.tls_issuer_ca is not None
    issuer = x509.load_pem_x509_certificate(d.cluster.tls_issuer_ca.read_bytes())
    checked = 0
    for app in ("backend", "frontend"):
        for ingress in sc.dist_objects(d, app, "Ingress"):
            assert ingress["metadata"]["annotations"].get("cert-manager.io/cluster-issuer"), ingress["metadata"]
            for entry in ingress["spec"]["tls"]:
                path = f"/api/v1/namespaces/{ingress['metadata']['namespace']}/secrets/{entry['secretName']}"
                secret = wait_for(f"TLS Secret {entry['secretName']}", lambda p=path: d.kube.get_object(p), 60)
                assert secret["type"] == "kubernetes.io/tls"
                cert = x509.load_pem_x509_certificate(base64.b64decode(secret["data"]["tls.crt"]))
                cert.verify_directly_issued_by(issuer)
                assert _names_in(cert) == set(entry["hosts"]), (entry, _names_in(cert))
                checked += 1
    assert checked >= 2, "prod's Ingresses carry no TLS entries"


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
