"""The one shape every check reports in, so the CLI and the tests treat them alike."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    check: str  # which module found it: schema, checkov, connectivity, crossref, secrets, yaml, gixy
    rule: str  # the tool's rule or our rule id, e.g. CKV_K8S_23, k8s-1.27, service-selector
    obj: str  # the object it is about, "Kind namespace/name", or a file path
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.rule} {self.obj}: {self.message}"
