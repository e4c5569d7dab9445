"""The allowed connections of an environment, read from its NetworkPolicies in dist/, as text and SVG.

Nodes are the workloads of dist/<env> (Deployments, StatefulSets, Jobs, CronJobs) plus every peer outside them
that a policy names (the ingress controller's namespace, cluster DNS, CIDRs). A connection
between two workloads exists only when the source's egress and the destination's ingress both
allow it, on the ports both allow; named ports resolve against the destination's container
ports. Peers follow NetworkPolicy semantics: a namespace and a pod selector in one peer must
both match. The SVG is written by hand from a fixed layout, so the same dist/ gives the same
bytes on every machine and no graph tool is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from manifests import Manifest as DistObject
from manifests import of_kind

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
PROTOCOLS = ("TCP", "UDP", "SCTP")
# kind -> API group of the objects whose pods the picture draws (Jobs and CronJobs too: the
# migration and the backup have their own edges).
WORKLOAD_KINDS = {"Deployment": "apps", "StatefulSet": "apps", "DaemonSet": "apps", "Job": "batch", "CronJob": "batch"}

Range = tuple[int, int] | None  # None: any port
PortSet = frozenset[tuple[str, Range]]
ALL_PORTS: PortSet = frozenset((proto, None) for proto in PROTOCOLS)


# --- model ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    kind: str
    namespace: str
    name: str
    labels: tuple[tuple[str, str], ...]
    ports: tuple[tuple[str, str, int], ...]  # (name, protocol, number)

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    subtitle: str
    workload: bool


@dataclass
class Edge:
    source: str
    target: str
    ports: PortSet
    policies: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return port_label(self.ports)


@dataclass
class Graph:
    env: str
    nodes: dict[str, Node]
    edges: list[Edge]
    notes: list[str]


def _selector_matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    """matchLabels and matchExpressions; an empty selector matches everything."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True


def _selector_text(selector: dict[str, Any] | None) -> str:
    selector = selector or {}
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    parts += [
        f"{e.get('key')} {e.get('operator')} {','.join(e.get('values') or [])}".strip()
        for e in selector.get("matchExpressions") or []
    ]
    return ", ".join(parts)


def workloads_of(objects: Iterable[DistObject]) -> list[Workload]:
    found = []
    for obj in objects:
        if WORKLOAD_KINDS.get(obj.kind) != obj.group:
            continue
        spec = obj.obj.get("spec") or {}
        if obj.kind == "CronJob":
            spec = (spec.get("jobTemplate") or {}).get("spec") or {}
        template = spec.get("template") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        ports = [
            (str(p.get("name", "")), str(p.get("protocol", "TCP")), int(p["containerPort"]))
            for c in (template.get("spec") or {}).get("containers") or []
            for p in c.get("ports") or []
            if "containerPort" in p
        ]
        found.append(Workload(obj.kind, obj.namespace, obj.name, tuple(sorted(labels.items())), tuple(ports)))
    return sorted(found, key=lambda w: w.id)


def _rule_ports(rule: dict[str, Any], target: Workload | None) -> PortSet:
    entries = rule.get("ports") or []
    if not entries:
        return ALL_PORTS
    result = set()
    for entry in entries:
        proto = str(entry.get("protocol", "TCP"))
        port = entry.get("port")
        if port is None:
            result.add((proto, None))
        elif isinstance(port, int):
            result.add((proto, (port, int(entry.get("endPort", port)))))
        elif target is not None:
            # A named port means the destination pod's container port of that name.
            result.update((proto, (n, n)) for name, p, n in target.ports if name == port and p == proto)
    return frozenset(result)


def _intersect(a: PortSet, b: PortSet) -> PortSet:
    result = set()
    for proto_a, range_a in a:
        for proto_b, range_b in b:
            if proto_a != proto_b:
                continue
            if range_a is None or range_b is None:
                result.add((proto_a, range_b if range_a is None else range_a))
            else:
                lo, hi = max(range_a[0], range_b[0]), min(range_a[1], range_b[1])
                if lo <= hi:
                    result.add((proto_a, (lo, hi)))
    return frozenset(result)


