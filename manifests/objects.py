"""One Kubernetes object read from a file, and read-only accessors over it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any


class ObjectView:
    """Mixin: the subclass provides `document`, the object as parsed YAML."""

    @property
    def document(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def kind(self) -> str:
        return str(self.document.get("kind", ""))

    @property
    def api_version(self) -> str:
        return str(self.document.get("apiVersion", ""))

    @property
    def group(self) -> str:
        """API group ('' for the core group)."""
        return self.api_version.rpartition("/")[0]

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.document.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str:
        return str(self.metadata.get("name", ""))

    @property
    def namespace(self) -> str:
        return str(self.metadata.get("namespace") or "")

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.metadata.get("labels") or {})

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity as the API server and ArgoCD see it: group, kind, namespace, name."""
        return (self.group, self.kind, self.namespace, self.name)

    @property
    def ref(self) -> str:
        """`Kind namespace/name`, how messages name the object."""
        return f"{self.kind} {self.namespace + '/' if self.namespace else ''}{self.name}"


@dataclass(frozen=True)
class Manifest(ObjectView):
    """An object and where it was read: two objects are the same when they come from the same
    place, whatever their content."""

    body: dict[str, Any] = field(hash=False, compare=False)
    path: PurePath  # the file, as the caller named it (absolute, or relative to dist/)
    index: int = 0  # position of the object in its file, List items counted one by one
    app: str = ""  # the dist/<env>/<app> folder, i.e. the ArgoCD Application it belongs to

    @property
    def document(self) -> dict[str, Any]:
        return self.body


def of_kind(objects: Iterable[Manifest], kind: str, group: str | None = None) -> list[Manifest]:
    return [o for o in objects if o.kind == kind and (group is None or o.group == group)]
