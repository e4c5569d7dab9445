"""The allowed connections of an environment, drawn from the verified map: its graph and table.

The connections are network-config-analyzer's (NCA) connectivity map of dist/<env>, computed
by verify/connectivity.py exactly as `make verify` computes it before comparing it with the
intent in verify/golden/: the same objects, the same stand-ins for the peers outside dist/
(ingress controller, cluster DNS, Prometheus), the same NCA. This module evaluates no policy
itself; it names the map's endpoints and connections. Nodes are the workloads of dist/<env>,
the stand-ins they talk to and IP ranges outside the cluster. ops/connectivity_dot.py draws
the graph; this module needs no graph tool.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

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
    namespace: str = ""  # empty for an IP range


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
        return Node(endpoint, name, f"{namespace} · {kind}", True, f"{namespace}/{name}", namespace)
    role = connectivity.STAND_IN_ROLES.get(f"{namespace}/{name}", kind)
    return Node(endpoint, name, f"{namespace} · {role}", False, f"{namespace}/{name} ({role})", namespace)


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
