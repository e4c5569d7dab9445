"""ArgoCD Applications: their AppProject is rendered and their source paths exist in the repository."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from verify.crossrefs.index import Index, finding
from verify.findings import Finding


def argocd_applications(index: Index, repo_root: Path) -> Iterator[Finding]:
    for app in index.of_kind("Application"):
        spec = app.body.get("spec") or {}
        project = spec.get("project", "default")
        if project != "default" and not any(p.name == project for p in index.of_kind("AppProject")):
            yield finding("argocd-project", app, f"AppProject {project} is not rendered")
        sources = [spec["source"]] if "source" in spec else list(spec.get("sources") or [])
        for source in sources:
            path = source.get("path")
            if path and not (repo_root / path).is_dir():
                yield finding("argocd-path", app, f"source path {path} does not exist")
