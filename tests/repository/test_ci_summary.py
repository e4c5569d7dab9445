"""The per-tier table at the end of .ci/run: scripts/ci_tiers.sh records each tier, and
scripts/ci_summary.py reads the records and pytest's real JUnit reports, also for a run that
failed half-way."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from config.loader import REPO_ROOT

SUMMARY = REPO_ROOT / "scripts" / "ci_summary.py"
TIERS = REPO_ROOT / "scripts" / "ci_tiers.sh"

# One pass, one failure, one skip: what a tier's pytest writes for them (run for real below).
MIXED = textwrap.dedent(
    """
    import pytest

    def test_passes():
        pass

    def test_fails():
        assert False

    def test_skips():
        pytest.skip("left out")
    """
)


def junit_of(tmp_path: Path, source: str, report: Path) -> None:
    tests = tmp_path / "suite"
    tests.mkdir(exist_ok=True)
    (tests / "test_mixed.py").write_text(source, encoding="utf-8")
    # -p no:cacheprovider and a bare rootdir: the project's conftest (and its skip policy) stays out.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--rootdir={tests}",
            f"--junitxml={report}",
            str(tests),
        ],
        cwd=tests,
        capture_output=True,
        check=False,
    )
    assert report.exists()


def summary(report_dir: Path, total: str = "125") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SUMMARY), str(report_dir), total], capture_output=True, text=True)


def rows(output: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split()[1:] for line in output.splitlines() if line and not line.startswith(("-", "tier"))}


def test_each_tier_gets_its_counts_from_its_junit_report_and_the_run_its_total(tmp_path: Path) -> None:
    junit_of(tmp_path, MIXED, tmp_path / "test.xml")
    (tmp_path / "tiers.tsv").write_text("synth ok 14\ntest failed 95\n", encoding="utf-8")
    result = summary(tmp_path)
    assert result.returncode == 0, result.stderr
    table = rows(result.stdout)
    assert table["synth"] == ["ok", "-", "-", "-", "-", "0:14"]
    assert table["test"] == ["failed", "3", "1", "1", "1", "1:35"]
    # The total is the run's own wall time, not the sum (a background tier overlaps the others).
    assert table["total"] == ["3", "2:05"]


@pytest.mark.parametrize(
    ("times", "report", "message"),
    [
        ("test ok\n", None, "tiers.tsv:1: expected '<tier> <status> <seconds>'"),
        ("test ok 12\n", "<testsuites><testsuite tests='3'", "test.xml: not a JUnit report"),
        ("test ok 12\n", "<html></html>", "test.xml: not a JUnit report (root element <html>)"),
        ("test ok 12\n", "<testsuite tests='many'/>", "test.xml: attribute 'tests' is not a number"),
        (None, None, "tiers.tsv: cannot read"),
    ],
    ids=["short-line", "truncated-report", "not-junit", "bad-count", "no-records"],
)
def test_a_broken_record_or_report_is_one_line_naming_the_file(
    tmp_path: Path, times: str | None, report: str | None, message: str
) -> None:
    if times is not None:
        (tmp_path / "tiers.tsv").write_text(times, encoding="utf-8")
    if report is not None:
        (tmp_path / "test.xml").write_text(report, encoding="utf-8")
    result = summary(tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert message in line and str(tmp_path) in line


def run_tiers(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    script = f"set -euo pipefail\nexport CI_REPORTS={tmp_path / 'reports'}\nsource {TIERS}\n{body}\n"
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)


def test_a_run_that_fails_in_a_tier_prints_the_table_with_that_tier_failed_and_keeps_its_status(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_mixed.py").write_text(MIXED, encoding="utf-8")
    pytest_line = f"{sys.executable} -m pytest -q -p no:cacheprovider --rootdir={suite} $pytest_args {suite} >/dev/null"
    result = run_tiers(tmp_path, f"begin synth\ntrue\nend\nbegin test\n{pytest_line}\nend\nbegin never-reached")
    assert result.returncode == 1, result.stdout + result.stderr
    table = rows(result.stdout)
    assert table["synth"][0] == "ok"
    assert table["test"][:5] == ["failed", "3", "1", "1", "1"]
    assert "never-reached" not in table


def test_a_run_that_succeeds_exits_0_after_the_table(tmp_path: Path) -> None:
    result = run_tiers(tmp_path, "begin synth\ntrue\nend")
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout)["synth"][0] == "ok"


def test_ci_run_records_every_make_tier_it_runs_with_its_junit_report() -> None:
    lines = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    begun = [line.split()[1] for line in lines if line.startswith("begin ")]
    made = [line.split()[1] for line in lines if line.startswith("make ")]
    assert made and all(target in begun for target in made), (made, begun)
    for line in lines:
        if line.startswith("make test"):
            assert 'PYTEST_ARGS="$pytest_args"' in line, line


def test_a_background_tier_writes_its_own_line_when_it_ends_and_its_status_reaches_wait(tmp_path: Path) -> None:
    body = 'background "builds&" bash -c "sleep 1; exit 3"\nb=$!\nbegin synth\ntrue\nend\nif wait "$b"; then exit 9; fi'
    result = run_tiers(tmp_path, body)
    assert result.returncode == 0, result.stdout + result.stderr
    table = rows(result.stdout)
    assert table["builds&"][0] == "failed" and table["synth"][0] == "ok", result.stdout
