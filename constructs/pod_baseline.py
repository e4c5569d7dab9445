"""The security baseline every pod of this project carries, as reusable typed pieces.

Pod Security Standards `restricted` plus the brief's extras (read-only root filesystem, fixed
UID/GID, probes on declared ports, requests and limits). SecureDeployment and MysqlDatabase
both build their pod templates here, so the baseline exists in one place. Relaxing an item takes
a `Relaxation` with a written reason, which is rendered as an annotation for reviewers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cdk8s_plus_27 import k8s

from config.model import Resources
from constructs.k8s_values import int_or_string, quantity

RELAXATION_ANNOTATION_PREFIX = "security.flask-platform.io/relaxed-"
CHECKOV_SKIP_PREFIX = "checkov.io/skip"


class BaselineError(ValueError):
    """A construct was asked for something the security baseline does not allow."""


@dataclass(frozen=True, kw_only=True)
class ContainerPort:
    name: str
    """IANA-style port name (<= 15 chars); Services and probes refer to the port by it."""
    number: int
    """Port the process listens on inside the pod."""
    protocol: Literal["TCP", "UDP"] = "TCP"

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 65535:
            raise BaselineError(f"container port {self.name!r}: {self.number} is out of range 1-65535")
        if not (1 <= len(self.name) <= 15) or not self.name.replace("-", "").isalnum() or not self.name.islower():
            raise BaselineError(f"container port name {self.name!r} must be 1-15 lower-case letters, digits or '-'")


@dataclass(frozen=True, kw_only=True)
class HttpCheck:
    path: str
    port: str
    """Name of a declared container port."""


@dataclass(frozen=True, kw_only=True)
class ExecCheck:
    command: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class TcpCheck:
    port: str
    """Name of a declared container port."""


Check = HttpCheck | ExecCheck | TcpCheck


@dataclass(frozen=True, kw_only=True)
class Probes:
    """Readiness, liveness and startup probes; all three are required by the baseline."""

    readiness: Check
    liveness: Check
    startup: Check
    period_seconds: int = 10
    timeout_seconds: int = 3
    startup_failure_threshold: int = 30
    """startup period x threshold is the time a slow start may take before restarts begin."""


@dataclass(frozen=True, kw_only=True)
class RunAs:
    """Fixed, non-root identity of the container process (never 0)."""

    uid: int
    gid: int
    fs_group: int | None = None
    """Group owning mounted volumes (secret files are 0440); defaults to gid."""

    def __post_init__(self) -> None:
        if self.uid <= 0 or self.gid <= 0:
            raise BaselineError(f"run_as uid/gid must be non-root (got {self.uid}/{self.gid})")


@dataclass(frozen=True, kw_only=True)
class WritablePath:
    """A path the program writes to; backed by an emptyDir because the root filesystem is read-only."""

    volume: str
    path: str
    size_limit: str = "64Mi"
    in_memory: bool = False


@dataclass(frozen=True, kw_only=True)
class Relaxation:
    """An explicit, reviewed exception to the baseline. The reason is rendered as an annotation."""

    item: Literal["read_only_root_filesystem"]
    reason: str

    def __post_init__(self) -> None:
        if len(self.reason.strip()) < 10:
            raise BaselineError(f"relaxing {self.item} needs a written reason (got {self.reason!r})")


@dataclass(frozen=True, kw_only=True)
class CheckovSkip:
    """A hardening check that does not apply, with the reason; emitted as checkov.io/skipN."""

    check_id: str
    reason: str

    def __post_init__(self) -> None:
        if not self.check_id.startswith(("CKV_", "CKV2_")) or len(self.reason.strip()) < 10:
            raise BaselineError(f"checkov skip {self.check_id!r} needs a valid id and a written reason")


@dataclass(frozen=True, kw_only=True)
class ConfigFile:
    """A file rendered into the workload's `<name>-files` ConfigMap and mounted by subPath."""

    key: str
    mount_path: str
    content: str


