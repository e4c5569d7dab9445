"""ops rollback ENV [--to REV]: the environment's branch back to an earlier revision, by a new commit.

The new commit's tree is the earlier revision's tree and its parent the branch's tip: the
revert of everything since, in one commit, so the branch only moves forward and its history
says what happened. Then every sync operation of the environment still retrying another
revision is stopped (Argo CD would retry the bad revision before it looks at the new one), and
the command prints the images the environment will run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from config.loader import load_environment
from manifests import load_texts
from ops import applications
from ops.common import EXIT_NOT_FORWARD, EXIT_OK, EXIT_USAGE, REPO_ROOT, OpsError, one_line
from ops.diff import files_at
from ops.gitrepo import commit_of, git, git_out, is_ancestor
from ops.kube_api import connect
from ops.promote import fetch

HELP = "return ENV's branch to an earlier revision by a new revert commit, and stop syncs stuck on the bad one"
EPILOG = """\
--to REV (default: the revision before the branch's tip, its first parent) must be an earlier
revision of the branch. The new commit, on top of the tip, has REV's tree; it is pushed as a
fast-forward (never a force push). Then, in the environment's cluster (current kube context
or --context), a sync operation still running for another revision is marked Terminating,
as `argocd app terminate-op` does. --no-cluster skips that step; --dry-run changes nothing.

Bring the rollback into main afterwards (git merge <remote>/<branch>), so the next release
starts from what runs.

Exit status: 0 rolled back (or already there), 2 configuration error or REV is not an
earlier revision of the branch, 3 git or the cluster failed, 9 the remote refused the push
(the branch moved meanwhile).
"""


def images_at(repo: Path, commit: str, env: str) -> list[str]:
    """`Deployment ns/name: image` for every container of every Deployment of dist/ENV at the commit."""
    lines = []
    for obj in load_texts(files_at(repo, commit, env)):
        if obj.kind in ("Deployment", "StatefulSet"):
            for container in obj.body["spec"]["template"]["spec"].get("containers") or []:
                lines.append(f"{obj.kind} {obj.namespace}/{obj.name} {container['name']}: {container['image']}")
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("env", metavar="ENV", help="environment name")
    parser.add_argument("--to", dest="to", metavar="REV", help="the earlier revision (default: the one before the tip)")
    parser.add_argument("--dry-run", action="store_true", help="print what would happen, change nothing")
    parser.add_argument("--no-cluster", action="store_true", help="only move the branch (stop stuck syncs by hand)")
    parser.add_argument("--remote", default="origin", help="the git remote Argo CD reads (default: origin)")
    parser.add_argument("--kubeconfig", help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
    parser.add_argument("--context", help="kube context of the environment's cluster (default: the current context)")
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help=argparse.SUPPRESS)  # tests use a scratch repo


def run(args: argparse.Namespace) -> int:
    env = load_environment(args.env)
    repo, remote, branch = args.repo, args.remote, env.gitops.branch
    fetch(repo, remote, branch)
    tip = commit_of(repo, f"{remote}/{branch}")
    if tip is None:
        raise OpsError(f"{remote} has no branch {branch}", EXIT_USAGE)
    wanted = args.to or f"{tip}^1"
    earlier = commit_of(repo, wanted)
    if earlier is None:
        raise OpsError(f"--to {wanted}: no such revision", EXIT_USAGE)
    if earlier == tip or not is_ancestor(repo, earlier, tip):
        raise OpsError(f"--to {wanted}: {earlier[:12]} is not an earlier revision of {branch} ({tip[:12]})", EXIT_USAGE)
    subject = one_line(git_out(repo, "log", "-1", "--format=%s", earlier))
    print(f"rollback {args.env}: {branch} {tip[:12]} -> the tree of {earlier[:12]} ({subject})")

    new = tip
    if git_out(repo, "rev-parse", f"{tip}^{{tree}}") == git_out(repo, "rev-parse", f"{earlier}^{{tree}}"):
        print(f"{branch} already holds the tree of {earlier[:12]}; nothing to commit")
    elif args.dry_run:
        print("--dry-run: nothing changed")
    else:
        reverted = git_out(repo, "log", "--format=%h %s", f"{earlier}..{tip}").splitlines()
        message = "\n".join([f"Roll back {args.env} to {earlier[:12]}", "", "Reverts:", *(f"  {line}" for line in reverted)])
        new = git_out(repo, "commit-tree", f"{earlier}^{{tree}}", "-p", tip, "-m", message)
        pushed = git(repo, "push", "--quiet", remote, f"{new}:refs/heads/{branch}", check=False)
        if pushed.returncode != 0:
            print(f"refused: branch {branch}: the remote refused a fast-forward to {new[:12]} (did it move?)", file=sys.stderr)
            return EXIT_NOT_FORWARD
        print(f"pushed {branch} -> {new[:12]}")

    if not args.no_cluster and not args.dry_run:
        client = connect(args.kubeconfig, args.context)
        apps = applications.application_manifests(load_texts(files_at(repo, new, args.env)))
        for stopped in applications.stop_retries(client, apps, keep=new):
            print(f"stopped the sync retries of Application {stopped}")
    print(f"{args.env} will run ({branch} at {new[:12]}):")
    for line in images_at(repo, new, args.env):
        print(f"  {line}")
    return EXIT_OK
