"""How Prometheus reaches a workload's metrics port, and nothing else does.

`scrape` renders, for one named container port: a Service of that port only (named
`<workload>-metrics`, never referenced by an Ingress or HTTPRoute), a ServiceMonitor selecting
that Service, and the NetworkPolicy admitting the configured monitoring namespace's Prometheus
pods (one AND peer: namespace and pod labels) on exactly that pod port. The public Services
keep their single port, so no public route can reach /metrics.
"""

from __future__ import annotations

from cdk8s import ApiObjectMetadata, Chart

from charts import names
from config.monitoring import Monitoring
from constructs.labels import sync_wave
from constructs.microsegmented_service import MicrosegmentedService, Workload
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
