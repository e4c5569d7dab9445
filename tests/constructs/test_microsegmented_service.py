"""MicrosegmentedService: Service from the named port, both ends of every edge, AND peers."""

from __future__ import annotations

import pytest

from constructs.microsegmented_service import MicrosegmentedService
from constructs.pod_parts import BaselineError, ContainerPort, HttpCheck, Probes, RunAs
from constructs.secure_deployment import DeploymentProps, SecureDeployment
from tests.support.synth import one, small_resources, synth

HTTP_5000 = ContainerPort(name="http", number=5000)


def workload(chart, name="api", port=HTTP_5000):
    check = HttpCheck(path="/health", port=port.name)
    return SecureDeployment(
        chart,
        f"{name}-workload",
        DeploymentProps(
            name=name,
            component=name,
            image="registry.example.internal/x:1",
            version="1",
            ports=[port],
            probes=Probes(readiness=check, liveness=check, startup=check),
            resources=small_resources(),
            run_as=RunAs(uid=1000, gid=1000),
        ),
    )


def test_minimal_props_snapshot(snapshot):
    assert synth(lambda c: MicrosegmentedService(c, "svc", workload=workload(c), port=8000, target_port="http")) == snapshot


def test_target_port_is_the_container_port():
    objects = synth(lambda c: MicrosegmentedService(c, "svc", workload=workload(c), port=8000, target_port="http"))
    port = one(objects, "Service")["spec"]["ports"][0]
    assert (port["port"], port["targetPort"], port["name"]) == (8000, 5000, "http")


def test_unknown_target_port_is_refused():
    with pytest.raises(BaselineError, match="does not declare"):
        synth(lambda c: MicrosegmentedService(c, "svc", workload=workload(c), port=8000, target_port="grpc"))


def test_allow_from_writes_both_ends_with_and_peers_on_pod_port():
    def build(chart):
        api = MicrosegmentedService(chart, "api", workload=workload(chart), port=8000, target_port="http")
        web = MicrosegmentedService(
            chart, "web", workload=workload(chart, "web", ContainerPort(name="http", number=8080)), port=80, target_port="http"
        )
        api.allow_from(web)

    objects = synth(build)
    ingress = one(objects, "NetworkPolicy", "api-from-web")["spec"]["ingress"]
    assert ingress == [
        {
            "from": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "demo"}},
                    "podSelector": {
                        "matchLabels": {"app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "flask-platform"}
                    },
                }
            ],
            "ports": [{"port": 5000, "protocol": "TCP"}],
        }
    ]
    egress = one(objects, "NetworkPolicy", "web-to-api")["spec"]["egress"]
    assert egress[0]["ports"] == [{"port": 5000, "protocol": "TCP"}]  # pod port, not Service port 8000
    assert egress[0]["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "api"
    # nothing else is open: no 'any source' rule anywhere
    for policy in (one(objects, "NetworkPolicy", "api-from-web"), one(objects, "NetworkPolicy", "web-to-api")):
        for rule in policy["spec"].get("ingress", []) + policy["spec"].get("egress", []):
            assert rule.get("from", rule.get("to")), "a rule without peers admits everything"


def test_namespace_peer_matches_metadata_name_label():
    def build(chart):
        MicrosegmentedService(chart, "api", workload=workload(chart), port=8000, target_port="http").allow_from_namespace(
            "ingress-nginx"
        )

    rule = one(synth(build), "NetworkPolicy", "api-from-ingress-nginx")["spec"]["ingress"][0]
    assert rule["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}]


def test_peer_selecting_no_pods_is_refused():
    def build(chart):
        api = MicrosegmentedService(chart, "api", workload=workload(chart), port=8000, target_port="http")
        api.allow_from_namespace("ingress-nginx", pod_labels={})

    with pytest.raises(BaselineError, match="empty pod labels"):
        synth(build)


def test_empty_selector_client_is_refused():
    class Anything:
        name, namespace, selector, labels = "any", "demo", {}, {}

        def port(self, name):
            return ContainerPort(name="http", number=1234)

    def build(chart):
        api = MicrosegmentedService(chart, "api", workload=workload(chart), port=8000, target_port="http")
        api.allow_from(MicrosegmentedService(chart, "any", workload=Anything(), port=1, target_port="http"))

    with pytest.raises(BaselineError, match="would select every pod"):
        synth(build)


def test_duplicate_edge_is_refused():
    def build(chart):
        api = MicrosegmentedService(chart, "api", workload=workload(chart), port=8000, target_port="http")
        api.allow_from_namespace("ingress-nginx")
        api.allow_from_namespace("ingress-nginx")

    with pytest.raises(BaselineError, match="declared twice"):
        synth(build)


def test_dns_name_is_derived_from_the_service():
    names = {}

    def build(chart):
        names["dns"] = MicrosegmentedService(chart, "api", workload=workload(chart), port=8000, target_port="http").dns_name

    synth(build, namespace="backend")
    assert names["dns"] == "api.backend.svc.cluster.local"
