"""Finding the external tools that some tests need, and the rule that no test passes by not running.

`make test` installs the Debian packages the tests drive (scripts/system-packages.sh), so a
missing tool is a broken set-up: the test fails, with the reason. Only an explicit
`SKIP_SYSTEM_TOOLS=1` lets such a test skip, and the run then says how many it left out. Every
other way a test can pass without running (a skip, a module skipped at import, an xfail, an
empty run) fails. CI (CI=true) ignores the opt-in: there everything is installed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# The prefix of a skip that SKIP_SYSTEM_TOOLS=1 allows; every other skip fails.
TOOL_MISSING = "system tool missing: "
OPT_IN = "SKIP_SYSTEM_TOOLS"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes"}


def in_ci() -> bool:
    return _flag("CI")


def tool_skips_allowed() -> bool:
    """The user asked for tool-missing tests to skip (SKIP_SYSTEM_TOOLS=1), outside CI."""
    return _flag(OPT_IN) and not in_ci()


def missing_tool(reason: str) -> None:
    """A tool the test needs is not installed: fail, or skip when the user opted in."""
    if tool_skips_allowed():
        pytest.skip(TOOL_MISSING + reason, allow_module_level=True)  # also from a module's top level
    where = "in CI" if in_ci() else f"(install it, or run with {OPT_IN}=1 to skip the tests that need it)"
    pytest.fail(f"required tool missing {where}: {reason}", pytrace=False)


def require_tool(name_or_path: str, hint: str = "") -> str:
    """Return the absolute path of an executable, or fail/skip as `missing_tool` does."""
    candidate = Path(name_or_path)
    if candidate.is_absolute() or "/" in name_or_path:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate.resolve())
    else:
        found = shutil.which(name_or_path)
        if found:
            return found
    missing_tool(f"{name_or_path} not found" + (f" ({hint})" if hint else ""))
    raise AssertionError("unreachable")  # pragma: no cover


def _reason(report) -> str:
    return report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)


def fail_skips(report) -> bool:
    """Turn a test or collection report that did not run its test into a failure, unless it is a
    tool-missing skip the user allowed. Returns whether the report is such an allowed skip."""
    if hasattr(report, "wasxfail"):
        # xfailed or (non-strict) xpassed: an expected failure proves nothing either way.
        reason = report.wasxfail
        del report.wasxfail
        report.outcome = "failed"
        report.longrepr = f"xfail is not allowed (fix the test or the code, or delete the test): {reason}"
        return False
    if not report.skipped:
        return False
    reason = _reason(report)
    if TOOL_MISSING in reason and tool_skips_allowed():
        return True
    report.outcome = "failed"
    why = "a skip hides a missing install step" if in_ci() else f"only a missing tool may skip, with {OPT_IN}=1"
    report.longrepr = f"skipped ({why}): {reason}"
    return False


class SkipPolicy:
    """The pytest plugin that applies `fail_skips` to every test and collection report, fails a
    run that collected no test, and counts what SKIP_SYSTEM_TOOLS=1 left out.

    Under pytest-xdist the reports are made in the workers and logged in the controller: the
    policy rewrites a report where it is made (every worker registers the plugin through
    tests/conftest.py), and counts the allowed skips where reports are logged, so the count the
    controller prints covers every worker."""

    def __init__(self) -> None:
        self.skipped_tests = 0
        self.skipped_modules = 0
        self.empty = False

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = yield
        fail_skips(report)
        return report

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector):
        # A module-level skip (pytest.importorskip, pytest.skip(allow_module_level=True)) never
        # reaches pytest_runtest_makereport: it is a collection report.
        report = yield
        fail_skips(report)
        return report

    def pytest_runtest_logreport(self, report) -> None:
        # What is still a skip after fail_skips is an allowed tool-missing skip.
        self.skipped_tests += report.skipped

    def pytest_collectreport(self, report) -> None:
        self.skipped_modules += report.skipped

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session) -> None:
        # Last, so that a conftest that forgives an empty run (exit status 5 -> 0) is overruled.
        self.empty = session.testscollected == 0 and session.exitstatus in (0, pytest.ExitCode.NO_TESTS_COLLECTED)
        if self.empty:
            session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.empty:
            terminalreporter.write_line("no test collected: a run that tests nothing fails", red=True)
        if tool_skips_allowed():
            terminalreporter.write_line(
                f"{OPT_IN}=1: {self.skipped_tests} tests and {self.skipped_modules} modules skipped"
                " because a system tool is missing",
                yellow=True,
            )
        elif in_ci() and _flag(OPT_IN):
            terminalreporter.write_line(f"{OPT_IN}=1 is ignored under CI=true: nothing may skip there", yellow=True)
