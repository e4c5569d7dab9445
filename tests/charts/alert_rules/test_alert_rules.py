"""The alert rules, checked and unit-tested by promtool (built by `python -m cluster.build promtool`).

The rules under test are the ones rendered into dist/ (or rendered through the same chart with
one setting changed); the expected alerts are written by hand in the *_test.yaml files here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from cdk8s import Chart
from cdk8s import Testing as K8sTesting

from charts.alerting import alerting_rules
from cluster.build import cached_binary
from config.loader import REPO_ROOT, load_environment
from config.model import Environment
from tests.support.promtool import run, unit_test
from tests.support.tools import require_tool

HERE = Path(__file__).parent
DIST = REPO_ROOT / "dist"
OPERATIONS = REPO_ROOT / "docs" / "operations.md"
RULES_FILE = "prometheusrule_backend_flask-platform-alerts.yaml"
SEVERITIES = {"critical", "warning"}


@pytest.fixture(scope="module")
def promtool() -> str:
    return require_tool(str(cached_binary("promtool")), "python -m cluster.build promtool")


def dist_rules(env: str) -> dict[str, Any]:
    body = yaml.safe_load((DIST / env / "platform" / RULES_FILE).read_text())
    return body["spec"]


def rendered_rules(env: Environment) -> dict[str, Any]:
    app = K8sTesting.app()
    chart = Chart(app, "rules", disable_resource_name_hashes=True)
    alerting_rules(chart, env)
    (body,) = K8sTesting.synth(chart)
    return body["spec"]


def with_monitoring(env: Environment, **changes: Any) -> Environment:
    alerts = {k: v for k, v in changes.items() if k in type(env.monitoring.alerts).model_fields}
    monitoring = {k: v for k, v in changes.items() if k not in alerts}
    updated = env.monitoring.model_copy(update={**monitoring, "alerts": env.monitoring.alerts.model_copy(update=alerts)})
    return env.model_copy(update={"monitoring": updated})


def alert_names(spec: dict[str, Any]) -> set[str]:
    return {rule["alert"] for group in spec["groups"] for rule in group["rules"]}


def groups_holding(spec: dict[str, Any], alerts: set[str]) -> dict[str, Any]:
    """The rule groups of `spec` that hold `alerts`, and only those. A month-long unit test
    evaluates every rule it is given at every step; the groups are independent (alerts only, no
    recording rules), so the others would cost time and prove nothing."""
    kept = [group for group in spec["groups"] if {rule["alert"] for rule in group["rules"]} & alerts]
    assert alert_names({"groups": kept}) == alerts, "a group mixes these alerts with others"
    return {**spec, "groups": kept}


def coverage(*test_files: str) -> tuple[set[str], set[str]]:
    """Alerts the files expect to fire somewhere, and alerts they expect to stay silent somewhere."""
    fires, silent = set(), set()
    for test_file in test_files:
        for case in yaml.safe_load((HERE / test_file).read_text())["tests"]:
            for check in case["alert_rule_test"]:
                (fires if check["exp_alerts"] else silent).add(check["alertname"])
    return fires, silent


@pytest.mark.parametrize("env", sorted(p.name for p in DIST.iterdir() if p.is_dir()))
def test_rendered_rules_pass_promtool_check(promtool: str, tmp_path: Path, env: str) -> None:
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(dist_rules(env)))
    result = run(promtool, "check", "rules", "rules.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alert_names(dist_rules(env)))} rules found" in result.stdout


def test_a_broken_rule_file_fails_the_check(promtool: str, tmp_path: Path) -> None:
    spec = dist_rules("staging")
    spec["groups"][0]["rules"][0]["expr"] = "sum(rate(up[5m])"  # unbalanced parenthesis
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(spec))
    result = run(promtool, "check", "rules", "rules.yaml", cwd=tmp_path)
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr


BACKUP_ALERTS = {"DatabaseBackupOverdue", "DatabaseBackupNeverSucceeded"}


def with_backup(env: Environment, enabled: bool) -> Environment:
    backup = env.data.backup.model_copy(update={"enabled": enabled})
    return env.model_copy(update={"data": env.data.model_copy(update={"backup": backup})})


def test_staging_alerts_fire_on_failure_and_stay_silent_when_healthy(promtool: str, tmp_path: Path) -> None:
    spec = dist_rules("staging")
    fires, silent = coverage("alerts_test.yaml")
    backup_fires, backup_silent = coverage("backup_alerts_test.yaml")
    rotation_fires, rotation_silent = coverage(*ROTATION_TESTS)
    binlog_fires, binlog_silent = coverage("binlog_alerts_test.yaml")
    assert (
        alert_names(spec)
        == fires | backup_fires | rotation_fires | binlog_fires
        == silent | backup_silent | rotation_silent | binlog_silent
    ), "every rendered alert needs a firing and a silent case"
    result = unit_test(promtool, tmp_path, spec, HERE / "alerts_test.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


ROTATION_ALERTS = {"SecretRotationFailed", "SecretRotationOverdue"}
# Minutes-long and month-long cases, each file at its own evaluation interval.
ROTATION_TESTS = ("rotation_alerts_test.yaml", "rotation_overdue_alerts_test.yaml")
BINLOG_ALERTS = {"DatabaseBinlogArchiveLagging", "DatabaseBinlogArchiveFailing"}


@pytest.mark.parametrize(
    ("tests", "alerts"),
    [
        (("backup_alerts_test.yaml",), BACKUP_ALERTS),
        (ROTATION_TESTS, ROTATION_ALERTS),
        (("binlog_alerts_test.yaml",), BINLOG_ALERTS),
    ],
    ids=["backup", "rotation", "binlog"],
)
def test_each_group_fires_and_stays_silent(promtool: str, tmp_path: Path, tests: tuple[str, ...], alerts: set[str]) -> None:
    spec = dist_rules("staging")
    fires, silent = coverage(*tests)
    assert fires == silent == alerts <= alert_names(spec)
    result = unit_test(promtool, tmp_path, groups_holding(spec, alerts), *(HERE / test for test in tests))
    assert result.returncode == 0, result.stdout + result.stderr


def with_rotation(env: Environment, **changes: Any) -> Environment:
    rotation = env.secrets.rotation.model_copy(update=changes)
    return env.model_copy(update={"secrets": env.secrets.model_copy(update={"rotation": rotation})})


def test_the_rotation_tests_fail_when_the_interval_grows(promtool: str, tmp_path: Path) -> None:
    # At a 40-day interval a 33-day-old rotation is not overdue: the tests must notice.
    spec = rendered_rules(with_rotation(load_environment("staging"), interval_days=40))
    result = unit_test(promtool, tmp_path, groups_holding(spec, ROTATION_ALERTS), *(HERE / test for test in ROTATION_TESTS))
    assert result.returncode != 0
    assert "SecretRotationOverdue" in result.stdout + result.stderr


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_rotation_alerts_follow_the_schedule(env: str) -> None:
    # A suspended CronJob never succeeds: "overdue" would page forever.
    assert ROTATION_ALERTS <= alert_names(dist_rules(env))
    assert not ROTATION_ALERTS & alert_names(rendered_rules(with_rotation(load_environment(env), enabled=False)))


def test_binlog_alerts_only_where_the_archive_runs() -> None:
    # prod's database is external: no archive, so no alert that would page for its absence.
    assert BINLOG_ALERTS <= alert_names(dist_rules("staging"))
    assert not BINLOG_ALERTS & alert_names(dist_rules("prod"))


def test_the_unit_tests_fail_when_a_threshold_no_longer_pages(promtool: str, tmp_path: Path) -> None:
    # At a 50% threshold the 20% 5xx case no longer fires: the tests must notice.
    spec = rendered_rules(with_monitoring(load_environment("staging"), error_ratio=0.5))
    result = unit_test(promtool, tmp_path, spec, HERE / "alerts_test.yaml")
    assert result.returncode != 0
    assert "FrontendHigh5xxRatio" in result.stdout + result.stderr


@pytest.mark.parametrize("env", ["staging", "prod"])
def test_backup_alerts_follow_the_backup_cronjob(env: str) -> None:
    # Rendered exactly when the CronJob is: without it "never succeeded" would page forever.
    assert load_environment(env).data.backup.enabled
    assert BACKUP_ALERTS <= alert_names(dist_rules(env))
    assert not BACKUP_ALERTS & alert_names(rendered_rules(with_backup(load_environment(env), enabled=False)))


def operations_anchors() -> set[str]:
    headings = re.findall(r"^#{2,4} (.+)$", OPERATIONS.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("env_name", sorted(p.name for p in DIST.iterdir() if p.is_dir()))
def test_every_alert_has_severity_summary_and_a_runbook_section(env_name: str) -> None:
    # Every environment: each renders alerts the other may not (the in-cluster database's, prod's).
    env = load_environment(env_name)
    anchors = operations_anchors()
    for group in rendered_rules(env)["groups"]:
        for rule in group["rules"]:
            assert rule["labels"]["severity"] in SEVERITIES, rule["alert"]
            assert rule["annotations"]["summary"], rule["alert"]
            base, _, anchor = rule["annotations"]["runbook_url"].partition("#")
            assert base == env.monitoring.runbook_base_url
            assert anchor in anchors, f"{rule['alert']}: docs/operations.md has no section #{anchor}"
