"""Metrics ports that only Prometheus reaches, and the cluster-side guard, as rendered per environment."""

from __future__ import annotations

import re
from typing import Any

import pytest

from charts import admission_policies, names
from charts.platform_baseline import release_repositories
from config.loader import load_environment
from manifests import selectors
from synthesis.build import build_manifests

ENVIRONMENTS = ["staging", "prod"]
PUBLIC_SERVICES = {(names.BACKEND_NAMESPACE, names.FLASK_APP), (names.FRONTEND_NAMESPACE, names.NGINX)}
METRICS = {
    (names.BACKEND_NAMESPACE, names.FLASK_APP): names.FLASK_METRICS_PORT.number,
    (names.FRONTEND_NAMESPACE, names.NGINX): names.NGINX_METRICS_PORT.number,
}


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def rendered(request) -> list[dict[str, Any]]:
    return [o for docs in build_manifests(load_environment(request.param)).values() for o in docs]


def of_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def key(obj: dict[str, Any]) -> tuple[str, str]:
    return obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


def containers(objects: list[dict[str, Any]], namespace: str, name: str) -> list[dict[str, Any]]:
    (deployment,) = [d for d in of_kind(objects, "Deployment") if key(d) == (namespace, name)]
    return deployment["spec"]["template"]["spec"]["containers"]


