"""The typed monitoring settings of one environment: who scrapes, what is scraped, when to page.

Prometheus (prometheus-operator) runs in one namespace; its pods are the only peers admitted to
the metrics ports. ServiceMonitors and the PrometheusRule carry `resource_labels` so that the
operator's selectors pick them up. Alert thresholds are per environment: staging may tolerate
what would page in prod.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from config import formats
from config.types import DnsLabel, Duration, ImageRef, LabelKey, LabelValue, Model, Port, Resources

LabelMap = Annotated[dict[LabelKey, LabelValue], Field(min_length=1)]


class Exporter(Model):
    image: ImageRef
    """Image of the nginx Prometheus exporter sidecar (reads nginx's stub_status on loopback)."""
    resources: Resources
    """Requests and limits of the exporter container."""


class AlertThresholds(Model):
    error_ratio: Annotated[float, Field(gt=0, lt=1)] = 0.05
    """Share of 5xx responses at the ingress (for the frontend host) that pages."""
    latency_p95_seconds: Annotated[float, Field(gt=0, le=60)] = 1.0
    """95th percentile of API request duration that pages."""
    restarts_per_hour: Annotated[int, Field(ge=1)] = 3
    """Container restarts within an hour that count as crash-looping."""
    pending: Duration = "5m"
    """How long a condition must hold before an alert fires (the rules' `for`)."""
    unsynced_for: Duration = "15m"
    """How long an ExternalSecret may stay not Ready (its last sync failed) before it pages."""
    backup_max_age_hours: Annotated[int, Field(ge=1, le=24 * 14)] = 26
    """Hours since the last successful backup before it is overdue (daily backup plus slack)."""


class Dashboards(Model):
    """The Grafana dashboards (charts/dashboards/), each a ConfigMap the Grafana dashboard sidecar loads."""

    sidecar_labels: LabelMap = {"grafana_dashboard": "1"}
    """Labels the sidecar selects dashboard ConfigMaps by (its `label` and `labelValue`)."""
    folder_annotation: LabelKey = "grafana_folder"
    """Annotation key the sidecar reads a dashboard's folder from (its `folderAnnotation`)."""
    folder: DnsLabel | None = None
    """Grafana folder of the environment's dashboards; unset, `flask-platform-<environment>`."""


class Pushgateway(Model):
    """The Prometheus Pushgateway of the monitoring namespace, where a finished backup reports what
    no exporter can: the size of the dump it uploaded (database/backup.sh). Prometheus scrapes it
    with `honor_labels: true` (the pushgateway chart's ServiceMonitor does), so the pushed `job`
    and `namespace` labels are the series' own."""

    service: DnsLabel = "prometheus-pushgateway"
    """Its Service, in the monitoring namespace."""
    port: Port = 9091
    """The Service's port."""
    pod_port: Port | None = None
    """The container port behind it, which the backup pods' NetworkPolicy opens; unset, `port`."""
    pod_labels: LabelMap = {"app.kubernetes.io/name": "prometheus-pushgateway"}
    """Labels of its pods (AND-ed with the monitoring namespace)."""

    @property
    def target_port(self) -> int:
        return self.pod_port or self.port


class Monitoring(Model):
    namespace: DnsLabel = "monitoring"
    """Namespace Prometheus runs in; the only one admitted to the metrics ports."""
    prometheus_pod_labels: LabelMap = {"app.kubernetes.io/name": "prometheus"}
    """Labels of the Prometheus pods inside that namespace (AND-ed with the namespace)."""
    resource_labels: dict[LabelKey, LabelValue] = {}
    """Labels put on ServiceMonitors and the PrometheusRule so Prometheus selects them (e.g. release: kube-prometheus-stack)."""
    runbook_base_url: formats.HTTPS_PAGE_URL.type() = (
        "https://git.example.internal/platform/flask-platform/blob/main/docs/operations.md"
    )
    """Where docs/operations.md is published; each alert links to its runbook section there."""
    scrape_interval: Duration = "30s"
    """How often Prometheus scrapes the metrics endpoints."""
    nginx_exporter: Exporter
    """The nginx exporter sidecar."""
    alerts: AlertThresholds = AlertThresholds()
    """Alert thresholds (the dashboards draw the same values as threshold lines)."""
    dashboards: Dashboards = Dashboards()
    """Grafana dashboards for the sidecar."""
    pushgateway: Pushgateway | None = None
    """Where the backup reports the size of each dump (the data dashboard draws it); unset, it reports nothing."""
