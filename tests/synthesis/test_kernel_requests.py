"""Every request of a synth is written as the same bytes as jsii's own two-pass encoding."""

from __future__ import annotations

import collections
import json
from typing import Any

import jsii._runtime
import pytest
from jsii._kernel.providers import process as jsii_process
from jsii._kernel.types import StatsRequest

from config.loader import available_environments, load_environment
from constructs import k8s_values
from synthesis import kernel_requests
from synthesis.build import build_manifests


@pytest.mark.parametrize("env_name", available_environments())
def test_every_request_of_a_synth_is_written_as_jsii_writes_it(monkeypatch, env_name: str):
    fast_data = kernel_requests.data
    kinds: collections.Counter[str] = collections.Counter()
    mismatches: list[str] = []

    def compared(node: Any, request: Any) -> Any:
        payload = fast_data(node, request)
        stock = json.dumps(kernel_requests.stock_data(node, request), default=jsii_process.jdefault).encode("utf8")
        fast = kernel_requests.encode(node, payload)
        kinds[type(request).__name__] += 1
        if fast != stock:
            mismatches.append(f"{fast[:300]!r} != {stock[:300]!r}")
        return payload

    monkeypatch.setattr(kernel_requests, "data", compared)
    for cached in (k8s_values.quantity, k8s_values.int_or_string):  # so that their static calls are sent
        cached.cache_clear()
    manifests = build_manifests(load_environment(env_name))
    assert not mismatches, "\n".join(mismatches[:3])
    # Not vacuous: every object was created through here, and the other request kinds were seen.
    assert kinds["CreateRequest"] > sum(len(documents) for documents in manifests.values())
    assert kinds["InvokeRequest"] and kinds["StaticInvokeRequest"]


def test_other_requests_keep_jsii_s_encoding():
    node = jsii._runtime.kernel.provider._process
    assert kernel_requests.data(node, StatsRequest()) == {"api": "stats"}
