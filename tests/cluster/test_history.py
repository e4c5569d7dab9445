"""The upgrade check's baseline, found in throwaway git repositories: each step of the order in
cluster/history.py, and what a missing baseline does in CI and on a laptop."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from cluster.history import MissingBaseline, export_dist, find_baseline, plan_upgrade, prune_candidates
from config.loader import ENVIRONMENTS_DIR, available_environments, load_environment
from manifests import REPO_ROOT, load_env

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "ci.yml"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
    "PATH": "/usr/bin:/bin",
}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=GIT_ENV).stdout.strip()


def _write_dist(repo: Path, names: list[str], env: str = "prod") -> None:
    folder = repo / "dist" / env / "backend"
    folder.mkdir(parents=True, exist_ok=True)
    docs = [f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {n}\n  namespace: backend\n" for n in names]
    (folder / "cm.yaml").write_text("---\n".join(docs))


def _commit_dist(repo: Path, names: list[str], message: str, env: str = "prod") -> str:
    _write_dist(repo, names, env)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", message)
    return _git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: a (dist/prod with a, b), then b2 (dist/prod with a only)."""
    path = tmp_path / "repo"
    path.mkdir()
    _git(path, "init", "-q", "-b", "main")
    _commit_dist(path, ["a", "b"], "a")
    _commit_dist(path, ["a"], "b2")
    return path


def _first(repo: Path) -> str:
    return _git(repo, "rev-list", "--max-parents=0", "HEAD")


def test_a_local_environment_branch_is_what_runs(repo: Path) -> None:
    _git(repo, "branch", "prod", _first(repo))
    _git(repo, "checkout", "-qb", "feature")
    _commit_dist(repo, ["a", "c"], "feature")
    baseline = find_baseline(repo, "prod")
    assert (baseline.commit, baseline.source) == (_first(repo), "branch prod")
    assert baseline.describe("prod") == f"dist/prod: upgrading from branch prod at {_first(repo)[:12]}"


def test_the_remote_tracking_branch_is_what_runs_and_wins_over_a_local_one(repo: Path, tmp_path: Path) -> None:
    _git(repo, "branch", "prod", _first(repo))
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(repo), str(clone))
    assert _git(clone, "branch", "--list", "prod") == ""  # only origin/prod
    baseline = find_baseline(clone, "prod")
    assert (baseline.commit, baseline.source) == (_first(repo), "origin/prod")

    # A stale local prod in the clone: Argo CD reads the remote, so origin/prod still wins.
    _git(clone, "branch", "prod", "HEAD")
    assert find_baseline(clone, "prod").commit == _first(repo)


def test_without_the_branch_the_merge_base_with_the_default_branch_runs(repo: Path, tmp_path: Path) -> None:
    fork = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-qb", "feature")
    _commit_dist(repo, ["a", "c"], "feature one")
    _commit_dist(repo, ["a", "c", "d"], "feature two")  # a multi-commit change: not the commit before
    baseline = find_baseline(repo, "prod")
    assert (baseline.commit, baseline.source) == (fork, "the merge base with main")
    assert baseline.passed_over == ("no branch prod: neither origin/prod nor a local one",)

    # origin/main comes before a local main that has moved on without being pushed.
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "-b", "main", str(repo), str(clone))
    _commit_dist(clone, ["z"], "unpushed on main")
    _git(clone, "checkout", "-qb", "feature2")
    _commit_dist(clone, ["y"], "feature2")
    assert find_baseline(clone, "prod").source == "the merge base with origin/main"
    assert find_baseline(clone, "prod").commit == fork


def test_on_the_default_branch_the_dist_before_the_change_runs(repo: Path) -> None:
    first, latest = _first(repo), _git(repo, "rev-parse", "HEAD")
    (repo / "unrelated").write_text("x")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "unrelated")
    baseline = find_baseline(repo, "prod")
    assert baseline.commit == first  # the parent of the latest commit that changed dist/
    assert baseline.source == f"the commit before {latest[:12]} (the latest change to dist/)"
    assert baseline.passed_over[1] == "HEAD is already part of main (the merge base is HEAD itself)"

    _write_dist(repo, ["a", "new"])  # an uncommitted change: HEAD is what runs
    baseline = find_baseline(repo, "prod")
    assert (baseline.commit, baseline.source) == (
        _git(repo, "rev-parse", "HEAD"),
        "HEAD (the working tree's dist/ has uncommitted changes)",
    )
    old = load_env(export_dist(repo, first, repo.parent / "old") / "prod")
    assert prune_candidates(old, load_env(repo / "dist" / "prod")) == [("", "ConfigMap", "backend", "b")]


