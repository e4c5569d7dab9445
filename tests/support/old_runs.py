"""Old pytest runs' temporary folders, deleted in the background.

When a session ends, pytest deletes the numbered folders (`pytest-N`) of the runs older than the
last `tmp_path_retention_count`, in the controller, after every test has finished. A run of
`make test` leaves about 85 000 files (the scratch repositories of the ops and pre-commit tests),
which take about 7 s to delete: time added to every run's end. Here they are moved out of the
way (a rename) and deleted by a process of their own that outlives the run.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

PREFIX = "pytest-"


def run_number(path: Path) -> int | None:
    number = path.name.removeprefix(PREFIX)
    return int(number) if path.name.startswith(PREFIX) and number.isdigit() else None


def set_aside(basetemp: Path, keep: int) -> list[Path]:
    """Move the runs pytest would delete beside `basetemp` (all but the last `keep`, and never
    one a running session holds: its `.lock`) into one folder, start its deletion, and return
    the folders moved."""
    current = run_number(basetemp)
    if current is None:  # a --basetemp of the user's: pytest numbers nothing
        return []
    old = [
        path
        for path in basetemp.parent.iterdir()
        if (number := run_number(path)) is not None and number <= current - keep and not (path / ".lock").exists()
    ]
    if not old:
        return []
    trash = Path(tempfile.mkdtemp(prefix="old-runs-", dir=basetemp.parent))
    for path in old:
        path.rename(trash / path.name)
    subprocess.Popen(
        ["rm", "-rf", str(trash)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return old
