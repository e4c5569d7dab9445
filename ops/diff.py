"""ops diff ENV [REF]: what a synth of ENV would change in dist/ENV, compared with a git ref.

The environment is synthesized in memory (nothing under dist/ is written) and compared object
by object with the files of dist/ENV at REF (default: the environment's branch, the revision
ArgoCD deploys). Objects are matched by API group, kind, namespace and name; a changed object
is shown field by field. Exit status 1 when anything would change, so CI can flag a pull request
that changes what an environment runs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from charts import names
from config.loader import load_environment
from manifests import load_texts
from ops.common import EXIT_ERROR, EXIT_FAILED, EXIT_OK, EXIT_USAGE, REPO_ROOT, OpsError
from ops.gitrepo import commit_of as _commit_of
from ops.gitrepo import git as _git

ABSENT = "(absent)"
APP_ORDER = (names.PLATFORM_APP, names.BACKEND_APP, names.FRONTEND_APP, names.ARGOCD_APP)
_PLAIN = re.compile(r"^[A-Za-z0-9_./:@=+-]+$")
_SIMPLE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

HELP = "show what a synth of ENV would change in dist/ENV against a git ref (default: ENV's branch)"
EPILOG = """\
Synthesizes ENV in memory from the working tree (environments/, charts/, ...) and compares
it, per application folder, with dist/ENV at REF: added, removed and changed objects, with
a field-level diff of each change (lists of named items are matched by name, shown as
containers[name=flask-app]). REF defaults to the environment's gitops.branch; when that
branch is not in the local clone, origin/<branch> is tried, then HEAD (and the output says so).

Exit status: 0 no change, 1 changes, 2 configuration error or unknown REF, 3 git failed.
"""


# --- git -----------------------------------------------------------------------------------------


def resolve_ref(repo: Path, ref: str | None, branch: str) -> tuple[str, str, list[str]]:
    """(ref shown, commit, notes). An explicit ref must exist; the default falls back."""
    _git(repo, "rev-parse", "--git-dir")  # a clear error when this is not a repository
    if ref is not None:
        commit = _commit_of(repo, ref)
        if commit is None:
            raise OpsError(f"git ref '{ref}' not found in {repo}", EXIT_USAGE)
        return ref, commit, []
    for candidate in (branch, f"origin/{branch}"):
        commit = _commit_of(repo, candidate)
        if commit is not None:
            notes = [] if candidate == branch else [f"branch '{branch}' not found locally; comparing with {candidate}"]
            return candidate, commit, notes
    commit = _commit_of(repo, "HEAD")
    if commit is None:
        raise OpsError(f"{repo}: neither branch '{branch}' nor HEAD has a commit", EXIT_USAGE)
    return "HEAD", commit, [f"branch '{branch}' not found locally (nor origin/{branch}); comparing with HEAD"]


def files_at(repo: Path, commit: str, env: str) -> dict[PurePosixPath, str]:
    """dist-relative path -> text of every file of dist/<env> at the commit."""
    prefix = _git(repo, "rev-parse", "--show-prefix").stdout.decode().strip()
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", f"{prefix}dist/{env}/").stdout
    blobs: list[tuple[str, PurePosixPath]] = []
    for entry in filter(None, listing.split(b"\0")):
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        if kind == "blob":
            path = PurePosixPath(raw_path.decode()).relative_to(f"{prefix}dist")
            blobs.append((sha, path))
    if not blobs:
        return {}
    # One `cat-file --batch` for all blobs instead of one `git show` per file.
    out = _git(repo, "cat-file", "--batch", stdin="".join(f"{sha}\n" for sha, _ in blobs).encode()).stdout
    files: dict[PurePosixPath, str] = {}
    offset = 0
    for sha, path in blobs:
        header_end = out.index(b"\n", offset)
        header = out[offset:header_end].decode().split()
        if len(header) != 3 or header[0] != sha:
            raise OpsError(f"git cat-file: unexpected answer for {path}", EXIT_ERROR)
        size = int(header[2])
        files[path] = out[header_end + 1 : header_end + 1 + size].decode("utf-8")
        offset = header_end + 1 + size + 1  # the content is followed by a newline
    return files


# --- comparing ---------------------------------------------------------------------------------


def _key_part(key: Any) -> str:
    key = str(key)
    return f".{key}" if _SIMPLE_KEY.match(key) else f"[{json.dumps(key)}]"


def _join(path: str, key: Any) -> str:
    part = _key_part(key)
    return (part[1:] if part.startswith(".") else part) if not path else path + part


def _value(value: Any) -> str:
    if isinstance(value, str) and _PLAIN.match(value):
        return value
    return json.dumps(value, sort_keys=False, separators=(", ", ": "))


def _named_items(items: list[Any]) -> dict[str, Any] | None:
    """Lists of mappings with unique `name` (containers, env, ports, volumes) by name."""
    if not items or not all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in items):
        return None
    by_name = {i["name"]: i for i in items}
    return by_name if len(by_name) == len(items) else None


def _keyed_diff(old: dict, new: dict, subpath) -> list[str]:
    """Field diff of two mappings (or of list items keyed by name), in old-then-new key order."""
    lines: list[str] = []
    for key in [*old, *(k for k in new if k not in old)]:
        sub = subpath(key)
        if key not in new:
            lines.append(f"{sub}: {_value(old[key])} -> {ABSENT}")
        elif key not in old:
            lines.append(f"{sub}: {ABSENT} -> {_value(new[key])}")
        else:
            lines.extend(field_diff(old[key], new[key], sub))
    return lines


def field_diff(old: Any, new: Any, path: str = "") -> list[str]:
    """Readable lines `path: old -> new` for every difference between two objects."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        return _keyed_diff(old, new, lambda key: _join(path, key))
    if isinstance(old, list) and isinstance(new, list):
        old_named, new_named = _named_items(old), _named_items(new)
        if old_named is not None and new_named is not None:
            lines = _keyed_diff(old_named, new_named, lambda name: f"{path}[name={name}]")
            if [i["name"] for i in old] != [i["name"] for i in new] and set(old_named) == set(new_named):
                lines.append(f"{path}: order {[i['name'] for i in old]} -> {[i['name'] for i in new]}")
            return lines
        lines = []
        for index in range(max(len(old), len(new))):
            sub = f"{path}[{index}]"
            if index >= len(new):
                lines.append(f"{sub}: {_value(old[index])} -> {ABSENT}")
            elif index >= len(old):
                lines.append(f"{sub}: {ABSENT} -> {_value(new[index])}")
            else:
                lines.extend(field_diff(old[index], new[index], sub))
        return lines
    if isinstance(old, str) and isinstance(new, str) and ("\n" in old or "\n" in new):
        body = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
        return [f"{path or '(value)'}: text changed", *(f"    {line}" for line in list(body)[2:])]
    return [f"{path or '(value)'}: {_value(old)} -> {_value(new)}"]


