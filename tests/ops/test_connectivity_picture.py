"""The connectivity picture is NCA's verified map: the same edges as the verification, for every
environment and for a broken one; the policy semantics come from NCA. (How dot lays the picture
out is tests/ops/test_connectivity_dot.py.)"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from manifests import Manifest, environments, load_env
from ops.common import DIST, EXIT_ERROR, OpsError
from ops.connectivity_docs import connectivity_svg
from ops.connectivity_dot import render_svg
from ops.connectivity_picture import Graph, analyse, endpoint_node, graph_of, port_label, text_table
from tests.support.tools import require_tool
from verify import connectivity

ENV = "staging"
ENVS = [env.name for env in environments()]


@pytest.fixture(scope="module")
def nca() -> Path:
    return Path(require_tool(str(connectivity.NCA), "make verify-tools"))


def workload(namespace: str, name: str, port: int, port_name: str = "http") -> Manifest:
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
    return Manifest(obj, PurePosixPath(f"x/app/{name}.yaml"), app="app")


def policy(namespace: str, name: str, selector: dict[str, Any], **spec: Any) -> Manifest:
    types = [t for t, key in (("Ingress", "ingress"), ("Egress", "egress")) if key in spec]
    obj = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"podSelector": selector, "policyTypes": types, **spec},
    }
    return Manifest(obj, PurePosixPath(f"x/app/{name}.yaml"), app="app")


def peer(namespace: str, app: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": namespace}}}
    if app:
        result["podSelector"] = {"matchLabels": {"app": app}}
    return result


def edges(graph: Graph) -> dict[tuple[str, str], str]:
    return {(graph.nodes[e.source].text, graph.nodes[e.target].text): e.label for e in graph.edges}


def lines_drawn(svg: str) -> list[str]:
    """The map lines a picture draws: each connection's ports box carries its line as its id."""
    groups = ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}g")
    return sorted(g.get("id", "") for g in groups if "ports" in g.get("class", "").split())


# --- the picture is the verified map -------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_picture_edges_are_the_verified_map_and_the_intent(env: str, nca: Path) -> None:
    graph = analyse(load_env(DIST / env), env, nca)
    drawn = sorted(edge.nca for edge in graph.edges)
    report = connectivity.check(env, load_env(DIST / env), nca)
    assert drawn == report.edges
    assert drawn == connectivity.read_edges(connectivity.golden_file(env))
    assert not report.findings
    assert lines_drawn(connectivity_svg(env).read_text(encoding="utf-8")) == drawn  # the committed picture


# NetworkPolicies that open frontend -> database on 3306 (both sides), which the intent forbids.
FRONTEND_TO_DATABASE = [
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "flask-app-db-from-nginx-front", "namespace": "backend"},
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "flask-app-db"}},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [peer("frontend")], "ports": [{"protocol": "TCP", "port": 3306}]}],
        },
    },
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "nginx-front-to-flask-app-db", "namespace": "frontend"},
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "nginx-front"}},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [{**peer("backend"), "podSelector": {"matchLabels": {"app.kubernetes.io/name": "flask-app-db"}}}],
                    "ports": [{"protocol": "TCP", "port": 3306}],
                }
            ],
        },
    },
]


def broken_copy(tmp_path: Path, change: str) -> Path:
    """dist/ with a copy of dist/staging that `change` breaks."""
    dist = tmp_path / "dist"
    shutil.copytree(DIST / ENV, dist / ENV)
    if change == "extra-edge":
        (dist / ENV / "backend" / "zz-frontend-to-database.yaml").write_text(yaml.safe_dump_all(FRONTEND_TO_DATABASE))
    else:  # drop frontend's DNS egress
        (dist / ENV / "platform" / "networkpolicy_frontend_allow-dns-egress.yaml").unlink()
    return dist


def test_an_opened_edge_appears_in_the_picture_as_the_verification_reports_it(tmp_path: Path, nca: Path) -> None:
    dist = broken_copy(tmp_path, "extra-edge")
    graph = analyse(load_env(dist / ENV), ENV, nca)
    assert edges(graph)[("frontend/nginx-front", "backend/flask-app-db")] == "TCP 3306"
    report = connectivity.check(ENV, load_env(dist / ENV), nca)
    extra = [f.message for f in report.findings if f.rule == "extra-edge"]
    new = sorted(set(e.nca for e in graph.edges) - set(connectivity.read_edges(connectivity.golden_file(ENV))))
    assert extra == [f"allowed but not intended: {line}" for line in new] and len(new) == 1
    assert sorted(e.nca for e in graph.edges) == report.edges
    assert lines_drawn(render_svg(graph)) == report.edges  # the new one drawn too


