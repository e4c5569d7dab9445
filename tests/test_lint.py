"""Static errors (undefined names, unused imports, syntax) fail the build before review sees them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from config.loader import REPO_ROOT

RUFF = Path(sys.executable).parent / "ruff"


def test_ruff_finds_no_errors():
    result = subprocess.run([str(RUFF), "check", "--no-cache", "."], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_catches_an_undefined_name(tmp_path: Path):
    broken = tmp_path / "broken.py"
    broken.write_text("def f():\n    return undefined_name\n")
    result = subprocess.run([str(RUFF), "check", "--no-cache", "--isolated", "--select", "F", str(broken)], capture_output=True, text=True)
    assert result.returncode == 1 and "F821" in result.stdout