def test_a_shallow_clone_or_a_single_commit_has_no_baseline(repo: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    baseline = find_baseline(shallow, "prod")
    assert baseline.commit is None
    assert baseline.passed_over[-1].endswith("is the first commit of a shallow clone, with no parent")

    single = tmp_path / "single"
    single.mkdir()
    _git(single, "init", "-q", "-b", "main")
    assert find_baseline(single, "prod").passed_over == ("the repository has no commit",)
    _commit_dist(single, ["a"], "only")
    assert find_baseline(single, "prod").commit is None


def test_a_missing_baseline_fails_in_ci_and_applies_twice_elsewhere(repo: Path, tmp_path: Path) -> None:
    shallow = tmp_path / "shallow"
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow))
    refusal = r"^dist/prod: no baseline to upgrade from: .*fetch-depth: 0\) and fetch the branch prod$"
    with pytest.raises(MissingBaseline, match=refusal):
        plan_upgrade(shallow, "prod", "prod", tmp_path / "out", ci=True)
    plan = plan_upgrade(shallow, "prod", "prod", tmp_path / "out", ci=False)
    assert plan.previous is None
    assert plan.note.endswith("so the current dist/prod is applied twice")


def test_a_new_environment_is_not_a_missing_baseline(repo: Path, tmp_path: Path) -> None:
    _git(repo, "checkout", "-qb", "feature")
    _commit_dist(repo, ["a"], "add staging", env="staging")
    for ci in (True, False):
        plan = plan_upgrade(repo, "staging", "staging", tmp_path / "out", ci=ci)
        assert plan.previous is None
        assert plan.note.startswith("dist/staging: a new environment (the merge base with main at ")
        assert plan.note.endswith("has no dist/staging): installed, then synced again")
    plan = plan_upgrade(repo, "prod", "prod", tmp_path / "out", ci=True)
    assert plan.previous == tmp_path / "out" / "dist" / "prod"
    assert [m.name for m in load_env(plan.previous)] == ["a"]


def _branch_step() -> str:
    """The workflow step that fetches the environment branches, run as GitHub runs a `run:`."""
    (job,) = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"].values()
    # The branches alone are not enough: the merge base and the dist/ before the change need
    # the history that actions/checkout leaves out unless told.
    (checkout,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkout.get("with", {}).get("fetch-depth") == 0, checkout
    (step,) = [s for s in job["steps"] if s.get("name", "").startswith("Environment branches")]
    return str(step["run"])


def _run_step(clone: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _branch_step()],
        cwd=clone,
        env=GIT_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_workflow_fetches_every_environment_branch_that_exists(repo: Path, tmp_path: Path) -> None:
    branches = sorted({load_environment(env).gitops.branch for env in available_environments()})
    *present, absent = branches
    for branch in present:
        _git(repo, "branch", branch, _first(repo))
    clone = tmp_path / "clone"  # one branch only, as a checkout without fetch-depth: 0 has
    _git(tmp_path, "clone", "-q", "--single-branch", "-b", "main", f"file://{repo}", str(clone))
    shutil.copytree(ENVIRONMENTS_DIR, clone / "environments")

    result = _run_step(clone)
    assert result.returncode == 0, result.stderr
    for branch in present:
        assert _git(clone, "rev-parse", f"refs/remotes/origin/{branch}") == _first(repo)
    assert result.stdout == f"origin has no branch {absent} yet: its environment upgrades from the merge base with main\n"

    _git(clone, "remote", "set-url", "origin", str(tmp_path / "gone"))  # any other failure stops CI
    assert _run_step(clone).returncode == 128