def test_a_removed_edge_leaves_the_picture(tmp_path: Path, nca: Path) -> None:
    dist = broken_copy(tmp_path, "missing-edge")
    graph = analyse(load_env(dist / ENV), ENV, nca)
    assert ("frontend/nginx-front", "kube-system/coredns (cluster DNS)") not in edges(graph)
    assert ("backend/flask-app", "kube-system/coredns (cluster DNS)") in edges(graph)
    report = connectivity.check(ENV, load_env(dist / ENV), nca)
    assert [f.rule for f in report.findings] == ["missing-edge"]
    assert sorted(e.nca for e in graph.edges) == report.edges


def test_without_nca_the_picture_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(OpsError) as error:
        analyse(load_env(DIST / ENV), ENV, tmp_path / "nca")
    assert error.value.exit_code == EXIT_ERROR
    assert str(error.value) == f"{tmp_path / 'nca'}: network-config-analyzer is not installed (run `make verify-tools`)"


# --- policy semantics, as NCA evaluates them ------------------------------------------------------


def test_both_sides_must_allow_and_named_ports_resolve(nca: Path) -> None:
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
        policy("a", "deny-in", {}, ingress=[]),
    ]
    assert edges(analyse(objects, "t", nca)) == {("a/client", "b/server"): "TCP 8443"}


def test_a_one_sided_rule_is_no_connection(nca: Path) -> None:
    objects = [
        workload("a", "client", 9000),
        workload("b", "server", 8080),
        policy("a", "client-out", {"matchLabels": {"app": "client"}}, egress=[{"to": [peer("b", "server")]}]),
        policy("b", "server-in", {"matchLabels": {"app": "server"}}, ingress=[]),
        policy("a", "deny-in", {}, ingress=[]),
        policy("b", "deny-out", {}, egress=[]),
    ]
    assert analyse(objects, "t", nca).edges == []


def test_namespace_and_pod_selectors_in_one_peer_are_anded(nca: Path) -> None:
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
    graph = analyse(objects, "t", nca)
    assert ("a/client", "b/server") not in edges(graph)
    assert not [e for e in graph.edges if graph.nodes[e.target].text == "b/server"]


def test_an_unisolated_workload_is_drawn_open_to_everything(nca: Path) -> None:
    graph = analyse([workload("a", "open", 80)], "t", nca)
    found = edges(graph)
    assert found[("0.0.0.0/0 (any address)", "a/open")] == "any port"
    assert found[("a/open", "0.0.0.0/0 (any address)")] == "any port"
    assert found[("ingress-nginx/ingress-nginx-controller (ingress controller)", "a/open")] == "any port"


# --- naming NCA's endpoints and connections --------------------------------------------------------


def test_port_labels() -> None:
    assert port_label("All connections") == "any port"
    assert port_label("{protocols:TCP, UDP,dst_ports:53}") == "TCP/UDP 53"
    assert port_label("{protocols:TCP,dst_ports:8000-8010}") == "TCP 8000-8010"
    assert port_label("{protocols:TCP,dst_ports:22,443}") == "TCP 22, 443"
    assert port_label("{protocols:TCP,dst_ports:22},{protocols:UDP,dst_ports:53}") == "TCP 22, UDP 53"
    assert port_label("{protocols:TCP}") == "TCP any port"
    assert port_label("All but {protocols:TCP,dst_ports:22}") == "all but TCP 22"


def test_endpoints_are_workloads_stand_ins_or_address_ranges() -> None:
    product = {"backend"}
    api = endpoint_node("backend/flask-app[Deployment]", product)
    assert (api.title, api.subtitle, api.workload, api.text) == ("flask-app", "backend · Deployment", True, "backend/flask-app")
    dns = endpoint_node("kube-system/coredns[Pod]", product)
    assert (dns.subtitle, dns.workload, dns.text) == ("kube-system · cluster DNS", False, "kube-system/coredns (cluster DNS)")
    s3 = endpoint_node("3.5.64.0-3.5.73.255", product)
    assert (s3.title, s3.workload) == ("3.5.64.0/21, 3.5.72.0/23", False)
    assert endpoint_node("0.0.0.0-255.255.255.255", product).text == "0.0.0.0/0 (any address)"
    assert endpoint_node("10.0.0.1,10.0.0.4-10.0.0.7", product).title == "10.0.0.1/32, 10.0.0.4/30"


def test_graph_keeps_every_map_line() -> None:
    lines = [
        "frontend/nginx-front[Deployment] => backend/flask-app[Deployment] : {protocols:TCP,dst_ports:5000}",
        "backend/flask-app[Deployment] => kube-system/coredns[Pod] : {protocols:TCP, UDP,dst_ports:53}",
    ]
    graph = graph_of("t", [connectivity.parse_edge(line) for line in lines], {"frontend", "backend"})
    assert [e.nca for e in graph.edges] == sorted(lines)
    assert text_table(graph).splitlines()[2:] == [
        "| backend/flask-app | kube-system/coredns (cluster DNS) | TCP/UDP 53 |",
        "| frontend/nginx-front | backend/flask-app | TCP 5000 |",
    ]
    with pytest.raises(ValueError, match="not an edge"):
        connectivity.parse_edge("Running query connectivity-map")
