"""ops promote against a fake staging cluster and a bare origin: each refusal, and the promotion commit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ops.__main__ import main
from ops.common import (
    EXIT_CHECKS_FAILED,
    EXIT_NO_DIGEST,
    EXIT_NOT_FORWARD,
    EXIT_NOT_HEALTHY,
    EXIT_NOT_SYNCED,
    EXIT_OK,
    EXIT_SOAKING,
    REPO_ROOT,
)
from tests.support.fake_kube import FakeCluster, serve
from tests.support.ops import write_kubeconfig
from tests.support.promotion import SETTLED_FOR, Remote, application_status, image_id, remote_with_staging, rfc3339, running
from tests.support.scratch_repo import git

API = "registry.example.internal/platform/flask-api"
FRONTEND = "registry.example.internal/platform/flask-frontend"


@pytest.fixture
def remote(project: Path, tmp_path: Path) -> Remote:
    return remote_with_staging(project, tmp_path)


@pytest.fixture
def staging(remote: Remote) -> FakeCluster:
    return running(remote.work / "dist" / "staging", remote.branch("staging") or "")


@pytest.fixture
def kubeconfig(staging: FakeCluster, tmp_path: Path) -> Iterator[Path]:
    with serve(staging) as url:
        yield write_kubeconfig(tmp_path, url)


def promote(remote: Remote, kubeconfig: Path, *extra: str) -> int:
    return main(
        ["promote", "--from", "staging", "--to", "prod", "--kubeconfig", str(kubeconfig), "--repo", str(remote.work), *extra]
    )


def refusal_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("refused: ")]


def test_an_accepted_promotion_ships_the_digests_staging_runs(
    remote: Remote, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    staged = remote.branch("staging")
    assert promote(remote, kubeconfig) == EXIT_OK
    out = capsys.readouterr().out
    promoted = remote.branch("prod")
    assert promoted and f"promoted: prod -> {promoted[:12]}" in out
    # On top of the promoted commit, and the same commit offered to main.
    assert git(remote.origin, "rev-parse", f"{promoted}^1") == staged
    assert remote.branch(f"promote/prod-{staged[:12]}") == promoted
    # prod renders exactly the images staging's pods report, by digest, and keeps its own settings.
    api_digest = image_id(f"{API}:stage-1").split("@")[1]
    frontend_digest = image_id(f"{FRONTEND}:stage-1").split("@")[1]
    deployment = remote.show(promoted, "dist/prod/backend/deployment_backend_flask-app.yaml")
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == f"{API}:stage-1@{api_digest}"
    nginx = remote.show(promoted, "dist/prod/frontend/deployment_frontend_nginx-front.yaml")
    assert nginx["spec"]["template"]["spec"]["containers"][0]["image"] == f"{FRONTEND}:stage-1@{frontend_digest}"
    assert nginx["spec"]["replicas"] == 3  # prod's, not staging's 1
    prod_file = remote.show(promoted, "environments/prod.yaml")
    assert prod_file["backend"]["image"] == {"tag": "stage-1", "digest": api_digest}
    # Only prod's file and dist/prod change; staging's dist is the promoted commit's.
    touched = git(remote.origin, "diff", "--name-only", staged, promoted).splitlines()
    assert "environments/prod.yaml" in touched and all(
        p == "environments/prod.yaml" or p.startswith("dist/prod/") for p in touched
    )
    # Again: prod is already there.
    assert promote(remote, kubeconfig) == EXIT_OK
    assert "already at" in capsys.readouterr().out
    assert remote.branch("prod") == promoted


def test_an_app_left_at_an_older_revision_counts_when_the_commit_holds_its_folder_unchanged(
    remote: Remote, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Argo CD leaves an Application whose folder a commit did not touch at its older revision."""
    git(remote.work, "switch", "-q", "staging")
    older = git(remote.work, "rev-parse", "HEAD")
    assert main(["release", "staging", "--image", "backend=stage-2", "--repo", str(remote.work)]) == EXIT_OK
    git(remote.work, "push", "--quiet", "origin", "staging")
    newer = git(remote.work, "rev-parse", "HEAD")
    cluster = running(remote.work / "dist" / "staging", newer)
    since = datetime.now(UTC) - SETTLED_FOR
    cluster.get("Application", "staging-frontend")["status"] = application_status(older, since)  # folder unchanged
    # Or moved to the new revision without a sync: its history has only the older one.
    platform = cluster.get("Application", "staging-platform")["status"] = application_status(older, since)
    platform["sync"]["revision"] = newer
    with serve(cluster) as url:
        kubeconfig = write_kubeconfig(tmp_path, url)
        assert promote(remote, kubeconfig, "--dry-run") == EXIT_OK
        cluster.get("Application", "staging-backend")["status"] = application_status(older, since)  # folder changed
        assert promote(remote, kubeconfig, "--dry-run") == EXIT_NOT_SYNCED
    (refused,) = refusal_lines(capsys.readouterr().out)
    assert refused == (f"refused: Application argocd/staging-backend: Synced at {older[:12]}, not at {newer[:12]}")


