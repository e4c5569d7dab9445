"""Check 3: NCA's connectivity map equals the intent, and the forbidden edges are denied."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.support.dist_fixtures import FixtureEnv, show
from verify import connectivity, kept_results


def test_dist_connectivity_is_the_intent(connectivity_report: connectivity.ConnectivityReport) -> None:
    assert connectivity_report.edges, "NCA reported no edge at all"
    assert not connectivity_report.findings, show(connectivity_report.findings)


def test_golden_states_every_edge_of_the_brief() -> None:
    # Guards the golden file itself: the seven edges of the design brief, section 7, and those of
    # section 10: monitoring, the migration Job and the backup CronJob (database, DNS, S3 on 443),
    # and of section 11: the secret rotation CronJob (database, DNS, Secrets Manager on 443).
    edges = connectivity.read_edges(connectivity.GOLDEN / "connectivity.txt")
    pairs = {(e.split(" => ")[0], e.split(" => ")[1].split(" : ")[0]) for e in edges}
    assert pairs == {
        ("ingress-nginx/ingress-nginx-controller[Pod]", "frontend/nginx-front[Deployment]"),
        ("ingress-nginx/ingress-nginx-controller[Pod]", "backend/flask-app[Deployment]"),
        ("frontend/nginx-front[Deployment]", "backend/flask-app[Deployment]"),
        ("backend/flask-app[Deployment]", "backend/flask-app-db[StatefulSet]"),
        ("frontend/nginx-front[Deployment]", "kube-system/coredns[Pod]"),
        ("backend/flask-app[Deployment]", "kube-system/coredns[Pod]"),
        ("backend/flask-app-db[StatefulSet]", "kube-system/coredns[Pod]"),
        ("monitoring/prometheus[Pod]", "backend/flask-app[Deployment]"),
        ("monitoring/prometheus[Pod]", "frontend/nginx-front[Deployment]"),
        ("backend/flask-app-migrate[Job]", "backend/flask-app-db[StatefulSet]"),
        ("backend/flask-app-migrate[Job]", "kube-system/coredns[Pod]"),
        ("backend/flask-app-db-backup[CronJob]", "backend/flask-app-db[StatefulSet]"),
        ("backend/flask-app-db-backup[CronJob]", "kube-system/coredns[Pod]"),
        ("backend/flask-app-db-backup[CronJob]", "3.5.64.0-3.5.73.255"),
        ("backend/flask-app-db-backup[CronJob]", "52.218.0.0-52.218.127.255"),
        ("backend/flask-secret-rotation[CronJob]", "backend/flask-app-db[StatefulSet]"),
        ("backend/flask-secret-rotation[CronJob]", "kube-system/coredns[Pod]"),
        ("backend/flask-secret-rotation[CronJob]", "10.0.96.0-10.0.96.255"),
        # the binary log archive: the backup's labels, so exactly the backup's edges
        ("backend/flask-app-db-backup-binlog[CronJob]", "backend/flask-app-db[StatefulSet]"),
        ("backend/flask-app-db-backup-binlog[CronJob]", "kube-system/coredns[Pod]"),
        ("backend/flask-app-db-backup-binlog[CronJob]", "3.5.64.0-3.5.73.255"),
        ("backend/flask-app-db-backup-binlog[CronJob]", "52.218.0.0-52.218.127.255"),
        # the size of each dump, pushed to the monitoring stack's Pushgateway (operations.md)
        ("backend/flask-app-db-backup[CronJob]", "monitoring/prometheus-pushgateway[Pod]"),
        ("backend/flask-app-db-backup-binlog[CronJob]", "monitoring/prometheus-pushgateway[Pod]"),
    }


def test_every_brief_query_is_present() -> None:
    queries = {p.stem for p in (connectivity.GOLDEN / "forbids").glob("*.yaml")}
    assert queries == {
        "frontend-to-database",
        "database-to-anything-but-dns",
        "backend-to-frontend",
        "outside-sources-but-ingress-controller",
        "metrics-ports-from-anything-but-prometheus",
        "monitoring-only-to-metrics-ports",
        "database-from-anyone-but-its-clients",
        "database-clients-on-other-ports",
        "migration-to-anything-but-database-and-dns",
        "backup-to-anything-but-database-s3-pushgateway-and-dns",
        "rotation-to-anything-but-database-secrets-manager-and-dns",
    }


# --- the check can fail ------------------------------------------------------------------


def test_baseline_matches_the_intent(fixture_env: FixtureEnv, nca_bin: Path) -> None:
    report = connectivity.check("fixture", fixture_env.manifests(), nca_bin)
    assert len(report.queries) == 11
    assert not report.findings, show(report.findings)


EXTRA_EDGE = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: frontend-to-database
  namespace: backend
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: flask-app-db
  policyTypes:
    - Ingress
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: frontend
      ports:
        - protocol: TCP
          port: 3306
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: nginx-to-database
  namespace: frontend
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: nginx-front
  policyTypes:
    - Egress
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: backend
          podSelector:
            matchLabels:
              app.kubernetes.io/name: flask-app-db
      ports:
        - protocol: TCP
          port: 3306
"""


