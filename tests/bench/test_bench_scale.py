"""The benchmark's own sanity: its synthetic input renders what it claims. No timing here."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench.prototypes import ALL_PROPOSALS
from bench.report import fit
from bench.runner import Variant, run_child
from bench.scale import ENV_NAMES, expected_kinds, run_scale
from synthesis.jsii_tuning import OPT_OUT_VARIABLE

SERVICES = 2


def test_scale_generator_renders_the_expected_objects_as_valid_yaml(tmp_path: Path) -> None:
    result = run_scale(SERVICES, tmp_path)

    dist = tmp_path / "dist"
    files = sorted(dist.rglob("*.yaml"))
    per_env = expected_kinds(SERVICES)
    assert result["objects"] == len(files) == sum(per_env.values()) * len(ENV_NAMES)
    kinds: dict[str, Counter[str]] = {env: Counter() for env in ENV_NAMES}
    for path in files:
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        assert len(documents) == 1, f"{path}: expected one object"
        document = documents[0]
        assert isinstance(document, dict) and document["apiVersion"] and document["metadata"]["name"], path
        kinds[path.relative_to(dist).parts[0]][document["kind"]] += 1
    # If this fails after a construct change, update expected_kinds: objects per service changed.
    assert kinds == {env: per_env for env in ENV_NAMES}


@pytest.mark.slow
def test_variants_keep_the_output_byte_identical() -> None:
    args = {"services": SERVICES}
    baseline = run_child("scale", args)
    variants = {
        "prototypes -O": run_child("scale", args, Variant("proposals -O", optimize=True, patches=ALL_PROPOSALS)),
        "stock jsii": run_child("scale", args, Variant("stock jsii", env=((OPT_OUT_VARIABLE, "1"),))),
        "parallel": run_child("scale", {**args, "workers": 2}, Variant("proposals", patches=ALL_PROPOSALS)),
        "re-synth": run_child("scale", {**args, "resynth": True}),
    }

    assert baseline.result["output_files"] == sum(expected_kinds(SERVICES).values()) * len(ENV_NAMES)
    for name, sample in variants.items():
        assert sample.result["output_digest"] == baseline.result["output_digest"], name


def test_a_re_synth_replaces_an_existing_dist_and_reuses_its_files(tmp_path: Path) -> None:
    run_scale(SERVICES, tmp_path)
    first = {path: path.stat().st_ino for path in (tmp_path / "dist").rglob("*.yaml")}
    run_scale(SERVICES, tmp_path)
    second = {path: path.stat().st_ino for path in (tmp_path / "dist").rglob("*.yaml")}
    assert first == second  # same names, same inodes: linked, not rewritten


def test_fit_recovers_an_exact_line() -> None:
    slope, intercept, r2 = fit([0, 100, 1000], [1.0, 1.2, 3.0])
    assert slope == pytest.approx(0.002)
    assert intercept == pytest.approx(1.0)
    assert r2 == pytest.approx(1.0)


def test_scratch_folders_are_kept_until_the_benchmark_ends() -> None:
    from bench import runner

    with runner.deleted_at_exit():
        run_child("config-parse", {"services": 1, "repeats": 1})
        kept = list(runner._deferred_scratch or [])
        assert len(kept) == 1 and kept[0].is_dir()
    assert not kept[0].exists()
    run_child("config-parse", {"services": 1, "repeats": 1})  # outside the block: deleted at once
    assert runner._deferred_scratch is None
