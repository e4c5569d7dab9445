"""`python -m verify` runs every check, reports each section, and fails on a finding."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from manifests import REPO_ROOT
from tests.support.dist_fixtures import FixtureEnv, find


def run_verify(fixture_env: FixtureEnv, timeout_s: int) -> subprocess.CompletedProcess[str]:
    """`python -m verify` over the fixture, as CI runs it (without the repository-wide scans)."""
    return subprocess.run(
        [sys.executable, "-m", "verify", "--no-repo-scan", str(fixture_env.path)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=timeout_s,
    )


def test_cli_runs_every_check_and_fails_on_a_finding(fixture_env: FixtureEnv, checkov_bin: Path, nca_bin: Path) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml", lambda docs: find(docs, "Service", "flask-app")["spec"]["ports"][0].update(targetPort=8000)
    )
    proc = run_verify(fixture_env, timeout_s=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for section in (
        "schemas ",
        "crossrefs ",
        "yamllint ",
        "secrets ",
        "checkov 3.",
        "gixy v0.",
        "connectivity ",
        "forbids queries: backend-to-frontend",
    ):
        assert section in proc.stdout, proc.stdout
    assert "[crossref] service-target-port Service backend/flask-app" in proc.stdout
    assert "1 findings in total" in proc.stdout


def test_cli_refuses_a_file_that_is_not_yaml_in_one_line(fixture_env: FixtureEnv) -> None:
    broken = fixture_env.path / "backend" / "flask-app.yaml"
    broken.write_text("kind: [unclosed\n", encoding="utf-8")
    proc = run_verify(fixture_env, timeout_s=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"error: {broken}: not valid YAML (")
