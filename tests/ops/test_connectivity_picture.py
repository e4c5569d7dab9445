"""The connectivity picture: policy semantics on small fixtures, and the intent on dist/staging."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import PurePosixPath
from typing import Any

from charts import names
from config.loader import load_environment
from manifests import Manifest as DistObject
from manifests import load_env
from ops.common import DIST
from ops.connectivity_picture import ALL_PORTS, analyse, port_label, render_svg, text_table

ENV = "staging"


def workload(namespace: str, name: str, port: int, port_name: str = "http") -> DistObject:
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": "i:1", "ports": [{"name": port_name, "containerPort": port}]}]},
            }
        },
    }
    return DistObject(obj, PurePosixPath(f"x/app/{name}.yaml"), app="app")


def policy(namespace: str, name: str, selector: dict[str, Any], **spec: Any) -> DistObject:
    types = [t for t, key in (("Ingress", "ingress"), ("Egress", "egress")) if key in spec]
    obj = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"podSelector": selector, "policyTypes": types, **spec},
    }
    return DistObject(obj, PurePosixPath(f"x/app/{name}.yaml"), app="app")


def peer(namespace: str, app: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": namespace}}}
    if app:
        result["podSelector"] = {"matchLabels": {"app": app}}
    return result


def edges(objects: list[DistObject]) -> dict[tuple[str, str], str]:
    graph = analyse(objects, "t")
    return {(e.source, e.target): e.label for e in graph.edges}


def test_both_sides_must_allow_and_named_ports_resolve() -> None:
    objects = [
        workload("a", "client", 9000),
        workload("b", "server", 8443, "https"),
        policy(
            "a",
            "client-out",
            {"matchLabels": {"app": "client"}},
            egress=[{"to": [peer("b", "server")], "ports": [{"port": "https"}]}],
        ),
        policy(
            "b",
            "server-in",
            {"matchLabels": {"app": "server"}},
            ingress=[{"from": [peer("a", "client")], "ports": [{"protocol": "TCP", "port": 8443}]}],
        ),
        policy("b", "deny", {}, ingress=[], egress=[]),
    ]
    assert edges(objects) == {("a/client", "b/server"): "TCP 8443"}


def test_a_one_sided_rule_is_no_connection_but_a_note() -> None:
    objects = [
        workload("a", "client", 9000),
        workload("b", "server", 8080),
        policy("a", "client-out", {"matchLabels": {"app": "client"}}, egress=[{"to": [peer("b", "server")]}]),
        policy("b", "server-in", {"matchLabels": {"app": "server"}}, ingress=[]),
        policy("a", "deny-in", {}, ingress=[]),
        policy("b", "deny-out", {}, egress=[]),
    ]
    graph = analyse(objects, "t")
    assert graph.edges == []
    assert graph.notes == ["a/client -> b/server: egress allowed by a/client-out but no ingress rule of b/server admits it"]


def test_namespace_and_pod_selectors_in_one_peer_are_anded() -> None:
    # The pod selector names `client`, which lives in namespace a, not c: nothing matches.
    and_peer = {**peer("c"), "podSelector": {"matchLabels": {"app": "client"}}}
    objects = [
        workload("a", "client", 9000),
        workload("b", "server", 8080),
        policy("b", "server-in", {"matchLabels": {"app": "server"}}, ingress=[{"from": [and_peer], "ports": [{"port": 8080}]}]),
        policy("a", "out", {}, egress=[{}]),  # client may send anywhere
        policy("b", "deny-out", {}, egress=[]),
        policy("a", "deny-in", {}, ingress=[]),
    ]
    graph = analyse(objects, "t")
    assert ("a/client", "b/server") not in {(e.source, e.target) for e in graph.edges}
    sources = {graph.nodes[e.source].title for e in graph.edges if e.target == "b/server"}
    assert sources == {"c"}  # drawn as its own (external) peer


def test_unisolated_workloads_are_called_out() -> None:
    graph = analyse([workload("a", "open", 80)], "t")
    assert graph.notes == [
        "a/open: no NetworkPolicy selects it for egress; it is open in that direction",
        "a/open: no NetworkPolicy selects it for ingress; it is open in that direction",
    ]


def test_port_labels() -> None:
    assert port_label(ALL_PORTS) == "any port"
    assert port_label(frozenset({("UDP", (53, 53)), ("TCP", (53, 53))})) == "TCP/UDP 53"
    assert port_label(frozenset({("TCP", (8000, 8010))})) == "TCP 8000-8010"


def test_dist_staging_matches_the_connectivity_intent() -> None:
    env = load_environment(ENV)
    graph = analyse(load_env(DIST / ENV), ENV)
    by_title = {n.id: (n.title if not n.workload else n.id) for n in graph.nodes.values()}
    found = {(by_title[e.source], by_title[e.target]): e.label for e in graph.edges}
    ingress = env.cluster.ingress_controller_namespace
    api, db, web = (
        f"{names.BACKEND_NAMESPACE}/{names.FLASK_APP}",
        f"{names.BACKEND_NAMESPACE}/{names.DATABASE}",
        f"{names.FRONTEND_NAMESPACE}/{names.NGINX}",
    )
    dns = env.cluster.dns.namespace
    migrate, backup = f"{names.BACKEND_NAMESPACE}/{names.MIGRATION_JOB}", f"{names.BACKEND_NAMESPACE}/{names.BACKUP_CRONJOB}"
    s3 = {(backup, cidr): f"TCP {names.HTTPS_PORT}" for cidr in env.data.backup.s3.endpoint_cidrs}
    assert found == {
        **s3,
        (migrate, db): f"TCP {names.DATABASE_PORT}",
        (backup, db): f"TCP {names.DATABASE_PORT}",
        (migrate, dns): "TCP/UDP 53",
        (backup, dns): "TCP/UDP 53",
        (ingress, web): f"TCP {names.NGINX_PORT.number}",
        (ingress, api): f"TCP {names.FLASK_PORT.number}",
        (web, api): f"TCP {names.FLASK_PORT.number}",
        (api, db): f"TCP {names.DATABASE_PORT}",
        (api, dns): "TCP/UDP 53",
        (db, dns): "TCP/UDP 53",
        (web, dns): "TCP/UDP 53",
        (env.monitoring.namespace, api): f"TCP {names.FLASK_METRICS_PORT.number}",
        (env.monitoring.namespace, web): f"TCP {names.NGINX_METRICS_PORT.number}",
    }
    assert graph.notes == []


def test_svg_is_well_formed_complete_and_inside_its_canvas() -> None:
    graph = analyse(load_env(DIST / ENV), ENV)
    svg = render_svg(graph)
    assert svg == render_svg(analyse(load_env(DIST / ENV), ENV))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    width, height = int(root.get("width", "0")), int(root.get("height", "0"))
    texts = [t.text for t in root.iter(f"{ns}text")]
    for node in graph.nodes.values():
        assert node.title in texts and node.subtitle in texts
    for edge in graph.edges:
        assert edge.label in texts
    for rect in root.iter(f"{ns}rect"):
        x, y, w, h = (int(float(rect.get(k, "0"))) for k in ("x", "y", "width", "height"))
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height
    table = text_table(graph)
    assert table.count("\n") == len(graph.edges) + 1
