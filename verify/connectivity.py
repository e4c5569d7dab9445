"""Connectivity: network-config-analyzer (NCA) computes who may talk to whom.

NCA reads the namespaces, workloads and NetworkPolicies of one environment plus stand-ins
for the things outside it that the policies name: the ingress controller (namespace
ingress-nginx), cluster DNS (kube-system pods labelled k8s-app=kube-dns) and Prometheus
(monitoring pods labelled app.kubernetes.io/name=prometheus, the Pushgateway, another monitoring pod). Its map must
equal the hand-written intent in golden/connectivity[-<env>].txt, and every query in
golden/forbids[-<env>]/ must be denied. NCA runs from its own venv (.venv-nca).

`connectivity_map` is the map alone; the published picture (ops/connectivity_picture.py) is
drawn from it, so the documentation shows exactly the connections this check verifies.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from manifests import REPO_ROOT, WORKLOAD_KINDS, Manifest, ObjectView, pod_template, selectors, yaml_files
from verify.findings import Finding
from verify.kept_results import KeptResults, venv_of, venv_packages

NCA = Path(os.environ.get("VERIFY_NCA", REPO_ROOT / ".venv-nca" / "bin" / "nca"))
GOLDEN = Path(__file__).resolve().parent / "golden"

# Only these kinds shape pod-to-pod connectivity. Ingress objects are left out on purpose:
# NCA would add its own simulated controller; the stand-in below is the real one's shape.
NCA_KINDS = {"Namespace", "NetworkPolicy", *WORKLOAD_KINDS}


def _pod(namespace: str, name: str, labels: dict[str, str], ports: list[dict[str, Any]]) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"containers": [{"name": name, "image": "stand-in", "ports": ports}]},
    }


def _namespace(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


# Shaped like the ingress-nginx chart's controller and like CoreDNS, named ports included,
# so policies that name ports resolve as they would on a cluster.
STAND_INS: list[dict] = [
    _namespace("ingress-nginx"),
    _pod(
        "ingress-nginx",
        "ingress-nginx-controller",
        {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
        [{"name": "http", "containerPort": 80}, {"name": "https", "containerPort": 443}],
    ),
    # Prometheus and a neighbour in its namespace, so a policy that forgets the pod selector
    # (admitting the whole monitoring namespace) shows up as an extra edge.
    _namespace("monitoring"),
    _pod(
        "monitoring",
        "prometheus",
        {"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "k8s"},
        [{"name": "web", "containerPort": 9090}],
    ),
    _pod("monitoring", "grafana", {"app.kubernetes.io/name": "grafana"}, [{"name": "http", "containerPort": 3000}]),
    # The Pushgateway the backup reports each dump's size to (monitoring.pushgateway).
    _pod(
        "monitoring",
        "prometheus-pushgateway",
        {"app.kubernetes.io/name": "prometheus-pushgateway"},
        [{"name": "metrics", "containerPort": 9091}],
    ),
    _namespace("kube-system"),
    _pod(
        "kube-system",
        "coredns",
        {"k8s-app": "kube-dns"},
        [
            {"name": "dns", "containerPort": 53, "protocol": "UDP"},
            {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
            {"name": "metrics", "containerPort": 9153, "protocol": "TCP"},
        ],
    ),
]

# What each stand-in plays, for readers of the map (namespace/name -> role).
STAND_IN_ROLES = {
    "ingress-nginx/ingress-nginx-controller": "ingress controller",
    "monitoring/prometheus": "Prometheus",
    "monitoring/grafana": "another monitoring pod",
    "monitoring/prometheus-pushgateway": "Pushgateway",
    "kube-system/coredns": "cluster DNS",
}

EDGE = re.compile(r"^(?P<src>\S+) => (?P<dst>\S+) : (?P<conn>.+)$")


@dataclass(frozen=True)
class MapEdge:
    """One line of NCA's map: `source => target : connection`, in NCA's own notation."""

    source: str  # namespace/name[Kind] of a workload, or an IP range a-b[,c-d...]
    target: str
    connection: str  # e.g. {protocols:TCP,dst_ports:5000} or All connections

    @property
    def line(self) -> str:
        return f"{self.source} => {self.target} : {self.connection}"


def parse_edge(line: str) -> MapEdge:
    match = EDGE.match(line.strip())
    if not match:
        raise ValueError(f"not an edge of NCA's connectivity map: {line!r}")
    return MapEdge(match["src"], match["dst"], match["conn"])


@dataclass
class ConnectivityReport:
    findings: list[Finding] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)
    golden: Path | None = None
    queries: list[str] = field(default_factory=list)


def golden_file(env: str) -> Path:
    specific = GOLDEN / f"connectivity-{env}.txt"
    return specific if specific.exists() else GOLDEN / "connectivity.txt"


def forbids_dir_of(env: str) -> Path:
    """The forbids queries of an environment: its own folder when its edges differ (prod's
    external database has address ranges, not pods), else the shared one."""
    specific = GOLDEN / f"forbids-{env}"
    return specific if specific.is_dir() else GOLDEN / "forbids"


def read_edges(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return sorted(line for line in lines if line and not line.startswith("#"))


def cluster_documents(manifests: Sequence[ObjectView]) -> list[dict]:
    # NCA reads one file top to bottom and needs every namespace and pod before a policy
    # that names it, so namespaces come first, then pods, then policies.
    docs = [m.document for m in manifests if m.kind in NCA_KINDS] + STAND_INS
    order = {"Namespace": 0, "NetworkPolicy": 2}
    return sorted(docs, key=lambda d: order.get(d["kind"], 1))


# The kinds of NCA_KINDS that create pods.
POD_KINDS = NCA_KINDS - {"Namespace", "NetworkPolicy"}


def product_namespaces(manifests: Sequence[ObjectView]) -> set[str]:
    names = {m.name for m in manifests if m.kind == "Namespace"}
    return names | {m.namespace for m in manifests if m.kind in POD_KINDS}


def _namespace_of(endpoint: str) -> str | None:
    return endpoint.split("/", 1)[0] if "[" in endpoint else None


BASE = "dist"  # the name of the environment's own configuration in the scheme
BLOCK = re.compile(r"^Running query (?P<name>\S+)\n(?P<body>.*?)^Query (?P=name) finished", re.S | re.M)


@dataclass
class NcaResult:
    edges: list[str]
    denied: dict[str, bool]  # forbids query -> every connection it names is denied
    explanations: dict[str, str]


def _scheme(cluster: str, queries: list[tuple[str, str]], map_path: str) -> dict:
    """NCA's scheme: the connectivity map of the environment (`cluster`, a file) and a forbids
    query per (name, file) of `queries`."""
    return {
        "resourceList": [cluster],
        "networkConfigList": [{"name": BASE, "networkPolicyList": [cluster]}]
        + [{"name": name, "networkPolicyList": [path]} for name, path in queries],
        "queries": [
            {
                "name": "connectivity-map",
                "connectivityMap": [BASE],
                "outputConfiguration": {
                    "outputFormat": "txt_no_fw_rules",
                    "outputEndpoints": "deployments",
                    "outputPath": map_path,
                },
            }
        ]
        # forbids: [implementation, specification]; expected 0 means "all denied".
        + [{"name": f"forbids-{name}", "forbids": [BASE, name], "expected": 0} for name, _ in queries],
    }


def run_nca(nca: Path, cluster: Path, queries: list[Path], product: set[str]) -> NcaResult:
    """One NCA process for the whole environment: a scheme with the connectivity map and one
    forbids query per file (NCA starts in about a second; the queries take milliseconds).

    What NCA printed is kept by the bytes of the environment and of each query under its
    name (verify/kept_results.py), so an unchanged environment is not analysed again."""
    workdir = cluster.parent
    # The scheme with names for paths: what decides NCA's answer besides the files' bytes.
    kept = KeptResults("nca", [_scheme("cluster", [(q.stem, q.stem) for q in queries], "map"), venv_packages(venv_of(nca))])
    key = kept.key([("cluster", cluster), *((q.stem, q) for q in queries)])

    def analysis() -> dict[str, Any]:
        scheme = _scheme(str(cluster), [(q.stem, str(q)) for q in queries], str(workdir / "map.txt"))
        (workdir / "scheme.yaml").write_text(yaml.safe_dump(scheme), encoding="utf-8")
        proc = subprocess.run(
            [str(nca), "--scheme", str(workdir / "scheme.yaml")], capture_output=True, text=True, timeout=300, cwd=workdir
        )
        map_file = workdir / "map.txt"
        map_text = map_file.read_text(encoding="utf-8") if map_file.exists() else None
        output = {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr, "map": map_text}
        _understood(output, queries, product)  # an output not understood is an error, never kept
        return output

    return _understood(kept.result(key, analysis), queries, product)


def _understood(output: dict[str, Any], queries: list[Path], product: set[str]) -> NcaResult:
    """The map and the queries' verdicts from NCA's output; an error when it is not understood."""
    returncode, stdout = output["returncode"], output["stdout"]
    blocks = {m["name"]: m["body"] for m in BLOCK.finditer(stdout)}
    denied = {q.stem: f"{BASE} forbids connections specified in {q.stem}" in blocks.get(f"forbids-{q.stem}", "") for q in queries}
    # NCA's exit status counts the queries whose result was not the expected one; it must
    # agree with what the output says, or the output was not understood.
    if output["map"] is None or "connectivity-map" not in blocks or returncode != sum(not ok for ok in denied.values()):
        raise RuntimeError(f"nca --scheme failed ({returncode}): {stdout[-2000:]} {output['stderr'][-2000:]}")
    edges = []
    for line in output["map"].splitlines():
        match = EDGE.match(line.strip())
        # Edges among stand-ins, or between a stand-in and the outside, describe only the
        # stand-ins, which no policy of ours governs.
        if match and {_namespace_of(match["src"]), _namespace_of(match["dst"])} & product:
            edges.append(line.strip())
    explanations = {q.stem: _explain(blocks.get(f"forbids-{q.stem}", "")) for q in queries}
    return NcaResult(sorted(edges), denied, explanations)


def vacuous_selectors(query_docs: list[dict], cluster_docs: list[dict]) -> list[str]:
    """Selectors in a forbids query that select no pod: such a query proves nothing."""
    pods = []  # (namespace, pod labels)
    namespaces: dict[str, dict[str, str]] = {}
    for doc in cluster_docs:
        m = Manifest(doc, Path("-"), 0)
        if m.kind == "Namespace":
            namespaces[m.name] = selectors.namespace_labels(m.name, m.metadata.get("labels"))
        template = pod_template(m)
        if template is not None:
            pods.append((m.namespace, template.labels))
    problems = []
    for doc in query_docs:
        policy = Manifest(doc, Path("-"), 0)
        spec = doc.get("spec") or {}
        if not any(ns == policy.namespace and selectors.matches(spec.get("podSelector"), labels) for ns, labels in pods):
            problems.append(f"{policy.ref}: podSelector selects no pod")
        for direction, key in (("ingress", "from"), ("egress", "to")):
            for rule in spec.get(direction) or []:
                for peer in rule.get(key) or []:
                    if "ipBlock" in peer:
                        continue
                    if not any(_peer_selects(peer, policy.namespace, ns, labels, namespaces) for ns, labels in pods):
                        problems.append(f"{policy.ref}: {direction} peer {peer} selects no pod")
    return problems


def _peer_selects(peer: dict, own_ns: str, ns: str, labels: dict[str, str], namespaces: dict[str, dict[str, str]]) -> bool:
    if "namespaceSelector" in peer:
        ns_ok = selectors.matches(peer["namespaceSelector"], namespaces.get(ns, {}))
    else:
        ns_ok = ns == own_ns
    return ns_ok and selectors.matches(peer.get("podSelector"), labels)


def analyse(manifests: Sequence[ObjectView], nca: Path, queries: list[Path]) -> NcaResult:
    """NCA over the environment's objects plus the stand-ins: the map and the forbids queries."""
    with tempfile.TemporaryDirectory(prefix="verify-nca-") as tmp:
        cluster = Path(tmp) / "cluster.yaml"
        cluster.write_text(yaml.safe_dump_all(cluster_documents(manifests), sort_keys=False), encoding="utf-8")
        return run_nca(nca, cluster, queries, product_namespaces(manifests))


