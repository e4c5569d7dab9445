"""nginx: the frontend proxy's requests and connections, and the 5xx it passes on from upstream.

Requests and connections come from nginx-prometheus-exporter (stub_status, which knows no status
codes); the upstream errors are the 5xx responses ingress-nginx counts for the frontend host,
the same series the FrontendHigh5xxRatio alert reads, drawn against its threshold.
"""

from __future__ import annotations

from charts import series
from charts.dashboards.panels import Query, board, graph
from config.model import Environment

KEY = "nginx"
TITLE = "nginx frontend"


def build(env: Environment) -> dict:
    host = env.frontend.host
    errors = series.frontend_requests(host, status="~" + series.SERVER_ERRORS)
    return board(
        env,
        key=KEY,
        title=TITLE,
        description=f"The nginx frontend ({host}): its exporter's counters and the 5xx seen at the ingress.",
        panels=[
            graph(
                "Requests per second",
                "Requests nginx handled, all pods (nginx_http_requests_total of the exporter).",
                "reqps",
                [Query(ref="request_rate", expr=f"sum(rate({series.NGINX_REQUESTS}{series.nginx()}[5m]))", legend="requests")],
            ),
            graph(
                "Active connections",
                "Open client connections, all pods (stub_status Active connections).",
                "short",
                [
                    Query(
                        ref="active_connections", expr=f"sum({series.NGINX_ACTIVE_CONNECTIONS}{series.nginx()})", legend="active"
                    )
                ],
            ),
            graph(
                "Upstream errors (5xx) per status",
                f"5xx responses per second for {host} at the ingress, per status code.",
                "reqps",
                [
                    Query(
                        ref="upstream_errors",
                        expr=f"sum by (status) (rate({series.INGRESS_REQUESTS}{errors}[5m]))",
                        legend="{{status}}",
                    )
                ],
            ),
            graph(
                "5xx ratio at the ingress (the alert's query)",
                "What FrontendHigh5xxRatio compares with monitoring.alerts.error_ratio (the red line).",
                "percentunit",
                [Query(ref="error_ratio", expr=series.frontend_5xx_ratio(host), legend="5xx ratio")],
                limit=env.monitoring.alerts.error_ratio,
            ),
        ],
    )
