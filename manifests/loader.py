"""Read YAML files into Manifests: one object per entry, `*List` documents expanded.

Every error names the file (and the document or item) and says what is wrong in one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

import yaml

from manifests.objects import Manifest

YAML_SUFFIXES = {".yaml", ".yml"}
# libyaml's parser, when PyYAML was built with it: the same documents as the pure-Python
# SafeLoader, parsed about ten times faster (a whole dist/ is hundreds of files, the pinned
# CRDs megabytes). Every reader of manifests and CRDs uses it.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ManifestError(ValueError):
    """A file that is not a stream of Kubernetes objects."""


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in YAML_SUFFIXES)


def _is_object(doc: Any) -> bool:
    return isinstance(doc, dict) and "kind" in doc and "apiVersion" in doc


def parse_documents(text: str, path: PurePath, app: str = "") -> list[Manifest]:
    """The objects of one file's text; `path` is only used to name them and their errors."""
    try:
        docs = list(yaml.load_all(text, Loader=YAML_LOADER))  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        raise ManifestError(f"{path}: not valid YAML ({' '.join(str(error).split())})") from None
    found: list[Manifest] = []
    for number, doc in enumerate(docs):
        if doc is None:
            continue
        if not _is_object(doc):
            raise ManifestError(f"{path}: document {number} is not a Kubernetes object (needs apiVersion and kind)")
        if not (str(doc["kind"]).endswith("List") and "items" in doc):
            found.append(Manifest(doc, path, len(found), app))
            continue
        items = doc["items"] or []
        if not isinstance(items, list):
            raise ManifestError(f"{path}: document {number} ({doc['kind']}): items is not a list")
        for position, item in enumerate(items):
            if not _is_object(item):
                raise ManifestError(f"{path}: document {number} ({doc['kind']}) item {position} is not a Kubernetes object")
            found.append(Manifest(item, path, len(found), app))
    return found


def load_file(path: Path, app: str = "", shown_as: PurePath | None = None) -> list[Manifest]:
    """The objects of one file, named `shown_as` (default: `path`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(f"{shown_as or path}: cannot be read ({error.__class__.__name__})") from None
    return parse_documents(text, shown_as or path, app)


def load_env(env_dir: Path, relative_to: Path | None = None) -> list[Manifest]:
    """All objects of one environment (dist/<env>/<app>/*.yaml), by file, then in file order.

    Paths stay as given, or become relative to `relative_to` (dist/, for messages that name a
    file the way `git` does).
    """
    if not env_dir.is_dir():
        raise ManifestError(f"{env_dir}: no synthesized output for this environment (run `make synth`)")
    manifests: list[Manifest] = []
    for path in yaml_files(env_dir):
        parts = path.relative_to(env_dir).parts
        shown = path.relative_to(relative_to) if relative_to is not None else path
        manifests.extend(load_file(path, parts[0] if len(parts) > 1 else "", shown))
    if not manifests:
        raise ManifestError(f"{env_dir}: holds no Kubernetes objects (run `make synth`)")
    return manifests


def load_texts(files: Mapping[PurePath, str]) -> list[Manifest]:
    """Objects of dist-relative files `<env>/<app>/<file>.yaml` -> text, e.g. from a git revision."""
    found: list[Manifest] = []
    for path in sorted(files):
        if path.suffix in YAML_SUFFIXES and len(path.parts) >= 3:
            found.extend(parse_documents(files[path], path, path.parts[1]))
    return found
