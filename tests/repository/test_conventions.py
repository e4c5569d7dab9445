"""Repository conventions checked with the real tools: git attributes that fold generated
output in review, and shellcheck over every shell script the project runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from config.loader import REPO_ROOT
from tests.support.tools import require_tool


def attributes(paths: list[str], cwd: Path = REPO_ROOT) -> dict[str, dict[str, str]]:
    """`git check-attr` of every attribute, per path: what review tools read."""
    out = subprocess.run(["git", "check-attr", "-a", "--", *paths], cwd=cwd, capture_output=True, text=True, check=True).stdout
    found: dict[str, dict[str, str]] = {path: {} for path in paths}
    for line in out.splitlines():
        path, name, value = line.split(": ", 2)
        found[path][name] = value
    return found


def tracked(pattern: str) -> list[str]:
    return subprocess.run(
        ["git", "ls-files", "--", pattern], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()


def test_generated_and_vendored_files_are_marked() -> None:
    generated, vendored = tracked("dist") + tracked("imports"), tracked("crds")
    assert generated and vendored
    marks = attributes(generated + vendored)
    assert not [p for p in generated if marks[p].get("linguist-generated") != "true"]
    assert not [p for p in vendored if marks[p].get("linguist-vendored") != "true"]


def test_sources_are_not_marked() -> None:
    sources = ["main.py", "charts/nginx_conf.py", "environments/base.yaml", "README.md"]
    marks = attributes(sources)
    assert all(not marks[p] for p in sources), marks


def test_a_misspelled_pattern_marks_nothing(tmp_path: Path) -> None:
    # The check reads git's own answer: a pattern git does not match leaves the files unmarked.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitattributes").write_text("dist/* linguist-generated=true\n")
    marks = attributes(["dist/staging/backend/x.yaml", "dist/x.yaml"], cwd=tmp_path)
    assert "linguist-generated" not in marks["dist/staging/backend/x.yaml"]
    assert marks["dist/x.yaml"]["linguist-generated"] == "true"


def shell_scripts() -> list[str]:
    return [".ci/run", *tracked("scripts/*.sh"), *tracked("database/*.sh")]


def shellcheck(paths: list[str], cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    tool = require_tool("shellcheck", "Debian package shellcheck; .ci/run installs it")
    # --external-sources: follow what a script sources (database/common.sh), checking it in context.
    return subprocess.run([tool, "--format=gcc", "--external-sources", "--", *paths], cwd=cwd, capture_output=True, text=True)


def test_shell_scripts_pass_shellcheck() -> None:
    scripts = shell_scripts()
    assert "scripts/link-node.sh" in scripts and "database/backup.sh" in scripts
    result = shellcheck(scripts)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("script", "code"),
    [
        ("#!/usr/bin/env bash\nrm -rf $1/build\n", "SC2086"),  # unquoted expansion: word splitting
        ('#!/usr/bin/env bash\ncd "$1"\nmake\n', "SC2164"),  # cd without `|| exit`
    ],
)
def test_shellcheck_catches_a_broken_script(tmp_path: Path, script: str, code: str) -> None:
    (tmp_path / "broken.sh").write_text(script)
    result = shellcheck(["broken.sh"], cwd=tmp_path)
    assert result.returncode == 1 and code in result.stdout, result.stdout
