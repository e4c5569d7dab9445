"""ops promote --from staging --to prod: ship what the source environment runs, tested, to the target.

The branch mechanics (docs/operations.md, "Promotion"): the promoted commit S is the source
branch's commit every source Application is Synced at. The promotion commit P is made on top of
S: it writes the digests the source's pods run into the target's environment file and renders
dist/<target> with S's own code. P is pushed to the target branch, which must be an ancestor of
P (a fast-forward; never a force push), and to `promote/<target>-<S>` so that main takes the
same commit (a pull request that fast-forwards or merges it). The target branch therefore runs
exactly S plus the target's own settings and the tested digests.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from config.loader import load_environment
from config.model import Environment
from manifests import Manifest, load_texts
from ops import applications
from ops.common import EXIT_NOT_FORWARD, EXIT_OK, EXIT_USAGE, REPO_ROOT, OpsError
from ops.diff import files_at
from ops.envfile import RELEASE_IMAGES, EnvironmentFile, ImageVersion
from ops.gitrepo import commit_of, git, git_out, is_ancestor, same_tree
from ops.kube_api import connect
from ops.promotion_gates import (
    Refusal,
    application_refusals,
    check_refusals,
    duration_seconds,
    exit_status,
    running_images,
)
from ops.release import synthesize_in

HELP = "promote what the source environment runs (Synced, Healthy, soaked; images as digests) to the target"
EPILOG = """\
Refused, one line per object, unless in the source environment's cluster (current kube context
or --context): every Application of the source is Synced at exactly the commit (default: the
source branch on the remote) and Healthy, for at least gitops.promotion.soak of the source;
no `ops validate` check FAILs (ExternalSecrets included); every pod of a release image reports
its digest. The target branch only moves forward.

The promotion commit sits on top of the promoted commit: the target's environment file gets
the source's running images (tag and digest), dist/<target> is rendered with that commit's
code. It is pushed to the target branch and to promote/<target>-<commit> (for main); with
--pull-request only to the latter, for review. --dry-run prints the verdict only.