def test_extra_network_edge_fails(fixture_env: FixtureEnv, nca_bin: Path) -> None:
    fixture_env.add("backend/extra-edge.yaml", EXTRA_EDGE)
    report = connectivity.check("fixture", fixture_env.manifests(), nca_bin)
    assert sorted((f.rule, f.message) for f in report.findings) == [
        (
            "extra-edge",
            "allowed but not intended: frontend/nginx-front[Deployment] => "
            "backend/flask-app-db[StatefulSet] : {protocols:TCP,dst_ports:3306}",
        ),
        (
            "forbids:database-from-anyone-but-its-clients",
            "src: ['frontend/nginx-front-1'], dst: ['backend/flask-app-db-1'], conn: {'protocols': 'TCP', 'dst_ports': '3306'}",
        ),
        (
            "forbids:frontend-to-database",
            "src: ['frontend/nginx-front-1'], dst: ['backend/flask-app-db-1'], conn: {'protocols': 'TCP', 'dst_ports': '3306'}",
        ),
    ], show(report.findings)


BACKUP_TO_SSH = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: flask-app-db-backup-to-anywhere-ssh
  namespace: backend
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: flask-app-db-backup
  policyTypes:
    - Egress
  egress:
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
      ports:
        - protocol: TCP
          port: 22
"""


def test_backup_egress_beyond_https_fails(fixture_env: FixtureEnv, nca_bin: Path) -> None:
    fixture_env.add("backend/backup-ssh.yaml", BACKUP_TO_SSH)
    report = connectivity.check("fixture", fixture_env.manifests(), nca_bin)
    rules = {f.rule for f in report.findings}
    forbidden = "forbids:backup-to-anything-but-database-s3-pushgateway-and-dns"
    # The map changes shape too (NCA splits the ranges by port), so missing-edge may join in.
    assert {"extra-edge", forbidden} <= rules, show(report.findings)
    assert rules <= {"extra-edge", "missing-edge", forbidden}, show(report.findings)


def test_missing_edge_fails(fixture_env: FixtureEnv, nca_bin: Path) -> None:
    def drop_dns(docs: list[dict]) -> None:
        docs[:] = [
            d for d in docs if not (d["metadata"]["name"] == "allow-dns-egress" and d["metadata"]["namespace"] == "frontend")
        ]

    fixture_env.edit("platform/network-policies.yaml", drop_dns)
    report = connectivity.check("fixture", fixture_env.manifests(), nca_bin)
    assert [(f.rule, f.message) for f in report.findings] == [
        (
            "missing-edge",
            "intended but denied: frontend/nginx-front[Deployment] => "
            "kube-system/coredns[Pod] : {protocols:TCP, UDP,dst_ports:53}",
        )
    ], show(report.findings)


def test_outside_source_fails(fixture_env: FixtureEnv, nca_bin: Path) -> None:
    def open_to_all(docs: list[dict]) -> None:
        policy = next(d for d in docs if d["kind"] == "NetworkPolicy")
        policy["spec"]["ingress"][0]["from"].append({"ipBlock": {"cidr": "0.0.0.0/0"}})

    fixture_env.edit("frontend/nginx-front.yaml", open_to_all)
    report = connectivity.check("fixture", fixture_env.manifests(), nca_bin)
    rules = {f.rule for f in report.findings}
    assert "forbids:outside-sources-but-ingress-controller" in rules, show(report.findings)
    assert "extra-edge" in rules, show(report.findings)


def test_query_that_selects_nothing_is_reported() -> None:
    query = yaml.safe_load("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: q, namespace: backend}
        spec:
          podSelector: {matchLabels: {app.kubernetes.io/name: flask-app-dbb}}
          egress: [{to: [{podSelector: {matchLabels: {app: nothing}}}]}]
    """)
    cluster = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "backend"}}]
    problems = connectivity.vacuous_selectors([query], cluster)
    assert len(problems) == 2 and "podSelector selects no pod" in problems[0]


