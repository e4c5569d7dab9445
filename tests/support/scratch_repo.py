"""A disposable git repository holding the project as it is in the working tree.

The release commands commit, branch and push; their tests run them in such a copy (with a bare
`origin` next to it) so the real checkout and its branches are never touched. The copy holds
every tracked and untracked, not ignored, file, so a change under test is in it before it is
committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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
    share_bytecode(repo)
    return repo


def clone(template: Path, root: Path, name: str = "work") -> Path:
    """A clone of `template` (cheap: objects are hard-linked), with the same identity."""
    repo = root / name
    subprocess.run(["git", "clone", "-q", str(template), str(repo)], check=True, capture_output=True)
    for key, value in IDENTITY.items():
        git(repo, "config", key, value)
    share_bytecode(repo)
    return repo


def share_bytecode(repo: Path) -> None:
    """The checkout's byte-code (`make bytecode`) for the modules `repo` holds unchanged.

    The machines set PYTHONDONTWRITEBYTECODE, so a copy without it compiles the product from
    source in every process it starts: about 0.7 s of CPU per synth or ops command. A .pyc is
    used when the source's size and modification time match what it records, so each unchanged
    source takes the checkout's time stamp and its .pyc files are linked in; a source that
    differs from the checkout keeps its own time and is compiled as before.
    """
    tag = sys.implementation.cache_tag
    listed = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "*.py"], capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source, copy = REPO_ROOT / name, repo / name
        compiled = sorted(source.parent.joinpath("__pycache__").glob(f"{source.stem}.{tag}*.pyc"))
        if not compiled or not source.is_file() or source.read_bytes() != copy.read_bytes():
            continue
        stat = source.stat()
        os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        (copy.parent / "__pycache__").mkdir(exist_ok=True)
        for pyc in compiled:
            target = copy.parent / "__pycache__" / pyc.name
            try:
                os.link(pyc, target)
            except OSError:  # another file system
                shutil.copy2(pyc, target)
