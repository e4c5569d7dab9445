"""The connectivity picture as dot lays it out, read back from the SVG a reader gets: nothing is
drawn over a box or a label, each namespace's box holds exactly its workloads, senders stand
left and receivers right, and the bytes depend on neither the run nor the machine's fonts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from manifests import environments, load_env
from ops.__main__ import main
from ops.common import DIST, EXIT_ERROR, OpsError
from ops.connectivity_docs import connectivity_svg
from ops.connectivity_dot import render_svg
from ops.connectivity_picture import Graph, graph_of
from tests.support.tools import require_tool
from verify import connectivity

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
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


# --- reading the SVG back --------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def around(cls, numbers: list[float]) -> Box:
        xs, ys = numbers[0::2], numbers[1::2]
        return cls(min(xs), min(ys), max(xs), max(ys))

    def overlaps(self, other: Box) -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom

    def holds(self, other: Box) -> bool:
        return self.left <= other.left and other.right <= self.right and self.top <= other.top and other.bottom <= self.bottom

    def has_inside(self, x: float, y: float, margin: float = 0.5) -> bool:
        return self.left + margin < x < self.right - margin and self.top + margin < y < self.bottom - margin


@dataclass
class Shape:
    classes: set[str]
    box: Box
    texts: list[tuple[str, float, float]]  # text, anchor x, baseline y


@dataclass
class Picture:
    shapes: dict[str, Shape] = field(default_factory=dict)  # by id: endpoint, map line, "namespace x"
    clusters: dict[str, Box] = field(default_factory=dict)  # by namespace
    lines: list[tuple[str, str, list[tuple[float, float]], bool]] = field(default_factory=list)  # tail, head, curve, arrow
    words: list[tuple[str, str, Box]] = field(default_factory=list)  # every text drawn: owner, text, where it is

    def of(self, kind: str) -> dict[str, Shape]:
        return {key: shape for key, shape in self.shapes.items() if kind in shape.classes}


def numbers(text: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(text)]


def curve(path: str) -> list[tuple[float, float]]:
    """Points along dot's `M p0 C p1 p2 p3 ...` cubic Bézier path, 20 per segment."""
    values = numbers(path)
    points = list(zip(values[0::2], values[1::2], strict=True))
    samples = []
    for start in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[start : start + 4]
        for step in range(21):
            t = step / 20
            u = 1 - t
            weights = (u**3, 3 * u * u * t, 3 * u * t * t, t**3)
            samples.append(tuple(sum(w * p[axis] for w, p in zip(weights, (p0, p1, p2, p3), strict=True)) for axis in (0, 1)))
    return samples  # type: ignore[return-value]


# Advance widths of Helvetica/Arial glyphs in em (regular, bold), by kind of character, from
# the fonts' published metrics; a text's extent is taken 5% wider than their sum.
NARROW, SLIM, WIDE = set(" .,:;'|!/·il"), set("-()[]ftrjI"), set("mwMW")


def glyph(char: str, bold: bool) -> float:
    if char in NARROW:
        return 0.278
    if char in SLIM:
        return 0.389 if bold else 0.333
    if char in WIDE:
        return 0.889 if bold else 0.833
    if char.isupper():
        return 0.722 if bold else 0.667
    return 0.611 if bold else 0.556  # digits, the other lower case letters, braces


def extent(text: ET.Element) -> Box:
    size, x, y = (float(text.get(key, "0")) for key in ("font-size", "x", "y"))
    bold = text.get("font-weight") == "bold"
    width = 1.05 * size * sum(glyph(char, bold) for char in text.text or "")
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor", "start")]
    return Box(left, y - 0.75 * size, left + width, y + 0.2 * size)  # y is the baseline


def outline(group: ET.Element) -> Box:
    shape = next(child for child in group if child.tag in (f"{SVG}path", f"{SVG}polygon"))
    return Box.around(numbers(shape.get("d") or shape.get("points", "")))


def read(svg: str) -> Picture:
    picture, names, edges = Picture(), {}, []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        classes = set(group.get("class", "").split())
        title = group.findtext(f"{SVG}title", "")
        owner = group.get("id", "") if "node" in classes else title
        picture.words += [(owner, t.text or "", extent(t)) for t in group.findall(f"{SVG}text")]
        if "node" in classes:
            texts = [(t.text or "", float(t.get("x", "0")), float(t.get("y", "0"))) for t in group.iter(f"{SVG}text")]
            names[title] = group.get("id", "")
            picture.shapes[names[title]] = Shape(classes, outline(group), texts)
        elif "cluster" in classes:
            picture.clusters[title.removeprefix("cluster_")] = outline(group)
        elif "edge" in classes:
            path = group.find(f"{SVG}path")
            assert path is not None
            edges.append((title, curve(path.get("d", "")), group.find(f"{SVG}polygon") is not None))
    for title, points, arrow in edges:
        tail, _, head = title.partition("->")
        picture.lines.append((names[tail], names[head], points, arrow))
    return picture


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


def crosses(one: list[tuple[float, float]], other: list[tuple[float, float]]) -> bool:
    """Whether two polylines cross (touching or running along each other is not crossing)."""

    def side(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return any(
        side(c, d, a) * side(c, d, b) < 0 and side(a, b, c) * side(a, b, d) < 0
        for a, b in zip(one, one[1:], strict=False)
        for c, d in zip(other, other[1:], strict=False)
    )


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
    assert set(picture.clusters) == {namespace(node) for node in graph.nodes} - {""}
    for name, cluster in picture.clusters.items():
        inside = {key for key, shape in endpoints.items() if cluster.overlaps(shape.box)}
        assert inside == {key for key in endpoints if namespace(key) == name}
        assert all(cluster.holds(endpoints[key].box) for key in inside)
        assert cluster.holds(picture.shapes[f"namespace {name}"].box)  # its title stands inside


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
