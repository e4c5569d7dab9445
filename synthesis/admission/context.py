"""What every admission check reads: the rendered objects of one environment and its settings.

Checks find a problem in a rendered object; the user fixes a field of the environment file.
`budget_field` names the field behind a namespace's quota or LimitRange, `fields_holding`
finds the fields whose value ended up in a rendered name, label or number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from charts.platform_baseline import namespace_budgets
from config.model import Environment
from synthesis.admission.demand import Demand, demands


def _scalars(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _scalars(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _scalars(value, f"{path}[{index}]")
    else:
        yield path, node


@dataclass
class Context:
    env: Environment
    objects: list[dict[str, Any]]
    apps: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o.get("kind") == kind]

    @cached_property
    def demands(self) -> list[Demand]:
        """The worst moment of every pod-creating object (demand.py), read once for every check."""
        return demands(self.objects)

    def budget_field(self, namespace: str, name: str | None) -> str:
        """'platform.backend.limits_memory' for the namespace's budget; the section when unknown."""
        section = namespace_budgets(self.env).get(namespace, ("platform", None))[0]
        return f"{section}.{name}" if name else section

    @cached_property
    def settings(self) -> list[tuple[str, Any]]:
        return [(path, value) for path, value in _scalars(self.env.model_dump(mode="python")) if path != "name"]

    def fields_holding(self, value: Any) -> list[str]:
        """Fields whose value is `value`; failing that, text fields whose value is part of it."""
        exact = [path for path, v in self.settings if v == value and type(v) is type(value)]
        if exact or not isinstance(value, str):
            return exact
        inside = [(len(v), path) for path, v in self.settings if isinstance(v, str) and len(v) >= 3 and v in value]
        return [path for _, path in sorted(inside, reverse=True)]

    def field_for(self, value: Any, fallback: str) -> str:
        found = self.fields_holding(value)
        return found[0] if found else fallback


def ref(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    where = f"{meta['namespace']}/{meta.get('name', '')}" if meta.get("namespace") else str(meta.get("name", ""))
    return f"{obj.get('kind', 'object')} {where}"
