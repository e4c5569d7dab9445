"""The value types of the security baseline: what a pod's containers declare.

Ports, probes, the fixed identity, writable paths, config files, sidecars and the reviewed
exceptions (relaxations, checkov skips). Each refuses what the baseline does not allow when it
is created, so a construct never holds an invalid one; constructs/pod_template.py turns them
into the pod template every workload shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from config.types import Resources


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


def port_by_name(ports: Sequence[ContainerPort], name: str, *, what: str) -> ContainerPort:
    for port in ports:
        if port.name == name:
            return port
    declared = ", ".join(p.name for p in ports) or "none"
    raise BaselineError(f"{what} points at port {name!r}, which the container does not declare ({declared})")
