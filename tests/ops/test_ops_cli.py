"""The `python -m ops` entry point and the make targets of mk/ops.mk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ops import config_reference, connectivity_docs
from ops.__main__ import COMMANDS, main
from ops.common import REPO_ROOT
from tests.support.tools import require_tool
from verify import connectivity


def test_help_lists_every_command_and_the_exit_statuses() -> None:
    proc = subprocess.run([sys.executable, "-m", "ops", "--help"], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    for name in COMMANDS:
        assert name in proc.stdout
    assert "2 configuration or usage error" in proc.stdout


def test_a_command_imports_only_its_own_module() -> None:
    probe = (
        "import sys\n"
        "from ops.__main__ import COMMANDS, main\n"
        "try:\n    main(['restore', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in COMMANDS.values() if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "['ops.restore']"


def test_an_unknown_command_lists_every_command() -> None:
    proc = subprocess.run([sys.executable, "-m", "ops", "promte"], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "invalid choice: 'promte'" in proc.stderr
    assert all(name in proc.stderr for name in COMMANDS), proc.stderr


def test_a_missing_command_is_a_usage_error() -> None:
    proc = subprocess.run([sys.executable, "-m", "ops"], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "required: COMMAND" in proc.stderr


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("bootstrap ENV=prod OPS_ARGS=--dry-run", "-m ops bootstrap prod --dry-run"),
        ("validate", "-m ops validate staging"),
        ("diff ENV=prod REF=HEAD~1", "-m ops diff prod HEAD~1"),
        ("docs", "-m ops docs"),
        ("release ENV=prod IMAGES=backend=1.2", "-m ops release prod --image backend=1.2"),
        ("promote", "-m ops promote --from staging --to prod"),
        ("rollback", "-m ops rollback staging"),
        ("rollback ENV=prod REV=HEAD~2", "-m ops rollback prod --to HEAD~2"),
    ],
)
def test_make_targets(target: str, expected: str) -> None:
    proc = subprocess.run(["make", "-n", *target.split()], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert any(line.endswith(expected) or f"{expected} " in line for line in proc.stdout.splitlines()), proc.stdout


def test_docs_check_reports_stale_documents_and_docs_rewrites_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = {
        "REFERENCE_PATH": tmp_path / "REF.md",
        "CONNECTIVITY_MD": tmp_path / "docs" / "c.md",
        "CONNECTIVITY_SVG": tmp_path / "docs" / "connectivity-staging.svg",  # beside CONNECTIVITY_MD
    }
    monkeypatch.setattr(config_reference, "REFERENCE_PATH", paths["REFERENCE_PATH"])
    monkeypatch.setattr(connectivity_docs, "CONNECTIVITY_MD", paths["CONNECTIVITY_MD"])
    require_tool(str(connectivity.NCA), "make verify-tools")  # the connectivity documents are NCA's map
    assert main(["docs", "--check"]) == 1
    assert "stale:" in capsys.readouterr().out and not paths["REFERENCE_PATH"].exists()
    assert main(["docs"]) == 0
    assert all(path.read_text() for path in paths.values())
    assert main(["docs", "--check"]) == 0
    paths["CONNECTIVITY_SVG"].write_text("<svg/>")
    assert main(["docs", "--check"]) == 1
    assert str(paths["CONNECTIVITY_SVG"]) in capsys.readouterr().out


def test_a_broken_dist_file_is_a_usage_error_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "staging" / "backend" / "deployment.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("apiVersion: apps/v1\nkind: [unclosed\n", encoding="utf-8")
    assert main(["validate", "staging", "--dist", str(tmp_path)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: staging/backend/deployment.yaml: not valid YAML (")
