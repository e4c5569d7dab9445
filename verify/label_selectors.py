"""Kubernetes label selectors, evaluated the way the API server does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str] | None) -> bool:
    """True if `labels` satisfy a LabelSelector. An empty selector matches everything."""
    labels = labels or {}
    selector = selector or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def matches_map(selector: Mapping[str, str] | None, labels: Mapping[str, str] | None) -> bool:
    """A Service-style selector: a plain map that must be a subset of the labels."""
    labels = labels or {}
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def namespace_labels(name: str, labels: Mapping[str, str] | None = None) -> dict[str, str]:
    """The labels a namespace has on a cluster: the API server always adds its name."""
    return {**(labels or {}), "kubernetes.io/metadata.name": name}