def connectivity_map(manifests: Sequence[ObjectView], nca: Path = NCA) -> list[MapEdge]:
    """The allowed connections of one environment, as `check` compares them with the intent."""
    return [parse_edge(line) for line in analyse(manifests, nca, []).edges]


def check(
    env: str, manifests: list[Manifest], nca: Path = NCA, golden: Path | None = None, forbids_dir: Path | None = None
) -> ConnectivityReport:
    golden = golden or golden_file(env)
    forbids_dir = forbids_dir or forbids_dir_of(env)
    report = ConnectivityReport(golden=golden)
    cluster_docs = cluster_documents(manifests)
    queries = yaml_files(forbids_dir)
    result = analyse(manifests, nca, queries)
    report.edges = result.edges
    for query in queries:
        report.queries.append(query.stem)
        if not result.denied[query.stem]:
            report.findings.append(
                Finding("connectivity", f"forbids:{query.stem}", "NetworkPolicies", result.explanations[query.stem])
            )
        docs = [d for d in yaml.safe_load_all(query.read_text(encoding="utf-8")) if d]
        for problem in vacuous_selectors(docs, cluster_docs):
            report.findings.append(Finding("connectivity", f"forbids:{query.stem}", query.name, problem))
    intended = read_edges(golden)
    for edge in sorted(set(report.edges) - set(intended)):
        report.findings.append(Finding("connectivity", "extra-edge", golden.name, f"allowed but not intended: {edge}"))
    for edge in sorted(set(intended) - set(report.edges)):
        report.findings.append(Finding("connectivity", "missing-edge", golden.name, f"intended but denied: {edge}"))
    return report


def _explain(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("src")]
    return " | ".join(lines) or text