@dataclass(frozen=True, kw_only=True)
class Sidecar:
    """A helper container in the workload's pod (e.g. a metrics exporter), under the same baseline:
    the pod's identity, read-only root, no capabilities, requests, limits and all three probes."""

    name: str
    image: str
    ports: Sequence[ContainerPort]
    probes: Probes
    resources: Resources
    args: Sequence[str] | None = None


@dataclass(kw_only=True)
class PodParts:
    """What a pod template is built from; the workload constructs fill it in."""

    name: str
    image: str
    ports: Sequence[ContainerPort]
    probes: Probes
    resources: Resources
    run_as: RunAs
    writable_paths: Sequence[WritablePath] = ()
    env: Sequence[k8s.EnvVar] = ()
    env_from: Sequence[k8s.EnvFromSource] = ()
    volumes: Sequence[k8s.Volume] = ()
    mounts: Sequence[k8s.VolumeMount] = ()
    args: Sequence[str] | None = None
    relaxations: Sequence[Relaxation] = ()
    selector: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    service_account: str = ""
    sidecars: Sequence[Sidecar] = ()
    termination_grace_seconds: int = 30
    topology_spread: bool = True


def port_by_name(ports: Sequence[ContainerPort], name: str, *, what: str) -> ContainerPort:
    for port in ports:
        if port.name == name:
            return port
    declared = ", ".join(p.name for p in ports) or "none"
    raise BaselineError(f"{what} points at port {name!r}, which the container does not declare ({declared})")


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


def config_checksum(*contents: Mapping[str, str]) -> str:
    """Stable digest of the configuration a pod consumes; a change rolls the pods."""
    canonical = json.dumps(list(contents), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


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


def all_ports(parts: PodParts) -> list[ContainerPort]:
    """Every port of the pod, main container first; names and numbers are unique pod-wide."""
    return [*parts.ports, *(port for car in parts.sidecars for port in car.ports)]


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


def pod_template(parts: PodParts) -> k8s.PodTemplateSpec:
    check_unique_ports(all_ports(parts))
    container_names = [parts.name, *(car.name for car in parts.sidecars)]
    if len(set(container_names)) != len(container_names):
        raise BaselineError(f"duplicate container names in {parts.name}: {sorted(container_names)}")
    relaxed = {r.item for r in parts.relaxations}
    volumes = writable_volumes(parts.writable_paths) + list(parts.volumes)
    mounts = writable_mounts(parts.writable_paths) + list(parts.mounts)
    check_unique_volumes(parts.name, volumes)

    container = _container(
        name=parts.name,
        image=parts.image,
        ports=parts.ports,
        probes=parts.probes,
        resources=parts.resources,
        run_as=parts.run_as,
        args=parts.args,
        env=parts.env,
        env_from=parts.env_from,
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
            run_as=parts.run_as,
            args=car.args,
        )
        for car in parts.sidecars
    ]
    spread = (
        [
            k8s.TopologySpreadConstraint(
                max_skew=1,
                topology_key=key,
                when_unsatisfiable="ScheduleAnyway",
                label_selector=k8s.LabelSelector(match_labels=dict(parts.selector)),
            )
            for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
        ]
        if parts.topology_spread
        else None
    )
    return k8s.PodTemplateSpec(
        metadata=k8s.ObjectMeta(
            labels=dict(parts.labels),
            annotations={**parts.annotations, **relaxation_annotations(parts.relaxations)} or None,
        ),
        spec=k8s.PodSpec(
            service_account_name=parts.service_account or parts.name,
            automount_service_account_token=False,
            enable_service_links=False,
            termination_grace_period_seconds=parts.termination_grace_seconds,
            security_context=pod_security_context(parts.run_as),
            containers=[container, *sidecars],
            volumes=volumes or None,
            topology_spread_constraints=spread,
        ),
    )
