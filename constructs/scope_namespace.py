"""The namespace a construct's objects land in, read on the Python side when it is known there.

`Chart.of(scope).namespace` is two round trips to jsii's Node process (a static call and a
property read) for a value the chart was created with. A chart that keeps that value in the
plain attribute `default_namespace` (every PlatformChart does) answers without one; any other
scope is still asked through jsii, so the constructs work under any chart.
"""

from __future__ import annotations

from cdk8s import Chart

from constructs import Construct

KNOWN_NAMESPACE_ATTRIBUTE = "default_namespace"
"""Not `namespace`: on a Chart that name is the jsii property, and a Python attribute or
property of that name would make Node call back into Python on every read."""

_UNKNOWN = object()


def namespace_of(scope: Construct) -> str | None:
    """The default namespace of the chart `scope` belongs to (None for a cluster-scoped chart)."""
    known = getattr(scope, KNOWN_NAMESPACE_ATTRIBUTE, _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    return Chart.of(scope).namespace
