"""The jsii speedup sends the same structs as stock jsii minus unset fields, and renders the
same bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
import jsii._kernel as jsii_kernel
import pytest

from config.loader import REPO_ROOT, available_environments, load_environment
from synthesis import jsii_tuning
from synthesis.build import build_manifests
from synthesis.output import read_tree
from tests.support.synth import synth_into


def count_structs(payload: Any) -> int:
    if isinstance(payload, list):
        return sum(count_structs(item) for item in payload)
    if not isinstance(payload, dict):
        return 0
    return ("$jsii.struct" in payload) + sum(count_structs(value) for value in payload.values())


def without_nulls(payload: Any) -> Any:
    """A stock payload with the unset struct fields (nulls) left out, as the speedup sends it."""
    if isinstance(payload, list):
        return [without_nulls(item) for item in payload]
    if not isinstance(payload, dict):
        return payload
    if "$jsii.struct" in payload:
        struct = payload["$jsii.struct"]
        data = {key: without_nulls(value) for key, value in struct["data"].items() if value is not None}
        return {"$jsii.struct": {"fqn": struct["fqn"], "data": data}}
    return {key: without_nulls(value) for key, value in payload.items()}


class PayloadComparison:
    """Serializes every jsii argument both ways while a synth runs; records what differed."""

    def __init__(self) -> None:
        self.calls = 0
        self.structs = 0
        self.calls_with_nulls = 0
        self.mismatches: list[str] = []

    def __call__(self, kernel: Any, value: Any) -> Any:
        jsii_kernel._make_reference_for_native = jsii_tuning._stock_serializer
        try:
            stock = jsii_tuning._stock_serializer(kernel, value)
        finally:
            jsii_kernel._make_reference_for_native = self
        fast = jsii_tuning.serialize(kernel, value)
        self.calls += 1
        self.structs += count_structs(stock)
        expected = without_nulls(stock)
        if expected != stock:
            self.calls_with_nulls += 1
        if fast != expected:
            self.mismatches.append(f"{type(value).__name__}: {str(fast)[:200]} != {str(expected)[:200]}")
        return fast


@pytest.fixture
def compare_payloads(monkeypatch) -> PayloadComparison:
    comparison = PayloadComparison()
    monkeypatch.setattr(jsii_kernel, "_make_reference_for_native", comparison)
    return comparison


def test_installed_for_the_locked_jsii():
    assert jsii.__version__ == jsii_tuning.VERIFIED_JSII_VERSION, (
        "jsii changed in the lock: re-verify synthesis/jsii_tuning.py against it "
        "(this file's tests), then update VERIFIED_JSII_VERSION"
    )
    assert jsii_tuning.is_installed()


@pytest.mark.parametrize("env_name", available_environments())
def test_every_payload_of_a_synth_equals_stock_without_nulls(compare_payloads: PayloadComparison, env_name: str):
    manifests = build_manifests(load_environment(env_name))
    assert not compare_payloads.mismatches, "\n".join(compare_payloads.mismatches[:5])
    # Not vacuous: every object of the environment crossed, and unset fields were dropped.
    objects = sum(len(documents) for documents in manifests.values())
    assert compare_payloads.calls > objects
    assert compare_payloads.structs > 5 * objects
    assert compare_payloads.calls_with_nulls > objects / 2


def test_the_comparison_catches_a_serializer_that_loses_a_field(compare_payloads: PayloadComparison, monkeypatch):
    stock_fast = jsii_tuning.serialize

    def drop_labels(payload: Any) -> Any:
        if isinstance(payload, list):
            return [drop_labels(item) for item in payload]
        if not isinstance(payload, dict):
            return payload
        if payload.get("$jsii.struct", {}).get("fqn", "").endswith(".ObjectMeta"):
            payload["$jsii.struct"]["data"].pop("labels", None)
        return {key: drop_labels(value) for key, value in payload.items()}

    monkeypatch.setattr(jsii_tuning, "serialize", lambda kernel, value: drop_labels(stock_fast(kernel, value)))
    build_manifests(load_environment("staging"))
    assert len(compare_payloads.mismatches) > 10


def test_python_subclass_of_a_struct_keeps_the_stock_path():
    from cdk8s_plus_27 import k8s

    class Computed(k8s.ObjectMeta):
        @property
        def name(self) -> str:
            return "computed"

    assert jsii_tuning._generated_struct_fields(Computed()) is None
    assert jsii_tuning._generated_struct_fields(k8s.ObjectMeta(name="x")) == (k8s.ObjectMeta.__jsii_name_mapping__, {"name": "x"})


def test_stock_jsii_renders_the_same_bytes(fresh_dist: Path, tmp_path: Path):
    stock = tmp_path / "dist"
    synth_into(stock, {jsii_tuning.OPT_OUT_VARIABLE: "1"})
    assert read_tree(stock) == read_tree(fresh_dist)


def test_opt_out_variable_keeps_stock_jsii():
    probe = "from synthesis import jsii_tuning as s; print(s.install(), s.is_installed())"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", jsii_tuning.OPT_OUT_VARIABLE: "1"},
    )
    assert result.stdout.split() == ["False", "False"]


def test_another_jsii_version_keeps_stock_jsii(monkeypatch):
    monkeypatch.setattr(jsii_kernel, "_make_reference_for_native", jsii_tuning._stock_serializer)
    monkeypatch.setattr(jsii, "__version__", "1.999.0")
    assert jsii_tuning.install() is False
    assert not jsii_tuning.is_installed()


def test_node_starts_with_the_small_young_generation_and_the_environment_is_restored():
    probe = (
        "import os, jsii._runtime as r; from synthesis import jsii_tuning as t; t.install(); "
        "import cdk8s; relay = r.kernel.provider._process._process.pid; "
        "env = open(f'/proc/{relay}/environ').read().split(chr(0)); "
        "print(f'NODE_OPTIONS={t.NODE_FLAGS}' in env, 'NODE_OPTIONS' in os.environ)"
    )
    env = {key: value for key, value in os.environ.items() if key != "NODE_OPTIONS"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True, env=env)
    assert result.stdout.split() == ["True", "False"]
