"""What every dashboard of the product shares: its UID, folder, data source and panel builders.

Each panel query carries a refId that names what it measures (`error_ratio`, `latency_p95`),
unique within its dashboard: the promtool tests (tests/charts/dashboards) record each query as
the rule `<dashboard>:<refId>` and check its values on hand-written series.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from grafana_foundation_sdk.builders import common as common_builders
from grafana_foundation_sdk.builders import dashboard, prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as model

from config.model import Environment

TAG = "flask-platform"
UID_MAX = 40  # Grafana refuses longer dashboard UIDs
DATASOURCE_VARIABLE = "datasource"
# Every panel reads the Prometheus the viewer picks (default: the instance's default Prometheus),
# so the JSON names no data source UID of one particular Grafana.
DATASOURCE = model.DataSourceRef(type_val="prometheus", uid="${" + DATASOURCE_VARIABLE + "}")
PanelT = TypeVar("PanelT", timeseries.Panel, stat.Panel)
WIDTH, HEIGHT, COLUMNS = 12, 8, 2  # Grafana's grid is 24 units wide


@dataclass(frozen=True, kw_only=True)
class Query:
    ref: str
    """What the query measures; unique within its dashboard and a valid Prometheus rule name part."""
    expr: str
    legend: str = ""


def uid(env_name: str, dashboard_key: str) -> str:
    """Stable across synths and renames of titles: derived from the environment and the dashboard."""
    readable = f"{TAG}-{env_name}-{dashboard_key}"
    if len(readable) <= UID_MAX:
        return readable
    digest = hashlib.sha256(f"{env_name}/{dashboard_key}".encode()).hexdigest()[:12]
    return f"{TAG}-{digest}-{dashboard_key}"[:UID_MAX]


def folder(env: Environment) -> str:
    return env.monitoring.dashboards.folder or f"{TAG}-{env.name}"


def _with_queries(panel: PanelT, queries: Sequence[Query]) -> PanelT:
    """The panel with one Prometheus target per query (the SDK's builders add targets one by one)."""
    for q in queries:
        panel = panel.with_target(prometheus.Dataquery().expr(q.expr).legend_format(q.legend or "__auto").ref_id(q.ref))
    return panel


def _thresholds(limit: float | None) -> dashboard.ThresholdsConfig:
    steps = [model.Threshold(value=None, color="green")]
    if limit is not None:
        steps.append(model.Threshold(value=limit, color="red"))
    return dashboard.ThresholdsConfig().mode(model.ThresholdsMode.ABSOLUTE).steps(steps)


def graph(title: str, description: str, unit: str, queries: Sequence[Query], *, limit: float | None = None) -> timeseries.Panel:
    """A time series; `limit` (an alert threshold) is drawn as a red line across it."""
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .min(0)
        .thresholds(_thresholds(limit))
        .legend(
            common_builders.VizLegendOptions()
            .display_mode(common.LegendDisplayMode.LIST)
            .placement(common.LegendPlacement.BOTTOM)
            .show_legend(True)
        )
    )
    if limit is not None:
        panel = panel.thresholds_style(common_builders.GraphThresholdsStyleConfig().mode(common.GraphThresholdsStyleMode.LINE))
    return _with_queries(panel, queries)


def single(title: str, description: str, unit: str, queries: Sequence[Query], *, limit: float | None = None) -> stat.Panel:
    """One current value per series, red from `limit` on."""
    panel = (
        stat.Panel()
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .thresholds(_thresholds(limit))
        .color_mode(common.BigValueColorMode.BACKGROUND)
        .graph_mode(common.BigValueGraphMode.NONE)
    )
    return _with_queries(panel, queries)


def board(env: Environment, *, key: str, title: str, description: str, panels: Sequence[object]) -> dict:
    """The dashboard as Grafana's JSON model (a plain dict), panels laid out in two columns."""
    builder = (
        dashboard.Dashboard(f"{title} ({env.name})")
        .uid(uid(env.name, key))
        .description(description)
        .tags([TAG, env.name])
        .time("now-6h", "now")
        .refresh("1m")
        .timezone("utc")
        .tooltip(model.DashboardCursorSync.CROSSHAIR)
        .readonly()
        .with_variable(dashboard.DatasourceVariable(DATASOURCE_VARIABLE).label("Prometheus").type("prometheus"))
    )
    for index, panel in enumerate(panels):
        row, column = divmod(index, COLUMNS)
        position = model.GridPos(h=HEIGHT, w=WIDTH, x=column * WIDTH, y=row * HEIGHT)
        builder = builder.with_panel(panel.id(index + 1).grid_pos(position))  # type: ignore[attr-defined]
    # Through JSON once: the SDK's objects become plain values a ConfigMap and the tests can hold.
    return json.loads(json.dumps(builder.build(), cls=JSONEncoder))


def to_json(board_model: dict) -> str:
    """Sorted keys and a final newline: the same dashboard always renders to the same bytes."""
    return json.dumps(board_model, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