def _set_app(cluster: FakeCluster, name: str, **status: object) -> None:
    cluster.get("Application", name)["status"].update(status)


@pytest.mark.parametrize(
    ("breakage", "status", "line"),
    [
        (
            lambda c, s: _set_app(c, "staging-backend", sync={"status": "OutOfSync", "revision": "0" * 40}),
            EXIT_NOT_SYNCED,
            "refused: Application argocd/staging-backend: OutOfSync at 000000000000, not at {short}",
        ),
        (
            lambda c, s: _set_app(c, "staging-backend", health={"status": "Degraded", "message": "Deployment has timed out"}),
            EXIT_NOT_HEALTHY,
            "refused: Application argocd/staging-backend: Degraded (Deployment has timed out) at {short}, not Healthy",
        ),
        (
            lambda c, s: _set_app(
                c,
                "staging-frontend",
                health={"status": "Healthy", "lastTransitionTime": rfc3339(datetime.now(UTC) - timedelta(minutes=2))},
            ),
            EXIT_SOAKING,
            "refused: Application argocd/staging-frontend: Synced at {short} and Healthy for 2m0",
        ),
        (
            lambda c, s: c.get("ExternalSecret", "flask-app-secrets").update(
                status={"conditions": [{"type": "Ready", "status": "False", "message": "key staging/backend/app: not found"}]}
            ),
            EXIT_CHECKS_FAILED,
            "refused: ExternalSecret backend/flask-app-secrets: validate FAIL: not Ready: key staging/backend/app: not found",
        ),
        (
            lambda c, s: c.get("Pod", "flask-app-0")["status"]["containerStatuses"][0].update(imageID=""),
            EXIT_NO_DIGEST,
            "refused: Deployment backend/flask-app container flask-app: a pod running the rendered image reports no digest",
        ),
    ],
    ids=["not-synced", "degraded", "soaking", "external-secret", "no-digest"],
)
def test_each_refusal_is_one_line_with_its_status_and_moves_nothing(
    remote: Remote, staging: FakeCluster, kubeconfig: Path, breakage, status: int, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    short = (remote.branch("staging") or "")[:12]
    breakage(staging, short)
    assert promote(remote, kubeconfig) == status
    (refused,) = refusal_lines(capsys.readouterr().out)
    assert refused.startswith(line.format(short=short)), refused
    assert remote.branch("prod") is None and git(remote.origin, "branch", "--list", "promote/*") == ""


def test_the_target_branch_only_moves_forward(remote: Remote, kubeconfig: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # prod holds a commit staging does not contain (say, a promotion main never merged).
    elsewhere = git(remote.work, "commit-tree", "HEAD^{tree}", "-m", "a commit only prod has")
    remote.push_branch(elsewhere, "prod")
    assert promote(remote, kubeconfig) == EXIT_NOT_FORWARD
    (refused,) = refusal_lines(capsys.readouterr().out)
    assert refused.startswith(f"refused: branch prod: {elsewhere[:12]} is not in staging@")
    assert remote.branch("prod") == elsewhere


def test_dry_run_and_pull_request(remote: Remote, kubeconfig: Path, capsys: pytest.CaptureFixture[str]) -> None:
    staged = remote.branch("staging") or ""
    assert promote(remote, kubeconfig, "--dry-run") == EXIT_OK
    out = capsys.readouterr().out
    assert f"verdict: staging@{staged[:12]} may be promoted to prod" in out and "backend: staging runs stage-1@sha256:" in out
    assert remote.branch("prod") is None and git(remote.origin, "branch", "--list", "promote/*") == ""
    assert promote(remote, kubeconfig, "--pull-request") == EXIT_OK
    assert remote.branch("prod") is None
    assert remote.branch(f"promote/prod-{staged[:12]}") is not None


def _normalized(text: str) -> list[str]:
    """Lines with what differs from run to run (commits, durations) replaced."""
    text = re.sub(r"\b[0-9a-f]{12}\b", "<commit>", text)
    return re.sub(r"\b\d+m\d\ds\b", "<duration>", text).splitlines()


def test_the_documented_transcript_is_what_the_command_prints(
    remote: Remote, staging: FakeCluster, kubeconfig: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = (REPO_ROOT / "docs" / "operations.md").read_text()
    (block,) = re.findall(r"```\n(\$ python -m ops promote --from staging --to prod\n.*?)```", docs, flags=re.DOTALL)
    backend = staging.get("Application", "staging-backend")["status"]["health"]
    backend["lastTransitionTime"] = rfc3339(datetime.now(UTC) - timedelta(minutes=4))
    transcript = []
    for _attempt in range(2):
        status = promote(remote, kubeconfig)
        transcript += ["$ python -m ops promote --from staging --to prod", *capsys.readouterr().out.splitlines()]
        transcript += ["$ echo $?", str(status)]
        backend["lastTransitionTime"] = rfc3339(datetime.now(UTC) - timedelta(minutes=30))
    assert _normalized("\n".join(transcript)) == _normalized(block)
