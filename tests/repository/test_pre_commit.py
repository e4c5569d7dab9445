"""The pre-commit hooks, run by pre-commit itself (from the test lock) in a temporary clone:
they pass on the project as it is and each catches the kind of break it exists for."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from config.loader import REPO_ROOT
from tests.support.scratch_repo import clone, project_copy

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
HOOKS = {"ruff-lint", "ruff-format", "yamllint", "environment-schema", "synth-drift", "generated-docs", "dashboard-pictures"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def work_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new repository holding the work tree as it is now (committed or not,
    tests/support/scratch_repo.py): each case clones it."""
    return project_copy(tmp_path_factory.mktemp("work-tree"))


def clone_of_the_work_tree(work_tree: Path, root: Path) -> Path:
    """root/project: a clone of the work tree (hard-linked objects), with the venvs."""
    repo = clone(work_tree, root, "project")
    # The hooks run the project venv's tools, as on a developer's machine after `make setup`.
    (repo / ".venv").symlink_to(REPO_ROOT / ".venv", target_is_directory=True)
    # and network-config-analyzer's venv, from which the connectivity documents are drawn.
    (repo / ".venv-nca").symlink_to(REPO_ROOT / ".venv-nca", target_is_directory=True)
    return repo


def run_pre_commit(repo: Path, files: list[str] | None = None) -> tuple[int, set[str], str]:
    """pre-commit's exit status, the ids of the hooks that failed, and its output: over every
    file, or as a commit of `files` runs it (only the hooks whose patterns match them)."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "NO_COLOR": "1"}
    scope = ["--files", *files] if files else ["--all-files"]
    proc = subprocess.run(
        [str(PRE_COMMIT), "run", *scope, "--color=never"], cwd=repo, capture_output=True, text=True, env=env, timeout=600
    )
    output = proc.stdout + proc.stderr
    return proc.returncode, set(re.findall(r"^- hook id: (\S+)$", output, flags=re.MULTILINE)), output


@pytest.fixture(scope="module")
def clean_run(work_tree: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, set[str], str]:
    return run_pre_commit(clone_of_the_work_tree(work_tree, tmp_path_factory.mktemp("clean")))


def test_config_declares_the_hooks_ci_relies_on() -> None:
    config = (REPO_ROOT / ".pre-commit-config.yaml").read_text()
    assert set(re.findall(r"^\s+- id: (\S+)$", config, flags=re.MULTILINE)) == HOOKS
    assert "repo: local" in config


def test_every_hook_passes_on_the_project(clean_run: tuple[int, set[str], str]) -> None:
    status, failed, output = clean_run
    assert status == 0 and not failed, output
    assert output.count("Passed") == len(HOOKS), output  # every hook ran, none was skipped


@dataclass(frozen=True)
class Edit:
    """One file changed in the clone, as a commit would stage it."""

    relative: str
    apply: Callable[[Path], None]


def append(relative: str, text: str) -> Edit:
    def edit(path: Path) -> None:
        with path.open("a", encoding="utf-8") as file:
            file.write(text)

    return Edit(relative, edit)


def replace(relative: str, old: str, new: str) -> Edit:
    def edit(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return Edit(relative, edit)


BREAKS = {
    # In a module no other hook reads (a chart's module would also run the synth and docs
    # hooks, which pass and take most of the time).
    "unused-import": (append("tools/checks.py", "import os\n"), {"ruff-lint"}),
    "misformatted-code": (append("tools/checks.py", "ANSWER  =   (42)\n"), {"ruff-format"}),
    "hand-edited-dist": (append("dist/staging/backend/service_backend_flask-app.yaml", "# edited by hand\n"), {"synth-drift"}),
    # The series a dashboard picture is drawn over changed: the committed picture is stale.
    "dashboard-series-edited": (
        replace("tests/charts/dashboards/nginx_test.yaml", "values: '7x30'", "values: '9x30'"),
        {"dashboard-pictures"},
    ),
    "yaml-duplicate-key": (append("verify/checkov_skips.yaml", "skips: []\n"), {"yamllint"}),
    # A typo in an environment: the schema check names it, and synth (hence drift) and docs fail.
    "environment-typo": (
        replace("environments/prod.yaml", "  replicas: 3\n", "  replica: 3\n"),
        {"environment-schema", "synth-drift", "generated-docs"},
    ),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_a_break_fails_its_hook(name: str, work_tree: Path, tmp_path: Path) -> None:
    edit, expected = BREAKS[name]
    repo = clone_of_the_work_tree(work_tree, tmp_path)
    edit.apply(repo / edit.relative)
    # As the commit of that file runs them: every hook whose patterns match it, and only those
    # (the clean run above covers every hook over every file).
    status, failed, output = run_pre_commit(repo, files=[edit.relative])
    assert status == 1 and failed == expected, output