def test_no_route_reaches_a_metrics_port(rendered) -> None:
    services = {key(s): s for s in of_kind(rendered, "Service")}
    routed = []
    for ingress in of_kind(rendered, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                routed.append(((ingress["metadata"]["namespace"], backend["name"]), backend["port"]))
    for route in of_kind(rendered, "HTTPRoute"):
        for rule in route["spec"]["rules"]:
            routed += [((route["metadata"]["namespace"], ref["name"]), {"number": ref["port"]}) for ref in rule["backendRefs"]]
    assert routed
    for service_key, port in routed:
        assert service_key in PUBLIC_SERVICES, f"a route points at {service_key}"
        (service_port,) = services[service_key]["spec"]["ports"]  # the public Services carry one port
        assert service_port["name"] == "http" and port.get("number", service_port["port"]) == service_port["port"]
        assert service_port["targetPort"] != METRICS[service_key]


def test_each_service_monitor_selects_only_its_metrics_service(rendered) -> None:
    monitors = of_kind(rendered, "ServiceMonitor")
    assert {key(m) for m in monitors} == set(METRICS)
    for monitor in monitors:
        namespace = monitor["metadata"]["namespace"]
        selected = [
            s
            for s in of_kind(rendered, "Service")
            if s["metadata"]["namespace"] == namespace and selectors.matches(monitor["spec"]["selector"], s["metadata"]["labels"])
        ]
        assert [s["metadata"]["name"] for s in selected] == [f"{monitor['metadata']['name']}-metrics"]
        (endpoint,) = monitor["spec"]["endpoints"]
        (port,) = selected[0]["spec"]["ports"]
        assert endpoint["port"] == port["name"] == "metrics" and endpoint["path"] == "/metrics"
        assert port["targetPort"] == METRICS[key(monitor)]


def test_only_prometheus_pods_of_the_monitoring_namespace_are_admitted_to_metrics_ports(rendered) -> None:
    admitted = {}
    for policy in of_kind(rendered, "NetworkPolicy"):
        for rule in policy["spec"].get("ingress") or []:
            for peer in rule["from"]:
                if peer.get("namespaceSelector", {}).get("matchLabels") == {"kubernetes.io/metadata.name": "monitoring"}:
                    assert peer["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "prometheus"}
                    admitted[policy["metadata"]["namespace"]] = [p["port"] for p in rule["ports"]]
    assert admitted == {ns: [port] for (ns, _), port in METRICS.items()}


def test_the_monitoring_namespace_comes_from_the_config() -> None:
    env = load_environment("staging")
    env = env.model_copy(update={"monitoring": env.monitoring.model_copy(update={"namespace": "observability"})})
    objects = [o for docs in build_manifests(env).values() for o in docs]
    peers = [
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for p in of_kind(objects, "NetworkPolicy")
        if p["metadata"]["name"].endswith("-from-observability")
        for rule in p["spec"]["ingress"]
        for peer in rule["from"]
    ]
    assert peers == ["observability", "observability"]


def test_the_api_is_told_its_metrics_port(rendered) -> None:
    (config,) = [c for c in of_kind(rendered, "ConfigMap") if key(c) == (names.BACKEND_NAMESPACE, "flask-app-env")]
    (api,) = containers(rendered, names.BACKEND_NAMESPACE, names.FLASK_APP)
    ports = {p["name"]: p["containerPort"] for p in api["ports"]}
    assert ports == {"http": 5000, "metrics": int(config["data"]["METRICS_PORT"])}
    assert config["data"]["METRICS_PATH"] == "/metrics"


def test_the_exporter_sidecar_carries_the_baseline_and_reads_the_loopback_status(rendered) -> None:
    nginx, exporter = containers(rendered, names.FRONTEND_NAMESPACE, names.NGINX)
    assert exporter["name"] == "nginx-exporter"
    assert re.fullmatch(r"docker\.io/nginx/nginx-prometheus-exporter:\d+\.\d+\.\d+", exporter["image"])
    security = exporter["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]} and security["runAsNonRoot"] is True
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    assert set(exporter["resources"]) == {"requests", "limits"}
    assert all(exporter[probe]["httpGet"]["port"] == 9113 for probe in ("readinessProbe", "livenessProbe", "startupProbe"))
    (scrape_uri,) = [a.split("=", 1)[1] for a in exporter["args"] if a.startswith("--nginx.scrape-uri=")]
    (config,) = [c for c in of_kind(rendered, "ConfigMap") if key(c) == (names.FRONTEND_NAMESPACE, "nginx-front-files")]
    listens = re.findall(r"^\s*listen\s+(\S+);", config["data"]["nginx.conf"], flags=re.MULTILINE)
    host_port = scrape_uri.removeprefix("http://").split("/", 1)[0]
    assert host_port.startswith("127.0.0.1:") and host_port in listens
    assert nginx["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]


def test_policies_are_bound_to_the_product_namespaces_with_the_configured_action(rendered) -> None:
    policies = {p["metadata"]["name"]: p for p in of_kind(rendered, "ValidatingAdmissionPolicy")}
    bindings = {b["metadata"]["name"]: b for b in of_kind(rendered, "ValidatingAdmissionPolicyBinding")}
    assert set(policies) == set(bindings) and len(policies) == 4
    for name, binding in bindings.items():
        assert binding["spec"]["policyName"] == name
        assert binding["spec"]["validationActions"] == ["Deny"]
        for selector in (binding["spec"]["matchResources"], policies[name]["spec"]["matchConstraints"]):
            (expression,) = selector["namespaceSelector"]["matchExpressions"]
            assert expression == {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["backend", "frontend"]}


def test_the_registries_come_from_the_config() -> None:
    env = load_environment("prod")
    env = env.model_copy(update={"admission": env.admission.model_copy(update={"allowed_registries": ["ghcr.io/acme"]})})
    (images,) = [p for p in admission_policies.policies(env.admission) if p.name == "trusted-images"]
    assert "['ghcr.io/acme/'].exists(r, c.image.startsWith(r))" in images.rules[0].expression


def test_digests_are_required_by_the_policy_only_where_the_environment_requires_them() -> None:
    def trusted_images(env_name: str) -> admission_policies.Policy:
        env = load_environment(env_name)
        (images,) = [
            p for p in admission_policies.policies(env.admission, release_repositories(env)) if p.name == "trusted-images"
        ]
        return images

    prod, staging = trusted_images("prod"), trusted_images("staging")
    assert len(prod.rules) == len(staging.rules) + 1
    digest_rule = prod.rules[-1]
    for repository in ("registry.example.internal/platform/flask-api", "registry.example.internal/platform/flask-frontend"):
        assert f"'{repository}'" in digest_rule.expression
    assert "c.image.matches('@sha256:[a-f0-9]{64}$')" in digest_rule.expression


def test_a_value_that_cannot_be_a_cel_literal_is_refused() -> None:
    with pytest.raises(ValueError, match="CEL"):
        admission_policies._cel_string("it's")
