"""How Prometheus reaches a workload's metrics port, and nothing else does.

`scrape` renders, for one named container port: a Service of that port only (named
`<workload>-metrics`, never referenced by an Ingress or HTTPRoute), a ServiceMonitor selecting
that Service, and the NetworkPolicy admitting the configured monitoring namespace's Prometheus
pods (one AND peer: namespace and pod labels) on exactly that pod port. The public Services
keep their single port, so no public route can reach /metrics.

`push_to_pushgateway` is the other direction, for a run-to-completion pod whose figures no
exporter sees: egress to the monitoring namespace's Pushgateway pods, and the URL to push to.
"""

from __future__ import annotations

from cdk8s import ApiObjectMetadata, Chart

from charts import names
from config.monitoring import Monitoring
from constructs.labels import sync_wave
from constructs.microsegmented_service import MicrosegmentedService, NetworkSegment, Workload, service_dns_name
from imports.com.coreos.monitoring import (
    ServiceMonitor,
    ServiceMonitorSpec,
    ServiceMonitorSpecEndpoints,
    ServiceMonitorSpecSelector,
)

METRICS_SERVICE_LABEL = "flask-platform.io/metrics"


def metrics_service_name(workload: Workload) -> str:
    return f"{workload.name}{names.METRICS_SERVICE_SUFFIX}"


def scrape(chart: Chart, *, monitoring: Monitoring, workload: Workload, port: str) -> MicrosegmentedService:
    """Expose the workload's container port `port` to Prometheus only."""
    container_port = workload.port(port)
    service = MicrosegmentedService(
        chart,
        f"{workload.name}-metrics",
        workload=workload,
        port=container_port.number,
        target_port=container_port.name,
        name=metrics_service_name(workload),
        extra_labels={METRICS_SERVICE_LABEL: "true"},
        sync_wave=names.WAVE_WORKLOADS,
    )
    service.allow_from_namespace(monitoring.namespace, monitoring.prometheus_pod_labels)
    ServiceMonitor(
        chart,
        f"{workload.name}-service-monitor",
        metadata=ApiObjectMetadata(
            name=workload.name,
            labels={**workload.labels, **monitoring.resource_labels},
            annotations=sync_wave(names.WAVE_WORKLOADS),
        ),
        spec=ServiceMonitorSpec(
            selector=ServiceMonitorSpecSelector(match_labels={**workload.selector, METRICS_SERVICE_LABEL: "true"}),
            endpoints=[
                ServiceMonitorSpecEndpoints(
                    port=container_port.name,
                    path=names.METRICS_PATH,
                    interval=monitoring.scrape_interval,
                )
            ],
        ),
    )
    return service


def pushgateway_url(monitoring: Monitoring) -> str | None:
    """The Pushgateway's in-cluster URL (its Service in the monitoring namespace), None when the environment names none."""
    gateway = monitoring.pushgateway
    if gateway is None:
        return None
    return f"http://{service_dns_name(gateway.service, monitoring.namespace)}:{gateway.port}"


def push_to_pushgateway(segment: NetworkSegment, monitoring: Monitoring) -> None:
    """Let the segment's pods reach the Pushgateway's pods (a no-op when the environment names none)."""
    gateway = monitoring.pushgateway
    if gateway is not None:
        segment.allow_egress_to_pods("pushgateway", monitoring.namespace, gateway.pod_labels, gateway.target_port)
