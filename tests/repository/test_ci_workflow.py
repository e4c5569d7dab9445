"""The GitHub Actions workflow: actionlint (built from the Go module proxy) finds nothing in it
and rejects a broken one, and it runs what .ci/run runs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from cluster.build import ACTIONLINT
from config.loader import REPO_ROOT
from tests.support.tools import require_tool

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "ci.yml"
CI_RUN = REPO_ROOT / ".ci" / "run"


@pytest.fixture(scope="module")
def actionlint() -> str:
    return require_tool(str(ACTIONLINT.binary), "make go-tools")


def lint(actionlint: str, workflow: Path) -> subprocess.CompletedProcess[str]:
    # actionlint also checks every `run:` script with shellcheck when that is on PATH.
    return subprocess.run([actionlint, "-no-color", str(workflow)], capture_output=True, text=True, timeout=120)


def test_workflow_passes_actionlint(actionlint: str) -> None:
    result = lint(actionlint, WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


BROKEN = {
    # An expression over a context that does not exist.
    "unknown-context": ("run: make test", "run: make test ${{ matrix.python }}", 'property "python" is not defined'),
    # A step input the action does not have.
    "unknown-input": ('python-version: "3.11"', 'python-version: "3.11"\n          pyton-cache: pip', 'input "pyton-cache"'),
    # A shell bug in a run script (actionlint hands it to shellcheck).
    "shell-bug": ('test -z "$(git status --porcelain -- dist/)"', "test -z $(git status --porcelain -- dist/)", "SC2046"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_actionlint_rejects_a_broken_workflow(actionlint: str, tmp_path: Path, name: str) -> None:
    old, new, message = BROKEN[name]
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text
    if name == "shell-bug":
        require_tool("shellcheck", "Debian package shellcheck")
    broken = tmp_path / ".github" / "workflows" / "ci.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = lint(actionlint, broken)
    assert result.returncode == 1 and message in result.stdout, result.stdout + result.stderr


def make_targets(commands: list[str]) -> list[str]:
    """The make targets the shell lines run, in order (options and VAR=value left out)."""
    targets = []
    for command in commands:
        for match in re.finditer(r"^\s*make\s+([^#\n]*)", command, flags=re.MULTILINE):
            targets += [w for w in match[1].split() if not w.startswith("-") and "=" not in w]
    return targets


def workflow_steps() -> list[dict]:
    (job,) = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"].values()
    return job["steps"]


# Every tier CI must run: the synth drift, the README's test command, the real API server and
# the end-to-end GitOps loop. Both entry points run all of them.
TIERS = {"synth", "test", "test-cluster", "test-e2e"}


def test_workflow_runs_every_make_target_of_ci_run_in_order() -> None:
    ci_run = make_targets([CI_RUN.read_text(encoding="utf-8")])
    workflow = make_targets([step["run"] for step in workflow_steps() if "run" in step])
    assert TIERS <= set(ci_run), TIERS - set(ci_run)
    assert TIERS <= set(workflow), TIERS - set(workflow)
    assert [t for t in workflow if t in ci_run] == ci_run, (workflow, ci_run)


def test_workflow_caches_the_venvs_npm_and_go() -> None:
    cached = "\n".join(s["with"]["path"] for s in workflow_steps() if s.get("uses", "").startswith("actions/cache@"))
    for path in (
        ".venv",
        ".venv-checkov",
        ".venv-nca",
        ".venv-gixy",
        "~/.npm",
        "~/.cache/go-build",
        "~/.cache/flask-platform-cluster",
    ):
        assert re.search(rf"^{re.escape(path)}$", cached, flags=re.MULTILINE), path
