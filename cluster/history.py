"""The dist/ that the cluster runs today, taken from git, for the upgrade check.

What a cluster runs is the last committed dist/ before the change under test:
- if the working tree's dist/ differs from HEAD's (a change not yet committed), that is HEAD's;
- otherwise it is the parent of the latest commit that changed dist/ (in CI, HEAD is the
  change under test).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from manifests import Manifest

DIST = "dist"


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=check)


def _has_dist(repo: Path, commit: str) -> bool:
    return _git(repo, "cat-file", "-e", f"{commit}:{DIST}", check=False).returncode == 0


def _working_tree_differs(repo: Path) -> bool:
    if _git(repo, "diff", "--quiet", "HEAD", "--", DIST, check=False).returncode != 0:
        return True
    untracked = _git(repo, "ls-files", "--others", "--exclude-standard", "--", DIST).stdout.strip()
    return bool(untracked)


def baseline_commit(repo: Path) -> str | None:
    """The commit whose dist/ the cluster would be running before this change, if any."""
    if _git(repo, "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode != 0:
        return None  # no commit yet
    if _working_tree_differs(repo):
        return _git(repo, "rev-parse", "HEAD").stdout.decode().strip() if _has_dist(repo, "HEAD") else None
    changes = _git(repo, "rev-list", "-1", "HEAD", "--", DIST).stdout.decode().split()
    if not changes:
        return None
    parent = _git(repo, "rev-parse", "--verify", "--quiet", f"{changes[0]}^", check=False)
    if parent.returncode != 0:
        return None  # dist/ was introduced by the root commit
    commit = parent.stdout.decode().strip()
    return commit if _has_dist(repo, commit) else None


def export_dist(repo: Path, commit: str, dest: Path) -> Path:
    """Write `commit`'s dist/ under dest/ and return the dist/ folder there."""
    archive = _git(repo, "archive", "--format=tar", commit, "--", DIST).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest / DIST


def prune_candidates(old: list[Manifest], new: list[Manifest]) -> list[tuple[str, str, str, str]]:
    """Objects an ArgoCD sync with prune=true would delete: in the old dist/, not in the new one."""
    new_keys = {m.key for m in new}
    return sorted({m.key for m in old} - new_keys)


def describe_prune(keys: list[tuple[str, str, str, str]]) -> str:
    if not keys:
        return "a pruning sync would delete nothing"
    lines = [f"  {kind}{'.' + group if group else ''} {ns + '/' if ns else ''}{name}" for group, kind, ns, name in keys]
    return "a pruning sync would delete:\n" + "\n".join(lines)


def main() -> int:
    """Print, per environment, what a pruning sync from the previous dist/ would delete."""
    import tempfile

    from manifests import REPO_ROOT, environments, load_env

    repo = REPO_ROOT
    commit = baseline_commit(repo)
    if commit is None:
        print("no earlier commit has a dist/: nothing to compare")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        old_root = export_dist(repo, commit, Path(tmp))
        for env in (e.name for e in environments(repo / DIST)):
            old = load_env(old_root / env) if (old_root / env).is_dir() else []
            print(f"dist/{env} (since {commit[:12]}): {describe_prune(prune_candidates(old, load_env(repo / DIST / env)))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
