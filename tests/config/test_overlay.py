"""An overlay file (main.py --overlay) renders an environment for a cluster the repository does not describe."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config.errors import ConfigError
from config.loader import REPO_ROOT, load_environment


def _overlay(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "local-cluster.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_overlay_is_merged_over_the_environment(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, {"gitops": {"repo_url": "file:///srv/git/flask-platform"}})
    env = load_environment("staging", overlay=overlay)
    committed = load_environment("staging")
    assert env.gitops.repo_url == "file:///srv/git/flask-platform"
    # Everything else is the environment as committed, including the rest of gitops.
    assert env.gitops.branch == committed.gitops.branch
    assert env.model_dump(exclude={"gitops"}) == committed.model_dump(exclude={"gitops"})


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        ({"gitops": {"repo_url": "file://relative/path"}}, "gitops.repo_url", "Git repository URL"),
        ({"gitops": {"repo_url": "ftp://example.com/x.git"}}, "gitops.repo_url", "Git repository URL"),
        ({"gitops": {"repo_ulr": "file:///x"}}, "gitops.repo_ulr", "unknown key"),
        ({"name": "other"}, "name", "not a setting"),
    ],
)
def test_bad_overlay_names_the_overlay_file(tmp_path: Path, data: dict, field: str, reason: str) -> None:
    overlay = _overlay(tmp_path, data)
    with pytest.raises(ConfigError) as caught:
        load_environment("staging", overlay=overlay)
    message = str(caught.value)
    assert str(overlay) in message and field in message and reason in message, message


def test_main_with_a_bad_overlay_exits_2_and_leaves_dist_untouched(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    shutil.copytree(REPO_ROOT / "dist", dist)
    before = {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()}
    overlay = _overlay(tmp_path, {"gitops": {"repo_url": "not a url"}})
    proc = subprocess.run(
        [sys.executable, "main.py", "staging", "--overlay", str(overlay), "--dist", str(dist)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "gitops.repo_url" in proc.stderr and str(overlay) in proc.stderr
    assert {p: p.read_bytes() for p in dist.rglob("*") if p.is_file()} == before
