"""Where the repository, its synthesized output and its pinned CRDs are.

Resolved from this file, never from the current directory, so every command finds dist/ from
wherever it is started.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DIST = REPO_ROOT / "dist"
CRDS = REPO_ROOT / "crds"  # the pinned upstream CRDs (crds/SOURCES.md)


def environments(dist: Path = DIST) -> list[Path]:
    """Every directory directly under dist/ is one environment."""
    if not dist.is_dir():
        return []
    return sorted(p for p in dist.iterdir() if p.is_dir() and not p.name.startswith("."))
