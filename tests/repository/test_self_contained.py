"""Nothing the product runs, tests or documents may point outside the repository.

A user's clone is all there is: a path such as ../shared/crds works on the machine that
wrote it and nowhere else.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from config.loader import REPO_ROOT

# Upstream files kept byte-identical, and what is generated from them or from the product.
EXEMPT = ("crds/", "imports/", "dist/", "package-lock.json", "requirements/")
# A relative path that climbs: resolved against the file's folder it must stay inside the repo.
CLIMBING = re.compile(r"(?<![\w.])((?:\.\./)+)([\w.-]*)")
# Ways code reaches past the root without writing ../ literally.
ESCAPES = re.compile(r"REPO_ROOT\.parent\b|\.parent\s*/\s*[\"']shared[\"']|(?<![\w.])/work/|\bshared/crds\b")


def tracked_text_files(root: Path) -> list[Path]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    files = []
    for name in names.decode().split("\0"):
        if not name or name.startswith(EXEMPT):
            continue
        path = root / name
        if path.is_file() and b"\0" not in path.read_bytes()[:4096]:
            files.append(path)
    return files


def outside_references(path: Path, root: Path) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        for match in CLIMBING.finditer(line):
            target = (path.parent / (match.group(1) + match.group(2))).resolve()
            if not target.is_relative_to(root.resolve()):
                found.append(f"{path.relative_to(root)}:{number}: {match.group(0)}")
        for match in ESCAPES.finditer(line):
            found.append(f"{path.relative_to(root)}:{number}: {match.group(0)}")
    return found


def test_no_tracked_file_refers_outside_the_repository():
    found = [
        ref
        for path in tracked_text_files(REPO_ROOT)
        if path.name != Path(__file__).name
        for ref in outside_references(path, REPO_ROOT)
    ]
    assert found == []


def test_a_reference_outside_is_caught(tmp_path: Path):
    repo = tmp_path / "repo"
    (repo / "tools").mkdir(parents=True)
    (repo / "docs").mkdir()
    cases = {
        "tools/a.py": 'CRDS = REPO_ROOT.parent / "shared" / "crds"\n',
        "tools/b.md": "run `make imports` (needs `../shared/crds`)\n",
        "docs/c.md": "see ../../elsewhere/file.txt\n",
    }
    for name, text in cases.items():
        (repo / name).write_text(text)
    (repo / "docs" / "fine.md").write_text("see ../README.md and ../tools/a.py\n")
    assert outside_references(repo / "docs" / "fine.md", repo) == []
    for name in cases:
        assert outside_references(repo / name, repo), name
