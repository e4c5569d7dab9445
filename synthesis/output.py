"""Replace dist/ as a whole, atomically: after any crash it is either fully old or fully new.

Everything is rendered into a sibling temporary directory first (same filesystem). On Linux the
two directories are then swapped with renameat2(RENAME_EXCHANGE), a single atomic step, and the
old tree is deleted afterwards. Where that call does not exist (e.g. macOS), the fallback is two
renames, and a leftover `.dist-old-*` from a crash between them is restored on the next run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Mapping
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


def write_tree(root: Path, files: Mapping[PurePosixPath, str]) -> None:
    for relative, text in sorted(files.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def replace_directory(target: Path, files: Mapping[PurePosixPath, str]) -> None:
    """Make `target` contain exactly `files` (relative path -> text), atomically."""
    target = target.resolve()
    recover(target)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=target.parent))
    try:
        write_tree(staging, files)
        os.chmod(staging, 0o755)
        if not target.exists():
            staging.rename(target)
            return
        if _exchange(staging, target):
            shutil.rmtree(staging)  # now holds the old tree
            return
        old = target.with_name(f"{_OLD_PREFIX}{os.getpid()}")
        target.rename(old)
        staging.rename(target)
        shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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
