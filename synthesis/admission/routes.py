"""Every host and path is claimed by one route: two Ingresses or HTTPRoutes of an environment
that claim the same host and path make the ingress controller pick one (ingress-nginx refuses
the second through its admission webhook), so one of the two apps is unreachable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from config.errors import FieldProblem
from synthesis.admission.context import Context, ref


def _claims(obj: dict[str, Any]) -> Iterator[tuple[str, str]]:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "Ingress":
        for rule in spec.get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                yield rule.get("host") or "*", path.get("path") or "/"
    elif obj.get("kind") in ("HTTPRoute", "GRPCRoute"):
        paths = [
            (match.get("path") or {}).get("value", "/")
            for rule in spec.get("rules") or [{}]
            for match in (rule.get("matches") or [{}])
        ]
        for host in spec.get("hostnames") or ["*"]:
            for path in paths:
                yield host, path


def hosts_are_unique(ctx: Context) -> Iterator[FieldProblem]:
    owners: dict[tuple[str, str], dict[str, Any]] = {}
    for obj in ctx.objects:
        for claim in _claims(obj):
            first = owners.setdefault(claim, obj)
            if first is obj:
                continue
            host, path = claim
            fields = ctx.fields_holding(host)
            blamed = fields[-1] if fields else ref(obj)
            also = f" (as {fields[0]} is)" if len(fields) > 1 else ""
            yield FieldProblem(
                blamed,
                f"must differ from every other route's host{also}: {ref(first)} and {ref(obj)} would both claim "
                f"{host} path {path}, and only one of them can receive its traffic (got {host!r})",
            )
