"""Shared, cached instances of the k8s value types (Quantity, IntOrString).

Each `k8s.Quantity.from_string` / `k8s.IntOrString.from_number` is a round trip to the Node
process behind jsii, and the objects are immutable, so equal values share one instance. This
removes about a third of the round trips per rendered object (see bench/README.md).
"""

from __future__ import annotations

import functools

from cdk8s_plus_27 import k8s


@functools.cache
def quantity(value: str) -> k8s.Quantity:
    return k8s.Quantity.from_string(value)


@functools.cache
def int_or_string(value: int) -> k8s.IntOrString:
    return k8s.IntOrString.from_number(value)
