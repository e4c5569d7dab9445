"""ops release ENV --image backend=TAG: the one command a release pipeline runs.

It edits environments/ENV.yaml in place (a round trip: comments and layout stay), synthesizes
dist/ENV with the checkout's own code, prints what changes object by object, and commits the
two together. The application repository's CI calls it after pushing an image.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from config.loader import ENVIRONMENTS_DIR, available_environments
from ops.common import EXIT_DIRTY, EXIT_OK, EXIT_USAGE, REPO_ROOT, OpsError, one_line
from ops.diff import DiffReport, compare, files_at
from ops.diff import format_report as format_diff
from ops.envfile import EnvironmentFile, ImageVersion, parse_image_argument
from ops.gitrepo import git, git_out, uncommitted
from synthesis.output import read_tree

HELP = "set ENV's release images (tag or digest), synthesize dist/ENV, show the per-object diff, commit"
EPILOG = """\
--image NAME=VALUE, NAME one of backend, frontend; VALUE a release tag (never latest),
TAG@sha256:<64 hex>, or @sha256:<64 hex> (keeps the tag, pins the digest). A tag alone removes
a digest the file had. environments/ENV.yaml keeps its comments, key order and layout.

Refused before anything changes: an unknown image, a malformed tag or digest, `latest`, and
uncommitted changes in dist/ or in environments/ENV.yaml. An edit the configuration model
rejects (a tag alone where images.require_digest is on) is undone and reported.

Exit status: 0 released (or already at these images), 2 bad argument or configuration,
3 git or the synth failed, 4 uncommitted changes in dist/ or the environment file.
"""


def synthesize_in(repo: Path, env: str, overlay: Path | None = None) -> None:
    """`main.py ENV` of that checkout (its code renders its dist/); a config error is exit 2."""
    command = [sys.executable, "-O", "main.py", env]
    if overlay is not None:
        command += ["--overlay", str(overlay.resolve())]
    proc = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        message = lines[-1].removeprefix("error: ") if lines else f"exit {proc.returncode}"
        raise OpsError(f"synth of {env} in {repo}: {one_line(message)}", EXIT_USAGE if proc.returncode == 2 else 3)


def dist_diff(repo: Path, env: str, base: str) -> DiffReport:
    """dist/ENV of the working tree against dist/ENV at `base`, object by object."""
    commit = git_out(repo, "rev-parse", base)
    old = files_at(repo, commit, env)
    new = {path: text for path, text in read_tree(repo / "dist").items() if path.parts[0] == env}
    changes, apps = compare(old, new)
    return DiffReport(env, base, commit, [], changes, apps)


def shown(version: ImageVersion) -> str:
    return str(version) or "(as in base.yaml)"


def commit_message(env: str, changes: dict[str, tuple[ImageVersion, ImageVersion]]) -> str:
    parts = [f"{name} {shown(old)} -> {shown(new)}" for name, (old, new) in changes.items()]
    return f"Release {env}: " + ", ".join(parts)


def require_clean(repo: Path, *paths: str) -> None:
    dirty = uncommitted(repo, *paths)
    if dirty:
        shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
        raise OpsError(f"{shown}: uncommitted changes; commit or stash them first", EXIT_DIRTY)


def release(
    repo: Path, env: str, images: dict[str, ImageVersion], *, commit: bool = True, overlay: Path | None = None
) -> tuple[dict[str, tuple[ImageVersion, ImageVersion]], DiffReport | None]:
    """Edit, synthesize, stage and (unless told otherwise) commit; returns what changed."""
    environments = repo / ENVIRONMENTS_DIR.relative_to(REPO_ROOT)
    if env not in available_environments(environments):
        raise OpsError(f"environments/{env}.yaml: no such environment", EXIT_USAGE)
    env_path = environments / f"{env}.yaml"
    relative = str(env_path.relative_to(repo))
    require_clean(repo, "dist", relative)
    file = EnvironmentFile(env_path)
    changes = {}
    for name, version in images.items():
        old = file.set_image(name, version)
        new = file.image(name)
        if new != old:
            changes[name] = (old, new)
    if not changes:
        return {}, None
    file.write()
    try:
        synthesize_in(repo, env, overlay)
    except OpsError:
        file.restore()
        raise
    report = dist_diff(repo, env, "HEAD")
    git(repo, "add", "--", relative, f"dist/{env}")
    if commit:
        git(repo, "commit", "--quiet", "-m", commit_message(env, changes))
    return changes, report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("env", metavar="ENV", help="environment name")
    parser.add_argument(
        "--image", action="append", required=True, metavar="NAME=TAG", help="backend=TAG or frontend=TAG (repeatable)"
    )
    parser.add_argument("--no-commit", action="store_true", help="leave the change staged instead of committing it")
    parser.add_argument("--overlay", type=Path, help="a YAML file merged over the environment (the end-to-end tier's)")
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help=argparse.SUPPRESS)  # tests use a scratch repo


def run(args: argparse.Namespace) -> int:
    images: dict[str, ImageVersion] = {}
    for text in args.image:
        name, version = parse_image_argument(text)
        if name in images:
            raise OpsError(f"--image {text!r}: {name} given twice", EXIT_USAGE)
        images[name] = version
    changes, report = release(args.repo, args.env, images, commit=not args.no_commit, overlay=args.overlay)
    if not changes:
        print(f"release {args.env}: already at {', '.join(f'{n} {v}' for n, v in images.items())}; nothing to do")
        return EXIT_OK
    for name, (old, new) in changes.items():
        print(f"release {args.env}: {name} {shown(old)} -> {shown(new)}")
    if report is not None:
        print(format_diff(report))
    print(
        "staged, not committed (--no-commit)"
        if args.no_commit
        else f"committed {git_out(args.repo, 'rev-parse', '--short=12', 'HEAD')}"
    )
    return EXIT_OK
