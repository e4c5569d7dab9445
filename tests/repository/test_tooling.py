"""The CI rule: a missing tool or any skip fails in CI and only skips on a laptop."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.support import tools as tooling


def _skipped_report():
    return SimpleNamespace(skipped=True, outcome="skipped", longrepr=("file", 1, "Skipped: nginx not found"))


def test_skip_becomes_failure_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    report = _skipped_report()
    tooling.fail_skips_in_ci(report)
    assert report.outcome == "failed" and "nginx not found" in report.longrepr


def test_skip_stays_a_skip_on_a_laptop(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    report = _skipped_report()
    tooling.fail_skips_in_ci(report)
    assert report.outcome == "skipped"


def test_missing_tool_fails_in_ci_and_skips_locally(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required tool missing in CI"):
        tooling.require_tool("/nonexistent/tool")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        tooling.require_tool("definitely-not-a-real-tool-name")


def test_present_tool_is_found():
    assert tooling.require_tool("sh").endswith("/sh")
