"""How a Service is reached from outside the cluster: an Ingress, or a Gateway API HTTPRoute.

Every host that is configured gets its route rendered here (defect 4: a host configured but
never routed), and the NetworkPolicy admitting the edge proxy is added in the same call, so
a route without a matching allow (or the reverse) cannot be produced.
"""

from __future__ import annotations

from cdk8s import ApiObjectMetadata, Chart
from cdk8s_plus_27 import k8s

from charts import names
from config.model import Environment, GatewayRef
from constructs.labels import sync_wave
from constructs.microsegmented_service import MicrosegmentedService
from imports.io.k8s.networking.gateway import (
    HttpRoute,
    HttpRouteSpec,
    HttpRouteSpecParentRefs,
    HttpRouteSpecRules,
    HttpRouteSpecRulesBackendRefs,
    HttpRouteSpecRulesMatches,
    HttpRouteSpecRulesMatchesPath,
    HttpRouteSpecRulesMatchesPathType,
)

CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer"
SYNC_WAVE = sync_wave(names.WAVE_WORKLOADS)


def tls_secret_name(service: MicrosegmentedService) -> str:
    """Secret cert-manager writes the certificate into (its only owner)."""
    return f"{service.name}-tls"


def expose(
    chart: Chart,
    *,
    env: Environment,
    service: MicrosegmentedService,
    host: str,
    gateway: GatewayRef | None = None,
) -> None:
    labels = dict(service.workload.labels)
    if gateway is not None:
        HttpRoute(
            chart,
            f"{service.name}-route",
            metadata=ApiObjectMetadata(name=service.name, labels=labels, annotations=SYNC_WAVE),
            spec=HttpRouteSpec(
                hostnames=[host],
                parent_refs=[HttpRouteSpecParentRefs(name=gateway.name, namespace=gateway.namespace)],
                rules=[
                    HttpRouteSpecRules(
                        matches=[
                            HttpRouteSpecRulesMatches(
                                path=HttpRouteSpecRulesMatchesPath(type=HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value="/")
                            )
                        ],
                        backend_refs=[HttpRouteSpecRulesBackendRefs(name=service.name, port=service.port)],
                    )
                ],
            ),
        )
        service.allow_from_namespace(gateway.namespace)
        return

    tls = env.tls.enabled
    annotations = {**SYNC_WAVE, **({CLUSTER_ISSUER_ANNOTATION: env.tls.cluster_issuer} if tls else {})}
    k8s.KubeIngress(
        chart,
        f"{service.name}-ingress",
        metadata=k8s.ObjectMeta(name=service.name, labels=labels, annotations=annotations),
        spec=k8s.IngressSpec(
            ingress_class_name=env.cluster.ingress_class,
            tls=[k8s.IngressTls(hosts=[host], secret_name=tls_secret_name(service))] if tls else None,
            rules=[
                k8s.IngressRule(
                    host=host,
                    http=k8s.HttpIngressRuleValue(
                        paths=[
                            k8s.HttpIngressPath(
                                path="/",
                                path_type="Prefix",
                                backend=k8s.IngressBackend(
                                    service=k8s.IngressServiceBackend(
                                        name=service.name, port=k8s.ServiceBackendPort(number=service.port)
                                    )
                                ),
                            )
                        ]
                    ),
                )
            ],
        ),
    )
    service.allow_from_namespace(env.cluster.ingress_controller_namespace)
