"""The typed admission settings: what the cluster-side guard (ValidatingAdmissionPolicies) allows.

The policies enforce the security baseline for every pod created in the product's namespaces,
including pods applied by hand, so the registries here are the only image sources there.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from config import formats
from config.types import Model, _unique

# A registry host (optionally with a port) and an optional path prefix, never a trailing slash.
REGISTRY_PATTERN = formats.IMAGE_REGISTRY.pattern
Registry = formats.IMAGE_REGISTRY.type()


class Admission(Model):
    allowed_registries: Annotated[list[Registry], Field(min_length=1), AfterValidator(_unique)]
    """Image prefixes pods in the product's namespaces may pull from (registry host plus optional path)."""
    action: Literal["Deny", "Warn"] = "Deny"
    """What a violation does: Deny rejects the request, Warn only warns (for a first roll-out)."""
