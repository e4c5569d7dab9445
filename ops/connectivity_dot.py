"""The connectivity picture of one environment, laid out by Graphviz `dot`.

ops/connectivity_picture.py names the endpoints and connections of NCA's map; this module
hands them to dot (through the `graphviz` binding) and keeps dot's SVG. dot ranks the graph
left to right: what only sends (ingress controller, Prometheus, a Job) in the first rank,
what only receives (cluster DNS, IP ranges, the Pushgateway) in the last. Each namespace is a
cluster (a peers' namespace that both sends and receives, two: see namespace_boxes), and the
ports of each connection are a small box on its line. Being nodes, those boxes and the
namespaces' titles are kept clear of each other and of the other boxes by dot itself, and
lines are routed around them; tests/ops/test_connectivity_dot.py reads the SVG back and
checks it.

The bytes must not depend on the machine. dot measures text with the fonts its pango plugin
finds, so the same input gives other positions where other fonts are installed. dot runs
here with its core plugins only (`GVBINDIR`): text is then sized from the metrics compiled
into dot, and the picture depends only on its input and on dot's version. Every box is given
its size (from the length of its text), so the layout does not rest on those metrics either.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.sax.saxutils import escape

import graphviz

from ops.common import EXIT_ERROR, OpsError, one_line
from ops.connectivity_picture import Edge, Graph, Node

FONT = "Helvetica,Arial,sans-serif"
TITLE_PT, SUBTITLE_PT, LABEL_PT = 12, 11, 11
# Box widths from the length of the text: wide enough for Helvetica and its look-alikes
# (about 0.6 em a bold glyph, 0.55 em a regular one).
BOLD_EM, REGULAR_EM = 0.64, 0.58
NODE_H = 44  # points: a title line and a subtitle line
PAD = 18
GREY = "#4b5563"
LIGHT = "#9ca3af"

WORKLOAD_STYLE = {"fillcolor": "#dbeafe", "color": "#1d4ed8", "style": "rounded,filled"}
PEER_STYLE = {"fillcolor": "#f3f4f6", "color": "#6b7280", "style": "rounded,filled,dashed"}
# The plugins dot needs to lay out and write SVG; leaving out pango leaves out the fonts.
CORE_PLUGINS = ("libgvplugin_core.so.6", "libgvplugin_dot_layout.so.6")


def text_width(text: str, points: int, em: float) -> int:
    return round(len(text) * points * em)


def _row(text: str, points: int, height: int, *, width: int = 0, bold: bool = False, color: str = "#1f2937") -> str:
    content = f"<B>{escape(text)}</B>" if bold else escape(text)
    # Left-aligned in a cell of fixed width: dot centres a text by its own (narrower) measure of
    # it, so a centred long title would stick out to the right of its box in a real font.
    size = f' FIXEDSIZE="TRUE" WIDTH="{width}" ALIGN="LEFT"' if width else ' ALIGN="LEFT"'
    return f'<TR><TD{size} HEIGHT="{height}"><FONT POINT-SIZE="{points}" COLOR="{color}">{content}</FONT></TD></TR>'


def _table(rows: str, extra: str = "") -> str:
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0"{extra}>{rows}</TABLE>>'


def node_width(node: Node) -> int:
    return max(text_width(node.title, TITLE_PT, BOLD_EM), text_width(node.subtitle, SUBTITLE_PT, REGULAR_EM)) + PAD


def node_label(node: Node) -> str:
    width = node_width(node) - PAD
    title = _row(node.title, TITLE_PT, 18, width=width, bold=True)
    return _table(title + _row(node.subtitle, SUBTITLE_PT, 16, width=width, color=GREY))


def title(env: str) -> str:
    heading = _row(f"Allowed connections of dist/{env} (from its NetworkPolicies)", 14, 22, bold=True)
    legend = f"Blue: workloads of dist/{env}. Grey, dashed: peers outside it. Everything else is denied; ports are pod ports."
    return _table(heading + _row(legend, 11, 18, color=GREY))


RECEIVING = ", receiving"  # the suffix of a peer namespace's second box (namespace_boxes)


def namespace_boxes(graph: Graph, sinks: list[str]) -> dict[str, list[str]]:
    """The endpoints of each box drawn, keyed by the box's name: one box a namespace, and IP
    ranges under "" (they stand in none). A namespace of peers that holds both senders and
    pure receivers (monitoring: Prometheus scrapes, the Pushgateway is pushed to) is drawn as
    two boxes, `<namespace>` on the left and `<namespace>, receiving` on the right: as one box
    it would stretch across the whole picture, and dot then runs lines through other boxes."""
    boxes: dict[str, list[str]] = {}
    for node_id, node in sorted(graph.nodes.items()):
        boxes.setdefault(node.namespace, []).append(node_id)
    for namespace, members in list(boxes.items()):
        receivers = [m for m in members if m in sinks]
        if namespace and not any(graph.nodes[m].workload for m in members) and 0 < len(receivers) < len(members):
            boxes[namespace] = [m for m in members if m not in receivers]
            boxes[namespace + RECEIVING] = receivers
    return boxes


def _namespace_title(group: graphviz.Digraph, name: str, box: str, namespace: str, beside: str) -> None:
    """The cluster's name as a text node beside one of its members, not as the cluster's label:
    dot routes edges around nodes but not around cluster labels."""
    text = f"namespace {namespace}"
    width, height = (text_width(text, 11, REGULAR_EM) + 4) / 72, 16 / 72
    # An invisible box rather than plaintext, so that the SVG says where the title stands.
    group.node(name, label=text, id=f"namespace {box}", shape="box", color="transparent", fontsize="11", fontcolor=GREY,
               width=f"{width:.4f}", height=f"{height:.4f}", **{"class": "namespace"})  # fmt: skip
    with group.subgraph() as same:
        same.attr(rank="same")
        same.node(name)
        same.node(beside)


def _port_label(group: graphviz.Digraph, name: str, edge: Edge, color: str) -> None:
    """An edge's ports as a node of its own on the edge: dot keeps nodes clear of each other,
    so no label covers a box or another label, and the line says which edge it belongs to."""
    width = (text_width(edge.label, LABEL_PT, REGULAR_EM) + 10) / 72
    group.node(name, label=edge.label, id=edge.nca, shape="box", style="rounded,filled", fillcolor="#ffffff",
               color=color, fontsize=str(LABEL_PT), fontcolor="#374151", width=f"{width:.4f}",
               height=f"{18 / 72:.4f}", **{"class": "ports"})  # fmt: skip


def dot_graph(graph: Graph) -> graphviz.Digraph:
    """dot's input. Nodes get short names (n3, e7, t1): the binding reads `a:b` in an edge as
    node a's port b, and IPv6 ranges hold colons; `id` carries the endpoint or the map line."""
    dot = graphviz.Digraph(name=f"connectivity_{graph.env}")
    dot.attr(
        rankdir="LR",
        newrank="true",  # so that rank=min/max below apply to nodes inside clusters too
        nodesep="0.3",
        ranksep="0.5",
        fontname=FONT,
        label=title(graph.env),
        labelloc="t",
        labeljust="l",
        bgcolor="#ffffff",
        pad="0.2",
        # Straight segments: curved ones leaving one box braid around each other.
        splines="polyline",
        # More rounds of crossing reduction: with the default, prod's map (an external database, an
        # address range instead of a pod) ran a line through a ports box.
        mclimit="4",
    )
    dot.attr("node", shape="box", fixedsize="true", height=f"{NODE_H / 72:.4f}", fontname=FONT)
    dot.attr("edge", arrowsize="0.7")
    name = {node_id: f"n{i}" for i, node_id in enumerate(sorted(graph.nodes))}
    sources = sorted(n for n in graph.nodes if not any(e.target == n for e in graph.edges))
    sinks = sorted(n for n in graph.nodes if not any(e.source == n for e in graph.edges))
    by_box = namespace_boxes(graph, sinks)
    box_of = {member: box for box, members in by_box.items() for member in members}
    # An edge's label stays inside the box when both ends are in it (never in "", the IP ranges').
    inside = {i: box_of[e.source] for i, e in enumerate(graph.edges) if box_of[e.source] == box_of[e.target] != ""}
    # Every workload reaches cluster DNS: those edges, and the ones to IP ranges, are drawn
    # lighter so that the connections between the workloads stand out.
    color = {e: LIGHT if e.target in sinks and not graph.nodes[e.target].workload else GREY for e in graph.edges}
    for index, (box, members) in enumerate(sorted(by_box.items())):
        namespace = graph.nodes[members[0]].namespace
        # IP ranges (no namespace) stand outside every cluster.
        with dot.subgraph(name=f"cluster_{box}" if namespace else None) as group:
            if namespace:
                ours = any(graph.nodes[m].workload for m in members)
                group.attr(label="", style="rounded" if ours else "rounded,dashed", color=LIGHT)
                first = min(members, key=lambda m: (m not in sources, m))  # its leftmost member
                _namespace_title(group, f"t{index}", box, namespace, name[first])
            for member in members:
                node = graph.nodes[member]
                look = WORKLOAD_STYLE if node.workload else PEER_STYLE
                kind = "workload" if node.workload else "peer"
                group.node(name[member], label=node_label(node), id=member, width=f"{node_width(node) / 72:.4f}",
                           **look, **{"class": kind})  # fmt: skip
            for i, edge in enumerate(graph.edges):
                if inside.get(i) == box:
                    _port_label(group, f"e{i}", edge, color[edge])
    for i, edge in enumerate(graph.edges):
        if i not in inside:
            _port_label(dot, f"e{i}", edge, color[edge])
        dot.edge(name[edge.source], f"e{i}", color=color[edge], arrowhead="none")
        dot.edge(f"e{i}", name[edge.target], color=color[edge])
    for rank, members in (("min", sources), ("max", sinks)):
        with dot.subgraph() as same:
            same.attr(rank=rank)
            for member in members:
                same.node(name[member])
    return dot


