"""Old runs' temporary folders leave the way at once and are deleted in the background
(tests/support/old_runs.py), as pytest would delete them: all but the last few, never one in use."""

from __future__ import annotations

import time
from pathlib import Path

from tests.support.old_runs import set_aside


def run(root: Path, number: int, locked: bool = False) -> Path:
    folder = root / f"pytest-{number}"
    (folder / "popen-gw0" / "scratch").mkdir(parents=True)
    (folder / "popen-gw0" / "scratch" / "file").write_text("x")
    if locked:
        (folder / ".lock").write_text("")
    return folder


def test_all_but_the_last_runs_are_moved_away_and_deleted(tmp_path: Path) -> None:
    runs = [run(tmp_path, number, locked=number == 2) for number in range(1, 7)]
    moved = set_aside(runs[-1], keep=3)
    assert sorted(moved) == [runs[0], runs[2]]  # pytest-2 is held by a running session
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("pytest-")) == [
        "pytest-2",
        "pytest-4",
        "pytest-5",
        "pytest-6",
    ]
    deadline = time.monotonic() + 30
    while any(p.name.startswith("old-runs-") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline, "the old runs were not deleted"
        time.sleep(0.05)


def test_nothing_moves_under_a_basetemp_of_the_user_or_with_nothing_old(tmp_path: Path) -> None:
    given = tmp_path / "mine"
    given.mkdir()
    run(tmp_path, 1)
    assert set_aside(given, keep=3) == []
    assert set_aside(run(tmp_path, 2), keep=3) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "pytest-1", "pytest-2"]
