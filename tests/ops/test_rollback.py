"""ops rollback: a new commit with the earlier tree, pushed forward; syncs stuck on the bad revision stopped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.__main__ import main
from ops.common import EXIT_NOT_FORWARD, EXIT_OK, EXIT_USAGE
from tests.support.fake_kube import FakeCluster, serve
from tests.support.ops import write_kubeconfig
from tests.support.promotion import Remote, remote_with_staging, running
from tests.support.scratch_repo import git


@pytest.fixture
def released(project: Path, tmp_path: Path) -> tuple[Remote, str, str]:
    """staging at a good release, then a bad one on top: (remote, good, bad)."""
    remote = remote_with_staging(project, tmp_path)
    git(remote.work, "switch", "-q", "staging")
    good = git(remote.work, "rev-parse", "HEAD")
    assert main(["release", "staging", "--image", "backend=stage-2", "--repo", str(remote.work)]) == EXIT_OK
    git(remote.work, "push", "--quiet", "origin", "staging")
    return remote, good, git(remote.work, "rev-parse", "HEAD")


@pytest.fixture
def stuck(released: tuple[Remote, str, str]) -> FakeCluster:
    """The backend Application keeps retrying a sync of the bad revision; the frontend is settled."""
    remote, good, bad = released
    cluster = running(remote.work / "dist" / "staging", bad)
    cluster.get("Application", "staging-backend")["status"]["operationState"] = {
        "phase": "Running",
        "message": "Retrying attempt #2",
        "operation": {"sync": {"revision": bad}},
    }
    return cluster


@pytest.fixture
def kubeconfig(stuck: FakeCluster, tmp_path: Path) -> Iterator[Path]:
    with serve(stuck) as url:
        yield write_kubeconfig(tmp_path, url)


def rollback(remote: Remote, kubeconfig: Path, *extra: str) -> int:
    return main(["rollback", "staging", "--kubeconfig", str(kubeconfig), "--repo", str(remote.work), *extra])


def test_rollback_commits_the_earlier_tree_and_stops_the_stuck_sync(
    released: tuple[Remote, str, str], stuck: FakeCluster, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remote, good, bad = released
    assert rollback(remote, kubeconfig) == EXIT_OK
    out = capsys.readouterr().out
    new = remote.branch("staging") or ""
    assert git(remote.origin, "rev-parse", f"{new}^1") == bad  # forward, on top of the bad revision
    assert git(remote.origin, "rev-parse", f"{new}^{{tree}}") == git(remote.origin, "rev-parse", f"{good}^{{tree}}")
    assert f"Roll back staging to {good[:12]}" in git(remote.origin, "log", "-1", "--format=%B", new)
    # Exactly the stuck operation was stopped, as `argocd app terminate-op` would.
    assert stuck.patches == [
        (
            "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/staging-backend",
            {"status": {"operationState": {"phase": "Terminating"}}},
        )
    ]
    assert "stopped the sync retries of Application argocd/staging-backend" in out
    assert "Deployment backend/flask-app flask-app: registry.example.internal/platform/flask-api:stage-1" in out


def test_to_must_be_an_earlier_revision_of_the_branch(
    released: tuple[Remote, str, str], kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remote, _good, bad = released
    elsewhere = git(remote.work, "commit-tree", "HEAD^{tree}", "-m", "not on staging")
    assert rollback(remote, kubeconfig, "--to", elsewhere) == EXIT_USAGE
    assert f"is not an earlier revision of staging ({bad[:12]})" in capsys.readouterr().err
    assert remote.branch("staging") == bad


def test_dry_run_changes_nothing(released: tuple[Remote, str, str], stuck: FakeCluster, kubeconfig: Path) -> None:
    remote, _good, bad = released
    assert rollback(remote, kubeconfig, "--dry-run") == EXIT_OK
    assert remote.branch("staging") == bad and stuck.patches == []


def test_a_push_the_remote_refuses_is_its_own_status(
    released: tuple[Remote, str, str], stuck: FakeCluster, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remote, _good, bad = released
    hook = remote.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    assert rollback(remote, kubeconfig) == EXIT_NOT_FORWARD
    assert "refused: branch staging: the remote refused a fast-forward" in capsys.readouterr().err
    assert remote.branch("staging") == bad and stuck.patches == []
