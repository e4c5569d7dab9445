"""The builder of the security baseline: turns the value types of pod_parts into pod templates.

Pod Security Standards `restricted` plus the brief's extras (read-only root filesystem, fixed
UID/GID, probes on declared ports, requests and limits). SecureDeployment and MysqlDatabase
build their pod templates with `pod_template`, the batch pods (batch_pod) reuse its security
contexts, so the baseline exists in one place. A `Relaxation` is rendered as an annotation for
reviewers, a `CheckovSkip` as `checkov.io/skipN`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from cdk8s_plus_27 import k8s

from config.types import Resources
from constructs.k8s_values import int_or_string, quantity
from constructs.pod_parts import (
    BaselineError,
    Check,
    CheckovSkip,
    ContainerPort,
    HttpCheck,
    Probes,
    Relaxation,
    RunAs,
    TcpCheck,
    WritablePath,
    port_by_name,
)
from constructs.workload_config import CONFIG_CHECKSUM_ANNOTATION

if TYPE_CHECKING:
    from constructs.workload_config import WorkloadConfig
    from constructs.workload_props import PodProps, WorkloadProps

RELAXATION_ANNOTATION_PREFIX = "security.flask-platform.io/relaxed-"
CHECKOV_SKIP_PREFIX = "checkov.io/skip"


def check_unique_ports(ports: Sequence[ContainerPort]) -> None:
    if not ports:
        raise BaselineError("a workload must declare at least one container port")
    for attribute in ("name", "number"):
        values = [getattr(port, attribute) for port in ports]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise BaselineError(f"duplicate container port {attribute}(s): {duplicates}")


def _probe(check: Check, ports: Sequence[ContainerPort], probes: Probes, *, kind: str) -> k8s.Probe:
    failure_threshold = probes.startup_failure_threshold if kind == "startup" else 3
    timing = dict(
        period_seconds=probes.period_seconds,
        timeout_seconds=probes.timeout_seconds,
        failure_threshold=failure_threshold,
    )
    if isinstance(check, HttpCheck):
        port = port_by_name(ports, check.port, what=f"{kind} probe")
        return k8s.Probe(http_get=k8s.HttpGetAction(path=check.path, port=int_or_string(port.number)), **timing)
    if isinstance(check, TcpCheck):
        port = port_by_name(ports, check.port, what=f"{kind} probe")
        return k8s.Probe(tcp_socket=k8s.TcpSocketAction(port=int_or_string(port.number)), **timing)
    return k8s.Probe(exec=k8s.ExecAction(command=list(check.command)), **timing)


def _quantities(amounts) -> dict[str, k8s.Quantity]:
    return {"cpu": quantity(amounts.cpu), "memory": quantity(amounts.memory)}


HIGH_UID = 10000


def implied_checkov_skips(*, image: str, run_as: RunAs) -> list[CheckovSkip]:
    """Skips that follow from the workload's declared facts, with the reason stated once here."""
    skips = []
    if run_as.uid < HIGH_UID:
        skips.append(
            CheckovSkip(
                check_id="CKV_K8S_40",
                reason=f"runs as the image's own fixed non-root UID {run_as.uid}; the UID is part of the image contract",
            )
        )
    if "@sha256:" not in image:
        skips.append(
            CheckovSkip(
                check_id="CKV_K8S_43",
                reason="pinned by an immutable release tag; set image.digest in the environment file to pin by digest",
            )
        )
    return skips


def relaxation_annotations(relaxations: Sequence[Relaxation]) -> dict[str, str]:
    return {f"{RELAXATION_ANNOTATION_PREFIX}{r.item.replace('_', '-')}": r.reason for r in relaxations}


def checkov_annotations(skips: Sequence[CheckovSkip]) -> dict[str, str]:
    return {f"{CHECKOV_SKIP_PREFIX}{i}": f"{s.check_id}={s.reason}" for i, s in enumerate(skips, start=1)}


def container_security_context(run_as: RunAs, *, read_only_root: bool = True) -> k8s.SecurityContext:
    """Pod Security `restricted` for one container, plus a read-only root filesystem."""
    return k8s.SecurityContext(
        allow_privilege_escalation=False,
        privileged=False,
        read_only_root_filesystem=read_only_root,
        run_as_non_root=True,
        run_as_user=run_as.uid,
        run_as_group=run_as.gid,
        capabilities=k8s.Capabilities(drop=["ALL"]),
        seccomp_profile=k8s.SeccompProfile(type="RuntimeDefault"),
    )


def pod_security_context(run_as: RunAs) -> k8s.PodSecurityContext:
    return k8s.PodSecurityContext(
        run_as_non_root=True,
        run_as_user=run_as.uid,
        run_as_group=run_as.gid,
        fs_group=run_as.fs_group or run_as.gid,
        fs_group_change_policy="OnRootMismatch",
        seccomp_profile=k8s.SeccompProfile(type="RuntimeDefault"),
    )


