"""API: request rate, 5xx ratio and latency percentiles of the Flask API, per route class.

The route class is the Flask route template (the `url_rule` label of the app contract), so
`/api/items/<int:id>` is one line however many ids it serves. The error ratio and p95 panels
draw the environment's alert thresholds (monitoring.alerts), the values the PrometheusRule pages on.
"""

from __future__ import annotations

from charts import series
from charts.dashboards.panels import Query, board, graph
from charts.series import API_REQUEST_DURATION as DURATION
from charts.series import API_ROUTE_LABEL as ROUTE
from charts.series import API_STATUS_LABEL as STATUS
from config.model import Environment

KEY = "api"
TITLE = "Flask API"
QUANTILES = {"latency_p50": 0.5, "latency_p95": 0.95, "latency_p99": 0.99}


def _requests(**extra: str) -> str:
    return f"sum by ({ROUTE}) (rate({DURATION}_count{series.api(**extra)}[5m]))"


def build(env: Environment) -> dict:
    alerts = env.monitoring.alerts
    legend = "{{" + ROUTE + "}}"
    errors = _requests(**{STATUS: "~" + series.SERVER_ERRORS})
    # A route without any 5xx has no error series; `or 0 * requests` shows it at 0 instead of a gap.
    error_ratio = f"({errors} or 0 * {_requests()}) / {_requests()}"
    return board(
        env,
        key=KEY,
        title=TITLE,
        description="Requests, errors and latency of the Flask API per route (app contract, docs/operations.md).",
        panels=[
            graph(
                "Request rate per route",
                "Requests per second the API answered, per Flask route template.",
                "reqps",
                [Query(ref="request_rate", expr=_requests(), legend=legend)],
            ),
            graph(
                "5xx ratio per route",
                "Share of the route's responses with a 5xx status; the red line is monitoring.alerts.error_ratio.",
                "percentunit",
                [Query(ref="error_ratio", expr=error_ratio, legend=legend)],
                limit=alerts.error_ratio,
            ),
            graph(
                "Latency per route (p50, p95, p99)",
                "Request duration percentiles per route; the red line is monitoring.alerts.latency_p95_seconds.",
                "s",
                [
                    Query(ref=ref, expr=series.api_latency_quantile(q, by=ROUTE), legend=f"{legend} p{round(q * 100)}")
                    for ref, q in QUANTILES.items()
                ],
                limit=alerts.latency_p95_seconds,
            ),
            graph(
                "Latency p95, all routes (the alert's query)",
                "What FlaskApiHighLatency compares with monitoring.alerts.latency_p95_seconds (the red line).",
                "s",
                [Query(ref="latency_p95_all", expr=series.api_latency_quantile(0.95), legend="p95")],
                limit=alerts.latency_p95_seconds,
            ),
        ],
    )