Exit status: 0 promoted (or the verdict is yes, or nothing to do), 2 configuration or usage
error, 3 git or the cluster failed, 5 an Application not Synced at the commit, 6 not Healthy,
7 still within the soak time, 8 an ExternalSecret or another validate check FAILs, 9 the
target branch would not move forward, 10 a release image's pods report no (or different) digests.
"""


def _tree(repo: Path, commit: str) -> str:
    return git_out(repo, "rev-parse", f"{commit}^{{tree}}")


def _promote_branch(target: str, commit: str) -> str:
    return f"promote/{target}-{commit[:12]}"


def fetch(repo: Path, remote: str, *branches: str) -> None:
    """Remote-tracking refs for the branches that exist on the remote (a missing target is fine)."""
    listed = git_out(repo, "ls-remote", "--heads", remote, *(f"refs/heads/{b}" for b in branches)).splitlines()
    present = [line.split("refs/heads/", 1)[1] for line in listed if "refs/heads/" in line]
    if present:
        git(repo, "fetch", "--quiet", "--no-tags", remote, *(f"+refs/heads/{b}:refs/remotes/{remote}/{b}" for b in present))


def gates(
    args: argparse.Namespace, source: Environment, source_objects: list[Manifest], commit: str
) -> tuple[dict[str, ImageVersion], list[Refusal]]:
    soak_s = duration_seconds(source.gitops.promotion.soak)
    client = connect(args.kubeconfig, args.context)
    client.version()  # an unreachable cluster is exit 3 before any verdict
    apps = applications.application_manifests(source_objects)

    def same_folder(revision: str, folder: str) -> bool:
        return bool(folder) and same_tree(args.repo, revision, commit, folder)

    refusals = application_refusals(client, apps, commit, soak_s, datetime.now(UTC), same_folder)
    refusals += check_refusals(client, source_objects)
    repositories = {name: getattr(source, name).image.repository for name in RELEASE_IMAGES}
    images, digest_refusals = running_images(client, source_objects, repositories)
    return images, refusals + digest_refusals


def make_promotion_commit(
    repo: Path, commit: str, target: str, images: dict[str, ImageVersion], message: str, overlay: Path | None
) -> str | None:
    """P on top of `commit` in a scratch worktree; None when `commit` already holds exactly that."""
    scratch = Path(tempfile.mkdtemp(prefix="ops-promote-"))
    work = scratch / "tree"
    git(repo, "worktree", "add", "--quiet", "--detach", str(work), commit)
    try:
        file = EnvironmentFile(work / "environments" / f"{target}.yaml")
        for name, version in images.items():
            file.set_image(name, version)
        file.write()
        synthesize_in(work, target, overlay)
        git(work, "add", "--", f"environments/{target}.yaml", f"dist/{target}")
        if not git(work, "diff", "--cached", "--quiet", check=False).returncode:
            return None
        git(work, "commit", "--quiet", "-m", message)
        return git_out(work, "rev-parse", "HEAD")
    finally:
        git(repo, "worktree", "remove", "--force", str(work), check=False)
        shutil.rmtree(scratch, ignore_errors=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="source", required=True, metavar="ENV", help="the environment whose running images are promoted"
    )
    parser.add_argument("--to", dest="target", required=True, metavar="ENV", help="the environment that receives them")
    parser.add_argument("--commit", help="the source commit to promote (default: the source branch on the remote)")
    parser.add_argument("--pull-request", action="store_true", help="push promote/<target>-<commit> only, for review")
    parser.add_argument("--dry-run", action="store_true", help="print the verdict and the images, change nothing")
    parser.add_argument("--remote", default="origin", help="the git remote Argo CD reads (default: origin)")
    parser.add_argument("--kubeconfig", help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
    parser.add_argument("--context", help="kube context of the source environment's cluster (default: the current context)")
    parser.add_argument(
        "--overlay",
        type=Path,
        help="a YAML file merged over both environments (the end-to-end tier's: repository URL, a short soak)",
    )
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help=argparse.SUPPRESS)  # tests use a scratch repo


def run(args: argparse.Namespace) -> int:
    if args.source == args.target:
        raise OpsError("--from and --to name the same environment", EXIT_USAGE)
    source = load_environment(args.source, overlay=args.overlay)
    target = load_environment(args.target, overlay=args.overlay)
    repo, remote = args.repo, args.remote
    fetch(repo, remote, source.gitops.branch, target.gitops.branch)
    wanted = args.commit or f"{remote}/{source.gitops.branch}"
    commit = commit_of(repo, wanted)
    if commit is None:
        raise OpsError(f"{wanted}: no such commit (fetched {remote}/{source.gitops.branch})", EXIT_USAGE)
    short = commit[:12]
    print(f"promote {args.source}@{short} -> {args.target} (soak {source.gitops.promotion.soak})")

    source_objects = load_texts(files_at(repo, commit, args.source))
    images, refusals = gates(args, source, source_objects, commit)
    target_ref = f"{remote}/{target.gitops.branch}"
    target_tip = commit_of(repo, target_ref)
    # A promotion of this very commit is already there (run twice): compared below, not refused.
    repeated = target_tip is not None and commit_of(repo, f"{target_tip}^1") == commit
    if target_tip is not None and not repeated and not is_ancestor(repo, target_tip, commit):
        refusals.append(
            Refusal(
                EXIT_NOT_FORWARD,
                f"branch {target.gitops.branch}",
                f"{target_tip[:12]} is not in {args.source}@{short} (merge the last promote/ branch into main and release "
                f"from there); a promotion never force-pushes",
            )
        )
    for refusal in refusals:
        print(refusal.line())
    if refusals:
        return exit_status(refusals)
    for name, version in images.items():
        print(f"  {name}: {args.source} runs {version}")
    if args.dry_run:
        print(f"verdict: {args.source}@{short} may be promoted to {args.target} (--dry-run: nothing changed)")
        return EXIT_OK

    message = f"Promote {args.source}@{short} to {args.target}: " + ", ".join(f"{n} {v}" for n, v in images.items())
    # When the commit already names these images for the target, it is promoted as it is.
    promoted = make_promotion_commit(repo, commit, args.target, images, message, args.overlay) or commit
    tip = (target_tip or "")[:12]
    if promoted == target_tip or (repeated and _tree(repo, promoted) == _tree(repo, target_tip or "")):
        print(f"{target.gitops.branch} is already at {tip}, these images at {args.source}@{short}; nothing to do")
        return EXIT_OK
    if repeated:
        print(f"refused: branch {target.gitops.branch}: {tip} is another commit on top of {args.source}@{short}")
        return EXIT_NOT_FORWARD
    branch = _promote_branch(args.target, commit)
    git(repo, "push", "--quiet", remote, f"{promoted}:refs/heads/{branch}")
    if args.pull_request:
        print(f"pushed {branch} ({promoted[:12]}) for review: fast-forward {target.gitops.branch} to it, then merge it into main")
        return EXIT_OK
    pushed = git(repo, "push", "--quiet", remote, f"{promoted}:refs/heads/{target.gitops.branch}", check=False)
    if pushed.returncode != 0:  # the branch moved meanwhile: git refused the non-fast-forward
        print(f"refused: branch {target.gitops.branch}: the remote refused a fast-forward to {promoted[:12]}")
        return EXIT_NOT_FORWARD
    print(f"promoted: {target.gitops.branch} -> {promoted[:12]}; merge {branch} into main so the next promotion fast-forwards")
    return EXIT_OK