def writable_volumes(paths: Sequence[WritablePath]) -> list[k8s.Volume]:
    return [
        k8s.Volume(
            name=w.volume,
            empty_dir=k8s.EmptyDirVolumeSource(size_limit=quantity(w.size_limit), medium="Memory" if w.in_memory else None),
        )
        for w in paths
    ]


def writable_mounts(paths: Sequence[WritablePath]) -> list[k8s.VolumeMount]:
    return [k8s.VolumeMount(name=w.volume, mount_path=w.path) for w in paths]


def check_unique_volumes(owner: str, volumes: Sequence[k8s.Volume]) -> None:
    names = [v.name for v in volumes]
    if len(set(names)) != len(names):
        raise BaselineError(f"duplicate volume names in {owner}: {sorted(names)}")


def resource_requirements(resources: Resources) -> k8s.ResourceRequirements:
    return k8s.ResourceRequirements(requests=_quantities(resources.requests), limits=_quantities(resources.limits))


def _container(
    *,
    name: str,
    image: str,
    ports: Sequence[ContainerPort],
    probes: Probes,
    resources: Resources,
    run_as: RunAs,
    args: Sequence[str] | None = None,
    env: Sequence[k8s.EnvVar] = (),
    env_from: Sequence[k8s.EnvFromSource] = (),
    mounts: Sequence[k8s.VolumeMount] = (),
    read_only_root: bool = True,
) -> k8s.Container:
    return k8s.Container(
        name=name,
        image=image,
        image_pull_policy="Always",
        args=list(args) if args is not None else None,
        ports=[k8s.ContainerPort(name=p.name, container_port=p.number, protocol=p.protocol) for p in ports],
        env=list(env) or None,
        env_from=list(env_from) or None,
        resources=resource_requirements(resources),
        readiness_probe=_probe(probes.readiness, ports, probes, kind="readiness"),
        liveness_probe=_probe(probes.liveness, ports, probes, kind="liveness"),
        startup_probe=_probe(probes.startup, ports, probes, kind="startup"),
        security_context=container_security_context(run_as, read_only_root=read_only_root),
        volume_mounts=list(mounts) or None,
        termination_message_policy="FallbackToLogsOnError",
    )


def review_annotations(props: WorkloadProps, *, run_as: RunAs, extra_images: Sequence[str] = ()) -> dict[str, str]:
    """The workload object's checkov skips: those its images and identity imply (each check once), then its own."""
    implied = {
        skip.check_id: skip
        for image in (props.image, *extra_images)
        for skip in implied_checkov_skips(image=image, run_as=run_as)
    }
    return checkov_annotations([*implied.values(), *props.checkov_skips])


def pod_template(
    pod: PodProps,
    *,
    config: WorkloadConfig,
    selector: Mapping[str, str],
    labels: Mapping[str, str],
    termination_grace_seconds: int = 30,
    topology_spread: bool = True,
) -> k8s.PodTemplateSpec:
    """The pod of a long-running workload: `pod` under the baseline, reading `config`, running as
    the ServiceAccount of the workload's own name."""
    check_unique_ports(pod.all_ports)
    container_names = [pod.name, *(car.name for car in pod.sidecars)]
    if len(set(container_names)) != len(container_names):
        raise BaselineError(f"duplicate container names in {pod.name}: {sorted(container_names)}")
    relaxed = {r.item for r in pod.relaxations}
    volumes = [*writable_volumes(pod.writable_paths), *config.volumes, *pod.volumes]
    mounts = [*writable_mounts(pod.writable_paths), *config.mounts, *pod.mounts]
    check_unique_volumes(pod.name, volumes)

    container = _container(
        name=pod.name,
        image=pod.image,
        ports=pod.ports,
        probes=pod.probes,
        resources=pod.resources,
        run_as=pod.run_as,
        args=pod.args,
        env=pod.env,
        env_from=config.env_from,
        mounts=mounts,
        read_only_root="read_only_root_filesystem" not in relaxed,
    )
    sidecars = [
        _container(
            name=car.name,
            image=car.image,
            ports=car.ports,
            probes=car.probes,
            resources=car.resources,
            run_as=pod.run_as,
            args=car.args,
        )
        for car in pod.sidecars
    ]
    spread = (
        [
            k8s.TopologySpreadConstraint(
                max_skew=1,
                topology_key=key,
                when_unsatisfiable="ScheduleAnyway",
                label_selector=k8s.LabelSelector(match_labels=dict(selector)),
            )
            for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
        ]
        if topology_spread
        else None
    )
    return k8s.PodTemplateSpec(
        metadata=k8s.ObjectMeta(
            labels=dict(labels),
            annotations={CONFIG_CHECKSUM_ANNOTATION: config.checksum, **relaxation_annotations(pod.relaxations)},
        ),
        spec=k8s.PodSpec(
            service_account_name=pod.name,
            automount_service_account_token=False,
            enable_service_links=False,
            termination_grace_period_seconds=termination_grace_seconds,
            security_context=pod_security_context(pod.run_as),
            containers=[container, *sidecars],
            volumes=volumes or None,
            topology_spread_constraints=spread,
        ),
    )