@dataclass
class ObjectChange:
    app: str
    change: str  # added, removed, changed, file
    what: str
    path: PurePosixPath
    fields: list[str] = field(default_factory=list)


@dataclass
class DiffReport:
    env: str
    ref: str
    commit: str
    notes: list[str]
    changes: list[ObjectChange]
    apps: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _app_sort_key(app: str) -> tuple[int, str]:
    return (APP_ORDER.index(app), "") if app in APP_ORDER else (len(APP_ORDER), app)


def compare(
    old_files: Mapping[PurePosixPath, str], new_files: Mapping[PurePosixPath, str]
) -> tuple[list[ObjectChange], list[str]]:
    old_objects = {(o.app, *o.key): o for o in load_texts(old_files)}
    new_objects = {(o.app, *o.key): o for o in load_texts(new_files)}
    changes: list[ObjectChange] = []
    touched: set[PurePosixPath] = set()
    for key in sorted(set(old_objects) | set(new_objects), key=lambda k: (_app_sort_key(k[0]), k[2], k[3], k[4])):
        old, new = old_objects.get(key), new_objects.get(key)
        if old is None and new is not None:
            changes.append(ObjectChange(new.app, "added", new.ref, new.path))
            touched.add(new.path)
        elif new is None and old is not None:
            changes.append(ObjectChange(old.app, "removed", old.ref, old.path))
            touched.add(old.path)
        elif old is not None and new is not None and old.body != new.body:
            changes.append(ObjectChange(new.app, "changed", new.ref, new.path, field_diff(old.body, new.body)))
            touched.update((old.path, new.path))
    # Text that differs while every object in it is equal (formatting, file moves): the
    # committed files would still change, so it counts.
    for path in sorted(set(old_files) | set(new_files)):
        if old_files.get(path) != new_files.get(path) and path not in touched:
            state = "only at ref" if path not in new_files else ("new file" if path not in old_files else "text differs")
            app = path.parts[1] if len(path.parts) > 2 else ""
            changes.append(ObjectChange(app, "file", f"{path} ({state}, objects equal)", path))
    apps = sorted({p.parts[1] for p in (*old_files, *new_files) if len(p.parts) > 2}, key=_app_sort_key)
    return changes, apps


def render_files(env_name: str) -> dict[PurePosixPath, str]:
    env = load_environment(env_name)
    from synthesis.build import render_environment  # after validation: loads cdk8s and jsii

    return {path: text for path, text in render_environment(env).items() if path.parts[0] == env.name}


def diff_environment(
    env_name: str,
    ref: str | None,
    *,
    repo: Path = REPO_ROOT,
    branch: str | None = None,
    rendered: Mapping[PurePosixPath, str] | None = None,
) -> DiffReport:
    if branch is None:
        branch = load_environment(env_name).gitops.branch
    shown, commit, notes = resolve_ref(repo, ref, branch)
    old_files = files_at(repo, commit, env_name)
    if not old_files:
        notes.append(f"dist/{env_name} does not exist at {shown}")
    new_files = dict(rendered) if rendered is not None else render_files(env_name)
    changes, apps = compare(old_files, new_files)
    return DiffReport(env_name, shown, commit, notes, changes, apps)


SYMBOL = {"added": "+", "removed": "-", "changed": "~", "file": "!"}


def format_report(report: DiffReport) -> str:
    out = [f"diff {report.env}: synth of the working tree vs dist/{report.env} at {report.ref} ({report.commit[:12]})"]
    out.extend(f"note: {note}" for note in report.notes)
    for app in report.apps:
        changes = [c for c in report.changes if c.app == app]
        if not changes:
            out.append(f"== {app}: no change")
            continue
        counts = {kind: sum(1 for c in changes if c.change == kind) for kind in SYMBOL}
        out.append(f"== {app}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items() if n))
        for change in changes:
            suffix = f"  ({change.path.name})" if change.change in {"added", "removed"} else ""
            out.append(f"  {SYMBOL[change.change]} {change.what}{suffix}")
            out.extend(f"      {line}" for line in change.fields)
    total = len(report.changes)
    out.append("no change" if not total else f"{total} change(s): dist/{report.env} would change")
    return "\n".join(out)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("env", metavar="ENV", help="environment name")
    parser.add_argument("ref", metavar="REF", nargs="?", help="git ref to compare with (default: the environment's branch)")
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help=argparse.SUPPRESS)  # tests use a scratch repo


def run(args: argparse.Namespace) -> int:
    report = diff_environment(args.env, args.ref, repo=args.repo)
    print(format_report(report))
    return EXIT_FAILED if report.changed else EXIT_OK
