"""Rules of the API server (and Argo CD) that a rendered object can break although every
setting validated: names, labels, int32 numbers, port collisions, probe settings.

Each rule walks the rendered objects generically; a problem is blamed on the environment
field whose value ended up in the offending place (an image tag in a label, a rule name in a
policy name), or on the object itself when no setting is involved.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from config import formats
from config.errors import FieldProblem
from config.types import INT32_MAX
from synthesis.admission.context import Context, ref

DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
PORT_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")

# Kinds whose name is a DNS label (63) rather than a DNS subdomain (253); RBAC names are path segments.
LABEL_NAMED = {"Namespace": DNS1123_LABEL, "Service": DNS1035_LABEL}
PATH_SEGMENT_NAMED = {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}
# The controller writes the name plus a suffix into a label (63): StatefulSet pods get
# controller-revision-hash '<name>-<10 chars>', a CronJob's Jobs '<name>-<11 digits>' (the API
# server itself refuses CronJob names over 52).
NAME_LIMITS = {"StatefulSet": 52, "CronJob": 52}
ARGOCD_NAME_LIMIT = 63
"""Argo CD labels every resource of an Application with the Application's name (app.kubernetes.io/instance)."""

INT32_FIELDS = {
    "replicas", "minReplicas", "maxReplicas", "parallelism", "completions", "backoffLimit", "port", "containerPort",
    "targetPort", "nodePort", "averageUtilization", "revisionHistoryLimit", "periodSeconds", "timeoutSeconds",
    "failureThreshold", "successThreshold", "initialDelaySeconds", "maxSkew", "minReadySeconds",
    "progressDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit", "minAvailable",
    "maxUnavailable", "maxSurge", "number",
}  # fmt: skip


def _name_problem(kind: str, name: str) -> str | None:
    if kind in PATH_SEGMENT_NAMED:
        return "must not be '.' or '..' nor contain '/' or '%'" if name in (".", "..") or re.search(r"[/%]", name) else None
    pattern = LABEL_NAMED.get(kind)
    limit = NAME_LIMITS.get(kind, 63 if pattern else 253)
    pattern = pattern or DNS1123_SUBDOMAIN
    if not name:
        return "must not be empty"
    if len(name) > limit:
        return f"is {len(name)} characters long, more than the {limit} a {kind} name may have"
    if not pattern.fullmatch(name):
        if pattern is DNS1123_SUBDOMAIN:
            return "must be a DNS name (lowercase letters, digits, '-' and '.')"
        return "must be a DNS label (lowercase letters, digits and '-')"
    return None


@functools.lru_cache(maxsize=4096, typed=True)
def _label_problem(key: str, value: Any) -> str | None:
    """(Remembered: the same few labels are on most objects of every environment.)"""
    if not formats.LABEL_KEY.matches(str(key)):
        return f"label key {key!r} is not {formats.LABEL_KEY.description}"
    if not isinstance(value, str) or not formats.LABEL_VALUE.matches(value):
        return f"label {key}={value!r} is not {formats.LABEL_VALUE.description}"
    return None


