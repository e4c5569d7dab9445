"""dist/ is replaced atomically: after an interruption at any point it is fully old or fully new."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath

import pytest

from config.loader import ENVIRONMENTS_DIR, REPO_ROOT
from synthesis import output

OLD = {PurePosixPath("staging/backend/a.yaml"): "old a\n", PurePosixPath("staging/backend/b.yaml"): "old b\n"}
NEW = {PurePosixPath("staging/backend/a.yaml"): "new a\n", PurePosixPath("prod/frontend/c.yaml"): "new c\n"}


def _tree(root: Path) -> dict[PurePosixPath, str]:
    return output.read_tree(root)


class Interrupted(BaseException):
    """Stands in for a kill signal arriving at a chosen point."""


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    target = tmp_path / "dist"
    output.replace_directory(target, OLD)
    return target


def test_replace_writes_exactly_the_new_files(dist: Path):
    output.replace_directory(dist, NEW)
    assert _tree(dist) == NEW  # b.yaml is gone: deleted files count too
    assert sorted(p.name for p in dist.parent.iterdir()) == ["dist"]  # no staging left behind


@pytest.mark.parametrize("after_files", [0, 1])
def test_interrupted_while_rendering_leaves_old_tree(dist: Path, monkeypatch, after_files: int):
    real_write = Path.write_bytes
    calls = {"n": 0}

    def flaky_write(self, *args, **kwargs):
        if calls["n"] == after_files:
            raise Interrupted()
        calls["n"] += 1
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_bytes", flaky_write)
    with pytest.raises(Interrupted):
        output.replace_directory(dist, NEW)
    monkeypatch.undo()
    assert _tree(dist) == OLD


def test_unchanged_files_are_linked_from_the_old_tree_changed_ones_written(dist: Path):
    old_inodes = {relative: (dist / relative).stat().st_ino for relative in OLD}
    summary = output.replace_directory(dist, {**NEW, PurePosixPath("staging/backend/b.yaml"): "old b\n"})
    assert summary == output.WriteSummary(written=2, reused=1)
    b, a = dist / "staging/backend/b.yaml", dist / "staging/backend/a.yaml"
    assert b.stat().st_ino == old_inodes[PurePosixPath("staging/backend/b.yaml")]
    assert b.stat().st_nlink == 1  # the old tree's name is gone with the old tree
    assert a.stat().st_ino != old_inodes[PurePosixPath("staging/backend/a.yaml")]
    assert a.read_text() == "new a\n"


def test_interrupted_run_leaves_the_linked_old_tree_intact(dist: Path, monkeypatch):
    unchanged = {**OLD, PurePosixPath("prod/frontend/c.yaml"): "new c\n"}

    def crash_before_swap(a, b):
        raise Interrupted()

    monkeypatch.setattr(output, "_exchange", crash_before_swap)
    with pytest.raises(Interrupted):
        output.replace_directory(dist, unchanged)
    monkeypatch.undo()
    assert _tree(dist) == OLD
    assert all((dist / relative).stat().st_nlink == 1 for relative in OLD)  # staging links removed


def test_files_that_cannot_be_linked_are_written(dist: Path, monkeypatch):
    def no_links(source, target):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(output.os, "link", no_links)
    summary = output.replace_directory(dist, OLD)
    assert summary == output.WriteSummary(written=2, reused=0)
    assert _tree(dist) == OLD


def test_only_plain_files_with_the_usual_mode_are_reused(dist: Path, tmp_path: Path):
    executable = dist / "staging/backend/a.yaml"
    executable.chmod(0o755)
    outside = tmp_path / "outside.yaml"
    outside.write_text("old b\n")
    (dist / "staging/backend/b.yaml").unlink()
    (dist / "staging/backend/b.yaml").symlink_to(outside)
    summary = output.replace_directory(dist, OLD)
    assert summary == output.WriteSummary(written=2, reused=0)
    assert not (dist / "staging/backend/b.yaml").is_symlink()
    assert (dist / "staging/backend/a.yaml").stat().st_mode & 0o111 == 0


def test_interrupted_after_swap_leaves_new_tree(dist: Path, monkeypatch):
    def crash_on_cleanup(path, *args, **kwargs):
        raise Interrupted()

    monkeypatch.setattr(output.shutil, "rmtree", crash_on_cleanup)
    with pytest.raises(Interrupted):
        output.replace_directory(dist, NEW)
    monkeypatch.undo()
    assert _tree(dist) == NEW
    output.replace_directory(dist, NEW)  # the next run cleans the leftover old tree
    assert sorted(p.name for p in dist.parent.iterdir()) == ["dist"]


def test_fallback_crash_between_renames_is_recovered(dist: Path, monkeypatch):
    """Without renameat2, a crash between the two renames leaves no dist/; the next run restores it."""
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    real_rename = Path.rename

    def crash_on_second_rename(self, target):
        if self.name.startswith(".synth-"):
            raise Interrupted()
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", crash_on_second_rename)
    with pytest.raises(Interrupted):
        output.replace_directory(dist, NEW)
    monkeypatch.undo()
    assert not dist.exists()
    output.recover(dist)
    assert _tree(dist) == OLD


def test_renameat2_swap_is_used_on_linux(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "f").write_text("a"), (b / "f").write_text("b")
    if not output._exchange(a, b):
        pytest.skip("renameat2 not supported on this filesystem")
    assert (a / "f").read_text() == "b" and (b / "f").read_text() == "a"


@pytest.mark.slow
def test_killed_synth_process_leaves_dist_old_or_new(tmp_path: Path):
    """SIGKILL the real synth at several moments; dist/ always equals one complete synth."""
    environments = tmp_path / "environments"
    environments.mkdir()
    for path in ENVIRONMENTS_DIR.glob("*"):
        (environments / path.name).write_text(path.read_text())
    dist = tmp_path / "dist"
    # As `make synth` runs it.
    command = [sys.executable, "-O", "main.py", "--environments-dir", str(environments), "--dist", str(dist)]
    subprocess.run(command, cwd=REPO_ROOT, check=True, capture_output=True, timeout=300)
    old = _tree(dist)
    staging = environments / "staging.yaml"
    staging.write_text(staging.read_text().replace("tag: stage-1", "tag: stage-2"))
    # The synth of the new output, timed: the kills below land at fractions of its duration.
    start = time.monotonic()
    subprocess.run(
        [*command[:3], "--environments-dir", str(environments), "--dist", str(tmp_path / "want")],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    duration = time.monotonic() - start
    new = _tree(tmp_path / "want")
    assert old != new

    outcomes = set()
    for fraction in (0.2, 0.5, 0.8, 0.95, 1.05):
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        output.recover(dist)
        state = _tree(dist)
        assert state in (old, new), f"dist/ is a mix after a kill at {fraction:.0%} of a synth"
        outcomes.add("new" if state == new else "old")
        output.replace_directory(dist, old)
    assert "old" in outcomes  # at least one kill landed before the swap
