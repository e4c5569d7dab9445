"""Every panel query of the rendered dashboards, parsed and evaluated by promtool.

Each query of dist/<env>/ becomes the recording rule `<dashboard>:<refId>`; `promtool check
rules` parses them all, and `promtool test rules` runs the hand-written <dashboard>_test.yaml
files here (series as the exporters name them, values worked out by hand) against staging's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from charts import series
from charts.dashboards import DASHBOARDS
from cluster.build import cached_binary
from config.loader import REPO_ROOT
from tests.support.promtool import run, unit_test
from tests.support.tools import require_tool

HERE = Path(__file__).parent
DIST = REPO_ROOT / "dist"
ENVIRONMENTS = sorted(p.name for p in DIST.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def promtool() -> str:
    return require_tool(str(cached_binary("promtool")), "python -m cluster.build promtool")


def dist_dashboard(env: str, key: str) -> dict[str, Any]:
    path = DIST / env / "platform" / f"configmap_backend_flask-platform-dashboard-{key}.yaml"
    (text,) = yaml.safe_load(path.read_text())["data"].values()
    return json.loads(text)


def queries(board: dict[str, Any]) -> dict[str, str]:
    """refId -> expr over every panel of a dashboard."""
    found: dict[str, str] = {}
    for panel in board["panels"]:
        for target in panel["targets"]:
            assert target["refId"] not in found, f"{board['uid']}: refId {target['refId']} twice"
            found[target["refId"]] = target["expr"]
    return found


def recording_rules(env: str, keys: list[str], *, decimals: int | None = None) -> dict[str, Any]:
    """`decimals`: round each value, so 0.1 computed as 0.09999999999999999 compares equal to 0.1."""

    def rounded(expr: str) -> str:
        return expr if decimals is None else f"round(({expr}), {10.0**-decimals:.{decimals}f})"

    groups = [
        {
            "name": key,
            "rules": [
                {"record": f"{key}:{ref}", "expr": rounded(expr)} for ref, expr in queries(dist_dashboard(env, key)).items()
            ],
        }
        for key in keys
    ]
    return {"groups": groups}


def checked_records(test_file: str) -> set[str]:
    return {
        check["expr"] for case in yaml.safe_load((HERE / test_file).read_text())["tests"] for check in case["promql_expr_test"]
    }


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_panel_query_parses(promtool: str, tmp_path: Path, env: str) -> None:
    rules = recording_rules(env, list(DASHBOARDS))
    count = sum(len(group["rules"]) for group in rules["groups"])
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules))
    result = run(promtool, "check", "rules", "rules.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {count} rules found" in result.stdout


@pytest.mark.parametrize("key", list(DASHBOARDS))
def test_every_panel_query_returns_what_its_panel_claims(promtool: str, tmp_path: Path, key: str) -> None:
    test_file = f"{key}_test.yaml"
    rules = recording_rules("staging", [key], decimals=6)
    assert {rule["record"] for rule in rules["groups"][0]["rules"]} == checked_records(test_file), (
        "every query of the dashboard needs a checked value, and every check a query"
    )
    result = unit_test(promtool, tmp_path, rules, HERE / test_file)
    assert result.returncode == 0, result.stdout + result.stderr


def renamed(rules: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return yaml.safe_load(yaml.safe_dump(rules).replace(old, new))


@pytest.mark.parametrize(
    ("key", "old", "new"),
    [
        ("api", series.API_REQUEST_DURATION, "flask_request_duration_seconds"),
        ("api", f"by ({series.API_ROUTE_LABEL})", "by (path)"),
        ("nginx", series.NGINX_ACTIVE_CONNECTIONS, "nginx_connections_current"),
        ("data", series.CRONJOB_LAST_SUCCESS, "kube_cronjob_status_last_schedule_time"),
        ("gitops", series.ARGOCD_APP_INFO, "argocd_app_sync_status"),
    ],
)
def test_a_changed_metric_or_label_fails_the_query_tests(promtool: str, tmp_path: Path, key: str, old: str, new: str) -> None:
    # The queries as a contract change would leave them; the exporters' series stay as written.
    rules = recording_rules("staging", [key], decimals=6)
    assert old in yaml.safe_dump(rules)
    result = unit_test(promtool, tmp_path, renamed(rules, old, new), HERE / f"{key}_test.yaml")
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr
