"""Running promtool over a rule file written into a test's folder (alert rules and dashboard panels)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml


def run(promtool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def unit_test(promtool: str, tmp_path: Path, rules: dict[str, Any], *test_files: Path) -> subprocess.CompletedProcess[str]:
    """`promtool test rules` of `test_files` (each reads rules.yaml) against `rules`, all copied into tmp_path."""
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules, sort_keys=False))
    for test_file in test_files:
        (tmp_path / test_file.name).write_text(test_file.read_text())
    return run(promtool, "test", "rules", *(test_file.name for test_file in test_files), cwd=tmp_path)
