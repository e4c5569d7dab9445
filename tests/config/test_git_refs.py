"""The branch-name rules against Git itself: for any name, Git and config.git_refs agree."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from config.git_refs import branch_problem
from tests.support.tools import require_tool


def git_accepts(name: str) -> bool:
    """A branch name Git takes: a valid refs/heads/<name> that `--branch` also accepts
    (it refuses HEAD and a leading '-')."""
    full = subprocess.run(["git", "check-ref-format", f"refs/heads/{name}"], capture_output=True)
    short = subprocess.run(["git", "check-ref-format", "--branch", name], capture_output=True)
    return full.returncode == 0 and short.returncode == 0


@pytest.fixture(scope="module", autouse=True)
def _git():
    require_tool("git")


NAMES = st.text(alphabet="ab./-_@{}~^: *?[\\\t" + "lockHEAD", min_size=1, max_size=12).filter(lambda n: n != "@")


@settings(max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(NAMES)
@example("release..1")
@example("env/prod.lock")
@example("-prod")
@example("HEAD")
@example("a@{b")
@example("x/.y")
@example("feature/x")
def test_branch_rules_agree_with_git(name):
    assert (branch_problem(name) is None) == git_accepts(name), name


def test_at_sign_alone_is_refused():
    # `@` is Git's shorthand for HEAD on the command line, so a branch of that name cannot be tracked.
    assert branch_problem("@")
