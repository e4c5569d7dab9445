"""Disruption budgets and autoscalers: they select or target a rendered workload, and no
budget blocks a node drain."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from manifests import Manifest
from verify.crossrefs.index import Index, finding
from verify.findings import Finding


def _replicas(index: Index, workload: Manifest) -> int:
    """The fewest replicas a workload runs with: the HPA's minimum if one scales it."""
    for hpa in index.of_kind("HorizontalPodAutoscaler"):
        target = (hpa.body.get("spec") or {}).get("scaleTargetRef") or {}
        if hpa.namespace == workload.namespace and target.get("kind") == workload.kind and target.get("name") == workload.name:
            return int((hpa.body.get("spec") or {}).get("minReplicas", 1))
    return int((workload.body.get("spec") or {}).get("replicas", 1))


def _blocks_drain(spec: dict[str, Any], replicas: int) -> bool:
    def value(v: int | str) -> float:
        return replicas * float(v[:-1]) / 100 if isinstance(v, str) and v.endswith("%") else float(v)

    if "minAvailable" in spec:
        return value(spec["minAvailable"]) >= replicas
    if "maxUnavailable" in spec:
        return value(spec["maxUnavailable"]) < 1
    return False


def disruption_budgets(index: Index) -> Iterator[Finding]:
    for pdb in index.of_kind("PodDisruptionBudget"):
        spec = pdb.body.get("spec") or {}
        pods = index.pods(pdb.namespace, spec.get("selector"))
        if not pods:
            yield finding("pdb-selector", pdb, "selector matches no pod template")
        for pod in pods:
            replicas = _replicas(index, pod.owner)
            if _blocks_drain(spec, replicas):
                yield finding(
                    "pdb-drain", pdb, f"with {replicas} replica(s) of {pod.owner.ref} no pod may be evicted: node drains block"
                )


def autoscalers(index: Index) -> Iterator[Finding]:
    for hpa in index.of_kind("HorizontalPodAutoscaler"):
        target = (hpa.body.get("spec") or {}).get("scaleTargetRef") or {}
        if index.get(target.get("kind", ""), hpa.namespace, target.get("name", "")) is None:
            yield finding("hpa-target", hpa, f"{target.get('kind')} {target.get('name')} is not rendered")
