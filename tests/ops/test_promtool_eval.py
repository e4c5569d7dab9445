"""ops/promtool_eval.py: queries evaluated by promtool itself over a promtool test's series."""

from __future__ import annotations

from pathlib import Path

import pytest

from cluster.build import cached_binary
from config.loader import REPO_ROOT
from ops import promtool_eval
from tests.support.tools import require_tool

API_SERIES = REPO_ROOT / "tests" / "charts" / "dashboards" / "api_test.yaml"
COUNT = 'flask_http_request_duration_seconds_count{namespace="backend", job="flask-app-metrics"'


@pytest.fixture(scope="module")
def promtool() -> Path:
    return Path(require_tool(str(cached_binary("promtool")), "python -m cluster.build promtool"))


def test_steps_follow_promtools_expanding_notation() -> None:
    series = [
        {"series": "a", "values": "0+90x30"},
        {"series": "b", "values": "_x11 1x18"},
        {"series": "c", "values": "1x10 stale"},
    ]
    assert promtool_eval.Scenario(interval="1m", input_series=series).steps == 31
    assert promtool_eval.Scenario(interval="1m", input_series=series[1:]).steps == 30
    assert promtool_eval.seconds("1h30m") == 5400
    with pytest.raises(ValueError, match="not a Prometheus duration"):
        promtool_eval.seconds("90 minutes")


def test_a_query_is_evaluated_at_every_step(promtool: Path) -> None:
    # The API test's series: /api/items answers 90 2xx and 10 5xx a minute, 30 5xx from minute 16.
    ratio = f'sum by (url_rule) (rate({COUNT}, status=~"5.."}}[5m])) / sum by (url_rule) (rate({COUNT}}}[5m]))'
    where = promtool_eval.scenario(API_SERIES)
    (result,) = promtool_eval.evaluate({"ratio": ratio}, where, promtool).values()
    assert set(result) == {60.0 * minute for minute in range(1, 31)}  # minute 0 has no rate yet
    (labels, value), *others = result[600.0]
    assert labels == {"url_rule": "/api/items"} and value == pytest.approx(0.1) and not others
    assert result[1500.0][0][1] == pytest.approx(0.25)


def test_a_query_promtool_cannot_parse_is_an_error(promtool: Path) -> None:
    where = promtool_eval.scenario(API_SERIES)
    with pytest.raises(RuntimeError, match="promtool could not evaluate"):
        promtool_eval.evaluate({"broken": "sum(rate(up[5m])"}, where, promtool)