@contextmanager
def core_plugins() -> Iterator[None]:
    """GVBINDIR set to a folder holding dot's core plugins and their configuration only."""
    try:
        probe = subprocess.run(["dot", "-v"], input="", capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise OpsError("dot: Graphviz is not installed (Debian: apt-get install graphviz)", EXIT_ERROR) from None
    found = re.search(r'libdir = "([^"]+)"', probe.stderr)
    libdir = Path(found[1]) if found else Path()
    missing = [name for name in CORE_PLUGINS if not (libdir / name).is_file()]
    if missing:
        raise OpsError(f"dot: Graphviz has no {', '.join(missing)} in {libdir} (`dot -v` names its libdir)", EXIT_ERROR)
    before = os.environ.get("GVBINDIR")
    with tempfile.TemporaryDirectory(prefix="gvplugins-") as folder:
        for name in CORE_PLUGINS:
            (Path(folder) / name).symlink_to(libdir / name)
        os.environ["GVBINDIR"] = folder
        try:
            subprocess.run(["dot", "-c"], check=True, capture_output=True)  # writes the plugin configuration
            yield
        finally:
            if before is None:
                os.environ.pop("GVBINDIR", None)
            else:
                os.environ["GVBINDIR"] = before


def _run(dot: graphviz.Digraph, fmt: str) -> str:
    try:
        with core_plugins():
            return dot.pipe(format=fmt, encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise OpsError("dot: Graphviz is not installed (Debian: apt-get install graphviz)", EXIT_ERROR) from None
    except BrokenPipeError:  # dot quit before it had read the graph
        raise OpsError("dot: Graphviz could not lay out the picture: dot stopped reading its input", EXIT_ERROR) from None
    except subprocess.CalledProcessError as error:  # the binding's error is one of these
        detail = one_line(error.stderr.decode() if isinstance(error.stderr, bytes) else str(error.stderr or error))
        raise OpsError(f"dot: Graphviz could not lay out the picture: {detail[:300]}", EXIT_ERROR) from None


VERSION_COMMENT = re.compile(r"<!-- Generated by graphviz version [^>]*-->\n")


def render_svg(graph: Graph) -> str:
    """dot's SVG. Its comment naming dot's version gives way to one naming the generator, so
    the bytes change only when the picture does."""
    generated = f"<!-- Generated by `python -m ops docs` from NCA's map of dist/{graph.env}, laid out by dot. Do not edit. -->\n"
    return VERSION_COMMENT.sub(generated, _run(dot_graph(graph), "svg"), count=1)
