"""The product's Grafana dashboards, one module each, built with grafana-foundation-sdk.

`DASHBOARDS` maps each dashboard's key (its file and UID part) to the function that builds it
for an environment; charts/grafana_dashboards.py renders them into ConfigMaps for the sidecar.
"""

from __future__ import annotations

from collections.abc import Callable

from charts.dashboards import api, data, gitops, nginx
from config.model import Environment

DASHBOARDS: dict[str, Callable[[Environment], dict]] = {
    api.KEY: api.build,
    nginx.KEY: nginx.build,
    data.KEY: data.build,
    gitops.KEY: gitops.build,
}
