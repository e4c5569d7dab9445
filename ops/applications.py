"""An environment's Argo CD Applications as the cluster reports them: what they run, since when,
and how to stop a sync operation that keeps retrying a revision.

Everything comes from the Application objects' own status (sync revision and status, health and
its lastTransitionTime, the history of deployed revisions, the operation in progress), read with
the Kubernetes client as `ops validate` reads it: no `argocd` CLI and no Argo CD API token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from manifests import Manifest
from ops.common import one_line
from ops.kube_api import KubeApi, KubeError

TERMINATING = {"status": {"operationState": {"phase": "Terminating"}}}


def timestamp(text: str | None) -> datetime | None:
    """An RFC 3339 time as the API server writes it (always UTC, `Z`), or None."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class AppStatus:
    """What one Application says about itself."""

    target: str  # namespace/name
    found: bool
    sync: str = "Unknown"
    revision: str = ""
    health: str = "Unknown"
    health_message: str = ""
    healthy_since: datetime | None = None
    history: tuple[tuple[str, datetime], ...] = ()  # (revision, when its sync finished), oldest first
    operation_phase: str = ""
    operation_revision: str = ""  # the revision the running operation was asked to sync

    def deployed_at(self, same: Callable[[str], bool]) -> datetime | None:
        """When the newest sync of a revision `same` accepts finished."""
        return next((when for revision, when in reversed(self.history) if same(revision)), None)


def status_of(target: str, live: dict[str, Any] | None) -> AppStatus:
    if live is None:
        return AppStatus(target, found=False)
    status = live.get("status") or {}
    sync, health = status.get("sync") or {}, status.get("health") or {}
    operation = status.get("operationState") or {}
    asked = ((operation.get("operation") or {}).get("sync") or {}).get("revision") or ""
    history = []
    for entry in status.get("history") or []:
        when = timestamp(entry.get("deployedAt"))
        if entry.get("revision") and when is not None:
            history.append((str(entry["revision"]), when))
    return AppStatus(
        target,
        found=True,
        sync=str(sync.get("status") or "Unknown"),
        revision=str(sync.get("revision") or ""),
        health=str(health.get("status") or "Unknown"),
        health_message=one_line(health.get("message") or ""),
        healthy_since=timestamp(health.get("lastTransitionTime")),
        history=tuple(history),
        operation_phase=str(operation.get("phase") or ""),
        operation_revision=str(asked),
    )


def application_manifests(objects: list[Manifest]) -> list[Manifest]:
    return [o for o in objects if o.kind == "Application" and o.api_version.startswith("argoproj.io/")]


def read(client: KubeApi, app: Manifest) -> tuple[str | None, AppStatus]:
    """(the object's URL path, its status); a missing Application or CRD is `found=False`."""
    target = f"{app.namespace}/{app.name}"
    path = client.object_path(app.api_version, app.kind, app.namespace, app.name)
    if path is None:
        return None, AppStatus(target, found=False)
    resp = client.get(path)
    if resp.status == 404:
        return path, AppStatus(target, found=False)
    if not resp.ok:
        raise KubeError(f"GET {path} answered HTTP {resp.status}: {resp.message}")
    return path, status_of(target, resp.body)


def stop_retries(client: KubeApi, apps: list[Manifest], keep: str) -> list[str]:
    """Terminate every running sync operation of a revision other than `keep`; the targets stopped.

    An automated sync that failed retries its revision (with back-off) even after the branch
    moved on, and looks at the new revision only when the retries are spent; marking the
    operation Terminating is what `argocd app terminate-op` does, here through the resource.
    """
    stopped = []
    for app in apps:
        path, status = read(client, app)
        if path is None or not status.found:
            continue
        if status.operation_phase == "Running" and status.operation_revision not in ("", keep):
            resp = client.merge_patch(path, TERMINATING)
            if not resp.ok:
                raise KubeError(f"PATCH {path} (terminate the operation) answered HTTP {resp.status}: {resp.message}")
            stopped.append(f"{status.target} (was syncing {status.operation_revision[:12]})")
    return stopped
