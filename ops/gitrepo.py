"""git as the ops commands run it: one subprocess per call, every failure one line (exit status 3)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ops.common import EXIT_ERROR, OpsError, one_line


def git(repo: Path, *args: str, stdin: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise OpsError("git not found on PATH", EXIT_ERROR) from None
    if check and proc.returncode != 0:
        message = one_line(proc.stderr.decode(errors="replace")) or f"exit {proc.returncode}"
        raise OpsError(f"git {args[0]} failed in {repo}: {message}", EXIT_ERROR)
    return proc


def git_out(repo: Path, *args: str) -> str:
    """The stripped standard output of a git command that must succeed."""
    return git(repo, *args).stdout.decode().strip()


def commit_of(repo: Path, ref: str) -> str | None:
    proc = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def is_ancestor(repo: Path, ancestor: str, descendant: str) -> bool:
    """True when moving a branch from `ancestor` to `descendant` is a fast-forward."""
    return git(repo, "merge-base", "--is-ancestor", ancestor, descendant, check=False).returncode == 0


def uncommitted(repo: Path, *paths: str) -> list[str]:
    """Paths under `paths` with staged, unstaged or untracked changes (git status --porcelain)."""
    out = git(repo, "status", "--porcelain", "--untracked-files=all", "--", *paths).stdout.decode()
    return [line[3:] for line in out.splitlines() if line.strip()]


def same_tree(repo: Path, a: str, b: str, path: str) -> bool:
    """Whether two commits hold the same content under `path` (False when either is unknown here)."""
    return git(repo, "diff", "--quiet", a, b, "--", path, check=False).returncode == 0
