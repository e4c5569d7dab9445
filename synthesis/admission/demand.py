"""What the rendered workloads of a namespace ask of its ResourceQuota at their worst moment.

Generic over what the charts render, not a re-derivation of each chart: every object that
creates pods (Deployment, StatefulSet, ReplicaSet, Job, CronJob, Pod) is read as the API server
and its controllers would, so a workload added later is counted without touching this file.

- pods at the worst moment: a Deployment at its replicas, or its HPA's maxReplicas, plus the
  rolling update's maxSurge (Recreate: none); a StatefulSet at its replicas or HPA max (it
  replaces pods one at a time, no surge); a Job at its parallelism (at most its completions);
  a CronJob's Job once with concurrencyPolicy Forbid, twice otherwise (Replace: the old run's
  pods still count while they terminate; Allow: one overlapping run is assumed);
- per pod, the Kubernetes effective request and limit: the larger of the biggest init
  container (plus the sidecars started before it) and the sum of the app containers and all
  sidecars (init containers with restartPolicy Always); a container without a value gets
  the LimitRange default, and a request without a value equals its limit, as admission does;
- storage and claim counts from volumeClaimTemplates (once per replica) and PVC objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from config.quantities import parse

RESOURCES = ("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")
CONTROLLERS = {"Deployment", "StatefulSet", "ReplicaSet", "Job", "CronJob", "Pod"}


@dataclass(frozen=True)
class LimitDefaults:
    """The Container item of a namespace's LimitRange: what admission fills in."""

    default: dict[str, Decimal] = field(default_factory=dict)  # limits
    default_request: dict[str, Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, limit_ranges: Iterable[dict[str, Any]]) -> LimitDefaults:
        default: dict[str, Decimal] = {}
        request: dict[str, Decimal] = {}
        for lr in limit_ranges:
            for item in (lr.get("spec") or {}).get("limits") or []:
                if item.get("type") != "Container":
                    continue
                for name, value in (item.get("default") or {}).items():
                    default.setdefault(name, parse(value))
                # The API server defaults defaultRequest to default.
                for name, value in {**(item.get("default") or {}), **(item.get("defaultRequest") or {})}.items():
                    request.setdefault(name, parse(value))
        return cls(default, request)


def container_amounts(container: dict[str, Any], defaults: LimitDefaults) -> dict[str, Decimal | None]:
    """requests.cpu ... limits.memory of one container after admission; None when unset."""
    resources = container.get("resources") or {}
    limits = {k: parse(v) for k, v in (resources.get("limits") or {}).items()}
    requests = {k: parse(v) for k, v in (resources.get("requests") or {}).items()}
    amounts: dict[str, Decimal | None] = {}
    for resource in ("cpu", "memory"):
        limit = limits.get(resource, defaults.default.get(resource))
        request = requests.get(resource)
        if request is None:
            request = limits[resource] if resource in limits else defaults.default_request.get(resource)
        amounts[f"limits.{resource}"] = limit
        amounts[f"requests.{resource}"] = request
    return amounts


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a + b


def _max(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else max(a, b)


def pod_amounts(spec: dict[str, Any], defaults: LimitDefaults) -> dict[str, Decimal | None]:
    """The pod's effective requests and limits (the rule the scheduler and the quota use)."""
    result: dict[str, Decimal | None] = {}
    for resource in RESOURCES:
        sidecars: Decimal | None = Decimal(0)
        init_peak: Decimal | None = Decimal(0)
        for init in spec.get("initContainers") or []:
            amount = container_amounts(init, defaults)[resource]
            if init.get("restartPolicy") == "Always":
                sidecars = _add(sidecars, amount)
            else:
                init_peak = _max(init_peak, _add(amount, sidecars))
        running: Decimal | None = sidecars
        for container in spec.get("containers") or []:
            running = _add(running, container_amounts(container, defaults)[resource])
        result[resource] = _max(init_peak, running)
    return result


def containers_of(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]


@dataclass(frozen=True)
class Demand:
    """One pod-creating object at its worst moment."""

    kind: str
    name: str
    namespace: str
    pods: int
    why: str
    """How `pods` comes about, e.g. '3 replicas + 1 during a rolling update'."""
    per_pod: dict[str, Decimal | None]
    pod_spec: dict[str, Any]
    storage: dict[str, Decimal] = field(default_factory=dict)
    """requests.storage (and per-StorageClass keys) of the claims it creates."""
    claims: dict[str, int] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}"


