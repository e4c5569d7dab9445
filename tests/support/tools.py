"""Finding the external tools that some tests need.

A developer laptop may lack a tool (nginx, checkov, a kube-apiserver build); there the test
skips with the reason. In CI (CI=true) every tool is installed by `.ci/run`, so a missing tool
is a broken install step and the test fails instead of skipping silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing_tool(reason: str) -> None:
    """Skip locally, fail in CI: a tool the test needs is not installed."""
    if in_ci():
        pytest.fail(f"required tool missing in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def require_tool(name_or_path: str, hint: str = "") -> str:
    """Return the absolute path of an executable, or skip/fail as `missing_tool` does."""
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


def fail_skips_in_ci(report) -> None:
    """Turn a skipped test report into a failure in CI, where a skip hides a missing install."""
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (a skip hides a missing install step): {reason}"
