"""The allowed connections of an environment, as text and SVG, drawn from the verified map.

The connections are network-config-analyzer's (NCA) connectivity map of dist/<env>, computed
by verify/connectivity.py exactly as `make verify` computes it before comparing it with the
intent in verify/golden/: the same objects, the same stand-ins for the peers outside dist/
(ingress controller, cluster DNS, Prometheus), the same NCA. This module evaluates no policy
itself; it names the map's endpoints and lays them out. Nodes are the workloads of dist/<env>,
the stand-ins they talk to and IP ranges outside the cluster. The SVG is written by hand from
a fixed layout, so the same dist/ gives the same bytes on every machine and no graph tool is
needed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from manifests import Manifest
from ops.common import EXIT_ERROR, OpsError, one_line
from verify import connectivity

# namespace/name[Kind], as NCA names a workload (or a stand-in pod) with deployment endpoints
ENDPOINT = re.compile(r"^(?P<namespace>[^/\[\]]+)/(?P<name>[^/\[\]]+)\[(?P<kind>\w+)\]$")
EVERY_ADDRESS = "0.0.0.0/0"


# --- model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: str  # the endpoint as NCA writes it
    title: str
    subtitle: str
    workload: bool  # a workload of dist/<env> (not a stand-in or an IP range)
    text: str  # how the text table names it


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    nca: str  # the map line it was drawn from, as the verification compares it with the intent


@dataclass
class Graph:
    env: str
    nodes: dict[str, Node]
    edges: list[Edge]


def _cidrs(ranges: str) -> list[str]:
    """NCA's `a-b,c-d` address ranges as the CIDR blocks that cover exactly them."""
    blocks = []
    for part in ranges.split(","):
        first, _, last = part.partition("-")
        start, end = ipaddress.ip_address(first), ipaddress.ip_address(last or first)
        blocks += [str(net) for net in ipaddress.summarize_address_range(start, end)]
    return blocks


def endpoint_node(endpoint: str, product: set[str]) -> Node:
    match = ENDPOINT.match(endpoint)
    if match is None:
        cidrs = _cidrs(endpoint)
        title = ", ".join(cidrs)
        subtitle = "any address" if cidrs == [EVERY_ADDRESS] else "IP addresses"
        return Node(endpoint, title, subtitle, False, f"{title} ({subtitle})")
    namespace, name, kind = match["namespace"], match["name"], match["kind"]
    if namespace in product:
        return Node(endpoint, name, f"{namespace} · {kind}", True, f"{namespace}/{name}")
    role = connectivity.STAND_IN_ROLES.get(f"{namespace}/{name}", kind)
    return Node(endpoint, name, f"{namespace} · {role}", False, f"{namespace}/{name} ({role})")


PROTOCOL_JOIN = re.compile(r",\s*")
DIMENSION = re.compile(r",(?=[a-z_]+:)")  # splits a cube at its next `key:`, not inside a value list


def port_label(connection: str) -> str:
    """NCA's connection text (`{protocols:TCP, UDP,dst_ports:53}`) as `TCP/UDP 53`."""
    if connection == "All connections":
        return "any port"
    prefix, cubes = "", connection
    if cubes.startswith("All but "):
        prefix, cubes = "all but ", cubes[len("All but ") :]
    parts = []
    for cube in re.findall(r"\{([^{}]*)\}", cubes):
        dims = dict(d.split(":", 1) for d in DIMENSION.split(cube) if ":" in d)
        protocols = "/".join(PROTOCOL_JOIN.split(dims.pop("protocols", "any protocol")))
        ports = dims.pop("dst_ports", "any port").replace(",", ", ")
        rest = "".join(f" {key} {value}" for key, value in dims.items())  # methods, paths: shown as NCA says
        parts.append(f"{protocols} {ports}{rest}")
    return prefix + ", ".join(parts) if parts else connection


def graph_of(env: str, edges: Iterable[connectivity.MapEdge], product: set[str]) -> Graph:
    nodes: dict[str, Node] = {}
    drawn = []
    for edge in edges:
        for endpoint in (edge.source, edge.target):
            nodes.setdefault(endpoint, endpoint_node(endpoint, product))
        drawn.append(Edge(edge.source, edge.target, port_label(edge.connection), edge.line))
    return Graph(env, nodes, sorted(drawn, key=lambda e: (nodes[e.source].text, nodes[e.target].text)))


