"""Which objects run pods, and the pod template each one holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from manifests.objects import Manifest

# kind -> API group of every built-in object that creates pods.
WORKLOAD_KINDS = {
    "Pod": "",
    "ReplicationController": "",
    "Deployment": "apps",
    "StatefulSet": "apps",
    "DaemonSet": "apps",
    "ReplicaSet": "apps",
    "Job": "batch",
    "CronJob": "batch",
}


def is_workload(m: Manifest) -> bool:
    return m.kind in WORKLOAD_KINDS and WORKLOAD_KINDS[m.kind] == m.group


def workloads(manifests: Iterable[Manifest]) -> list[Manifest]:
    return [m for m in manifests if is_workload(m)]


@dataclass(frozen=True)
class PodTemplate:
    """The pods a workload creates: the template's metadata and pod spec (a Pod is its own template)."""

    owner: Manifest
    metadata: dict[str, Any]
    spec: dict[str, Any]

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.metadata.get("labels") or {})

    @property
    def annotations(self) -> dict[str, str]:
        return dict(self.metadata.get("annotations") or {})

    def containers(self) -> list[dict[str, Any]]:
        """Init containers first, then the app containers."""
        return [*(self.spec.get("initContainers") or []), *(self.spec.get("containers") or [])]


def pod_template(m: Manifest) -> PodTemplate | None:
    """The pods a workload object creates, or None for objects that create no pods."""
    if not is_workload(m):
        return None
    spec = m.body.get("spec") or {}
    if m.kind == "Pod":
        return PodTemplate(m, m.metadata, spec)
    if m.kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    template = spec.get("template") or {}
    return PodTemplate(m, template.get("metadata") or {}, template.get("spec") or {})


def pod_templates(manifests: Iterable[Manifest]) -> list[PodTemplate]:
    return [t for t in (pod_template(m) for m in manifests) if t is not None]
