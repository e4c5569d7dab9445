"""The git repository Argo CD reads in the tier: the project at the current commit, with its environment branch.

The clone is rendered once more with an overlay that points gitops.repo_url at the clone
itself (a file:// URL), so the Applications and the AppProject name the repository Argo CD
really reads; everything else is the environment as committed. Day-two changes are commits on
the environment branch, as in production. A failure-path case may add settings to the overlay
for its next renders (an image tag that e2e/kwok-stages.yaml plays as a broken image), so the
failure is chosen the way a setting is, never by editing the rendered output.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from config.loader import deep_merge
from manifests import REPO_ROOT

GIT_IDENTITY = ["-c", "user.name=flask-platform e2e", "-c", "user.email=e2e@flask-platform.invalid", "-c", "commit.gpgsign=false"]


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *GIT_IDENTITY, *args], cwd=repo, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {repo}:\n{proc.stdout}{proc.stderr}")
    return proc.stdout.strip()


@dataclass
class LocalRepo:
    path: Path
    branch: str
    overlay: Path

    @property
    def url(self) -> str:
        return f"file://{self.path}"

    def head(self) -> str:
        return git(self.path, "rev-parse", "HEAD")

    def commit_all(self, message: str) -> str:
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "-m", message)
        return self.head()

    def same_tree(self, a: str, b: str, path: str) -> bool:
        """Whether two commits hold the same content under `path`."""
        proc = subprocess.run(["git", "diff", "--quiet", a, b, "--", path], cwd=self.path, capture_output=True, check=False)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"git diff {a} {b} failed: {proc.stderr.decode(errors='replace')}")
        return proc.returncode == 0

    def revert(self, commit: str) -> str:
        git(self.path, "revert", "--no-edit", commit)
        return self.head()

    def refresh_on_push(self, kubectl: str, kubeconfig: Path, namespace: str) -> None:
        """The tier's git webhook: every commit on the branch Argo CD reads (the harness's, a
        revert, an `ops` command's) asks Argo CD to refresh its Applications at once, as the
        webhook of a git host does on a push, instead of leaving it to the next poll."""
        hook = (
            "#!/bin/sh\n"
            f"{shlex.quote(kubectl)} --kubeconfig={shlex.quote(str(kubeconfig))} -n {shlex.quote(namespace)} "
            "annotate applications.argoproj.io --all argocd.argoproj.io/refresh=normal --overwrite >/dev/null 2>&1 || true\n"
        )
        for name in ("post-commit", "post-receive"):
            path = Path(git(self.path, "rev-parse", "--git-path", f"hooks/{name}"))
            path = path if path.is_absolute() else self.path / path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(hook)
            path.chmod(0o755)

    def use_overlay(self, settings: dict[str, Any]) -> None:
        """What the tier's overlay sets besides the repository URL for the next renders ({} for nothing more)."""
        self.overlay.write_text(yaml.safe_dump(overlay_settings(self.url, settings), sort_keys=False))

    def dist(self, env: str) -> Path:
        return self.path / "dist" / env

    def render(self, env: str) -> None:
        render(self.path, env, self.overlay)


# External Secrets re-reads the store every 10 s instead of the environment's hour, so a
# rotation in the store reaches the Secrets within a case (tests/support/e2e_rotation.py).
TIER_SETTINGS: dict[str, Any] = {"secrets": {"refresh_interval": "10s"}}


def overlay_settings(repo_url: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The overlay: Argo CD reads the local clone, External Secrets refreshes often (TIER_SETTINGS);
    `settings` may add to that but not move the repository elsewhere."""
    if "repo_url" in settings.get("gitops", {}):
        raise ValueError("the tier's overlay owns gitops.repo_url: it names the clone Argo CD reads")
    return deep_merge(deep_merge({"gitops": {"repo_url": repo_url}}, TIER_SETTINGS), settings)


def render(repo: Path, env: str, overlay: Path) -> None:
    """Synthesize one environment in the clone with the project's own main.py and the venv running the tests."""
    proc = subprocess.run(
        [sys.executable, "-O", "main.py", env, "--overlay", str(overlay)], cwd=repo, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"synth of {env} in {repo} failed:\n{proc.stdout}{proc.stderr}")


def make_local_repo(root: Path, env: str, branch: str, source: Path = REPO_ROOT, ref: str = "HEAD") -> LocalRepo:
    """Clone the project (or `source`) into root/flask-platform and put the environment branch at `ref` there."""
    path = root / "flask-platform"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(source), str(path)], check=True, capture_output=True)
    git(path, "checkout", "-q", "-B", branch, ref)
    overlay = root / "local-cluster.yaml"
    repo = LocalRepo(path, branch, overlay)
    repo.use_overlay({})
    repo.render(env)
    git(path, "add", "-A", "dist")
    git(path, "commit", "-q", "--allow-empty", "-m", f"dist/{env} rendered for the local cluster's repository URL")
    return repo
