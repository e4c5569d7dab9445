"""The pull request's effect per environment: the Markdown CI writes to the job summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.scratch_repo import git, project_copy


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A pull request that changes staging's API (image and replicas) and nothing of prod:
    (repo, the Markdown written to --output, the job summary)."""
    root = tmp_path_factory.mktemp("pr-effect")
    repo = project_copy(root)
    for env in ("staging", "prod"):  # the environment branches, at the pull request's base
        git(repo, "branch", yaml.safe_load((repo / "environments" / f"{env}.yaml").read_text())["gitops"]["branch"])
    path = repo / "environments" / "staging.yaml"
    path.write_text(path.read_text().replace("    tag: stage-1\n  replicas: 1\n", "    tag: stage-2\n  replicas: 2\n", 1))
    summary = root / "step-summary.md"
    summary.write_text("earlier step\n")
    output = root / "pr-effect.md"
    proc = subprocess.run(
        [sys.executable, "-m", "ops.pr_effect", "--output", str(output)],
        cwd=repo,
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return repo, output.read_text(), summary.read_text()


def section(markdown: str, env: str) -> str:
    return markdown.split(f"### {env}\n", 1)[1].split("\n### ", 1)[0]


def test_each_environment_shows_its_changed_objects_field_by_field(changed: tuple[Path, str, str]) -> None:
    _repo, markdown, _summary = changed
    assert "This pull request changes staging." in markdown
    staging = section(markdown, "staging")
    assert "- ~ changed `Deployment backend/flask-app`" in staging
    assert "  - `spec.replicas: 1 -> 2`" in staging
    assert (
        "  - `spec.template.spec.containers[name=flask-app].image: registry.example.internal/platform/flask-api:stage-1"
        " -> registry.example.internal/platform/flask-api:stage-2`" in staging
    )
    assert "| backend | 0 | 0 |" in staging and "| frontend |" not in staging
    assert "No change to what this environment runs." in section(markdown, "prod")
    assert "apiVersion:" not in markdown  # objects and fields, not YAML


def test_the_job_summary_gets_the_same_text_appended(changed: tuple[Path, str, str]) -> None:
    _repo, markdown, summary = changed
    assert summary == "earlier step\n" + markdown
