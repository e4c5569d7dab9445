"""The pinned Kubernetes OpenAPI documents are byte-identical to what openapi/SOURCES.md records."""

from __future__ import annotations

import json
import re
from pathlib import Path

from config.loader import REPO_ROOT
from tests.support import pinned_sources

OPENAPI = REPO_ROOT / "openapi"
ROW = re.compile(
    r"^\| (?P<file>[\w.-]+\.json) \| (?P<module>[\w./-]+) \| (?P<version>v[\w.-]+) \| (?P<sum>h1:[A-Za-z0-9+/=]+) \| "
    r"(?P<path>\S+) \| (?P<license>[\w.-]+) \| (?P<sha256>[0-9a-f]{64}) \|$"
)


def mismatches(folder: Path) -> list[str]:
    problems = pinned_sources.mismatches(folder, ROW, "*.json")
    for name, row in pinned_sources.recorded(folder, ROW).items():
        if not row["path"].endswith(name):
            problems.append(f"{name}: recorded path {row['path']} names another file")
    return problems


def test_every_document_matches_its_recorded_sha256() -> None:
    assert sorted(p.name for p in OPENAPI.glob("*.json")), "no pinned OpenAPI document"
    assert mismatches(OPENAPI) == []


def test_the_document_describes_the_kinds_the_imports_are_generated_for() -> None:
    from tools.imports import OPENAPI_GROUPS

    for group, (file, version, kinds) in OPENAPI_GROUPS.items():
        schemas = json.loads((OPENAPI / file).read_text())["components"]["schemas"]
        gvks = [gvk for value in schemas.values() for gvk in value.get("x-kubernetes-group-version-kind", [])]
        for kind in kinds:
            assert {"group": group, "version": version, "kind": kind} in gvks


def test_an_edited_document_is_caught(tmp_path: Path) -> None:
    for source in OPENAPI.iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    assert mismatches(tmp_path) == []
    document = next(tmp_path.glob("*.json"))
    document.write_bytes(document.read_bytes() + b"\n")
    assert len(mismatches(tmp_path)) == 1
