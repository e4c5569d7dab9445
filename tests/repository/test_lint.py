"""Lint and layout gates: ruff's rules (pyproject.toml) and `ruff format` over every Python file
except generated bindings, so review reads logic, not style."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from config.loader import REPO_ROOT

RUFF = Path(sys.executable).parent / "ruff"


def ruff(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RUFF), *args], cwd=cwd, capture_output=True, text=True)


def test_ruff_finds_nothing():
    result = ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_file_is_formatted():
    result = ruff("format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


# The rule families a reviewer relies on, and for each a file that breaks one of its rules: the
# file name, its text and the code ruff must report. E is planted with a rule outside E9, so a
# config that keeps E9 but drops E fails.
EXPECTED_FAMILIES = {"E9", "F", "E", "W", "I", "B", "UP"}
PLANTED = {
    "F": ("unused_import.py", "import os\n", "F401"),
    "E": ("none_comparison.py", "def f(x):\n    return x == None\n", "E711"),
    "W": ("trailing_space.py", "x = 1 \n", "W291"),
    "I": ("unsorted_imports.py", "import sys\nimport os\n\nprint(os, sys)\n", "I001"),
    "B": ("mutable_default.py", "def f(x=[]):\n    return x\n", "B006"),
    "UP": ("old_typing.py", "from typing import List\n\n\ndef f(x: List[int]) -> None:\n    pass\n", "UP006"),
    # E902: a file ruff cannot read (a dangling symlink); reported only while E9 is selected.
    "E9": ("unreadable.py", None, "E902"),
}


def selected_families() -> list[str]:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]["select"]


def test_the_selected_rule_families_are_the_expected_ones():
    assert set(selected_families()) == EXPECTED_FAMILIES


@pytest.fixture(scope="module")
def planted_report(tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], dict[str, set[str]]]:
    """ruff over a project with the repository's pyproject.toml and one planted violation per family."""
    project = tmp_path_factory.mktemp("planted")
    (project / "pyproject.toml").write_text((REPO_ROOT / "pyproject.toml").read_text())
    for name, text, _ in PLANTED.values():
        if text is None:
            (project / name).symlink_to(project / "missing-target.py")
        else:
            (project / name).write_text(text)
    result = ruff("check", "--no-cache", "--output-format=json", ".", cwd=project)
    codes: dict[str, set[str]] = {}
    for finding in json.loads(result.stdout):
        codes.setdefault(Path(finding["filename"]).name, set()).add(finding["code"])
    return result, codes


# The selected families and the expected ones: a family dropped from the config still fails here.
@pytest.mark.parametrize("family", sorted(set(selected_families()) | EXPECTED_FAMILIES))
def test_each_selected_rule_family_reports_its_planted_violation(planted_report, family: str):
    assert family in PLANTED, f"rule family {family} is selected in pyproject.toml but has no planted violation here"
    result, codes = planted_report
    assert result.returncode == 1, result.stdout + result.stderr
    name, _, code = PLANTED[family]
    assert code in codes.get(name, set()), (family, codes)


def test_ruff_catches_a_bug_pattern_and_bad_layout(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text((REPO_ROOT / "pyproject.toml").read_text())
    broken = tmp_path / "broken.py"
    broken.write_text("import sys, os\ndef f(x=[]):\n    return undefined_name\n")
    checked = ruff("check", "--no-cache", "broken.py", cwd=tmp_path)
    assert checked.returncode == 1
    for code in ("F821", "B006", "E401"):
        assert code in checked.stdout, code
    formatted = ruff("format", "--check", "--no-cache", "broken.py", cwd=tmp_path)
    assert formatted.returncode == 1
