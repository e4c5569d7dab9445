"""Replace dist/ as a whole, atomically: after any crash it is either fully old or fully new.

Everything is rendered into a sibling temporary directory first (same filesystem). On Linux the
two directories are then swapped with renameat2(RENAME_EXCHANGE), a single atomic step, and the
old tree is deleted afterwards. Where that call does not exist (e.g. macOS), the fallback is two
renames, and a leftover `.dist-old-*` from a crash between them is restored on the next run.

A file whose bytes did not change is hard-linked from the current tree into the new one instead
of being written again. Files under dist/ are only ever replaced, never edited in place, so the
two names never disagree, and deleting the old tree then frees nothing that is still in use.
Creating a file costs far more than linking one on some filesystems (ext4 without a journal
scans recently deleted inodes on every create), which made writing the files the slowest part
of a re-synth of thousands of objects (bench/README.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_STAGING_PREFIX = ".synth-"
_OLD_PREFIX = ".dist-old-"


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when the platform cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result != 0:
        errno = ctypes.get_errno()
        if errno in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: filesystem or kernel lacks it
            return False
        raise OSError(errno, os.strerror(errno), str(a))
    return True


def recover(target: Path) -> None:
    """Undo the effect of a crash during a fallback swap, and remove stale staging folders."""
    parent = target.parent
    olds = sorted(parent.glob(f"{_OLD_PREFIX}*"))
    if not target.exists() and olds:
        olds[-1].rename(target)
        olds = olds[:-1]
    for leftover in [*olds, *parent.glob(f"{_STAGING_PREFIX}*")]:
        shutil.rmtree(leftover, ignore_errors=True)


@dataclass(frozen=True)
class WriteSummary:
    written: int
    """Files whose bytes were new or changed."""
    reused: int
    """Unchanged files hard-linked from the previous tree."""

    @property
    def files(self) -> int:
        return self.written + self.reused


def _new_file_mode() -> int:
    """The permission bits a newly written file gets (0o666 minus the umask)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _link_if_unchanged(previous: Path, path: Path, data: bytes, mode: int) -> bool:
    """Hard-link `previous` to `path` when it is a plain file holding exactly `data`."""
    try:
        status = os.lstat(previous)
    except OSError:
        return False
    if not stat.S_ISREG(status.st_mode) or status.st_size != len(data) or stat.S_IMODE(status.st_mode) != mode:
        return False
    try:
        with open(previous, "rb") as handle:
            if handle.read() != data:
                return False
        os.link(previous, path)
    except OSError:  # no hard links here (some network or FUSE filesystems): write instead
        return False
    return True


def write_tree(root: Path, files: Mapping[PurePosixPath, str], previous: Path | None = None) -> WriteSummary:
    """Write `files` under `root` (UTF-8, "\n" line ends on every platform), reusing
    unchanged files of the tree at `previous`."""
    mode = _new_file_mode()
    made: set[Path] = set()
    reused = 0
    for relative, text in sorted(files.items()):
        path = root / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        data = text.encode("utf-8")
        if previous is not None and _link_if_unchanged(previous / relative, path, data, mode):
            reused += 1
            continue
        path.write_bytes(data)
    return WriteSummary(written=len(files) - reused, reused=reused)


class StagedTree:
    """A new tree for `target`, written in parts, that replaces `target` only on `commit()`.

        with StagedTree(dist) as tree:
            tree.write(files_of_one_environment)
            tree.write(files_of_another)
            summary = tree.commit()

    Leaving the block without committing (an error anywhere) deletes the staging folder and
    leaves `target` as it was. Another process may write parts with `write_tree(tree.staging,
    files, previous=tree.previous)` and hand back the summary to `record`.
    """

    def __init__(self, target: Path) -> None:
        self.target = target.resolve()
        self._staging: Path | None = None
        self._previous: Path | None = None
        self._written = self._reused = 0

    def __enter__(self) -> StagedTree:
        recover(self.target)
        self._staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=self.target.parent))
        self._previous = self.target if self.target.is_dir() else None
        return self

    @property
    def staging(self) -> Path:
        """The folder the new tree is written into (for writers in another process)."""
        if self._staging is None:
            raise RuntimeError("StagedTree used outside its `with` block, or after commit")
        return self._staging

    @property
    def previous(self) -> Path | None:
        """The tree being replaced, whose unchanged files are linked instead of written."""
        return self._previous

    def write(self, files: Mapping[PurePosixPath, str]) -> None:
        self.record(write_tree(self.staging, files, previous=self._previous))

    def record(self, part: WriteSummary) -> None:
        """Count files that another process wrote into `staging` with `write_tree`."""
        self._written += part.written
        self._reused += part.reused

    def commit(self) -> WriteSummary:
        """Swap the staged tree into place atomically; the old tree is deleted."""
        staging, target = self._staging, self.target
        if staging is None:
            raise RuntimeError("StagedTree.commit outside its `with` block, or twice")
        os.chmod(staging, 0o755)
        if not target.exists():
            staging.rename(target)
        elif _exchange(staging, target):
            shutil.rmtree(staging)  # now holds the old tree (deleted on exit if this fails)
        else:
            old = target.with_name(f"{_OLD_PREFIX}{os.getpid()}")
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old)
        self._staging = None
        return WriteSummary(written=self._written, reused=self._reused)

    def __exit__(self, *exc_info: object) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None


def replace_directory(target: Path, files: Mapping[PurePosixPath, str]) -> WriteSummary:
    """Make `target` contain exactly `files` (relative path -> text), atomically."""
    with StagedTree(target) as tree:
        tree.write(files)
        return tree.commit()


def read_tree(root: Path, *, exclude: list[str] = ()) -> dict[PurePosixPath, str]:
    """The files under `root` (relative path -> text), skipping top-level folders in `exclude`."""
    if not root.exists():
        return {}
    files = {}
    for path in sorted(root.rglob("*")):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_file() and relative.parts[0] not in exclude:
            files[relative] = path.read_text(encoding="utf-8")
    return files
