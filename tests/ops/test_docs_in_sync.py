"""The generated documents are committed up to date, and generating them is byte-stable."""

from __future__ import annotations

import subprocess

import pytest

from manifests import environments
from ops.common import REPO_ROOT
from ops.config_reference import REFERENCE_PATH, generate
from ops.connectivity_docs import CONNECTIVITY_MD, connectivity_svg
from tests.support.tools import require_tool
from verify import connectivity


@pytest.fixture(autouse=True)
def nca() -> None:
    """The connectivity documents are drawn from network-config-analyzer's map."""
    require_tool(str(connectivity.NCA), "make verify-tools")


def test_generated_documents_are_committed_up_to_date() -> None:
    documents = generate()
    pictures = {connectivity_svg(env.name) for env in environments()}  # one per environment
    assert set(documents) == {REFERENCE_PATH, CONNECTIVITY_MD, *pictures}
    stale = [
        str(path.relative_to(REPO_ROOT))
        for path, text in documents.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"stale generated documents {stale}: run `make docs` and commit them"
    # No picture is left behind of an environment that is gone (or the former single picture).
    left = sorted(str(p.relative_to(REPO_ROOT)) for p in set(CONNECTIVITY_MD.parent.glob("connectivity*.svg")) - pictures)
    assert not left, f"pictures no environment generates: {left}; delete them"


def test_generation_is_deterministic() -> None:
    assert generate() == generate()


@pytest.mark.parametrize("target", ["docs", "docs-check"])
def test_make_docs_installs_network_config_analyzer_first(target: str) -> None:
    # -W: as if the NCA lock had just changed, so make shows the venv it would rebuild.
    proc = subprocess.run(
        ["make", "-n", "-W", "requirements/nca.lock", target], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    install = next(i for i, line in enumerate(lines) if "-r requirements/nca.lock" in line)
    assert install < next(i for i, line in enumerate(lines) if "-m ops docs" in line)
