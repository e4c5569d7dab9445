"""Lint and layout gates: ruff's rules (pyproject.toml) and `ruff format` over every Python file
except generated bindings, so review reads logic, not style."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_the_project_rules_are_the_ones_run():
    # The rule families a reviewer relies on; a config edit that drops one fails here.
    result = ruff("check", "--show-settings", "config/loader.py")
    for family in ("E9", "F", "E", "W", "I", "B", "UP"):
        assert f'"{family}"' in result.stdout or f"{family}" in result.stdout


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
