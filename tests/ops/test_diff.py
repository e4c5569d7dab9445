"""ops diff against scratch git repositories: added, removed and changed objects, refs, exit codes."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from ops import diff as ops_diff
from ops.__main__ import main
from ops.diff import compare, diff_environment, field_diff, format_report
from synthesis.manifest_yaml import to_yaml

ENV = "staging"


def deployment(image: str, replicas: int = 1) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "flask-app", "namespace": "backend", "labels": {"app.kubernetes.io/version": "stage-1"}},
        "spec": {
            "replicas": replicas,
            "template": {
                "spec": {
                    "containers": [
                        {"name": "flask-app", "image": image, "env": [{"name": "LOG_LEVEL", "value": "info"}]},
                        {"name": "sidecar", "image": "sidecar:1"},
                    ]
                }
            },
        },
    }


def config_map(name: str, namespace: str, data: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace}, "data": data}


def files_of(*entries: tuple[str, dict[str, Any]]) -> dict[PurePosixPath, str]:
    return {
        PurePosixPath(
            f"{ENV}/{app}/{obj['kind'].lower()}_{obj['metadata']['namespace']}_{obj['metadata']['name']}.yaml"
        ): to_yaml(obj)
        for app, obj in entries
    }


COMMITTED = files_of(
    ("backend", deployment("registry.example.internal/flask-api:stage-1")),
    ("backend", config_map("old-settings", "backend", {"a": "1"})),
    ("frontend", config_map("nginx-files", "frontend", {"nginx.conf": "server {\n  listen 8080;\n}\n"})),
)


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=ops-test",
            "-c",
            "user.email=ops-test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


def make_repo(root: Path, files: dict[PurePosixPath, str], branch: str | None = ENV) -> Path:
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for path, text in files.items():
        target = repo / "dist" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "dist")
    if branch:
        git(repo, "branch", branch)
    return repo


def rendered_with_changes() -> dict[PurePosixPath, str]:
    return files_of(
        ("backend", deployment("registry.example.internal/flask-api:stage-2", replicas=2)),
        ("backend", config_map("new-settings", "backend", {"b": "2"})),
        ("frontend", config_map("nginx-files", "frontend", {"nginx.conf": "server {\n  listen 8081;\n}\n"})),
    )


def test_added_removed_and_changed_objects(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, COMMITTED)
    report = diff_environment(ENV, None, repo=repo, branch=ENV, rendered=rendered_with_changes())
    assert report.ref == ENV and report.notes == []
    summary = [(c.app, c.change, c.what) for c in report.changes]
    assert summary == [
        ("backend", "added", "ConfigMap backend/new-settings"),
        ("backend", "removed", "ConfigMap backend/old-settings"),
        ("backend", "changed", "Deployment backend/flask-app"),
        ("frontend", "changed", "ConfigMap frontend/nginx-files"),
    ]
    changed = next(c for c in report.changes if c.what == "Deployment backend/flask-app")
    assert changed.fields == [
        "spec.replicas: 1 -> 2",
        "spec.template.spec.containers[name=flask-app].image: "
        "registry.example.internal/flask-api:stage-1 -> registry.example.internal/flask-api:stage-2",
    ]
    text = format_report(report)
    assert "== backend: 1 added, 1 removed, 1 changed" in text
    assert '      data["nginx.conf"]: text changed' in text
    assert "    -  listen 8080;" in text and "    +  listen 8081;" in text
    assert text.endswith("4 change(s): dist/staging would change")


def test_cli_exit_status_is_1_on_change_and_0_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, COMMITTED)
    monkeypatch.setattr(ops_diff, "render_files", lambda env: rendered_with_changes())
    assert main(["diff", ENV, "--repo", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "spec.template.spec.containers[name=flask-app].image:" in out
    monkeypatch.setattr(ops_diff, "render_files", lambda env: dict(COMMITTED))
    assert main(["diff", ENV, "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("no change") and "== backend: no change" in out


def test_default_ref_falls_back_to_origin_then_head(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, COMMITTED, branch=None)
    report = diff_environment(ENV, None, repo=repo, branch=ENV, rendered=COMMITTED)
    assert report.ref == "HEAD" and "comparing with HEAD" in report.notes[0] and not report.changed
    git(repo, "update-ref", f"refs/remotes/origin/{ENV}", "HEAD")
    report = diff_environment(ENV, None, repo=repo, branch=ENV, rendered=COMMITTED)
    assert report.ref == f"origin/{ENV}" and "comparing with origin/staging" in report.notes[0]


def test_compares_with_the_ref_not_the_working_tree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, COMMITTED)
    # A later commit on main must not matter: the environment branch is what ArgoCD deploys.
    (repo / "dist" / ENV / "backend" / "extra.yaml").write_text(to_yaml(config_map("x", "backend", {})))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "more")
    assert not diff_environment(ENV, None, repo=repo, branch=ENV, rendered=COMMITTED).changed
    report = diff_environment(ENV, "main", repo=repo, branch=ENV, rendered=COMMITTED)
    assert [(c.change, c.what) for c in report.changes] == [("removed", "ConfigMap backend/x")]


def test_a_formatting_only_change_counts(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, COMMITTED)
    reformatted = {p: "# comment\n" + t for p, t in COMMITTED.items()}
    report = diff_environment(ENV, None, repo=repo, branch=ENV, rendered=reformatted)
    assert {c.change for c in report.changes} == {"file"} and len(report.changes) == len(COMMITTED)


def test_missing_dist_at_ref_lists_everything_as_added(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {PurePosixPath("prod/backend/a.yaml"): to_yaml(config_map("a", "backend", {}))})
    report = diff_environment(ENV, None, repo=repo, branch=ENV, rendered=COMMITTED)
    assert "dist/staging does not exist at staging" in report.notes
    assert {c.change for c in report.changes} == {"added"}


def test_unknown_ref_is_a_usage_error_and_no_repo_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path, COMMITTED)
    assert main(["diff", ENV, "no-such-ref", "--repo", str(repo)]) == 2
    assert capsys.readouterr().err == f"error: git ref 'no-such-ref' not found in {repo}\n"
    not_a_repo = tmp_path / "plain"
    not_a_repo.mkdir()
    assert main(["diff", ENV, "HEAD", "--repo", str(not_a_repo)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: git rev-parse failed") and err.count("\n") == 1


def test_unknown_environment_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "nowhere"]) == 2
    assert "unknown environment 'nowhere'" in capsys.readouterr().err


def test_field_diff_paths() -> None:
    old = {"metadata": {"annotations": {"argocd.argoproj.io/sync-wave": "0"}}, "spec": {"ports": [{"port": 80}], "gone": 1}}
    new = {
        "metadata": {"annotations": {"argocd.argoproj.io/sync-wave": "1"}},
        "spec": {"ports": [{"port": 80}, {"port": 443}], "new": "a b"},
    }
    assert field_diff(old, new) == [
        'metadata.annotations["argocd.argoproj.io/sync-wave"]: 0 -> 1',
        'spec.ports[1]: (absent) -> {"port": 443}',
        "spec.gone: 1 -> (absent)",
        'spec.new: (absent) -> "a b"',
    ]
    named_old = {"env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}
    named_new = {"env": [{"name": "B", "value": "2"}, {"name": "A", "value": "3"}, {"name": "C", "value": "4"}]}
    assert field_diff(named_old, named_new) == [
        "env[name=A].value: 1 -> 3",
        'env[name=C]: (absent) -> {"name": "C", "value": "4"}',
    ]


def test_objects_match_by_identity_not_file_name() -> None:
    obj = deployment("a:1")
    old = {PurePosixPath(f"{ENV}/backend/one.yaml"): to_yaml(obj)}
    new = {PurePosixPath(f"{ENV}/backend/two.yaml"): to_yaml(copy.deepcopy(obj))}
    changes, _ = compare(old, new)
    assert [(c.change, c.path.name) for c in changes] == [("file", "one.yaml"), ("file", "two.yaml")]


def test_the_real_synth_of_a_committed_dist_shows_no_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rendered = ops_diff.render_files(ENV)  # the real pipeline: config, charts, cdk8s
    repo = make_repo(tmp_path, rendered)
    report = diff_environment(ENV, None, repo=repo, branch=ENV, rendered=rendered)
    assert not report.changed, format_report(report)
    assert {p.parts[1] for p in rendered} == set(report.apps)
    image_of = {p: yaml.safe_load(t) for p, t in rendered.items() if "/deployment_" in str(p)}
    assert image_of  # the environment renders Deployments to compare