def analyse(objects: list[Manifest], env: str, nca: Path = connectivity.NCA) -> Graph:
    """The graph of NCA's connectivity map of one environment's objects."""
    if not nca.is_file():
        raise OpsError(f"{nca}: network-config-analyzer is not installed (run `make verify-tools`)", EXIT_ERROR)
    try:
        edges = connectivity.connectivity_map(objects, nca)
    except (RuntimeError, ValueError) as error:
        raise OpsError(
            f"dist/{env}: network-config-analyzer gave no connectivity map: {one_line(error)[:500]}", EXIT_ERROR
        ) from None
    return graph_of(env, edges, connectivity.product_namespaces(objects))


# --- text ---------------------------------------------------------------------------------------


def text_table(graph: Graph) -> str:
    rows = ["| From | To | Ports |", "|---|---|---|"]
    for edge in graph.edges:
        rows.append(f"| {graph.nodes[edge.source].text} | {graph.nodes[edge.target].text} | {edge.label} |")
    return "\n".join(rows)


# --- SVG ----------------------------------------------------------------------------------------

CHAR_W = 7  # average advance of 12px sans-serif, enough to size boxes without a font engine
BOX_H = 44
GAP_X = 90
GAP_Y = 28
MARGIN = 24
TITLE_H = 40
ARC_STEP = 26


def _layers(graph: Graph, main: list[str]) -> dict[str, int]:
    """Longest path from the sources, so every edge between main nodes points right."""
    rank = {node: 0 for node in main}
    inner = [e for e in graph.edges if e.source in rank and e.target in rank]
    for _ in range(len(main)):
        changed = False
        for edge in inner:
            if rank[edge.target] < rank[edge.source] + 1 and rank[edge.source] + 1 < len(main):
                rank[edge.target] = rank[edge.source] + 1
                changed = True
        if not changed:
            break
    return rank


def _text(
    x: int, y: int, content: str, *, size: int = 12, anchor: str = "middle", weight: str = "normal", fill: str = "#1f2937"
) -> str:
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
        f'fill="{fill}">{escape(content)}</text>'
    )


def _label(x: int, y: int, content: str) -> list[str]:
    width = len(content) * (CHAR_W - 1) + 10
    return [
        f'<rect x="{x - width // 2}" y="{y - 11}" width="{width}" height="15" rx="3" fill="#ffffff" fill-opacity="0.9"/>',
        _text(x, y, content, size=11, fill="#374151"),
    ]


