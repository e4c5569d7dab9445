"""Running promtool over a rule file written into a test's folder (alert rules and dashboard panels).

A run of `promtool test rules` is kept by the bytes of the rule file and of each test file under
its name, and by the promtool build (verify/kept_results.py): the series of a month-long test
take seconds to evaluate, and between two runs of the suite almost none of them changes.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from verify.kept_results import KeptResults


def run(promtool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def unit_test(promtool: str, tmp_path: Path, rules: dict[str, Any], *test_files: Path) -> subprocess.CompletedProcess[str]:
    """`promtool test rules` of `test_files` (each reads rules.yaml) against `rules`, all copied into tmp_path."""
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(rules, sort_keys=False))
    for test_file in test_files:
        (tmp_path / test_file.name).write_text(test_file.read_text())
    names = ["rules.yaml", *(test_file.name for test_file in test_files)]
    # The build's folder names its version (cluster/build.py); its size and time tell a rebuild.
    build = Path(promtool).stat()
    kept = KeptResults("promtool-test-rules", [promtool, build.st_size, build.st_mtime_ns, names])
    key = kept.key((name, tmp_path / name) for name in names)

    def outcome() -> dict[str, Any]:
        proc = run(promtool, "test", "rules", *names[1:], cwd=tmp_path)
        return {"returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}

    return subprocess.CompletedProcess([promtool, "test", "rules", *names[1:]], **kept.result(key, outcome))
