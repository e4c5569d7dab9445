"""The connectivity picture as dot lays it out, read back from the SVG a reader gets: nothing is
drawn over a box or a label, each namespace's box holds exactly its workloads, senders stand
left and receivers right, and the bytes depend on neither the run nor the machine's fonts."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifests import environments, load_env
from ops.__main__ import main
from ops.common import DIST, EXIT_ERROR, OpsError
from ops.connectivity_docs import connectivity_svg
from ops.connectivity_dot import RECEIVING, render_svg
from ops.connectivity_picture import Graph, graph_of
from tests.support.svg_layout import Box, Picture, crosses, read
from tests.support.tools import require_tool
from verify import connectivity

INGRESS = "ingress-nginx/ingress-nginx-controller[Pod]"

# Connections no environment has, so that the layout is also checked on a denser map: an IP
# range that sends, a second sender into the database, another port into the database.
DENSER = [
    "0.0.0.0-255.255.255.255 => frontend/nginx-front[Deployment] : {protocols:TCP,dst_ports:8080}",
    "frontend/nginx-front[Deployment] => backend/flask-app-db[StatefulSet] : {protocols:TCP,dst_ports:3306}",
    "monitoring/prometheus[Pod] => backend/flask-app-db[StatefulSet] : {protocols:TCP,dst_ports:9104}",
]
CASES = {"staging": ("staging", []), "prod": ("prod", []), "staging-denser": ("staging", DENSER)}


@pytest.fixture(scope="module", autouse=True)
def dot() -> None:
    require_tool("dot", "Debian: apt-get install graphviz")


def golden_graph(env: str, extra: list[str]) -> Graph:
    lines = connectivity.read_edges(connectivity.golden_file(env)) + extra
    product = connectivity.product_namespaces(load_env(DIST / env))
    return graph_of(env, [connectivity.parse_edge(line) for line in lines], product)


@pytest.fixture(scope="module", params=sorted(CASES))
def drawn(request: pytest.FixtureRequest) -> tuple[Graph, Picture]:
    graph = golden_graph(*CASES[request.param])
    return graph, read(render_svg(graph))


def namespace(endpoint: str) -> str:
    return endpoint.split("/")[0] if "/" in endpoint else ""  # IP ranges have none


# --- what the picture shows ------------------------------------------------------------------------


def test_each_map_line_is_one_arrow_through_its_ports_box(drawn: tuple[Graph, Picture]) -> None:
    graph, picture = drawn
    ports = picture.of("ports")
    assert sorted(ports) == sorted(edge.nca for edge in graph.edges)
    expected = []
    for edge in graph.edges:
        expected += [(edge.source, edge.nca, False), (edge.nca, edge.target, True)]  # the arrowhead at the target
        assert [text for text, _, _ in ports[edge.nca].texts] == [edge.label]
    assert sorted((tail, head, arrow) for tail, head, _, arrow in picture.lines) == sorted(expected)
    for node in graph.nodes.values():
        assert [text for text, _, _ in picture.shapes[node.id].texts] == [node.title, node.subtitle]


def test_no_box_or_label_overlaps_another(drawn: tuple[Graph, Picture]) -> None:
    _, picture = drawn
    shapes = sorted(picture.shapes.items())
    overlapping = [(a, b) for i, (a, one) in enumerate(shapes) for b, other in shapes[i + 1 :] if one.box.overlaps(other.box)]
    assert not overlapping
    # Every text drawn, wherever dot put it: inside its own box, over no other box or text.
    for owner, text, where in picture.words:
        if owner in picture.shapes:
            assert picture.shapes[owner].box.holds(where), f"{text!r} sticks out of its box"
        assert not [key for key, shape in picture.shapes.items() if key != owner and shape.box.overlaps(where)], text
        assert not [other for o, other, box in picture.words if o != owner and box.overlaps(where)], text
    for key, label in picture.of("ports").items():
        for name, cluster in picture.clusters.items():
            assert cluster.holds(label.box) or not cluster.overlaps(label.box), f"{key} lies across namespace {name}'s border"


def test_no_line_runs_through_a_box_it_does_not_join(drawn: tuple[Graph, Picture]) -> None:
    _, picture = drawn
    crossing = [
        (tail, head, key)
        for tail, head, points, _ in picture.lines
        for key, shape in picture.shapes.items()
        if key not in (tail, head) and any(shape.box.has_inside(x, y) for x, y in points)
    ]
    assert not crossing
    struck = [(tail, head, text) for tail, head, points, _ in picture.lines for _, text, where in picture.words
              if any(where.has_inside(x, y, margin=0) for x, y in points)]  # fmt: skip
    assert not struck


def test_lines_that_share_a_box_do_not_braid(drawn: tuple[Graph, Picture]) -> None:
    # Lines leaving (or entering) one box fan out; away from the box they do not cross each other.
    _, picture = drawn
    braided = []
    for i, (tail, head, points, _) in enumerate(picture.lines):
        for other_tail, other_head, other_points, _ in picture.lines[i + 1 :]:
            for shared in {tail, head} & {other_tail, other_head}:
                near = picture.shapes[shared].box
                zone = Box(near.left - 15, near.top - 15, near.right + 15, near.bottom + 15)
                away = [[p for p in line if not zone.has_inside(*p, margin=0)] for line in (points, other_points)]
                if crosses(*away):
                    braided.append((shared, head if shared == tail else tail, other_head if shared == other_tail else other_tail))
    assert not braided


def test_each_namespace_box_holds_exactly_its_workloads(drawn: tuple[Graph, Picture]) -> None:
    graph, picture = drawn
    endpoints = {key: shape for key, shape in picture.shapes.items() if shape.classes & {"workload", "peer"}}
    # A namespace is one box, or two when it holds peers that send and peers that only receive.
    assert {name.removesuffix(RECEIVING) for name in picture.clusters} == {namespace(node) for node in graph.nodes} - {""}
    held: list[str] = []
    for name, cluster in picture.clusters.items():
        inside = {key for key, shape in endpoints.items() if cluster.overlaps(shape.box)}
        assert inside and {namespace(key) for key in inside} == {name.removesuffix(RECEIVING)}
        assert all(cluster.holds(endpoints[key].box) for key in inside)
        assert cluster.holds(picture.shapes[f"namespace {name}"].box)  # its title stands inside
        held += inside
    assert sorted(held) == sorted(key for key in endpoints if namespace(key))


def test_a_namespace_that_sends_and_receives_is_split_only_for_peers(drawn: tuple[Graph, Picture]) -> None:
    graph, picture = drawn
    split = {name.removesuffix(RECEIVING) for name in picture.clusters if name.endswith(RECEIVING)}
    assert split == {"monitoring"}  # Prometheus scrapes; the backup pushes to the Pushgateway
    (receiving,) = [key for key, box in picture.shapes.items() if picture.clusters[f"monitoring{RECEIVING}"].overlaps(box.box)
                    and box.classes & {"peer"}]  # fmt: skip
    assert receiving == "monitoring/prometheus-pushgateway[Pod]"
    assert [text for text, _, _ in picture.shapes[f"namespace monitoring{RECEIVING}"].texts] == ["namespace monitoring"]


def test_senders_stand_left_and_receivers_right(drawn: tuple[Graph, Picture]) -> None:
    graph, picture = drawn
    centre = {key: (shape.box.left + shape.box.right) / 2 for key, shape in picture.shapes.items()}
    nodes = sorted(graph.nodes)
    senders = [n for n in nodes if not any(e.target == n for e in graph.edges)]
    receivers = [n for n in nodes if not any(e.source == n for e in graph.edges)]
    assert senders and receivers
    assert all(centre[n] == min(centre[m] for m in nodes) for n in senders)
    assert all(centre[n] == max(centre[m] for m in nodes) for n in receivers)
    assert all(centre[e.source] < centre[e.nca] < centre[e.target] for e in graph.edges)  # every line runs right


def test_the_ingress_controller_is_not_covered(drawn: tuple[Graph, Picture]) -> None:
    _, picture = drawn
    controller = picture.shapes[INGRESS]
    assert [text for text, _, _ in controller.texts] == ["ingress-nginx-controller", "ingress-nginx · ingress controller"]
    assert all(controller.box.has_inside(x, y) for _, x, y in controller.texts)
    assert not [key for key, shape in picture.shapes.items() if key != INGRESS and shape.box.overlaps(controller.box)]
    assert not [(t, h) for t, h, points, _ in picture.lines if any(controller.box.has_inside(x, y) for x, y in points)]


# --- bytes -------------------------------------------------------------------------------------------


def test_the_bytes_depend_neither_on_the_run_nor_on_the_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = golden_graph("staging", [])
    svg = render_svg(graph)
    assert svg == render_svg(graph)
    assert "graphviz version" not in svg
    # No fonts at all: a dot that measured text with the machine's fonts would place it elsewhere.
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?><fontconfig><dir>{tmp_path}</dir><cachedir>{tmp_path}</cachedir></fontconfig>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    assert render_svg(graph) == svg


def test_the_committed_pictures_are_the_layout_of_the_verified_map() -> None:
    # The docs-in-sync test compares the bytes with a fresh generation; this one needs no NCA.
    for env in (env.name for env in environments()):
        assert connectivity_svg(env).read_text(encoding="utf-8") == render_svg(golden_graph(env, []))


def test_without_dot_the_picture_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(OpsError) as error:
        render_svg(golden_graph("staging", []))
    assert error.value.exit_code == EXIT_ERROR
    assert str(error.value) == "dot: Graphviz is not installed (Debian: apt-get install graphviz)"


def test_make_docs_without_dot_exits_3_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    require_tool(str(connectivity.NCA), "make verify-tools")  # the map comes first, then the picture
    for env in environments():  # one small workload each, so that NCA is quick
        source = DIST / env.name / "frontend" / "deployment_frontend_nginx-front.yaml"
        (tmp_path / "dist" / env.name / "frontend").mkdir(parents=True)
        (tmp_path / "dist" / env.name / "frontend" / source.name).write_bytes(source.read_bytes())
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert main(["docs", "--check", "--dist", str(tmp_path / "dist")]) == EXIT_ERROR == 3
    assert capsys.readouterr().err == "error: dot: Graphviz is not installed (Debian: apt-get install graphviz)\n"


# A dot that names a libdir, then rejects the graph after reading it (or, with `quit`, at once).
FAILING_DOT = """#!/bin/sh
case "$1" in
  -v) echo 'libdir = "{libdir}"' >&2 ;;
  -c) ;;
  *) [ "{mode}" = quit ] || while read -r _; do :; done
     echo "Error: <stdin>: syntax error in line 1" >&2; exit 1 ;;
