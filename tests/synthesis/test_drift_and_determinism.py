"""The committed dist/ is exactly what the code synthesizes, and synthesis is deterministic."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from config.loader import REPO_ROOT
from synthesis.output import read_tree
from tests.support.synth import synth_into

COMMITTED = REPO_ROOT / "dist"


def drift_report(committed: Path, fresh: Path) -> str:
    """Readable description of every added, removed and changed file; '' when equal."""
    old, new = read_tree(committed), read_tree(fresh)
    lines = []
    for path in sorted(set(old) | set(new)):
        if path not in old:
            lines.append(f"+ new file dist/{path}")
        elif path not in new:
            lines.append(f"- removed file dist/{path}")
        elif old[path] != new[path]:
            diff = difflib.unified_diff(
                old[path].splitlines(), new[path].splitlines(), f"committed/dist/{path}", f"fresh/dist/{path}", lineterm="", n=1
            )
            lines.extend(list(diff)[:40])
    return "\n".join(lines)


def test_committed_dist_matches_a_fresh_synth(fresh_dist: Path):
    report = drift_report(COMMITTED, fresh_dist)
    assert not report, f"dist/ is stale; run `make synth` and commit dist/.\n{report}"


def test_drift_report_sees_added_changed_and_removed_files(tmp_path: Path):
    committed, fresh = tmp_path / "a", tmp_path / "b"
    for root, files in ((committed, {"x": "1\n", "gone": "g\n"}), (fresh, {"x": "2\n", "added": "n\n"})):
        (root / "env").mkdir(parents=True)
        for name, text in files.items():
            (root / "env" / name).write_text(text)
    report = drift_report(committed, fresh)
    assert "+ new file dist/env/added" in report
    assert "- removed file dist/env/gone" in report
    assert "-1" in report and "+2" in report


def test_two_synths_are_byte_identical(fresh_dist: Path, tmp_path: Path):
    second = tmp_path / "dist"
    synth_into(second)
    first_files = {p.relative_to(fresh_dist): p.read_bytes() for p in fresh_dist.rglob("*") if p.is_file()}
    second_files = {p.relative_to(second): p.read_bytes() for p in second.rglob("*") if p.is_file()}
    assert first_files == second_files


def test_paths_are_stable_and_human(fresh_dist: Path):
    envs = sorted(p.name for p in fresh_dist.iterdir())
    assert envs == ["prod", "staging"]
    for env in envs:
        assert sorted(p.name for p in (fresh_dist / env).iterdir()) == ["argocd", "backend", "frontend", "platform"]
    for path in fresh_dist.rglob("*.yaml"):
        assert re.fullmatch(r"[a-z]+(_[a-z0-9][a-z0-9.-]*){1,2}\.yaml", path.name), path.name
        assert not re.search(r"-[0-9a-f]{8}\b|^[0-9]+[-_]", path.name), f"hash or numeric prefix in {path.name}"