def port_label(ports: PortSet) -> str:
    if ports == ALL_PORTS:
        return "any port"
    by_range: dict[Range, list[str]] = {}
    for proto, rng in ports:
        by_range.setdefault(rng, []).append(proto)

    def text(rng: Range) -> str:
        if rng is None:
            return "any port"
        return str(rng[0]) if rng[0] == rng[1] else f"{rng[0]}-{rng[1]}"

    parts = []
    for rng in sorted(by_range, key=lambda r: (r is None, r or (0, 0))):
        protos = "/".join(p for p in PROTOCOLS if p in by_range[rng])
        parts.append(f"{protos} {text(rng)}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Policy:
    namespace: str
    name: str
    selector: dict[str, Any]
    types: tuple[str, ...]
    ingress: tuple[dict[str, Any], ...]
    egress: tuple[dict[str, Any], ...]

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"


def policies_of(objects: Iterable[DistObject]) -> list[Policy]:
    found = []
    for obj in of_kind(objects, "NetworkPolicy", "networking.k8s.io"):
        spec = obj.obj.get("spec") or {}
        types = spec.get("policyTypes") or (["Ingress", "Egress"] if spec.get("egress") else ["Ingress"])
        found.append(
            Policy(
                obj.namespace,
                obj.name,
                spec.get("podSelector") or {},
                tuple(types),
                tuple(spec.get("ingress") or []),
                tuple(spec.get("egress") or []),
            )
        )
    return sorted(found, key=lambda p: p.id)


class Analysis:
    def __init__(self, objects: list[DistObject]) -> None:
        self.workloads = workloads_of(objects)
        self.policies = policies_of(objects)
        self.namespace_labels: dict[str, dict[str, str]] = {}
        for ns in of_kind(objects, "Namespace", ""):
            labels = dict((ns.obj.get("metadata") or {}).get("labels") or {})
            self.namespace_labels[ns.name] = {**labels, NAMESPACE_NAME_LABEL: ns.name}

    def ns_labels(self, namespace: str) -> dict[str, str]:
        # Namespaces outside dist/ carry at least the label the API server sets on every one.
        return self.namespace_labels.get(namespace, {NAMESPACE_NAME_LABEL: namespace})

    def selecting(self, workload: Workload, direction: str) -> list[Policy]:
        labels = dict(workload.labels)
        return [
            p
            for p in self.policies
            if p.namespace == workload.namespace and direction in p.types and _selector_matches(p.selector, labels)
        ]

    def peer_matches(self, peer: dict[str, Any], policy_ns: str, workload: Workload) -> bool:
        if "ipBlock" in peer:
            return False
        if "namespaceSelector" in peer:
            if not _selector_matches(peer["namespaceSelector"], self.ns_labels(workload.namespace)):
                return False
        elif workload.namespace != policy_ns:
            return False
        return "podSelector" not in peer or _selector_matches(peer["podSelector"], dict(workload.labels))

    def allowed(self, owner: Workload, other: Workload, direction: str) -> tuple[PortSet, set[str], bool]:
        """Ports `owner`'s policies of `direction` allow to/from `other`; (ports, policies, isolated)."""
        policies = self.selecting(owner, direction)
        if not policies:
            return ALL_PORTS, set(), False
        ports: set[tuple[str, Range]] = set()
        used: set[str] = set()
        target = owner if direction == "Ingress" else other
        for policy in policies:
            for rule in policy.ingress if direction == "Ingress" else policy.egress:
                peers = rule.get("from" if direction == "Ingress" else "to") or []
                if not peers or any(self.peer_matches(peer, policy.namespace, other) for peer in peers):
                    ports |= _rule_ports(rule, target)
                    used.add(policy.id)
        return frozenset(ports), used, True


def _external_node(peer: dict[str, Any], policy_ns: str) -> Node:
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        except_ = block.get("except") or []
        return Node(
            f"cidr:{block.get('cidr')}",
            str(block.get("cidr")),
            "CIDR" + (f" except {', '.join(except_)}" if except_ else ""),
            False,
        )
    ns_sel = peer.get("namespaceSelector")
    pod_sel = peer.get("podSelector")
    if ns_sel is None:
        namespace, ns_text = policy_ns, policy_ns
    else:
        labels = ns_sel.get("matchLabels") or {}
        only_name = set(labels) == {NAMESPACE_NAME_LABEL} and not ns_sel.get("matchExpressions")
        namespace = labels[NAMESPACE_NAME_LABEL] if only_name else ""
        ns_text = namespace or (f"namespaces {_selector_text(ns_sel)}" if _selector_text(ns_sel) else "every namespace")
    pods = _selector_text(pod_sel) if pod_sel is not None else ""
    node_id = f"peer:{ns_text}|{pods}"
    if pod_sel is None or not pods:
        return Node(node_id, ns_text, "namespace, all pods" if namespace else "all pods", False)
    return Node(node_id, ns_text, f"pods {pods}", False)


ANY_SOURCE = Node("peer:any", "any source", "no peer restriction", False)


def analyse(objects: list[DistObject], env: str) -> Graph:
    analysis = Analysis(objects)
    nodes = {w.id: Node(w.id, w.name, f"{w.namespace} · {w.kind}", True) for w in analysis.workloads}
    edges: dict[tuple[str, str], Edge] = {}
    notes: list[str] = []

    def add(source: str, target: str, ports: PortSet, policies: Iterable[str]) -> None:
        edge = edges.setdefault((source, target), Edge(source, target, frozenset()))
        edge.ports = frozenset(edge.ports | ports)
        edge.policies.update(policies)

    for workload in analysis.workloads:
        for direction in ("Ingress", "Egress"):
            if not analysis.selecting(workload, direction):
                notes.append(f"{workload.id}: no NetworkPolicy selects it for {direction.lower()}; it is open in that direction")

    for source in analysis.workloads:
        for target in analysis.workloads:
            if source == target:
                continue
            out_ports, out_pols, out_iso = analysis.allowed(source, target, "Egress")
            in_ports, in_pols, in_iso = analysis.allowed(target, source, "Ingress")
            both = _intersect(out_ports, in_ports)
            if both and (out_pols or in_pols):
                add(source.id, target.id, both, out_pols | in_pols)
            elif out_pols and in_iso and not both:
                notes.append(
                    f"{source.id} -> {target.id}: egress allowed by {', '.join(sorted(out_pols))} "
                    f"but no ingress rule of {target.id} admits it"
                )
            elif in_pols and out_iso and not both:
                notes.append(
                    f"{source.id} -> {target.id}: ingress allowed by {', '.join(sorted(in_pols))} "
                    f"but no egress rule of {source.id} allows it"
                )

    # Peers that are not workloads of dist/: the ingress controller, DNS, external networks.
    for workload in analysis.workloads:
        for direction, key in (("Ingress", "from"), ("Egress", "to")):
            for policy in analysis.selecting(workload, direction):
                for rule in policy.ingress if direction == "Ingress" else policy.egress:
                    peers = rule.get(key) or []
                    for peer in peers or [None]:
                        if peer is not None and any(analysis.peer_matches(peer, policy.namespace, w) for w in analysis.workloads):
                            continue
                        node = ANY_SOURCE if peer is None else _external_node(peer, policy.namespace)
                        if peer is None and direction == "Egress":
                            node = Node("peer:anywhere", "anywhere", "no peer restriction", False)
                        nodes.setdefault(node.id, node)
                        ports = _rule_ports(rule, workload if direction == "Ingress" else None)
                        if direction == "Ingress":
                            add(node.id, workload.id, ports, [policy.id])
                        else:
                            add(workload.id, node.id, ports, [policy.id])
    ordered = sorted(edges.values(), key=lambda e: (e.source, e.target))
    return Graph(env, nodes, ordered, sorted(set(notes)))


# --- text ---------------------------------------------------------------------------------------


def _node_text(node: Node) -> str:
    return node.id if node.workload else f"{node.title} ({node.subtitle})"


def text_table(graph: Graph) -> str:
    rows = ["| From | To | Ports | Allowed by |", "|---|---|---|---|"]
    for edge in graph.edges:
        rows.append(
            f"| {_node_text(graph.nodes[edge.source])} | {_node_text(graph.nodes[edge.target])} | {edge.label} "
            f"| {', '.join(sorted(edge.policies))} |"
        )
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
