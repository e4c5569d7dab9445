"""Would the ResourceQuota and LimitRange of each namespace admit its rendered workloads?

The quota check sums, per namespace, the worst moment of every pod-creating object (see
demand.py) and compares it with every ResourceQuota there; the LimitRange check holds every
container against the Container and Pod items' min, max and maxLimitRequestRatio. Problems
are reported against the environment field that sets the quota or the LimitRange.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from charts.platform_baseline import QUOTA_FIELDS
from config.errors import FieldProblem
from config.quantities import parse
from synthesis.admission.context import Context
from synthesis.admission.demand import RESOURCES, Demand, LimitDefaults, container_amounts, containers_of, demands

# Keys that mean the same thing in a quota.
ALIASES = {
    "cpu": "requests.cpu",
    "memory": "requests.memory",
    "count/pods": "pods",
    "count/persistentvolumeclaims": "persistentvolumeclaims",
}


def amount_text(key: str, value: Decimal) -> str:
    """A quantity the way a person writes it: 2250m, 2, 1536Mi, 20Gi, 20."""
    if key.endswith("cpu"):
        millis = int((value * 1000).to_integral_value(rounding="ROUND_CEILING"))
        return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"
    if key.endswith(("memory", "storage")):
        number = int(value.to_integral_value(rounding="ROUND_CEILING"))
        for unit, factor in (("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20)):
            if number % factor == 0:
                return f"{number // factor}{unit}"
        return f"{-(-number // 2**20)}Mi"
    return str(int(value))


def _need(key: str, demand: Demand) -> Decimal | None:
    if key == "pods":
        return Decimal(demand.pods)
    if key in RESOURCES:
        per_pod = demand.per_pod.get(key)
        return None if per_pod is None else per_pod * demand.pods
    if key in demand.storage:
        return demand.storage[key]
    if key in demand.claims:
        return Decimal(demand.claims[key])
    return Decimal(0)


def _contribution(key: str, demand: Demand) -> str:
    pods = f"{demand.pods} pod{'s' if demand.pods != 1 else ''}"
    if key == "pods":
        return f"{demand.name} {pods} ({demand.why})"
    if key in RESOURCES:
        unit = " CPU" if key.endswith("cpu") else ""
        return f"{demand.name} {pods} x {amount_text(key, demand.per_pod[key] or Decimal(0))}{unit} ({demand.why})"
    return f"{demand.name} {amount_text(key, _need(key, demand) or Decimal(0))}"


def peak(objects: list[dict[str, Any]], namespace: str, key: str) -> Decimal:
    """What the pod-creating objects of a namespace ask of one quota key at their worst moment."""
    return sum((_need(key, d) or Decimal(0) for d in demands(objects) if d.namespace == namespace), Decimal(0))


def _tracked(quota: dict[str, Any]) -> dict[str, Decimal]:
    spec = quota.get("spec") or {}
    if spec.get("scopes") or spec.get("scopeSelector"):
        return {}  # a scoped quota counts only some pods; not modelled, so never blamed
    return {ALIASES.get(k, k): parse(v) for k, v in (spec.get("hard") or {}).items()}


def quotas_hold_workloads(ctx: Context) -> Iterator[FieldProblem]:
    by_namespace: dict[str, list[Demand]] = {}
    for demand in ctx.demands:
        by_namespace.setdefault(demand.namespace, []).append(demand)
    for quota in ctx.of_kind("ResourceQuota"):
        namespace = quota["metadata"].get("namespace", "")
        present = by_namespace.get(namespace, [])
        for key, hard in _tracked(quota).items():
            field = ctx.budget_field(namespace, QUOTA_FIELDS.get(key))
            if key in RESOURCES:
                missing = [d for d in present if d.pods and d.per_pod.get(key) is None]
                if missing:
                    yield FieldProblem(
                        ctx.budget_field(namespace, "container_defaults"),
                        f"must give every container a {key.split('.')[0][:-1]} for {key.split('.')[1]}: the quota of the "
                        f"{namespace} namespace tracks {key}, so the API server refuses the pods of "
                        f"{', '.join(d.ref for d in missing)}, which set none",
                    )
                    continue
            contributing = [d for d in present if (_need(key, d) or 0) > 0]
            need = sum((_need(key, d) or Decimal(0) for d in contributing), Decimal(0))
            if need > hard:
                parts = ", ".join(_contribution(key, d) for d in contributing)
                yield FieldProblem(
                    field,
                    f"must be at least {amount_text(key, need)}, the {key} the {namespace} namespace needs at its peak: "
                    f"{parts} (got {amount_text(key, hard)})",
                )


def _limit_items(ctx: Context, namespace: str, kind: str) -> list[dict[str, Any]]:
    items = []
    for lr in ctx.of_kind("LimitRange"):
        if lr["metadata"].get("namespace", "") == namespace:
            items += [i for i in (lr.get("spec") or {}).get("limits") or [] if i.get("type") == kind]
    return items


def _bounds_problems(what: str, amounts: dict[str, Decimal | None], item: dict[str, Any]) -> Iterator[str]:
    for resource, value in (item.get("max") or {}).items():
        limit = amounts.get(f"limits.{resource}")
        if limit is not None and limit > parse(value):
            yield f"{what} has a {resource} limit of {amount_text(resource, limit)}, above the LimitRange maximum {value}"
        if limit is None:
            yield f"{what} sets no {resource} limit, which a LimitRange maximum requires"
    for resource, value in (item.get("min") or {}).items():
        request = amounts.get(f"requests.{resource}")
        if request is not None and request < parse(value):
            yield f"{what} requests {amount_text(resource, request)} of {resource}, below the LimitRange minimum {value}"
    for resource, value in (item.get("maxLimitRequestRatio") or {}).items():
        limit, request = amounts.get(f"limits.{resource}"), amounts.get(f"requests.{resource}")
        if limit is not None and request and limit / request > parse(value):
            yield f"{what} has a {resource} limit {limit / request:.2g} times its request, above the LimitRange ratio {value}"


def limit_ranges_admit_containers(ctx: Context) -> Iterator[FieldProblem]:
    for demand in ctx.demands:
        if not demand.pods:
            continue
        field = ctx.budget_field(demand.namespace, "container_defaults")
        defaults = LimitDefaults.of(lr for lr in ctx.of_kind("LimitRange") if lr["metadata"].get("namespace") == demand.namespace)
        for item in _limit_items(ctx, demand.namespace, "Container"):
            for container in containers_of(demand.pod_spec):
                what = f"container {container.get('name')} of {demand.ref}"
                for problem in _bounds_problems(what, container_amounts(container, defaults), item):
                    yield FieldProblem(field, f"must admit every container: {problem}")
        for item in _limit_items(ctx, demand.namespace, "Pod"):
            for problem in _bounds_problems(f"a pod of {demand.ref}", demand.per_pod, item):
                yield FieldProblem(field, f"must admit every pod: {problem}")


def limit_range_defaults_within_bounds(ctx: Context) -> Iterator[FieldProblem]:
    """The API server refuses a LimitRange whose defaults lie outside its own min and max."""
    for lr in ctx.of_kind("LimitRange"):
        namespace = lr["metadata"].get("namespace", "")
        field = ctx.budget_field(namespace, "container_defaults")
        for item in (lr.get("spec") or {}).get("limits") or []:
            defaults = {**{f"limits.{k}": parse(v) for k, v in (item.get("default") or {}).items()}}
            defaults.update({f"requests.{k}": parse(v) for k, v in (item.get("defaultRequest") or {}).items()})
            for resource in ("cpu", "memory"):
                request, limit = defaults.get(f"requests.{resource}"), defaults.get(f"limits.{resource}")
                if request is not None and limit is not None and request > limit:
                    yield FieldProblem(field, f"must not request more {resource} by default than its default limit")
            for problem in _bounds_problems(f"the {item.get('type', 'Container')} default", defaults, item):
                if "sets no" not in problem:
                    yield FieldProblem(field, f"must lie within its own bounds: {problem}")
