"""What each environment runs today, taken from git: the baseline of the upgrade check.

The upgrade check applies the baseline's dist/<env> and then the current one, as Argo CD would
when the change reaches the environment. The baseline is, in this order:

1. The environment's branch (its `gitops.branch`, Argo CD's targetRevision): `origin/<branch>`
   first, because Argo CD reads the remote and a remote-tracking branch is refreshed by every
   `git fetch`, while a local branch of the same name may be stale; then the local branch (a
   repository without that remote, such as one Argo CD reads through file:///).
2. The merge base of HEAD with the default branch (`origin/main`, else `main`): what the
   default branch held when this change forked from it, which is what gets promoted. Skipped
   when it is HEAD itself (HEAD is on the default branch): then it is the change under test.
3. The dist/ before the change: HEAD when the working tree's dist/ differs from it (a change
   not yet committed), otherwise the parent of the latest commit that changed dist/.

None of them exists in a repository with no commit, or whose only commit with a dist/ is its
first (one commit, or a shallow clone). A baseline commit without dist/<env> means the
environment is new: nothing runs it yet, so there is nothing to upgrade from.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from manifests import Manifest

DIST = "dist"
REMOTE = "origin"
DEFAULT_BRANCHES = (f"{REMOTE}/main", "main")


@dataclass(frozen=True)
class Baseline:
    """The commit an environment is upgraded from, how it was found, and what was passed over."""

    commit: str | None
    source: str
    passed_over: tuple[str, ...] = ()

    def describe(self, env: str) -> str:
        if self.commit is None:
            return f"dist/{env}: no baseline to upgrade from: " + "; ".join(self.passed_over)
        line = f"dist/{env}: upgrading from {self.source} at {self.commit[:12]}"
        return line + (f" ({'; '.join(self.passed_over)})" if self.passed_over else "")


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=check)


def _rev(repo: Path, rev: str) -> str | None:
    found = _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    return found.stdout.decode().strip() if found.returncode == 0 else None


def has_path(repo: Path, commit: str, path: str) -> bool:
    return _git(repo, "cat-file", "-e", f"{commit}:{path}", check=False).returncode == 0


def has_env(repo: Path, commit: str, env: str) -> bool:
    """Whether `commit` has dist/<env>: without it the environment is new there."""
    return has_path(repo, commit, f"{DIST}/{env}")


def _working_tree_differs(repo: Path) -> bool:
    if _git(repo, "diff", "--quiet", "HEAD", "--", DIST, check=False).returncode != 0:
        return True
    untracked = _git(repo, "ls-files", "--others", "--exclude-standard", "--", DIST).stdout.strip()
    return bool(untracked)


def _from_branch(repo: Path, branch: str) -> tuple[str | None, str]:
    for ref, label in ((f"refs/remotes/{REMOTE}/{branch}", f"{REMOTE}/{branch}"), (f"refs/heads/{branch}", f"branch {branch}")):
        commit = _rev(repo, ref)
        if commit:
            return commit, label
    return None, f"no branch {branch}: neither {REMOTE}/{branch} nor a local one"


def _from_merge_base(repo: Path, head: str) -> tuple[str | None, str]:
    for ref in DEFAULT_BRANCHES:
        if _rev(repo, ref) is None:
            continue
        found = _git(repo, "merge-base", "HEAD", ref, check=False)
        base = found.stdout.decode().strip()
        if found.returncode != 0 or not base:
            return None, f"HEAD shares no history with {ref}"
        if base == head:
            return None, f"HEAD is already part of {ref} (the merge base is HEAD itself)"
        return base, f"the merge base with {ref}"
    return None, f"no default branch ({' or '.join(DEFAULT_BRANCHES)})"


def _from_previous_dist(repo: Path) -> tuple[str | None, str]:
    if _working_tree_differs(repo):
        if has_path(repo, "HEAD", DIST):
            return _rev(repo, "HEAD"), "HEAD (the working tree's dist/ has uncommitted changes)"
        return None, "HEAD has no dist/ yet"
    changes = _git(repo, "rev-list", "-1", "HEAD", "--", DIST).stdout.decode().split()
    if not changes:
        return None, "no commit has a dist/"
    parent = _rev(repo, f"{changes[0]}^")
    if parent is None:
        shallow = _git(repo, "rev-parse", "--is-shallow-repository").stdout.decode().strip() == "true"
        where = "the first commit of a shallow clone" if shallow else "the first commit"
        return None, f"the latest change to dist/ ({changes[0][:12]}) is {where}, with no parent"
    return parent, f"the commit before {changes[0][:12]} (the latest change to dist/)"


def find_baseline(repo: Path, branch: str) -> Baseline:
    """The commit whose dist/ the environment tracking `branch` runs before this change."""
    head = _rev(repo, "HEAD")
    if head is None:
        return Baseline(None, "", ("the repository has no commit",))
    passed_over: list[str] = []
    for step in (lambda: _from_branch(repo, branch), lambda: _from_merge_base(repo, head), lambda: _from_previous_dist(repo)):
        commit, why = step()
        if commit is not None:
            return Baseline(commit, why, tuple(passed_over))
        passed_over.append(why)
    return Baseline(None, "", tuple(passed_over))


class MissingBaseline(Exception):
    """No commit to upgrade from where one must exist (in CI)."""


@dataclass(frozen=True)
class Plan:
    """What the upgrade check applies first: the baseline's dist/<env>, or (None) the current one."""

    previous: Path | None
    note: str


def plan_upgrade(repo: Path, env: str, branch: str, dest: Path, *, ci: bool) -> Plan:
    """Export the baseline's dist/<env> under dest/, or say why there is none.

    In CI a missing baseline means the checkout lacks history (a shallow clone, no environment
    branch fetched) and an upgrade check that applied the current dist/ twice would pass
    without checking anything, so it is refused. On a laptop the check still runs that way,
    with a note. A new environment is no missing baseline: nothing runs it yet.
    """
    baseline = find_baseline(repo, branch)
    if baseline.commit is None:
        if ci:
            raise MissingBaseline(
                f"{baseline.describe(env)}; CI must upgrade from what the environment runs: check out the"
                f" full history (actions/checkout fetch-depth: 0) and fetch the branch {branch}"
            )
        return Plan(None, f"{baseline.describe(env)}; so the current dist/{env} is applied twice")
    if not has_env(repo, baseline.commit, env):
        source = f"{baseline.source} at {baseline.commit[:12]}"
        return Plan(None, f"dist/{env}: a new environment ({source} has no dist/{env}): installed, then synced again")
    return Plan(export_dist(repo, baseline.commit, dest) / env, baseline.describe(env))


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
    """Print, per environment, its baseline and what a pruning sync from it would delete."""
    import tempfile

    from config.loader import load_environment
    from manifests import REPO_ROOT, environments, load_env

    with tempfile.TemporaryDirectory() as tmp:
        for env in (e.name for e in environments(REPO_ROOT / DIST)):
            plan = plan_upgrade(REPO_ROOT, env, load_environment(env).gitops.branch, Path(tmp) / env, ci=False)
            print(plan.note)
            if plan.previous is not None:
                old, new = load_env(plan.previous), load_env(REPO_ROOT / DIST / env)
                print(f"dist/{env}: {describe_prune(prune_candidates(old, new))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
