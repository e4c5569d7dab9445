"""Names and selectors that survive a construct rename: no hashed names, no cdk8s labels in selectors."""

from __future__ import annotations

import re
from collections.abc import Iterator

from verify.crossrefs.index import Index, finding
from verify.findings import Finding

# cdk8s appends an 8-hex-digit hash to generated names; a human name has no such segment.
HASHED_NAME = re.compile(r"-(?=[0-9a-f]*\d)[0-9a-f]{8,}$")
CONSTRUCT_LABEL = "cdk8s.io/"


def names_and_selectors(index: Index) -> Iterator[Finding]:
    for m in index.objects.values():
        if HASHED_NAME.search(m.name):
            yield finding("name-hash", m, f"name {m.name} ends in a hash")
        spec = m.body.get("spec") or {}
        used = [spec.get("selector")] if m.kind == "Service" else []
        if isinstance(spec.get("selector"), dict) and m.kind != "Service":
            used.append(spec["selector"].get("matchLabels") or {})
        if m.kind == "NetworkPolicy":
            used.append((spec.get("podSelector") or {}).get("matchLabels") or {})
        for labels in used:
            for key in labels or {}:
                if key.startswith(CONSTRUCT_LABEL):
                    yield finding(
                        "selector-construct-label", m, f"selector uses {key}, which changes when a construct is renamed"
                    )
