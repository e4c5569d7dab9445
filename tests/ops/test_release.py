"""ops release: the round-trip edit of an environment file, the refusals, and the commit it makes."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
import yaml

from config.loader import ENVIRONMENTS_DIR
from ops.__main__ import main
from ops.common import EXIT_DIRTY, EXIT_OK, EXIT_USAGE
from ops.envfile import EnvironmentFile, ImageVersion, parse_image_argument
from tests.support.scratch_repo import clone, git

DIGEST = "sha256:" + "0123456789abcdef" * 4

# An environment file written by a person: comments everywhere, a flow mapping, quoted values
# (one longer than ruamel's default line width), blank lines, lists indented under their key,
# and keys in no particular order.
COMMENTED = """\
# yaml-language-server: $schema=./environment.schema.json
# A hand-written file.

backend:  # the API
  replicas: 1
  image:
    # bumped by the release pipeline
    tag: "stage-1"   # quoted on purpose
  cors_origins:
    - https://frontend-staging.example.internal   # the SPA

  resources:
    requests: {cpu: 100m, memory: 256Mi}
    limits: {cpu: 500m, memory: 512Mi}

frontend:
  content_security_policy: "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self' https://api-staging.example.internal"
  image:
    tag: stage-1
# trailing comment
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.mark.parametrize("path", sorted(ENVIRONMENTS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_environment_file_round_trips_byte_for_byte(path: Path) -> None:
    assert EnvironmentFile(path).text() == path.read_text()


def test_a_release_edit_changes_exactly_the_image_lines_of_a_commented_file(tmp_path: Path) -> None:
    path = tmp_path / "staging.yaml"
    path.write_text(COMMENTED)
    file = EnvironmentFile(path)
    file.set_image("backend", ImageVersion("stage-2", None))
    file.set_image("frontend", ImageVersion("stage-2", DIGEST))
    assert changed_lines(COMMENTED, file.text()) == [
        '-    tag: "stage-1"   # quoted on purpose',
        '+    tag: "stage-2"   # quoted on purpose',
        "-    tag: stage-1",
        "+    tag: stage-2",
        f"+    digest: {DIGEST}",
    ]


def test_a_tag_alone_drops_the_digest_that_would_otherwise_win(tmp_path: Path) -> None:
    path = tmp_path / "prod.yaml"
    path.write_text(f"backend:\n  image:\n    tag: v1\n    digest: {DIGEST}\n")
    file = EnvironmentFile(path)
    assert file.set_image("backend", ImageVersion("v2", None)) == ImageVersion("v1", DIGEST)
    assert yaml.safe_load(file.text()) == {"backend": {"image": {"tag": "v2"}}}


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("backend=2.4.1", ("backend", ImageVersion("2.4.1", None))),
        (f"frontend=2.4.1@{DIGEST}", ("frontend", ImageVersion("2.4.1", DIGEST))),
        (f"backend=@{DIGEST}", ("backend", ImageVersion(None, DIGEST))),
        (f"backend={DIGEST}", ("backend", ImageVersion(None, DIGEST))),
    ],
)
def test_accepted_image_arguments(argument: str, expected: tuple[str, ImageVersion]) -> None:
    assert parse_image_argument(argument) == expected


