"""Where each object lands under dist/: dist/<env>/<app>/<kind>_[<namespace>_]<name>.yaml.

'_' cannot occur in a Kubernetes kind, namespace or name, so a path names exactly one object,
with no numeric prefixes and no hashes; renaming an object renames its file, nothing else.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any


class LayoutError(ValueError):
    """Two objects of one application would share a file (same kind, namespace and name)."""


def object_file_name(document: dict[str, Any]) -> str:
    metadata = document.get("metadata", {})
    parts = [document["kind"].lower()]
    if metadata.get("namespace"):
        parts.append(metadata["namespace"])
    parts.append(metadata["name"])
    return "_".join(parts) + ".yaml"


def app_files(env: str, app: str, documents: list[dict[str, Any]]) -> dict[PurePosixPath, dict[str, Any]]:
    files: dict[PurePosixPath, dict[str, Any]] = {}
    for document in documents:
        path = PurePosixPath(env, app, object_file_name(document))
        if path in files:
            raise LayoutError(f"{path}: two objects render to the same file")
        files[path] = document
    return files
