"""Kubernetes label selectors, evaluated the way the API server does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def pinned_namespace(namespace_selector: Mapping[str, Any] | None) -> str | None:
    """The one namespace a namespaceSelector names by its `kubernetes.io/metadata.name` label, if it does."""
    return ((namespace_selector or {}).get("matchLabels") or {}).get(NAMESPACE_NAME_LABEL)


class SelectorError(ValueError):
    """A LabelSelector the API server would reject."""


def _expression_matches(expr: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
    if not key:
        raise SelectorError(f"matchExpressions entry {dict(expr)}: no key")
    if op not in OPERATORS:
        raise SelectorError(f"matchExpressions key {key}: unknown operator {op!r} (expected one of {', '.join(OPERATORS)})")
    if op == "In":
        return labels.get(key) in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    return key not in labels


def matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str] | None) -> bool:
    """True if `labels` satisfy a LabelSelector (matchLabels and matchExpressions). An empty
    selector matches everything."""
    labels = labels or {}
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    # Every expression is checked, so a bad operator is reported even after a mismatch.
    results = [_expression_matches(expr, labels) for expr in selector.get("matchExpressions") or []]
    return all(results)


def matches_map(selector: Mapping[str, str] | None, labels: Mapping[str, str] | None) -> bool:
    """A Service-style selector: a plain map that must be a subset of the labels."""
    labels = labels or {}
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def namespace_labels(name: str, labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """The labels a namespace has on a cluster: the API server always adds its name."""
    return {**(labels or {}), NAMESPACE_NAME_LABEL: name}
