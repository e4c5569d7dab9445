"""Generated environment files: the synth either succeeds with output the verification suite
accepts, or refuses with one line naming a file and a field, exit 2 and dist/ untouched.
Never a traceback, never output that validated but the checks refuse.

Each case starts from the committed environments and applies one to three mutations: a field
set to another value its schema allows (this is what exercises the cross-field checks), a
field set to a value of the wrong kind, a string edited by a character, a key deleted or
misspelt, or a whole environment file replaced by one generated from the schema.

The output of a successful synth goes through the verification suite's fast checks: schemas
(every built-in object strictly against Kubernetes 1.27..newest, custom resources against the
pinned CRDs) and cross-references. checkov and the connectivity analysis take tens of seconds
per environment and the nginx and API server tiers need their binaries; they run over the
committed output in their own tests, and the failures they exist for (hardening, policy
edges, nginx syntax) are not functions of the values generated here beyond what schemas and
cross-references see.

Run time is bounded: a fixed number of cases (GENERATED_CASES, or the environment variable
ENVIRONMENT_CASES), no shrinking beyond a fixed budget, and a fixed seed per shard, so every
run checks the same cases (ENVIRONMENT_CASES_RANDOM=1 explores new ones). The cases are split
into SHARDS tests of their own, so that the suite's workers share them instead of one worker
running all of them at the end.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import shutil
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import main
from config.loader import ENVIRONMENTS_DIR
from manifests import CRDS, load_env
from tests.support import schema_strategies
from tests.support.wording import forbidden_wording
from verify import crossrefs, schemas

GENERATED_CASES = int(os.environ.get("ENVIRONMENT_CASES", "100"))
SHARDS = 4
CASES_PER_SHARD = -(-GENERATED_CASES // SHARDS)
ENV_FILES = ("staging.yaml", "prod.yaml")
WRONG_KINDS: list[Any] = [None, True, "", "text", "Mixed Case_ value", 0, -1, 1.5, 2**31, 10**20, [], ["a"], {}, {"x": 1}]
EDIT_CHARACTERS = "-_.:/ A9z@$\"'"
FIXED_SEEDS = not os.environ.get("ENVIRONMENT_CASES_RANDOM")
SETTINGS = settings(
    max_examples=CASES_PER_SHARD,
    deadline=None,  # the first case starts jsii; the total is bounded by max_examples
    database=None,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: a failure prints its case as generated
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)

ORIGINAL = {name: yaml.safe_load((ENVIRONMENTS_DIR / name).read_text()) for name in (*ENV_FILES, "base.yaml")}
outcomes: Counter[str] = Counter()


def set_field(data: dict[str, Any], field: str, value: Any) -> None:
    keys = field.split(".")
    node = data
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[keys[-1]] = value


def _get(data: dict[str, Any], field: str) -> Any:
    node: Any = data
    for key in field.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def delete_field(data: dict[str, Any], field: str) -> None:
    keys = field.split(".")
    node = _get(data, ".".join(keys[:-1])) if len(keys) > 1 else data
    if isinstance(node, dict):
        node.pop(keys[-1], None)


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, Any]:
    """(what, field, value) of one mutation of one file."""
    field, node = draw(st.sampled_from(schema_strategies.leaf_nodes()))
    what = draw(st.sampled_from(["schema", "schema", "schema", "wrong-kind", "edit", "delete", "misspell"]))
    if what == "schema":
        return what, field, draw(schema_strategies.value_for(node))
    if what == "wrong-kind":
        return what, field, draw(st.sampled_from(WRONG_KINDS))
    if what == "edit":
        return (
            what,
            field,
            (
                draw(st.integers(0, 40)),
                draw(st.sampled_from(["insert", "delete", "replace"])),
                draw(st.sampled_from(EDIT_CHARACTERS)),
            ),
        )
    return what, field, None


def _apply(files: dict[str, dict[str, Any]], target: str, change: tuple[str, str, Any]) -> None:
    what, field, value = change
    data = files[target]
    if what in ("schema", "wrong-kind"):
        set_field(data, field, value)
    elif what == "delete":
        delete_field(data, field)
    elif what == "misspell":
        current = _get(data, field)
        delete_field(data, field)
        set_field(data, field + "s", current if current is not None else 1)
    else:  # edit a character of a text value (taken from the merged view when the file lacks it)
        current = _get(data, field)
        if current is None:
            current = _get(files["base.yaml"], field)
        if not isinstance(current, str):
            return
        position, kind, character = value
        position = min(position, len(current))
        if kind == "insert":
            edited = current[:position] + character + current[position:]
        elif kind == "delete":
            edited = current[:position] + current[position + 1 :]
        else:
            edited = current[:position] + character + current[position + 1 :]
        set_field(data, field, edited)


@st.composite
def environment_files(draw: st.DrawFn) -> tuple[str, dict[str, dict[str, Any]], list[Any]]:
    """(environment to synthesize, file name -> content, what was done)."""
    files = copy.deepcopy(ORIGINAL)
    env_file = draw(st.sampled_from(ENV_FILES))
    done: list[Any] = []
    if draw(st.integers(0, 9)) == 0:
        # A whole override file generated from the schema.
        files[env_file] = draw(schema_strategies.value_for(schema_strategies.schema()))
        done.append(("generated-file", env_file))
    for _ in range(draw(st.sampled_from([1, 1, 2, 3]))):
        target = draw(st.sampled_from([env_file, env_file, env_file, "base.yaml"]))
        change = draw(mutation())
        _apply(files, target, change)
        done.append((target, *change))
    return env_file.removesuffix(".yaml"), files, done


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _check_one(tmp: Path, env: str, files: dict[str, dict[str, Any]], done: list[Any]) -> None:
    environments, dist = tmp / "environments", tmp / "dist"
    shutil.rmtree(tmp, ignore_errors=True)
    environments.mkdir(parents=True)
    for name, data in files.items():
        # libyaml's emitter: the pure-Python one took a tenth of this test's time.
        text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
        (environments / name).write_text(text, encoding="utf-8")
    (dist / "other").mkdir(parents=True)
    (dist / "other" / "marker.yaml").write_text("previous: output\n")
    before = snapshot(dist)

    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main.main(["--environments-dir", str(environments), "--dist", str(dist), env])
    except BaseException:  # noqa: BLE001 - a traceback is exactly what this test forbids
        raise AssertionError(f"synth raised for {done}:\n{traceback.format_exc()}") from None

    if code == 0:
        outcomes["synthesized"] += 1
        manifests = load_env(dist / env)
        findings = schemas.check(manifests, CRDS).findings + crossrefs.check(manifests, dist / env)
        assert findings == [], f"{done}: the synth succeeded but verification refuses: {[str(f) for f in findings]}"
        return

    outcomes["refused"] += 1
    lines = err.getvalue().strip().splitlines()
    assert code == 2, f"{done}: exit {code}: {err.getvalue()}"
    assert len(lines) == 1, f"{done}: {err.getvalue()}"
    line = lines[0]
    assert line.startswith(f"error: {environments}/") and ".yaml: " in line, f"{done}: {line}"
    file_part, _, rest = line.removeprefix("error: ").partition(".yaml: ")
    field, sep, reason = rest.partition(": ")
    assert sep and field and reason, f"{done}: no field in {line}"
    assert not forbidden_wording(line), f"{done}: {line}"
    assert snapshot(dist) == before, f"{done}: dist/ changed"
    outcomes["field:" + field.split(".")[0].split("[")[0]] += 1


@pytest.mark.parametrize("shard", range(SHARDS))
def test_generated_environments_synthesize_or_are_refused_in_one_line(tmp_path, shard):
    started = time.monotonic()
    outcomes.clear()

    @SETTINGS
    @given(environment_files())
    def case(generated):
        env, files, done = generated
        _check_one(tmp_path / "case", env, files, done)

    # A seed of its own per shard: the shards check different cases, and each the same every run.
    (seed(f"environments-{shard}")(case) if FIXED_SEEDS else case)()
    cases = outcomes["synthesized"] + outcomes["refused"]
    print(f"\n{cases} generated environment cases in {time.monotonic() - started:.0f}s: {dict(sorted(outcomes.items()))}")
    assert cases == CASES_PER_SHARD
    # Both ways out are exercised, or the mutations are too tame or too wild.
    assert outcomes["synthesized"] >= CASES_PER_SHARD // 20, outcomes
    assert outcomes["refused"] >= CASES_PER_SHARD // 3, outcomes


# --- the harness itself must fail on what it exists to catch -----------------------------------


def _fake_synth(monkeypatch, behaviour):
    def fake_main(argv):
        dist = Path(argv[argv.index("--dist") + 1])
        return behaviour(dist)

    monkeypatch.setattr(main, "main", fake_main)


def _expect_failure(tmp_path, fragment: str) -> None:
    try:
        _check_one(tmp_path / "case", "staging", copy.deepcopy(ORIGINAL), ["harness test"])
    except AssertionError as error:
        assert fragment in str(error)
    else:
        raise AssertionError("the harness accepted a broken synth")


def test_harness_refuses_a_traceback(tmp_path, monkeypatch):
    _fake_synth(monkeypatch, lambda dist: 1 / 0)
    _expect_failure(tmp_path, "synth raised")


def test_harness_refuses_two_lines_or_no_field(tmp_path, monkeypatch):
    import sys

    def two_lines(dist):
        print("error: one\nerror: two", file=sys.stderr)
        return 2

    _fake_synth(monkeypatch, two_lines)
    _expect_failure(tmp_path, "error: two")

    def no_field(dist):
        print(f"error: {tmp_path}/case/environments/staging.yaml: something is wrong", file=sys.stderr)
        return 2

    _fake_synth(monkeypatch, no_field)
    _expect_failure(tmp_path, "no field")


def test_harness_refuses_a_touched_dist(tmp_path, monkeypatch):
    import sys

    def touches(dist):
        (dist / "other" / "marker.yaml").write_text("changed\n")
        print(f"error: {tmp_path}/case/environments/staging.yaml: backend.replicas: must be a whole number", file=sys.stderr)
        return 2

    _fake_synth(monkeypatch, touches)
    _expect_failure(tmp_path, "dist/ changed")


def test_harness_refuses_output_verification_rejects(tmp_path, monkeypatch):
    def broken_output(dist):
        target = dist / "staging" / "backend"
        target.mkdir(parents=True)
        service = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "x", "namespace": "backend"},
            "spec": {"ports": "80"},
        }
        (target / "service.yaml").write_text(yaml.safe_dump(service))
        return 0

    _fake_synth(monkeypatch, broken_output)
    _expect_failure(tmp_path, "verification refuses")
