"""python -m ops.pr_effect [--output FILE]: what a pull request changes in each environment, as Markdown.

For every environment, `ops diff` of the working tree against the environment's branch (the
revision Argo CD deploys): objects added, removed and changed, each change field by field. CI
writes it to the job summary of the pull request and keeps it as an artifact, so a reviewer
reads "staging: the API image, 2 -> 3 replicas" rather than a diff of dist/ YAML files.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from config.errors import ConfigError
from manifests import environments
from ops.common import EXIT_OK, EXIT_USAGE, REPO_ROOT, OpsError
from ops.diff import SYMBOL, DiffReport, diff_environment

FIELD_LINES_SHOWN = 40  # per object; a bigger change is summarised, the artifact is the same text


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def environment_section(report: DiffReport) -> list[str]:
    lines = [f"### {report.env}", ""]
    lines.append(f"Against `dist/{report.env}` at `{report.ref}` ({report.commit[:12]}).")
    lines.extend(f"> {note}" for note in report.notes)
    if not report.changed:
        return [*lines, "", "No change to what this environment runs.", ""]
    lines += ["", "| application | added | removed | changed |", "|---|---|---|---|"]
    for app in report.apps:
        changes = [c for c in report.changes if c.app == app]
        counts = [sum(1 for c in changes if c.change == kind) for kind in ("added", "removed", "changed")]
        if any(counts) or changes:
            lines.append(f"| {app} | {counts[0]} | {counts[1]} | {counts[2]} |")
    lines.append("")
    for change in report.changes:
        lines.append(f"- {SYMBOL[change.change]} {change.change} {_code(change.what)}")
        shown = change.fields[:FIELD_LINES_SHOWN]
        lines.extend(f"  - {_code(field.strip())}" for field in shown if field.strip())
        if len(change.fields) > FIELD_LINES_SHOWN:
            lines.append(f"  - ... and {len(change.fields) - FIELD_LINES_SHOWN} more lines")
    return [*lines, ""]


def render(reports: Sequence[DiffReport]) -> str:
    changed = [r.env for r in reports if r.changed]
    head = "changes " + ", ".join(changed) if changed else "changes no environment"
    lines = ["## What this pull request changes per environment", "", f"This pull request {head}.", ""]
    for report in reports:
        lines += environment_section(report)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.pr_effect", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="write the Markdown here (default: standard output)")
    parser.add_argument("--repo", type=Path, default=REPO_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        reports = [diff_environment(env.name, None, repo=args.repo) for env in environments()]
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OpsError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    text = render(reports)
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(text + "\n")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