@pytest.mark.parametrize(
    ("argument", "reason"),
    [
        ("database=8.0.36", "unknown image 'database'"),
        ("backend", "expected NAME=TAG"),
        ("backend=latest", "'latest' moves"),
        ("backend=Latest", "'latest' moves"),
        ("backend=-rc1", "malformed tag '-rc1'"),
        ("backend=v1@sha256:abc", "malformed digest 'sha256:abc'"),
        ("backend=v1@sha256:" + "A" * 64, "malformed digest"),
        ("backend=", "no tag or digest"),
    ],
)
def test_refused_image_arguments_exit_2_with_one_line(argument: str, reason: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["release", "staging", "--image", argument, "--repo", "/nonexistent"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert reason in err and err.count("\n") == 1


# --- in a scratch repository ----------------------------------------------------------------------


@pytest.fixture
def repo(project: Path, tmp_path: Path) -> Path:
    return clone(project, tmp_path)


def committed_image(repo: Path, env: str, app: str, file: str) -> str:
    deployment = yaml.safe_load(git(repo, "show", f"HEAD:dist/{env}/{app}/{file}"))
    return str(deployment["spec"]["template"]["spec"]["containers"][0]["image"])


def test_release_commits_the_file_and_its_dist_together(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = git(repo, "rev-parse", "HEAD")
    assert main(["release", "staging", "--image", "backend=stage-2", "--repo", str(repo)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "release staging: backend stage-1 -> stage-2" in out
    assert "~ Deployment backend/flask-app" in out
    assert "flask-api:stage-1 -> registry.example.internal/platform/flask-api:stage-2" in out
    assert git(repo, "log", "-1", "--format=%s") == "Release staging: backend stage-1 -> stage-2"
    touched = git(repo, "diff", "--name-only", before, "HEAD").splitlines()
    assert "environments/staging.yaml" in touched
    assert all(p == "environments/staging.yaml" or p.startswith("dist/staging/") for p in touched)
    assert committed_image(repo, "staging", "backend", "deployment_backend_flask-app.yaml").endswith(":stage-2")
    assert git(repo, "status", "--porcelain") == ""
    # Idempotent: the same release again changes nothing and commits nothing.
    head = git(repo, "rev-parse", "HEAD")
    assert main(["release", "staging", "--image", "backend=stage-2", "--repo", str(repo)]) == EXIT_OK
    assert "nothing to do" in capsys.readouterr().out
    assert git(repo, "rev-parse", "HEAD") == head


def test_no_commit_leaves_the_release_staged(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    assert main(["release", "staging", "--image", "frontend=stage-3", "--no-commit", "--repo", str(repo)]) == EXIT_OK
    assert git(repo, "rev-parse", "HEAD") == head
    staged = git(repo, "diff", "--cached", "--name-only").splitlines()
    assert "environments/staging.yaml" in staged and "dist/staging/frontend/deployment_frontend_nginx-front.yaml" in staged
    assert git(repo, "diff", "--name-only") == ""  # nothing left unstaged


@pytest.mark.parametrize("dirty", ["dist/staging/backend/deployment_backend_flask-app.yaml", "environments/staging.yaml"])
def test_uncommitted_changes_are_refused_before_anything_changes(
    repo: Path, dirty: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = repo / dirty
    target.write_text(target.read_text() + "# local edit\n")
    edited = (repo / "environments/staging.yaml").read_text()
    assert main(["release", "staging", "--image", "backend=stage-2", "--repo", str(repo)]) == EXIT_DIRTY
    assert f"{dirty}: uncommitted changes" in capsys.readouterr().err
    assert (repo / "environments/staging.yaml").read_text() == edited
    assert git(repo, "log", "-1", "--format=%s") == "the project"


def test_a_tag_where_digests_are_required_is_refused_and_undone(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (repo / "environments/prod.yaml").read_text()
    assert main(["release", "prod", "--image", "backend=stable-2", "--repo", str(repo)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "environments/prod.yaml" in err and "backend.image.digest" in err and "require_digest" in err
    assert (repo / "environments/prod.yaml").read_text() == before
    assert git(repo, "status", "--porcelain") == ""


def test_a_digest_release_renders_the_digest(repo: Path) -> None:
    assert main(["release", "prod", "--image", f"backend=stable-2@{DIGEST}", "--repo", str(repo)]) == EXIT_OK
    image = committed_image(repo, "prod", "backend", "deployment_backend_flask-app.yaml")
    assert image == f"registry.example.internal/platform/flask-api:stable-2@{DIGEST}"
