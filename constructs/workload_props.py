"""The props every workload construct shares, as frozen dataclasses that extend each other.

Like cdk8s-plus (`DeploymentProps extends WorkloadProps`): `WorkloadProps` is what any workload
is given (its name, image, release and place in the sync), `PodProps` adds the long-running pod
under the baseline (ports, probes, identity, volumes, sidecars). SecureDeployment's
DeploymentProps extends PodProps; MysqlDatabase, SchemaMigration and DatabaseBackup extend
WorkloadProps and fill in the rest of their pod themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdk8s_plus_27 import k8s

from config.types import Resources
from constructs.pod_parts import CheckovSkip, ContainerPort, Probes, Relaxation, RunAs, Sidecar, WritablePath


@dataclass(frozen=True, kw_only=True)
class WorkloadProps:
    name: str
    """Name of the workload object, its ServiceAccount and its selector label (never hashed)."""
    image: str
    """Full reference of the image the workload runs."""
    version: str
    """Release shown in the `app.kubernetes.io/version` label."""
    sync_wave: int = 0
    """ArgoCD sync wave of the workload's objects."""
    checkov_skips: Sequence[CheckovSkip] = ()
    """Hardening checks that do not apply, each with a reason."""


@dataclass(frozen=True, kw_only=True)
class PodProps(WorkloadProps):
    """A long-running pod under the baseline: its main container, named `name`, and its sidecars."""

    ports: Sequence[ContainerPort]
    """Container ports; probes and Services refer to them by name."""
    probes: Probes
    """Readiness, liveness and startup probes (all required)."""
    resources: Resources
    """Requests and limits (both required)."""
    run_as: RunAs
    """Fixed non-root UID/GID."""
    writable_paths: Sequence[WritablePath] = ()
    """emptyDir mounts for the paths the program writes."""
    env: Sequence[k8s.EnvVar] = ()
    """Extra environment variables (literal values or secret references)."""
    volumes: Sequence[k8s.Volume] = ()
    """Extra volumes (e.g. secret files from an ExternalSecretBinding)."""
    mounts: Sequence[k8s.VolumeMount] = ()
    """Mounts of those volumes."""
    args: Sequence[str] | None = None
    """Container arguments."""
    relaxations: Sequence[Relaxation] = ()
    """Reviewed exceptions to the baseline, each with a reason."""
    sidecars: Sequence[Sidecar] = ()
    """Helper containers of the pod (same baseline); their ports are the workload's too."""

    @property
    def all_ports(self) -> tuple[ContainerPort, ...]:
        """Every port of the pod, main container first; names and numbers are unique pod-wide."""
        return (*self.ports, *(port for car in self.sidecars for port in car.ports))
