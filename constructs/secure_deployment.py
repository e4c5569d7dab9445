"""SecureDeployment: a Deployment that carries the security baseline by default.

It owns everything that belongs to one stateless workload: the Deployment, its ServiceAccount
and least-privilege Role, the ConfigMaps it reads (with a checksum annotation so a changed
config rolls the pods; a changed Secret it reads at start rolls them too, through Reloader),
an optional HorizontalPodAutoscaler and a PodDisruptionBudget that can never block a node
drain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdk8s_plus_27 import k8s

from config.model import Autoscaling
from constructs import Construct
from constructs.disruption_budget import ONE_AT_A_TIME, DisruptionBudget, disruption_budget
from constructs.k8s_values import int_or_string
from constructs.labels import metadata_labels, selector_labels
from constructs.labels import sync_wave as sync_wave_annotation
from constructs.pod_parts import BaselineError, ConfigFile, ContainerPort, port_by_name
from constructs.pod_template import pod_template, review_annotations
from constructs.scope_namespace import namespace_of
from constructs.secret_reload import reload_annotations
from constructs.workload_config import workload_config
from constructs.workload_identity import workload_identity
from constructs.workload_props import PodProps


@dataclass(frozen=True, kw_only=True)
class DeploymentProps(PodProps):
    """A stateless workload: its pod (PodProps) plus what a Deployment adds around it."""

    component: str
    """`app.kubernetes.io/component` (e.g. api, proxy)."""
    config_env: Mapping[str, str] = field(default_factory=dict)
    """Non-secret settings, rendered as ConfigMap `<name>-env` and read via envFrom."""
    config_files: Sequence[ConfigFile] = ()
    """Files rendered as ConfigMap `<name>-files`, each mounted by subPath."""
    readable_secrets: Sequence[str] = ()
    """Secrets the workload's Role may `get` by name."""
    reload_on_secrets: Sequence[str] = ()
    """Secrets the workload reads only at start: a change to one rolls it (constructs/secret_reload.py)."""
    replicas: int = 1
    """Fixed replica count when not autoscaled."""
    autoscaling: Autoscaling | None = None
    """When enabled, an HPA owns the replica count (replicas omitted)."""
    disruption: DisruptionBudget = ONE_AT_A_TIME
    """The PodDisruptionBudget; rejected if it could block a drain."""
    revision_history_limit: int = 5
    """Old ReplicaSets kept for rollback."""

    def __post_init__(self) -> None:
        if self.replicas < 1:
            raise BaselineError(f"{self.name}: replicas must be at least 1 (got {self.replicas})")


class SecureDeployment(Construct):
    def __init__(self, scope: Construct, id: str, props: DeploymentProps) -> None:
        super().__init__(scope, id)
        name = props.name
        self.props = props
        self.name = name
        self.namespace = namespace_of(scope)
        self.ports = props.all_ports
        self.selector = selector_labels(name)
        self.labels = metadata_labels(name, component=props.component, version=props.version)
        hpa = props.autoscaling if props.autoscaling and props.autoscaling.enabled else None
        min_replicas = hpa.min_replicas if hpa else props.replicas
        props.disruption.check_drainable(workload=name, min_replicas=min_replicas)
        wave = sync_wave_annotation(props.sync_wave)

        config = workload_config(self, name=name, labels=self.labels, env=props.config_env, files=props.config_files)
        self.config = config  # a migration Job of the same app reads the same settings
        workload_identity(
            self,
            name=name,
            namespace=self.namespace,
            labels=self.labels,
            config_maps=config.config_map_names,
            secrets=props.readable_secrets,
        )
        template = pod_template(props, config=config, selector=self.selector, labels=self.labels)
        # Every container's image counts: a digest on the main one must not hide a sidecar's tag.
        sidecar_images = tuple(car.image for car in props.sidecars)
        annotations = {
            **wave,
            **review_annotations(props, run_as=props.run_as, extra_images=sidecar_images),
            **reload_annotations(props.reload_on_secrets),
        }
        self.deployment = k8s.KubeDeployment(
            self,
            "Deployment",
            metadata=k8s.ObjectMeta(name=name, labels=self.labels, annotations=annotations),
            spec=k8s.DeploymentSpec(
                replicas=None if hpa else props.replicas,
                revision_history_limit=props.revision_history_limit,
                selector=k8s.LabelSelector(match_labels=self.selector),
                strategy=k8s.DeploymentStrategy(
                    type="RollingUpdate",
                    rolling_update=k8s.RollingUpdateDeployment(max_surge=int_or_string(1), max_unavailable=int_or_string(0)),
                ),
                template=template,
            ),
        )
        if hpa:
            k8s.KubeHorizontalPodAutoscalerV2(
                self,
                "Autoscaler",
                metadata=k8s.ObjectMeta(name=name, labels=self.labels, annotations=wave),
                spec=k8s.HorizontalPodAutoscalerSpecV2(
                    scale_target_ref=k8s.CrossVersionObjectReferenceV2(api_version="apps/v1", kind="Deployment", name=name),
                    min_replicas=hpa.min_replicas,
                    max_replicas=hpa.max_replicas,
                    metrics=[
                        k8s.MetricSpecV2(
                            type="Resource",
                            resource=k8s.ResourceMetricSourceV2(
                                name="cpu",
                                target=k8s.MetricTargetV2(
                                    type="Utilization", average_utilization=hpa.target_cpu_utilization_percent
                                ),
                            ),
                        )
                    ],
                ),
            )
        disruption_budget(self, name=name, labels=self.labels, selector=self.selector, budget=props.disruption, wave=wave)

    def port(self, name: str) -> ContainerPort:
        """The declared container port of that name (error if undeclared)."""
        return port_by_name(self.ports, name, what=f"a reference to {self.name}")
