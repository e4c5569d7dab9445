"""SecureDeployment: a Deployment that carries the security baseline by default.

It owns everything that belongs to one stateless workload: the Deployment, its ServiceAccount
and least-privilege Role, the ConfigMaps it reads (with a checksum annotation so a changed
config rolls the pods), an optional HorizontalPodAutoscaler and a PodDisruptionBudget that can
never block a node drain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdk8s import Chart
from cdk8s_plus_27 import k8s

from config.model import Autoscaling, Resources
from constructs import Construct
from constructs.k8s_values import int_or_string
from constructs.labels import metadata_labels, selector_labels
from constructs.labels import sync_wave as sync_wave_annotation
from constructs.pod_baseline import (
    BaselineError,
    CheckovSkip,
    ConfigFile,
    ContainerPort,
    PodParts,
    Probes,
    Relaxation,
    RunAs,
    Sidecar,
    WritablePath,
    checkov_annotations,
    implied_checkov_skips,
    pod_template,
    port_by_name,
)
from constructs.workload_config import WorkloadConfig
from constructs.workload_identity import WorkloadIdentity

CONFIG_CHECKSUM_ANNOTATION = "checksum/config"


@dataclass(frozen=True, kw_only=True)
class DisruptionBudget:
    """At most `max_unavailable` pods evicted at once, or at least `min_available` kept."""

    max_unavailable: int | None = 1
    min_available: int | None = None

    def __post_init__(self) -> None:
        if (self.max_unavailable is None) == (self.min_available is None):
            raise BaselineError("a disruption budget sets exactly one of max_unavailable and min_available")
        if self.max_unavailable is not None and self.max_unavailable < 1:
            raise BaselineError("max_unavailable below 1 blocks every voluntary eviction")

    def check_drainable(self, *, workload: str, min_replicas: int) -> None:
        """Refuse a budget under which a drain could never evict a pod (defect 6)."""
        if self.min_available is not None and self.min_available >= min_replicas:
            raise BaselineError(
                f"{workload}: PodDisruptionBudget min_available={self.min_available} with "
                f"{min_replicas} replica(s) would block every node drain"
            )


# The default budget: evict one pod at a time, which never blocks a drain (defect 6).
ONE_AT_A_TIME = DisruptionBudget()


class SecureDeployment(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        component: str,
        image: str,
        version: str,
        ports: Sequence[ContainerPort],
        probes: Probes,
        resources: Resources,
        run_as: RunAs,
        writable_paths: Sequence[WritablePath] = (),
        config_env: Mapping[str, str] | None = None,
        config_files: Sequence[ConfigFile] = (),
        env: Sequence[k8s.EnvVar] = (),
        volumes: Sequence[k8s.Volume] = (),
        mounts: Sequence[k8s.VolumeMount] = (),
        readable_secrets: Sequence[str] = (),
        args: Sequence[str] | None = None,
        replicas: int = 1,
        autoscaling: Autoscaling | None = None,
        disruption: DisruptionBudget = ONE_AT_A_TIME,
        relaxations: Sequence[Relaxation] = (),
        checkov_skips: Sequence[CheckovSkip] = (),
        sidecars: Sequence[Sidecar] = (),
        revision_history_limit: int = 5,
        sync_wave: int = 0,
    ) -> None:
        """
        :param name: name of the Deployment, ServiceAccount, Role and selector (never hashed).
        :param component: `app.kubernetes.io/component` (e.g. api, proxy).
        :param image: full image reference.
        :param version: release shown in the `app.kubernetes.io/version` label.
        :param ports: container ports; probes and Services refer to them by name.
        :param probes: readiness, liveness and startup probes (all required).
        :param resources: requests and limits (both required).
        :param run_as: fixed non-root UID/GID.
        :param writable_paths: emptyDir mounts for the paths the program writes.
        :param config_env: non-secret settings, rendered as ConfigMap `<name>-env` and read via envFrom.
        :param config_files: files rendered as ConfigMap `<name>-files`, each mounted by subPath.
        :param env: extra environment variables (literal values or secret references).
        :param volumes: extra volumes (e.g. secret files from an ExternalSecretBinding).
        :param mounts: mounts of those volumes.
        :param readable_secrets: Secrets the workload's Role may `get` by name.
        :param args: container arguments.
        :param replicas: fixed replica count when not autoscaled.
        :param autoscaling: when enabled, an HPA owns the replica count (replicas omitted).
        :param disruption: the PodDisruptionBudget; rejected if it could block a drain.
        :param relaxations: reviewed exceptions to the baseline, each with a reason.
        :param checkov_skips: hardening checks that do not apply, each with a reason.
        :param sidecars: helper containers of the pod (same baseline); their ports are the workload's too.
        :param revision_history_limit: old ReplicaSets kept for rollback.
        :param sync_wave: ArgoCD sync wave of the workload objects.
        """
        super().__init__(scope, id)
        if replicas < 1:
            raise BaselineError(f"{name}: replicas must be at least 1 (got {replicas})")
        self.name = name
        self.namespace = Chart.of(self).namespace  # read once: each read is a round trip
        self.ports = (*ports, *(port for car in sidecars for port in car.ports))
        self.selector = selector_labels(name)
        self.labels = metadata_labels(name, component=component, version=version)
        hpa = autoscaling if autoscaling and autoscaling.enabled else None
        min_replicas = hpa.min_replicas if hpa else replicas
        disruption.check_drainable(workload=name, min_replicas=min_replicas)
        wave = sync_wave_annotation(sync_wave)

        config = WorkloadConfig(self, "Config", name=name, labels=self.labels, env=config_env, files=config_files)
        self.config = config  # a migration Job of the same app reads the same settings
        self.identity = WorkloadIdentity(
            self,
            "Identity",
            name=name,
            namespace=self.namespace,
            labels=self.labels,
            config_maps=config.config_map_names,
            secrets=readable_secrets,
        )
        template = pod_template(
            PodParts(
                name=name,
                image=image,
                ports=tuple(ports),
                probes=probes,
                resources=resources,
                run_as=run_as,
                writable_paths=writable_paths,
                env=env,
                env_from=config.env_from,
                volumes=[*config.volumes, *volumes],
                mounts=[*config.mounts, *mounts],
                args=args,
                relaxations=relaxations,
                selector=self.selector,
                labels=self.labels,
                annotations={CONFIG_CHECKSUM_ANNOTATION: config.checksum},
                service_account=name,
                sidecars=sidecars,
            )
        )
        annotations = {**wave, **checkov_annotations([*implied_checkov_skips(image=image, run_as=run_as), *checkov_skips])}
        self.deployment = k8s.KubeDeployment(
            self,
            "Deployment",
            metadata=k8s.ObjectMeta(name=name, labels=self.labels, annotations=annotations),
            spec=k8s.DeploymentSpec(
                replicas=None if hpa else replicas,
                revision_history_limit=revision_history_limit,
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
        disruption_budget(self, name=name, labels=self.labels, selector=self.selector, budget=disruption, wave=wave)

    def port(self, name: str) -> ContainerPort:
        """The declared container port of that name (error if undeclared)."""
        return port_by_name(self.ports, name, what=f"a reference to {self.name}")


def disruption_budget(
    scope: Construct,
    *,
    name: str,
    labels: Mapping[str, str],
    selector: Mapping[str, str],
    budget: DisruptionBudget,
    wave: Mapping[str, str],
) -> k8s.KubePodDisruptionBudget:
    # AlwaysAllow: a crash-looping pod must not hold a drain hostage either.
    return k8s.KubePodDisruptionBudget(
        scope,
        "DisruptionBudget",
        metadata=k8s.ObjectMeta(name=name, labels=dict(labels), annotations=dict(wave)),
        spec=k8s.PodDisruptionBudgetSpec(
            selector=k8s.LabelSelector(match_labels=dict(selector)),
            max_unavailable=int_or_string(budget.max_unavailable) if budget.max_unavailable else None,
            min_available=int_or_string(budget.min_available) if budget.min_available else None,
            unhealthy_pod_eviction_policy="AlwaysAllow",
        ),
    )
