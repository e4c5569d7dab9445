"""Upgrading an environment from its baseline dist/ to the current one, as Argo CD's sync would.

The API server refuses some changes to an object that exists (immutable fields: a Deployment's
or StatefulSet's selector, a StatefulSet's volumeClaimTemplates, a Service's clusterIP, a plain
Job's template). Argo CD's sync then fails on every retry until someone deletes the object by
hand. Applying the baseline first and the current dist/ over it finds such a change before it
is merged; each refusal names the object and the fields that differ from the baseline, because
the API server's own message does not always say which (a StatefulSet's says only `spec`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cluster.client import Client
from cluster.sync import SyncReport, sync
from manifests import Manifest

SHOWN_PATHS = 6


@dataclass
class Upgrade:
    before: SyncReport
    after: SyncReport

    def refusals(self) -> list[str]:
        """Every object the second sync could not apply, with what changed when it existed before."""
        old = {m.key: m for m in self.before.manifests}
        failed_before = {r.manifest.key for r in self.before.results if r.error}
        lines = []
        for result in self.after.results:
            if not result.error:
                continue
            previous = old.get(result.manifest.key)
            if previous is None or previous.key in failed_before:
                lines.append(f"{result.what}: {result.error}")
                continue
            paths = changed_paths(previous.body, result.manifest.body)
            shown = ", ".join(paths[:SHOWN_PATHS]) + (f" and {len(paths) - SHOWN_PATHS} more" if len(paths) > SHOWN_PATHS else "")
            lines.append(
                f"{result.what}: the API server refuses to update the existing object"
                f" (changed since the baseline: {shown or 'nothing'}): {result.error}"
            )
        return lines

    def warnings(self) -> list[str]:
        return self.after.warnings()


def upgrade(client: Client, previous: list[Manifest], current: list[Manifest]) -> Upgrade:
    """Sync `previous` into the (empty) cluster, then `current` over it."""
    return Upgrade(sync(client, previous), sync(client, current))


def changed_paths(old: Any, new: Any, path: str = "") -> list[str]:
    """Dotted paths of the leaves that differ between two objects (metadata and status aside)."""
    if isinstance(old, dict) and isinstance(new, dict):
        found: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            if not path and key in {"metadata", "status"}:
                continue
            found += changed_paths(old.get(key), new.get(key), f"{path}.{key}" if path else str(key))
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [p for i, (a, b) in enumerate(zip(old, new, strict=True)) for p in changed_paths(a, b, f"{path}[{i}]")]
    return [] if old == new else [path]