def _label_maps(obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every label mapping of an object: its own, pod templates', selectors' matchLabels."""

    def walk(node: Any, key: str = "") -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if key in ("labels", "matchLabels") or (key == "selector" and obj.get("kind") == "Service"):
                if all(not isinstance(v, (dict, list)) for v in node.values()):
                    yield node
                    return
            for k, v in node.items():
                if k not in ("annotations", "data", "stringData"):
                    yield from walk(v, k)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, key)

    yield from walk(obj)


def names_are_valid(ctx: Context) -> Iterator[FieldProblem]:
    for obj in ctx.objects:
        name = str((obj.get("metadata") or {}).get("name", ""))
        problem = _name_problem(obj.get("kind", ""), name)
        if problem:
            yield FieldProblem(ctx.field_for(name, ref(obj)), f"makes the name of {ref(obj)} invalid: {name!r} {problem}")
        if obj.get("kind") == "Application" and len(name) > ARGOCD_NAME_LIMIT:
            yield FieldProblem(
                ctx.field_for(name, "(the environment's file name)"),
                f"makes the Argo CD Application name {name!r} {len(name)} characters long; Argo CD writes it into the "
                f"label app.kubernetes.io/instance of every object, which holds at most {ARGOCD_NAME_LIMIT}",
            )


def labels_are_valid(ctx: Context) -> Iterator[FieldProblem]:
    for obj in ctx.objects:
        for labels in _label_maps(obj):
            for key, value in labels.items():
                problem = _label_problem(key, value)
                if problem:
                    yield FieldProblem(ctx.field_for(value, ref(obj)), f"ends up in a label of {ref(obj)}, and the {problem}")


def _numbers(node: Any, path: str = "") -> Iterator[tuple[str, str, int]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, int) and not isinstance(value, bool):
                yield key, f"{path}.{key}".lstrip("."), value
            else:
                yield from _numbers(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _numbers(value, f"{path}[{index}]")


def numbers_fit_the_api(ctx: Context) -> Iterator[FieldProblem]:
    for obj in ctx.objects:
        for key, path, value in _numbers(obj.get("spec") or {}, "spec"):
            limit = INT32_MAX if key in INT32_FIELDS else 2**63 - 1
            if value > limit or value < -limit - 1:
                yield FieldProblem(
                    ctx.field_for(value, ref(obj)),
                    f"must be at most {limit}: it becomes {path} of {ref(obj)}, which Kubernetes stores in "
                    f"{'32' if limit == INT32_MAX else '64'} bits (got {value})",
                )


def _pod_specs(obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "Pod":
        yield spec
    if obj.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    template = spec.get("template")
    if isinstance(template, dict) and isinstance(template.get("spec"), dict) and "containers" in template["spec"]:
        yield template["spec"]


def ports_do_not_collide(ctx: Context) -> Iterator[FieldProblem]:
    for obj in ctx.objects:
        for spec in _pod_specs(obj):
            containers = [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]
            seen_numbers: dict[tuple[int, str], str] = {}
            seen_names: dict[str, str] = {}
            for container in containers:
                for port in container.get("ports") or []:
                    number, protocol, name = port.get("containerPort"), port.get("protocol", "TCP"), port.get("name")
                    where = f"container {container.get('name')} of {ref(obj)}"
                    other = seen_numbers.setdefault((number, protocol), where)
                    if other != where:
                        yield FieldProblem(
                            ctx.field_for(number, ref(obj)), f"makes {where} listen on {protocol} {number}, as {other} does"
                        )
                    if name:
                        if not (len(name) <= 15 and PORT_NAME.fullmatch(name) and re.search("[a-z]", name) and "--" not in name):
                            yield FieldProblem(
                                ctx.field_for(name, ref(obj)),
                                f"makes port name {name!r} of {where} invalid: "
                                "1-15 lowercase letters, digits and '-', with a letter",
                            )
                        other = seen_names.setdefault(name, where)
                        if other != where:
                            yield FieldProblem(
                                ctx.field_for(name, ref(obj)), f"names a port {name!r} in {where}, as {other} does"
                            )
        if obj.get("kind") == "Service":
            ports = (obj.get("spec") or {}).get("ports") or []
            keys = [(p.get("port"), p.get("protocol", "TCP")) for p in ports]
            names = [p.get("name") for p in ports]
            for key in {k for k in keys if keys.count(k) > 1}:
                yield FieldProblem(ctx.field_for(key[0], ref(obj)), f"makes {ref(obj)} expose {key[1]} port {key[0]} twice")
            if len(ports) > 1 and (None in names or len(set(names)) != len(names)):
                yield FieldProblem(ref(obj), "needs a distinct name for each of its ports")


def probes_are_accepted(ctx: Context) -> Iterator[FieldProblem]:
    for obj in ctx.objects:
        for spec in _pod_specs(obj):
            for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
                for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
                    probe = container.get(kind)
                    if not probe:
                        continue
                    where = f"the {kind} of container {container.get('name')} in {ref(obj)}"
                    if kind != "readinessProbe" and probe.get("successThreshold", 1) != 1:
                        yield FieldProblem(ref(obj), f"{where} must have successThreshold 1")
                    for key in ("periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold"):
                        if key in probe and probe[key] < 1:
                            yield FieldProblem(
                                ctx.field_for(probe[key], ref(obj)), f"makes {key} of {where} {probe[key]}; it must be at least 1"
                            )
                    if probe.get("terminationGracePeriodSeconds", 1) < 1:
                        yield FieldProblem(ref(obj), f"{where} must have a positive terminationGracePeriodSeconds")
