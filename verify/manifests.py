"""Loading dist/<env>/ into objects that remember where they came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from synthesis.object_view import ObjectView

REPO_ROOT = Path(__file__).resolve().parent.parent
DIST = REPO_ROOT / "dist"


def crd_dir() -> Path:
    """The pinned upstream CRDs (crds/SOURCES.md), resolved from the repository root, never the
    current directory."""
    return REPO_ROOT / "crds"


def discover_envs(dist: Path = DIST) -> list[Path]:
    """Every directory directly under dist/ is an environment."""
    if not dist.is_dir():
        return []
    return sorted(p for p in dist.iterdir() if p.is_dir() and not p.name.startswith("."))


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".yaml", ".yml"})


@dataclass(frozen=True)
class Manifest(ObjectView):
    body: dict[str, Any] = field(hash=False, compare=False)
    path: Path
    index: int  # position of the document in its file

    @property
    def document(self) -> dict[str, Any]:
        return self.body

    @property
    def ref(self) -> str:
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where}"


class ManifestError(Exception):
    """A file under dist/ that is not a list of Kubernetes objects."""


def load_file(path: Path) -> Iterator[Manifest]:
    try:
        docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path}: not valid YAML: {exc}") from exc
    for index, doc in enumerate(docs):
        if doc is None:
            continue
        if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
            raise ManifestError(f"{path}: document {index} is not a Kubernetes object")
        yield Manifest(doc, path, index)


def load_env(env_dir: Path) -> list[Manifest]:
    """All objects of one environment, in file order."""
    manifests: list[Manifest] = []
    for path in yaml_files(env_dir):
        manifests.extend(load_file(path))
    return manifests


TEMPLATE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"}


@dataclass(frozen=True)
class PodTemplate:
    owner: Manifest
    labels: dict[str, str]
    spec: dict[str, Any]

    def containers(self) -> list[dict[str, Any]]:
        return [*(self.spec.get("initContainers") or []), *(self.spec.get("containers") or [])]


def pod_template(m: Manifest) -> PodTemplate | None:
    """The pods a workload object creates, or None for objects that create no pods."""
    spec = m.body.get("spec") or {}
    if m.kind == "Pod":
        return PodTemplate(m, dict(m.metadata.get("labels") or {}), spec)
    if m.kind == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    elif m.kind not in TEMPLATE_KINDS:
        return None
    template = spec.get("template") or {}
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    return PodTemplate(m, labels, template.get("spec") or {})


def pod_templates(manifests: list[Manifest]) -> list[PodTemplate]:
    return [t for t in (pod_template(m) for m in manifests) if t is not None]
