"""The dashboards as the Grafana sidecar receives them: ConfigMaps, folders, UIDs, thresholds, bytes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from cdk8s import Chart
from cdk8s import Testing as K8sTesting

from charts import series
from charts.alerting import alerting_rules
from charts.dashboards import DASHBOARDS
from charts.dashboards.panels import uid
from charts.grafana_dashboards import grafana_dashboards
from config.loader import REPO_ROOT, load_environment
from config.model import Environment

DIST = REPO_ROOT / "dist"
OPERATIONS = REPO_ROOT / "docs" / "operations.md"
KEYS = ["api", "nginx", "data", "gitops"]


def dist_configmap(env: str, key: str) -> dict[str, Any]:
    return yaml.safe_load((DIST / env / "platform" / f"configmap_backend_flask-platform-dashboard-{key}.yaml").read_text())


def board_of(configmap: dict[str, Any]) -> dict[str, Any]:
    (text,) = configmap["data"].values()
    return json.loads(text)


def rendered(env: Environment) -> dict[str, dict[str, Any]]:
    """kind/name -> object, for the dashboards and the alert rules of `env`."""
    app = K8sTesting.app()
    chart = Chart(app, "monitoring", disable_resource_name_hashes=True)
    grafana_dashboards(chart, env)
    alerting_rules(chart, env)
    return {f"{o['kind']}/{o['metadata']['name']}": o for o in K8sTesting.synth(chart)}


def with_monitoring(env: Environment, *, alerts: dict | None = None, dashboards: dict | None = None) -> Environment:
    monitoring = env.monitoring
    update = {}
    if alerts:
        update["alerts"] = monitoring.alerts.model_copy(update=alerts)
    if dashboards:
        update["dashboards"] = monitoring.dashboards.model_copy(update=dashboards)
    return env.model_copy(update={"monitoring": monitoring.model_copy(update=update)})


def with_binlog(env: Environment, **settings: Any) -> Environment:
    backup = env.data.backup
    binlog = backup.binlog.model_copy(update=settings)
    return env.model_copy(update={"data": env.data.model_copy(update={"backup": backup.model_copy(update={"binlog": binlog})})})


def red_steps(board: dict[str, Any]) -> dict[str, float]:
    """panel title -> the value its thresholds turn red at."""
    steps = {}
    for panel in board["panels"]:
        for step in panel["fieldConfig"]["defaults"]["thresholds"]["steps"]:
            if step["color"] == "red":
                steps[panel["title"]] = step["value"]
    return steps


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_each_dashboard_is_a_configmap_the_sidecar_loads_into_the_environments_folder(env: str) -> None:
    assert list(DASHBOARDS) == KEYS
    for key in KEYS:
        configmap = dist_configmap(env, key)
        meta = configmap["metadata"]
        assert meta["namespace"] == "backend"
        assert meta["labels"]["grafana_dashboard"] == "1"  # the sidecar's default label
        assert meta["annotations"]["grafana_folder"] == f"flask-platform-{env}"
        (name,) = configmap["data"]
        assert name == f"flask-platform-{key}.json"
        board = board_of(configmap)
        assert board["uid"] == f"flask-platform-{env}-{key}"
        assert board["title"].endswith(f"({env})")
        assert board["panels"], key
        for panel in board["panels"]:
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
            assert panel["targets"] and all(t["expr"] for t in panel["targets"]), panel["title"]


def test_sidecar_label_folder_and_its_annotation_come_from_the_environment() -> None:
    env = with_monitoring(
        load_environment("staging"),
        dashboards={
            "sidecar_labels": {"grafana.example/dashboard": "yes"},
            "folder_annotation": "k8s-folder",
            "folder": "team-api",
        },
    )
    configmap = rendered(env)["ConfigMap/flask-platform-dashboard-api"]
    assert configmap["metadata"]["labels"]["grafana.example/dashboard"] == "yes"
    assert "grafana_dashboard" not in configmap["metadata"]["labels"]
    assert configmap["metadata"]["annotations"]["k8s-folder"] == "team-api"


def test_the_thresholds_drawn_are_the_ones_the_alerts_page_on() -> None:
    # Values no environment file uses, so nothing but the shared config can put them in both places.
    env = with_monitoring(
        load_environment("staging"), alerts={"error_ratio": 0.37, "latency_p95_seconds": 4.5, "backup_max_age_hours": 30}
    )
    env = with_binlog(env, interval_minutes=7)
    objects = rendered(env)
    rules = {
        rule["alert"]: rule["expr"]
        for group in objects["PrometheusRule/flask-platform-alerts"]["spec"]["groups"]
        for rule in group["rules"]
    }
    assert rules["FrontendHigh5xxRatio"].endswith("> 0.37")
    assert rules["FlaskApiHighLatency"].endswith("> 4.5")
    assert rules["DatabaseBackupOverdue"].endswith("> 108000")
    assert "> 1260 or absent(" in rules["DatabaseBinlogArchiveLagging"]
    api = red_steps(board_of(objects["ConfigMap/flask-platform-dashboard-api"]))
    assert api == {
        "5xx ratio per route": 0.37,
        "Latency per route (p50, p95, p99)": 4.5,
        "Latency p95, all routes (the alert's query)": 4.5,
    }
    assert red_steps(board_of(objects["ConfigMap/flask-platform-dashboard-nginx"])) == {
        "5xx ratio at the ingress (the alert's query)": 0.37
    }
    assert red_steps(board_of(objects["ConfigMap/flask-platform-dashboard-data"])) == {
        "Time since the last successful backup": 30 * 3600,
        "Time since the last binary log archive": 3 * 7 * 60,
    }


@pytest.mark.parametrize(("env", "error_ratio", "latency"), [("staging", 0.1, 2.0), ("prod", 0.02, 0.5)])
def test_dist_draws_each_environments_thresholds(env: str, error_ratio: float, latency: float) -> None:
    # The values of environments/<env>.yaml, written here by hand.
    steps = red_steps(board_of(dist_configmap(env, "api")))
    assert steps["5xx ratio per route"] == error_ratio
    assert steps["Latency per route (p50, p95, p99)"] == latency


def test_the_alerts_and_panels_share_their_queries() -> None:
    # The panels drawn against a threshold show exactly what the alert compares with it.
    objects = rendered(load_environment("staging"))
    rules = {r["alert"]: r["expr"] for g in objects["PrometheusRule/flask-platform-alerts"]["spec"]["groups"] for r in g["rules"]}

    def query(key: str, ref: str) -> str:
        board = board_of(objects[f"ConfigMap/flask-platform-dashboard-{key}"])
        (expr,) = [t["expr"] for p in board["panels"] for t in p["targets"] if t["refId"] == ref]
        return expr

    assert rules["FrontendHigh5xxRatio"] == query("nginx", "error_ratio") + " > 0.1"
    assert rules["FlaskApiHighLatency"] == query("api", "latency_p95_all") + " > 2"
    assert rules["DatabaseBackupOverdue"] == query("data", "backup_age") + f" > {26 * 3600}"


def test_uids_are_derived_from_environment_and_dashboard_only() -> None:
    assert uid("staging", "api") == "flask-platform-staging-api"
    # Grafana refuses UIDs over 40 characters; long environment names still get distinct ones.
    long_a, long_b = "a" * 50 + "-east", "a" * 50 + "-west"
    assert len(uid(long_a, "gitops")) <= 40
    assert uid(long_a, "gitops") != uid(long_b, "gitops")
    assert uid(long_a, "gitops") == uid(long_a, "gitops")
    env = load_environment("staging")
    refiled = board_of(
        rendered(with_monitoring(env, dashboards={"folder": "elsewhere"}))["ConfigMap/flask-platform-dashboard-api"]
    )
    assert refiled["uid"] == "flask-platform-staging-api"


def test_rendering_twice_gives_the_same_bytes_with_sorted_keys() -> None:
    env = load_environment("prod")
    first, second = rendered(env), rendered(env)
    for key in KEYS:
        name = f"ConfigMap/flask-platform-dashboard-{key}"
        assert first[name]["data"] == second[name]["data"]
        (text,) = first[name]["data"].values()
        assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def contract_section() -> str:
    text = OPERATIONS.read_text()
    return re.search(r"^## The app contract: metrics\n(.*?)^## ", text, flags=re.MULTILINE | re.DOTALL).group(1)


def test_the_metrics_contract_names_the_series_and_labels_the_api_panels_read() -> None:
    # The app team reads the contract, not charts/series.py: a rename there must be a rename here.
    section = contract_section()
    for name in (series.API_REQUEST_DURATION, series.API_ROUTE_LABEL, series.API_STATUS_LABEL):
        assert f"`{name}`" in section, name


def dashboards_table() -> set[tuple[str, str]]:
    text = OPERATIONS.read_text()
    section = re.search(r"^## Dashboards\n(.*?)^## ", text, flags=re.MULTILINE | re.DOTALL).group(1)
    return {(m[0], m[1]) for m in re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| [^|]+ \|$", section, flags=re.MULTILINE)} - {
        ("dashboard", "panel")
    }


def test_the_operations_guide_lists_every_panel_of_every_dashboard() -> None:
    rendered_panels = set()
    for key in KEYS:
        board = board_of(dist_configmap("staging", key))
        title = board["title"].removesuffix(" (staging)")
        rendered_panels |= {(title, panel["title"]) for panel in board["panels"]}
    assert dashboards_table() == rendered_panels


def test_the_backup_panels_come_with_the_backup_cronjob() -> None:
    env = load_environment("staging")
    assert env.data.backup.enabled
    without = env.model_copy(
        update={"data": env.data.model_copy(update={"backup": env.data.backup.model_copy(update={"enabled": False})})}
    )
    titles = [p["title"] for p in board_of(rendered(without)["ConfigMap/flask-platform-dashboard-data"])["panels"]]
    assert titles == ["Migration runs"]
    assert len(board_of(dist_configmap("staging", "data"))["panels"]) == 6


def test_the_binlog_panel_comes_with_the_binlog_archive() -> None:
    """In the cluster with data.backup.binlog on (staging); not without it, nor for an external database (prod)."""
    title = "Time since the last binary log archive"

    def titles(objects) -> list[str]:
        return [p["title"] for p in board_of(objects["ConfigMap/flask-platform-dashboard-data"])["panels"]]

    staging = load_environment("staging")
    assert staging.data.backup.binlog.enabled and title in titles(rendered(staging))
    off = with_binlog(staging, enabled=False)
    assert title not in titles(rendered(off)) and len(titles(rendered(off))) == 5
    assert title not in [p["title"] for p in board_of(dist_configmap("prod", "data"))["panels"]]
