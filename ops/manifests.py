"""Read the synthesized objects of dist/<env>/<app>/*.yaml, the single source of expectations.

validate, diff and the connectivity picture all take what to expect from these files, so no
name, namespace or port is written a second time in ops/.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ops.common import EXIT_USAGE, OpsError
from synthesis.object_view import ObjectView


@dataclass(frozen=True)
class DistObject(ObjectView):
    app: str  # the dist/<env>/<app> folder (one ArgoCD Application)
    path: PurePosixPath  # relative to dist/
    obj: dict[str, Any]

    @property
    def document(self) -> dict[str, Any]:
        return self.obj

    @property
    def display(self) -> str:
        return f"{self.kind} {self.namespace + '/' if self.namespace else ''}{self.name}"


def parse_documents(path: PurePosixPath, text: str) -> list[dict[str, Any]]:
    try:
        docs = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError as error:
        raise OpsError(f"{path}: not valid YAML ({' '.join(str(error).split())})", EXIT_USAGE) from None
    for doc in docs:
        if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
            raise OpsError(f"{path}: holds a document that is not a Kubernetes object", EXIT_USAGE)
    return docs


def objects_from_texts(files: Mapping[PurePosixPath, str]) -> list[DistObject]:
    """Objects of dist-relative files `<env>/<app>/<file>.yaml` -> text."""
    found: list[DistObject] = []
    for path in sorted(files):
        if path.suffix not in {".yaml", ".yml"} or len(path.parts) < 3:
            continue
        found.extend(DistObject(path.parts[1], path, doc) for doc in parse_documents(path, files[path]))
    return found


def read_env_files(dist: Path, env: str) -> dict[PurePosixPath, str]:
    root = dist / env
    if not root.is_dir():
        raise OpsError(f"{root}: no synthesized output for environment '{env}' (run `make synth`)", EXIT_USAGE)
    return {
        PurePosixPath(path.relative_to(dist).as_posix()): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix in {".yaml", ".yml"}
    }


def load_env_objects(dist: Path, env: str) -> list[DistObject]:
    objects = objects_from_texts(read_env_files(dist, env))
    if not objects:
        raise OpsError(f"{dist / env}: holds no Kubernetes objects (run `make synth`)", EXIT_USAGE)
    return objects


def of_kind(objects: Iterable[DistObject], kind: str, group: str | None = None) -> list[DistObject]:
    return [o for o in objects if o.kind == kind and (group is None or o.group == group)]