def render_svg(graph: Graph) -> str:
    # Sinks outside dist/ (DNS, CIDRs) go to a bottom row: every workload reaches DNS, and
    # drawing those edges downwards keeps them clear of the workload-to-workload edges.
    sinks = sorted(n for n in graph.nodes if not graph.nodes[n].workload and not any(e.source == n for e in graph.edges))
    main = sorted(n for n in graph.nodes if n not in sinks)
    rank = _layers(graph, main)
    columns: dict[int, list[str]] = {}
    for node in main:
        columns.setdefault(rank[node], []).append(node)
    width_of = {n: max(len(graph.nodes[n].title), len(graph.nodes[n].subtitle)) * CHAR_W + 28 for n in graph.nodes}
    col_w = max([width_of[n] for n in main] or [120])
    tallest = max([len(c) for c in columns.values()] or [1])
    max_span = max([rank[e.target] - rank[e.source] for e in graph.edges if e.source in rank and e.target in rank] or [1])
    arc_room = ARC_STEP * max(0, max_span - 1) + (ARC_STEP if max_span > 1 else 0)
    top = MARGIN + TITLE_H + arc_room
    pos: dict[str, tuple[int, int, int]] = {}  # node -> (x, y, width)
    main_h = tallest * BOX_H + (tallest - 1) * GAP_Y
    for col, members in sorted(columns.items()):
        x = MARGIN + col * (col_w + GAP_X)
        offset = (main_h - (len(members) * BOX_H + (len(members) - 1) * GAP_Y)) // 2
        for i, node in enumerate(members):
            pos[node] = (x, top + offset + i * (BOX_H + GAP_Y), col_w)
    n_cols = max(columns, default=0) + 1
    canvas_w = MARGIN * 2 + n_cols * col_w + (n_cols - 1) * GAP_X
    sink_y = top + main_h + 90
    if sinks:
        total = sum(width_of[s] for s in sinks) + GAP_X * (len(sinks) - 1)
        canvas_w = max(canvas_w, total + 2 * MARGIN)
        x = (canvas_w - total) // 2
        for sink in sinks:
            pos[sink] = (x, sink_y, width_of[sink])
            x += width_of[sink] + GAP_X
    canvas_h = (sink_y + BOX_H if sinks else top + main_h) + MARGIN

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{canvas_w}" height="{canvas_h}" '
        f'viewBox="0 0 {canvas_w} {canvas_h}" font-family="Helvetica, Arial, sans-serif">',
        "<defs>",
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#4b5563"/></marker>',
        "</defs>",
        f'<rect x="0" y="0" width="{canvas_w}" height="{canvas_h}" fill="#ffffff"/>',
        _text(
            MARGIN,
            MARGIN + 14,
            f"Allowed connections of dist/{graph.env} (from its NetworkPolicies)",
            size=14,
            anchor="start",
            weight="bold",
        ),
        _text(MARGIN, MARGIN + 30, "Everything else is denied. Ports are pod ports.", size=11, anchor="start", fill="#4b5563"),
    ]
    labels: list[str] = []
    for edge in graph.edges:
        sx, sy, sw = pos[edge.source]
        tx, ty, tw = pos[edge.target]
        if edge.target in sinks:
            x1, y1 = sx + sw // 2, sy + BOX_H
            x2, y2 = max(tx + 12, min(tx + tw - 12, x1)), ty
            mx, my = x1 + (x2 - x1) * 2 // 5, y1 + (y2 - y1) * 2 // 5 + 4
            out.append(
                f'<path d="M {x1} {y1} L {x2} {y2}" stroke="#9ca3af" stroke-width="1.4" fill="none" marker-end="url(#arrow)"/>'
            )
        elif rank[edge.target] - rank[edge.source] == 1:
            x1, y1 = sx + sw, sy + BOX_H // 2
            x2, y2 = tx, ty + BOX_H // 2
            mx, my = (x1 + x2) // 2, (y1 + y2) // 2 - 4
            out.append(
                f'<path d="M {x1} {y1} L {x2} {y2}" stroke="#4b5563" stroke-width="1.6" fill="none" marker-end="url(#arrow)"/>'
            )
        else:
            # Skips a column (or points back): an arc over the boxes in between.
            span = abs(rank[edge.target] - rank[edge.source])
            x1, y1 = sx + sw // 2, sy
            x2, y2 = tx + tw // 2, ty
            lift = min(sy, ty) - ARC_STEP * span - 10
            out.append(
                f'<path d="M {x1} {y1} C {x1} {lift} {x2} {lift} {x2} {y2}" stroke="#4b5563" '
                'stroke-width="1.6" fill="none" marker-end="url(#arrow)"/>'
            )
            mx, my = (x1 + x2) // 2, (y1 + 6 * lift + y2) // 8 + 4  # the curve's apex (t = 1/2)
        labels.extend(_label(mx, my, edge.label))
    for node_id in sorted(pos):
        node = graph.nodes[node_id]
        x, y, w = pos[node_id]
        style = 'fill="#dbeafe" stroke="#1d4ed8"' if node.workload else 'fill="#f3f4f6" stroke="#6b7280" stroke-dasharray="5 3"'
        out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{BOX_H}" rx="6" {style} stroke-width="1.4"/>')
        out.append(_text(x + w // 2, y + 18, node.title, weight="bold"))
        out.append(_text(x + w // 2, y + 34, node.subtitle, size=11, fill="#4b5563"))
    out.extend(labels)
    out.append("</svg>")
    return "\n".join(out) + "\n"
