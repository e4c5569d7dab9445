"""Every "defect N" a comment, docstring or test cites is listed in docs/defects.md and has its test."""

from __future__ import annotations

import re
import subprocess

from config.loader import REPO_ROOT

CITATION = re.compile(r"\bdefects? (\d+)\b", re.IGNORECASE)
ROW = re.compile(r"^\| (\d+) \|", re.MULTILINE)


def listed() -> set[int]:
    return {int(n) for n in ROW.findall((REPO_ROOT / "docs" / "defects.md").read_text())}


def cited() -> dict[int, list[str]]:
    names = subprocess.run(["git", "ls-files", "*.py", "*.md"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    found: dict[int, list[str]] = {}
    for name in names.stdout.split():
        if name.startswith(("dist/", "imports/", "crds/")):
            continue
        for number in CITATION.findall((REPO_ROOT / name).read_text(errors="replace")):
            found.setdefault(int(number), []).append(name)
    return found


def test_every_cited_defect_is_listed():
    unknown = {n: files for n, files in cited().items() if n not in listed()}
    assert unknown == {}


def test_defects_are_numbered_one_to_ten_and_each_has_a_test():
    assert listed() == set(range(1, 11))
    tests = (REPO_ROOT / "tests" / "charts" / "test_seed_defects.py").read_text()
    for number in listed():
        assert re.search(rf"^def test_{number}_", tests, re.MULTILINE), number
