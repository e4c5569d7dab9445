"""The backup reports the size of each dump to the Pushgateway (monitoring.pushgateway): the upload
step gets where to push, the backup pods get exactly that egress, the data dashboard the panel;
an environment that names no Pushgateway gets none of the three."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdk8s import App, Chart
from cdk8s import Testing as K8sTesting

from charts import names
from charts.flask_backend import FlaskBackend
from charts.grafana_dashboards import grafana_dashboards
from config.loader import load_environment
from config.model import Environment
from constructs.labels import selector_labels
from manifests import DIST, load_env

ENVS = sorted(p.name for p in DIST.iterdir() if p.is_dir())
POLICY = f"{names.BACKUP_CRONJOB}-to-pushgateway"
SIZE_PANEL = "Size of the last backup"


def backend_objects(env: Environment) -> dict[tuple[str, str], dict[str, Any]]:
    chart = FlaskBackend(App(), env)
    return {(o["kind"], o["metadata"]["name"]): o for o in chart.to_json()}


def dist_objects(env: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(m.kind, m.name): m.body for m in load_env(DIST / env / names.BACKEND_APP)}


def steps(objects: dict[tuple[str, str], dict[str, Any]]) -> dict[str, dict[str, Any]]:
    pod = objects[("CronJob", names.BACKUP_CRONJOB)]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return {c["name"]: c for c in pod["initContainers"] + pod["containers"]}


def data_panels(env: str) -> list[str]:
    (board,) = [m.body for m in load_env(DIST / env / names.PLATFORM_APP) if m.name == "flask-platform-dashboard-data"]
    (text,) = board["data"].values()
    return [p["title"] for p in json.loads(text)["panels"]]


def without_pushgateway(env: Environment) -> Environment:
    return env.model_copy(update={"monitoring": env.monitoring.model_copy(update={"pushgateway": None})})


@pytest.mark.parametrize("env", ENVS)
def test_the_upload_step_alone_is_told_where_to_push(env: str) -> None:
    config = load_environment(env)
    gateway = config.monitoring.pushgateway
    assert gateway is not None and config.data.backup.enabled
    by_name = steps(dist_objects(env))
    pushed = {e["name"]: e["value"] for e in by_name["upload"]["env"]}
    assert pushed == {
        "PUSHGATEWAY_URL": f"http://{gateway.service}.{config.monitoring.namespace}.svc.cluster.local:{gateway.port}",
        "METRICS_JOB": names.BACKUP_CRONJOB,
        "METRICS_NAMESPACE": names.BACKEND_NAMESPACE,
    }
    # The dump step talks to the database only; it is never told about the Pushgateway.
    assert not any(e["name"] == "PUSHGATEWAY_URL" for e in by_name["dump"].get("env", []))


@pytest.mark.parametrize("env", ENVS)
def test_the_backup_pods_may_reach_the_pushgateway_pods_on_their_pod_port_only(env: str) -> None:
    config = load_environment(env)
    gateway = config.monitoring.pushgateway
    assert gateway is not None
    policy = dist_objects(env)[("NetworkPolicy", POLICY)]["spec"]
    assert policy["policyTypes"] == ["Egress"]
    assert policy["podSelector"]["matchLabels"] == selector_labels(names.BACKUP_CRONJOB)
    (rule,) = policy["egress"]
    assert rule["ports"] == [{"port": gateway.target_port, "protocol": "TCP"}]
    # One peer with both selectors (AND): the Pushgateway's pods in the monitoring namespace only.
    assert rule["to"] == [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": config.monitoring.namespace}},
            "podSelector": {"matchLabels": gateway.pod_labels},
        }
    ]


def test_a_pod_port_other_than_the_service_port_is_the_one_opened() -> None:
    env = load_environment("staging")
    assert env.monitoring.pushgateway is not None
    gateway = env.monitoring.pushgateway.model_copy(update={"port": 80, "pod_port": 9091})
    moved = env.model_copy(update={"monitoring": env.monitoring.model_copy(update={"pushgateway": gateway})})
    objects = backend_objects(moved)
    (rule,) = objects[("NetworkPolicy", POLICY)]["spec"]["egress"]
    assert rule["ports"] == [{"port": 9091, "protocol": "TCP"}]
    url = {e["name"]: e["value"] for e in steps(objects)["upload"]["env"]}["PUSHGATEWAY_URL"]
    assert url.endswith(".svc.cluster.local:80")


def test_without_a_pushgateway_nothing_is_pushed_opened_or_drawn() -> None:
    env = without_pushgateway(load_environment("staging"))
    objects = backend_objects(env)
    assert ("NetworkPolicy", POLICY) not in objects
    assert "env" not in steps(objects)["upload"]
    chart = Chart(K8sTesting.app(), "monitoring", disable_resource_name_hashes=True)
    grafana_dashboards(chart, env)
    (board,) = [o for o in K8sTesting.synth(chart) if o["metadata"]["name"] == "flask-platform-dashboard-data"]
    (text,) = board["data"].values()
    assert SIZE_PANEL not in [p["title"] for p in json.loads(text)["panels"]]
    assert SIZE_PANEL in data_panels("staging")
