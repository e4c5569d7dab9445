"""The pinned upstream CRDs are byte-identical to what crds/SOURCES.md records."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from config.loader import REPO_ROOT
from manifests import YAML_LOADER
from tests.support import pinned_sources

CRDS = REPO_ROOT / "crds"
ROW = re.compile(
    r"^\| (?P<file>[\w.-]+\.yaml) \| (?P<repo>[\w.-]+/[\w.-]+) \| (?P<tag>v[\w.-]+) \| "
    r"(?P<commit>[0-9a-f]{40}) \| (?P<path>\S+) \| (?P<license>[\w.-]+) \| (?P<sha256>[0-9a-f]{64}) \|$"
)


def recorded(folder: Path) -> dict[str, dict[str, str]]:
    return pinned_sources.recorded(folder, ROW)


def mismatches(folder: Path) -> list[str]:
    """Every way the folder's CRD files disagree with its SOURCES.md."""
    return pinned_sources.mismatches(folder, ROW, "*.yaml")


def test_every_crd_matches_its_recorded_sha256():
    assert recorded(CRDS), "SOURCES.md has no rows"
    assert mismatches(CRDS) == []


def test_every_row_names_repository_tag_commit_path_and_license():
    for name, row in recorded(CRDS).items():
        assert row["license"] == "Apache-2.0", name
        assert row["path"].endswith(".yaml"), name


def test_every_file_is_one_crd_document():
    for path in sorted(CRDS.glob("*.yaml")):
        documents = [d for d in yaml.load_all(path.read_text(), Loader=YAML_LOADER) if d]
        assert [d["kind"] for d in documents] == ["CustomResourceDefinition"], path.name
        group, plural = documents[0]["spec"]["group"], documents[0]["spec"]["names"]["plural"]
        assert path.name == f"{group}_{plural}.yaml"


def test_license_and_notice_travel_with_the_files():
    assert "Apache License" in (CRDS / "LICENSE-Apache-2.0").read_text()
    notice = (CRDS / "NOTICE").read_text()
    for project in ("argo-cd", "external-secrets", "gateway-api", "cert-manager", "prometheus-operator"):
        assert project in notice
    assert "CoreOS" in notice  # prometheus-operator's own NOTICE must be carried over


@pytest.mark.parametrize("damage", ["edit", "extra", "missing"])
def test_a_changed_extra_or_missing_file_is_caught(tmp_path: Path, damage: str):
    for source in [CRDS / "SOURCES.md", CRDS / "argoproj.io_appprojects.yaml"]:
        (tmp_path / source.name).write_bytes(source.read_bytes())
    sources = tmp_path / "SOURCES.md"
    keep = [line for line in sources.read_text().splitlines() if not ROW.match(line) or "argoproj.io_appprojects.yaml" in line]
    sources.write_text("\n".join(keep) + "\n")
    assert mismatches(tmp_path) == []
    if damage == "edit":
        path = tmp_path / "argoproj.io_appprojects.yaml"
        path.write_bytes(path.read_bytes() + b"\n")
    elif damage == "extra":
        (tmp_path / "example.com_widgets.yaml").write_text("kind: CustomResourceDefinition\n")
    else:
        (tmp_path / "argoproj.io_appprojects.yaml").unlink()
    assert len(mismatches(tmp_path)) == 1
