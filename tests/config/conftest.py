"""The config tests' workspace: a private copy of environments/ and a dist/ with known content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from config.loader import ENVIRONMENTS_DIR


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of environments/ and a dist/ with known content."""
    environments = tmp_path / "environments"
    shutil.copytree(ENVIRONMENTS_DIR, environments)
    dist = tmp_path / "dist"
    (dist / "staging" / "backend").mkdir(parents=True)
    (dist / "staging" / "backend" / "marker.yaml").write_text("previous: output\n")
    return environments, dist
