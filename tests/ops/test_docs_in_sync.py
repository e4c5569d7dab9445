"""The generated documents are committed up to date, and generating them is byte-stable."""

from __future__ import annotations

from ops.common import REPO_ROOT
from ops.config_reference import CONNECTIVITY_MD, CONNECTIVITY_SVG, REFERENCE_PATH, generate


def test_generated_documents_are_committed_up_to_date() -> None:
    documents = generate()
    assert set(documents) == {REFERENCE_PATH, CONNECTIVITY_MD, CONNECTIVITY_SVG}
    stale = [
        str(path.relative_to(REPO_ROOT))
        for path, text in documents.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert not stale, f"stale generated documents {stale}: run `make docs` and commit them"


def test_generation_is_deterministic() -> None:
    assert generate() == generate()
