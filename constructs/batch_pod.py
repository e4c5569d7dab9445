"""Run-to-completion pods (Jobs, CronJobs) under the same security baseline as every other pod.

A batch pod is a sequence of steps: every step but the last is an init container, so a step
runs only after the one before it exited 0, and a failed step stops the pod (a failed dump is
never uploaded). Steps share the pod's writable emptyDirs, which is how one hands its output
to the next. There are no ports and no probes: nothing connects to these pods and the Job
controller judges them by exit status. Identity, capabilities, seccomp, read-only root and
requests/limits come from pod_template, exactly as for the long-running workloads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdk8s_plus_27 import k8s

from config.types import Resources
from constructs.pod_parts import BaselineError, Relaxation, RunAs, WritablePath
from constructs.pod_template import (
    check_unique_volumes,
    container_security_context,
    pod_security_context,
    relaxation_annotations,
    resource_requirements,
    writable_mounts,
    writable_volumes,
)


@dataclass(frozen=True, kw_only=True)
class Step:
    """One container of a batch pod."""

    name: str
    image: str
    command: Sequence[str]
    resources: Resources
    env: Sequence[k8s.EnvVar] = ()
    env_from: Sequence[k8s.EnvFromSource] = ()
    mounts: Sequence[k8s.VolumeMount] = ()


@dataclass(frozen=True, kw_only=True)
class BatchPodParts:
    steps: Sequence[Step]
    run_as: RunAs
    service_account: str
    labels: Mapping[str, str]
    writable_paths: Sequence[WritablePath] = ()
    volumes: Sequence[k8s.Volume] = ()
    annotations: Mapping[str, str] = field(default_factory=dict)
    relaxations: Sequence[Relaxation] = ()
    termination_grace_seconds: int = 30


def _container(step: Step, parts: BatchPodParts, read_only_root: bool) -> k8s.Container:
    return k8s.Container(
        name=step.name,
        image=step.image,
        image_pull_policy="Always",
        command=list(step.command),
        env=list(step.env) or None,
        env_from=list(step.env_from) or None,
        resources=resource_requirements(step.resources),
        security_context=container_security_context(parts.run_as, read_only_root=read_only_root),
        volume_mounts=[*writable_mounts(parts.writable_paths), *step.mounts] or None,
        termination_message_policy="FallbackToLogsOnError",
    )


def batch_pod_template(parts: BatchPodParts) -> k8s.PodTemplateSpec:
    if not parts.steps:
        raise BaselineError("a batch pod needs at least one step")
    step_names = [s.name for s in parts.steps]
    if len(set(step_names)) != len(step_names):
        raise BaselineError(f"duplicate step names: {step_names}")
    volumes = writable_volumes(parts.writable_paths) + list(parts.volumes)
    check_unique_volumes(parts.service_account, volumes)
    read_only_root = "read_only_root_filesystem" not in {r.item for r in parts.relaxations}
    containers = [_container(step, parts, read_only_root) for step in parts.steps]
    return k8s.PodTemplateSpec(
        metadata=k8s.ObjectMeta(
            labels=dict(parts.labels),
            annotations={**parts.annotations, **relaxation_annotations(parts.relaxations)} or None,
        ),
        spec=k8s.PodSpec(
            # Never: a retry is a new pod (backoffLimit), so each attempt starts from empty scratch dirs.
            restart_policy="Never",
            service_account_name=parts.service_account,
            automount_service_account_token=False,
            enable_service_links=False,
            termination_grace_period_seconds=parts.termination_grace_seconds,
            security_context=pod_security_context(parts.run_as),
            init_containers=containers[:-1] or None,
            containers=containers[-1:],
            volumes=volumes or None,
        ),
    )