def _hpa_max(hpas: list[dict[str, Any]], kind: str, name: str) -> int | None:
    for hpa in hpas:
        target = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        if target.get("kind") == kind and target.get("name") == name:
            return int(hpa["spec"].get("maxReplicas", 1))
    return None


def _surge(strategy: dict[str, Any], replicas: int) -> int:
    if strategy.get("type") == "Recreate":
        return 0
    surge = (strategy.get("rollingUpdate") or {}).get("maxSurge", "25%")
    if isinstance(surge, str) and surge.endswith("%"):
        return math.ceil(replicas * int(surge[:-1]) / 100)
    return int(surge)


def _replicas(obj: dict[str, Any], hpas: list[dict[str, Any]]) -> tuple[int, str]:
    name = obj["metadata"]["name"]
    limit = _hpa_max(hpas, obj["kind"], name)
    if limit is not None:
        return limit, f"autoscaler maximum {limit}"
    replicas = (obj.get("spec") or {}).get("replicas", 1)
    return int(replicas), f"{replicas} replica{'s' if replicas != 1 else ''}"


def _claim_templates(templates: list[dict[str, Any]], copies: int) -> tuple[dict[str, Decimal], dict[str, int]]:
    storage: dict[str, Decimal] = {}
    claims: dict[str, int] = {}
    for template in templates:
        spec = template.get("spec") or {}
        size = parse(((spec.get("resources") or {}).get("requests") or {}).get("storage", 0))
        keys = ["requests.storage"]
        claim_keys = ["persistentvolumeclaims"]
        if spec.get("storageClassName"):
            prefix = f"{spec['storageClassName']}.storageclass.storage.k8s.io/"
            keys.append(prefix + "requests.storage")
            claim_keys.append(prefix + "persistentvolumeclaims")
        for key in keys:
            storage[key] = storage.get(key, Decimal(0)) + size * copies
        for key in claim_keys:
            claims[key] = claims.get(key, 0) + copies
    return storage, claims


def _job_pods(job_spec: dict[str, Any]) -> int:
    parallelism = int(job_spec.get("parallelism", 1))
    completions = job_spec.get("completions")
    return min(parallelism, int(completions)) if completions is not None else parallelism


def demands(objects: list[dict[str, Any]]) -> list[Demand]:
    """The worst moment of every pod-creating object, and of every standalone claim."""
    hpas = [o for o in objects if o.get("kind") == "HorizontalPodAutoscaler"]
    limit_ranges: dict[str, list[dict[str, Any]]] = {}
    for o in objects:
        if o.get("kind") == "LimitRange":
            limit_ranges.setdefault(o["metadata"].get("namespace", ""), []).append(o)
    result = []
    for obj in objects:
        kind = obj.get("kind")
        meta = obj.get("metadata") or {}
        namespace = meta.get("namespace", "")
        spec = obj.get("spec") or {}
        if kind == "PersistentVolumeClaim":
            storage, claims = _claim_templates([obj], 1)
            result.append(Demand(kind, meta.get("name", ""), namespace, 0, "a claim", {}, {}, storage, claims))
            continue
        if kind not in CONTROLLERS:
            continue
        storage: dict[str, Decimal] = {}
        claims: dict[str, int] = {}
        if kind == "Deployment":
            replicas, why = _replicas(obj, hpas)
            surge = _surge(spec.get("strategy") or {}, replicas)
            pods, why = replicas + surge, why + (f" + {surge} during a rolling update" if surge else "")
            pod_spec = (spec.get("template") or {}).get("spec") or {}
        elif kind in ("StatefulSet", "ReplicaSet"):
            pods, why = _replicas(obj, hpas)
            pod_spec = (spec.get("template") or {}).get("spec") or {}
            if kind == "StatefulSet":
                storage, claims = _claim_templates(spec.get("volumeClaimTemplates") or [], pods)
        elif kind == "Job":
            pods = _job_pods(spec)
            why = f"parallelism {pods}"
            pod_spec = (spec.get("template") or {}).get("spec") or {}
        elif kind == "CronJob":
            job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
            runs = 1 if spec.get("concurrencyPolicy") == "Forbid" else 2
            pods = _job_pods(job_spec) * runs
            why = "one run at a time" if runs == 1 else "two overlapping runs"
            pod_spec = (job_spec.get("template") or {}).get("spec") or {}
        else:  # Pod
            pods, why, pod_spec = 1, "one pod", spec
        defaults = LimitDefaults.of(limit_ranges.get(namespace, []))
        result.append(
            Demand(kind, meta.get("name", ""), namespace, pods, why, pod_amounts(pod_spec, defaults), pod_spec, storage, claims)
        )
    return result