esac
"""


@pytest.mark.parametrize(("plugins", "mode"), [(True, "read"), (True, "quit"), (False, "read")])
def test_a_dot_that_fails_is_a_one_line_error(plugins: bool, mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    libdir, bin_dir = tmp_path / "lib", tmp_path / "bin"
    libdir.mkdir()
    bin_dir.mkdir()
    for plugin in ("libgvplugin_core.so.6", "libgvplugin_dot_layout.so.6") if plugins else ():
        (libdir / plugin).write_bytes(b"")
    (bin_dir / "dot").write_text(FAILING_DOT.format(libdir=libdir, mode=mode))
    (bin_dir / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(OpsError) as error:
        render_svg(golden_graph("staging", []))
    assert error.value.exit_code == EXIT_ERROR
    if mode == "quit":  # whether dot is gone before the graph is written or after, one line
        assert str(error.value) in {
            "dot: Graphviz could not lay out the picture: dot stopped reading its input",
            "dot: Graphviz could not lay out the picture: Error: <stdin>: syntax error in line 1",
        }
    elif plugins:
        assert str(error.value) == "dot: Graphviz could not lay out the picture: Error: <stdin>: syntax error in line 1"
    else:
        assert str(error.value) == (
            f"dot: Graphviz has no libgvplugin_core.so.6, libgvplugin_dot_layout.so.6 in {libdir} (`dot -v` names its libdir)"
        )
