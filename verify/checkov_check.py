"""Hardening: checkov's Kubernetes checks over one environment, fully offline.

checkov runs from its own venv (.venv-checkov): its pins conflict with the project's. A skip
is only a `checkov.io/skipN: CHECK_ID=reason` annotation written by the construct that needs
it; `skip_annotations` lists them so a test can pin the list. Files checked before (the same
bytes under the same names, the same checkov install) get their earlier report
(verify/kept_results.py).
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from manifests import REPO_ROOT, Manifest, is_workload
from verify.findings import Finding
from verify.kept_results import KeptResults, venv_of, venv_packages

CHECKOV = Path(os.environ.get("VERIFY_CHECKOV", REPO_ROOT / ".venv-checkov" / "bin" / "checkov"))

# Without these checkov looks for a newer release and for the platform's check-id mapping.
OFFLINE_ENV = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}

SKIP_PREFIX = "checkov.io/skip"


@dataclass
class CheckovReport:
    findings: list[Finding] = field(default_factory=list)
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    resources: int = 0
    version: str = ""


def run(env_dir: Path, manifests: list[Manifest], checkov: Path = CHECKOV) -> CheckovReport:
    options = ["--framework", "kubernetes", "-o", "json", "--skip-download"]
    cmd = [str(checkov), "-d", str(env_dir), *options]
    # The same files under the same names, checked by the same checkov install: its earlier
    # report. The folder itself is not part of it: the report names files relative to it.
    kept = KeptResults("checkov", [options, OFFLINE_ENV, venv_packages(venv_of(checkov))])
    files = sorted(p for p in env_dir.rglob("*") if p.is_file())
    key = kept.key((p.relative_to(env_dir).as_posix(), p) for p in files)

    def report() -> Any:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env={**os.environ, **OFFLINE_ENV})
        # checkov exits 1 when a check fails; anything else without JSON is a crash.
        try:
            return json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise RuntimeError(f"checkov exit {proc.returncode}: {proc.stderr[-2000:]}") from None

    return parse(kept.result(key, report), manifests)


def parse(data: Any, manifests: list[Manifest]) -> CheckovReport:
    report = CheckovReport()
    blocks = data if isinstance(data, list) else [data]
    seen: set[str] = set()
    for block in blocks:
        if block.get("check_type") != "kubernetes":
            continue
        summary, results = block["summary"], block["results"]
        report.passed += summary["passed"]
        report.failed += summary["failed"]
        report.skipped += summary["skipped"]
        report.resources += summary.get("resource_count", 0)
        report.version = summary.get("checkov_version", "")
        for error in results.get("parsing_errors", []):
            report.findings.append(Finding("checkov", "parsing-error", str(error), "not parsed"))
        for outcome in ("passed_checks", "failed_checks", "skipped_checks"):
            for result in results.get(outcome, []):
                seen.add(result["resource"])
        for result in results.get("failed_checks", []):
            report.findings.append(
                Finding(
                    "checkov",
                    result["check_id"],
                    result["resource"],
                    f"{result['check_name']} ({result.get('file_path', '')})",
                )
            )
    for m in manifests:
        template = (m.body.get("spec") or {}).get("template") or {}
        template_annotations = (template.get("metadata") or {}).get("annotations") or {}
        if any(key.startswith(SKIP_PREFIX) for key in template_annotations):
            report.findings.append(
                Finding(
                    "checkov",
                    "misplaced-skip",
                    m.ref,
                    "checkov reads skips from the object's own metadata, not from its pod template",
                )
            )
        # checkov drops files it cannot parse with a log line, not a failure: a workload it
        # reports nothing for was skipped.
        if is_workload(m) and resource_id(m) not in seen:
            report.findings.append(Finding("checkov", "not-scanned", m.ref, f"checkov reported no check for it ({m.path.name})"))
    return report


def resource_id(m: Manifest) -> str:
    """checkov's name for an object: Kind.namespace.name."""
    return f"{m.kind}.{m.namespace or 'default'}.{m.name}"


@dataclass(frozen=True, order=True)
class Skip:
    check: str
    obj: str
    reason: str


def skip_annotations(manifests: list[Manifest]) -> list[Skip]:
    """Every checkov skip annotation, wherever checkov would read it (object metadata)."""
    skips = []
    for m in manifests:
        annotations = m.metadata.get("annotations") or {}
        for key, value in sorted(annotations.items()):
            if not key.startswith(SKIP_PREFIX):
                continue
            check, _, reason = str(value).partition("=")
            skips.append(Skip(check.strip(), m.ref, reason.strip()))
    return sorted(skips)


PINNED_SKIPS = Path(__file__).resolve().parent / "checkov_skips.yaml"


def pinned_skips(path: Path = PINNED_SKIPS) -> list[Skip]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return sorted(Skip(s["check"], s["object"], s["reason"]) for s in data.get("skips") or [])


def skip_problems(found: list[Skip], pinned: list[Skip]) -> list[str]:
    """Differences between the skips dist/ carries and the reviewed list, and bad reasons."""
    problems = [f"not in {PINNED_SKIPS.name}: {s}" for s in sorted(set(found) - set(pinned))]
    problems += [f"pinned but gone from dist/: {s}" for s in sorted(set(pinned) - set(found))]
    for skip in found:
        if not skip.reason:
            problems.append(f"no reason written: {skip}")
        if "=" in skip.reason:
            # checkov splits the annotation value on every "=" and fails on a second one.
            problems.append(f"reason contains '=': {skip}")
    return problems
