"""A disposable git repository holding the project as it is in the working tree.

The release commands commit, branch and push; their tests run them in such a copy (with a bare
`origin` next to it) so the real checkout and its branches are never touched. The copy holds
every tracked and untracked, not ignored, file, so a change under test is in it before it is
committed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from manifests import REPO_ROOT

IDENTITY = {"user.name": "ops-test", "user.email": "ops-test@example.invalid", "commit.gpgsign": "false"}


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed in {repo}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def project_copy(root: Path) -> Path:
    """root/project: a one-commit repository of the working tree (branch main), with an identity set."""
    listed = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout
    repo = root / "project"
    for name in filter(None, listed.decode().split("\0")):
        source = REPO_ROOT / name
        if source.is_file():  # a deleted, not yet committed file is still listed
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q", "-b", "main")
    for key, value in IDENTITY.items():
        git(repo, "config", key, value)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the project")
    return repo


def clone(template: Path, root: Path, name: str = "work") -> Path:
    """A clone of `template` (cheap: objects are hard-linked), with the same identity."""
    repo = root / name
    subprocess.run(["git", "clone", "-q", str(template), str(repo)], check=True, capture_output=True)
    for key, value in IDENTITY.items():
        git(repo, "config", key, value)
    return repo
