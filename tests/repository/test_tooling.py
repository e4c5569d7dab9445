"""Finding a tool: a missing one fails the test, and skips it only when the user opted in
(SKIP_SYSTEM_TOOLS=1) outside CI. The whole-run policy is in test_skip_policy.py."""

from __future__ import annotations

import pytest

from tests.support import tools as tooling


def test_missing_tool_fails_without_the_opt_in(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("SKIP_SYSTEM_TOOLS", raising=False)
    with pytest.raises(pytest.fail.Exception, match=r"required tool missing \(install it, or run with SKIP_SYSTEM_TOOLS=1"):
        tooling.require_tool("definitely-not-a-real-tool-name")


def test_missing_tool_skips_with_the_opt_in(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("SKIP_SYSTEM_TOOLS", "1")
    with pytest.raises(pytest.skip.Exception, match="system tool missing: /nonexistent/tool not found"):
        tooling.require_tool("/nonexistent/tool")


def test_missing_tool_fails_in_ci_even_with_the_opt_in(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("SKIP_SYSTEM_TOOLS", "1")
    with pytest.raises(pytest.fail.Exception, match="required tool missing in CI: /nonexistent/tool"):
        tooling.require_tool("/nonexistent/tool")


def test_present_tool_is_found():
    assert tooling.require_tool("sh").endswith("/sh")