def test_the_map_alone_is_the_map_the_check_compares(fixture_env: FixtureEnv, nca_bin: Path) -> None:
    # connectivity_map feeds the published picture; it must be the check's map, line for line.
    fixture_env.add("backend/extra-edge.yaml", EXTRA_EDGE)
    edges = connectivity.connectivity_map(fixture_env.manifests(), nca_bin)
    report = connectivity.check("fixture", fixture_env.manifests(), nca_bin)
    assert [edge.line for edge in edges] == report.edges
    assert any(
        edge.source == "frontend/nginx-front[Deployment]" and edge.target.startswith("backend/flask-app-db[") for edge in edges
    )


# --- earlier analyses kept (verify/kept_results.py) ---------------------------------


def test_an_environment_analysed_before_is_analysed_afresh_once_opened(
    fixture_env: FixtureEnv, nca_bin: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(kept_results, "CACHE_ROOT", tmp_path / "cache")
    assert not connectivity.check("fixture", fixture_env.manifests(), nca_bin).findings
    assert list((tmp_path / "cache" / "nca").rglob("*")), "the analysis was not kept"
    fixture_env.add("backend/extra-edge.yaml", EXTRA_EDGE)
    report = connectivity.check("fixture", fixture_env.manifests(), nca_bin)
    assert "extra-edge" in {f.rule for f in report.findings}, show(report.findings)


def test_a_kept_analysis_is_what_nca_answered_without_running_it(
    fixture_env: FixtureEnv, nca_bin: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(kept_results, "CACHE_ROOT", tmp_path / "cache")
    fixture_env.add("backend/extra-edge.yaml", EXTRA_EDGE)
    fresh = connectivity.check("fixture", fixture_env.manifests(), nca_bin)
    started: list[list[str]] = []
    monkeypatch.setattr(connectivity.subprocess, "run", lambda command, **_: started.append(command))
    kept = connectivity.check("fixture", fixture_env.manifests(), nca_bin)
    assert started == []
    assert (kept.edges, kept.findings) == (fresh.edges, fresh.findings)
    assert any(f.rule == "extra-edge" for f in kept.findings)


def test_a_query_that_changes_under_the_same_name_is_asked_afresh(tmp_path: Path, monkeypatch) -> None:
    """The key holds each query's bytes under its name: the name is in NCA's answer too."""
    monkeypatch.setattr(kept_results, "CACHE_ROOT", tmp_path / "cache")
    cluster, query = tmp_path / "cluster.yaml", tmp_path / "no-db.yaml"
    cluster.write_text("a: 1\n")
    query.write_text("b: 1\n")
    asked: list[tuple[str, bytes]] = []

    def nca(command: list[str], **_) -> subprocess.CompletedProcess:
        """A stand-in for NCA that answers every forbids query of its scheme with "denied"."""
        scheme = yaml.safe_load(Path(command[-1]).read_text())
        queries = [(c["name"], Path(c["networkPolicyList"][0])) for c in scheme["networkConfigList"][1:]]
        asked.extend((name, path.read_bytes()) for name, path in queries)
        (tmp_path / "map.txt").write_text("")
        stdout = "Running query connectivity-map\nQuery connectivity-map finished\n"
        for name, _ in queries:
            verdict = f"dist forbids connections specified in {name}"
            stdout += f"Running query forbids-{name}\n{verdict}\nQuery forbids-{name} finished\n"
        return subprocess.CompletedProcess(command, 0, stdout, "")

    monkeypatch.setattr(connectivity.subprocess, "run", nca)
    for _ in range(2):
        assert connectivity.run_nca(connectivity.NCA, cluster, [query], set()).denied == {"no-db": True}
    query.write_text("b: 2\n")
    connectivity.run_nca(connectivity.NCA, cluster, [query], set())
    renamed = query.rename(tmp_path / "no-db-either.yaml")
    assert connectivity.run_nca(connectivity.NCA, cluster, [renamed], set()).denied == {"no-db-either": True}
    assert asked == [("no-db", b"b: 1\n"), ("no-db", b"b: 2\n"), ("no-db-either", b"b: 2\n")]
