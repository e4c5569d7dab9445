"""Folders of pinned upstream files (crds/, openapi/) and the SOURCES.md table that records them.

Each folder's SOURCES.md has one table row per file, ending in the file's SHA-256; a row's
shape differs per folder (a git commit for CRDs, a module sum for OpenAPI documents), so the
caller passes the pattern of its rows.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path


def recorded(folder: Path, row: re.Pattern[str]) -> dict[str, dict[str, str]]:
    """file name -> its row in the folder's SOURCES.md"""
    rows = {}
    for line in (folder / "SOURCES.md").read_text().splitlines():
        match = row.match(line)
        if match:
            rows[match["file"]] = match.groupdict()
    return rows


def mismatches(folder: Path, row: re.Pattern[str], pattern: str) -> list[str]:
    """Every way the folder's files matching `pattern` disagree with its SOURCES.md."""
    rows = recorded(folder, row)
    files = {p.name for p in folder.glob(pattern)}
    problems = [f"{name}: no row in SOURCES.md" for name in sorted(files - rows.keys())]
    problems += [f"{name}: listed in SOURCES.md but missing" for name in sorted(rows.keys() - files)]
    for name in sorted(files & rows.keys()):
        actual = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        if actual != rows[name]["sha256"]:
            problems.append(f"{name}: sha256 {actual} differs from the recorded {rows[name]['sha256']}")
    return problems
