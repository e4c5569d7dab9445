"""Read-only accessors over one Kubernetes object held as a plain dict.

Everything that reads dist/ back (verification, operations, the API server tier) wraps the
parsed YAML in a small record of its own; they share these accessors instead of each spelling
out `obj.get("metadata", {}).get("name")` again.
"""

from __future__ import annotations

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
    def key(self) -> tuple[str, str, str, str]:
        """Identity as the API server and ArgoCD see it: group, kind, namespace, name."""
        return (self.group, self.kind, self.namespace, self.name)
