"""Secrets: detect-secrets over dist/ and over every file of the repository.

No baseline: the scan must find nothing. The only lines left out are the Kubernetes fields
whose value is the *name* of a Secret or of a key in it (secretName, secretKey, url_secret_key):
detect-secrets' keyword rule reads `secretName: flask-app-db` as a password. A Secret object
with values is caught separately by crossrefs (rule secret-value). A file unchanged since an
earlier scan is not scanned again (verify/kept_results.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path, PurePosixPath

from manifests import REPO_ROOT
from verify.findings import Finding
from verify.kept_results import KeptResults

# A line is left out only if its key is one of these reference fields and its value has the
# shape of a name. Each pattern is as narrow as the field allows, because an excluded line
# is excluded from every detector: object names are lowercase DNS names; a Secret key name
# must hold a lowercase letter or a separator, so an all-caps token such as an access key
# id is still scanned. A `checksum/<name>` annotation holds the SHA-256 of rendered,
# non-secret config so pods roll when it changes; the hex-entropy rule cannot tell a digest
# from a key. The same lines also appear as Python literals in the snapshot files of
# construct tests ('secretName': 'x',), hence the optional quotes and comma.
_Q = r"[\"']?"
REFERENCE_LINES = tuple(
    rf"^\s*(-\s+)?{_Q}{key}{_Q}:\s+{_Q}{value}{_Q},?\s*$"
    for key, value in (
        ("secretName", r"[a-z0-9][-a-z0-9.]*"),
        ("secretKey", r"[-._a-zA-Z0-9]*[-._a-z][-._a-zA-Z0-9]*"),
        # gitops.notifications.webhook: the key of argocd-notifications-secret holding the URL.
        ("url_secret_key", r"[-_a-zA-Z0-9]*[-_a-z][-_a-zA-Z0-9]*"),
        (r"checksum/[-a-z0-9.]+", r"[0-9a-f]{64}"),
    )
)

# The pinned upstream documents, exactly the files whose SHA-256 a test checks against
# crds/SOURCES.md, openapi/SOURCES.md and database/ca/SOURCES.md, and the bindings `cdk8s import`
# generates from them: upstream API documentation, where the keyword rule fires on field names
# such as passwordSecretRef and a PEM template in a field description reads as a key (and
# scanning the 400 KiB OpenAPI document alone took a fifth of the scan); the CA bundles of
# external databases are certificates only. Their SOURCES.md files are scanned.
GENERATED = ("imports/",)
PINNED_UPSTREAM = ("crds/*.yaml", "openapi/*.json", "database/ca/*.pem")


def scan(paths: list[Path]) -> list[Finding]:
    files = sorted(p.resolve() for p in paths if p.is_file())
    cache = kept_scans()
    keys = {f: cache.key([(str(f), f)]) for f in files}
    found = {f: _kept(cache.get(key)) for f, key in keys.items()}
    unscanned = [f for f, findings in found.items() if findings is None]
    if unscanned:
        # detect-secrets scans one file after another on one core: the files go to one process
        # per core, interleaved so that each gets a share of the big ones.
        processes = min(len(unscanned), os.cpu_count() or 1)
        chunks = [unscanned[i::processes] for i in range(processes)]
        with ThreadPoolExecutor(len(chunks)) as pool:
            for scanned in pool.map(_scan_chunk, chunks):
                found.update(scanned)
        for f in unscanned:
            cache.put(keys[f], found[f])
    return sorted(
        Finding("secrets", kind, f"{f}:{line}", "possible secret (value not shown)") for f in files for kind, line in found[f]
    )


# (detector type, line number) of each possible secret in one file.
FileFindings = list[tuple[str, int]]


def kept_scans() -> KeptResults:
    """Earlier scans, one entry per file: its findings under the same detect-secrets and
    excluded lines. The absolute path is part of the key (detect-secrets' filters read names)."""
    return KeptResults("secrets", [version("detect-secrets"), REFERENCE_LINES])


def _kept(entry: object) -> FileFindings | None:
    try:
        return [(str(kind), int(line)) for kind, line in entry]  # type: ignore[union-attr]
    except (TypeError, ValueError):  # none, or not what scan() keeps
        return None


def _scan_chunk(files: list[Path]) -> dict[Path, FileFindings]:
    """What detect-secrets reports in each of `files` (none for most)."""
    # detect-secrets drops files outside its working directory, so it runs from the
    # deepest directory that holds them all, on relative paths.
    root = Path(os.path.commonpath([f.parent for f in files]))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "detect_secrets",
            "scan",
            *(arg for pattern in REFERENCE_LINES for arg in ("--exclude-lines", pattern)),
            *(str(f.relative_to(root)) for f in files),
        ],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"detect-secrets failed ({proc.returncode}): {proc.stderr[-2000:]}")
    found: dict[Path, FileFindings] = {f: [] for f in files}
    for name, secrets in json.loads(proc.stdout)["results"].items():
        found[root / name] = [(secret["type"], secret["line_number"]) for secret in secrets]
    return found


def repo_files(root: Path = REPO_ROOT) -> list[Path]:
    """Every file git would commit (tracked, plus untracked ones not ignored), less the
    generated bindings and the pinned upstream documents."""
    proc = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    return sorted(
        root / name
        for name in proc.stdout.split("\0")
        if name and not name.startswith(GENERATED) and not any(PurePosixPath(name).match(p) for p in PINNED_UPSTREAM)
    )
