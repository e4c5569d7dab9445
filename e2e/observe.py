"""What the scenarios read off the live cluster: Application states, the order of a sync, Secret keys."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from e2e.kube import Kube, condition


@dataclass(frozen=True)
class AppState:
    name: str
    sync: str
    health: str
    revision: str
    phase: str  # of the last operation
    message: str

    @property
    def settled(self) -> bool:
        return (self.sync, self.health) == ("Synced", "Healthy")


def app_states(kube: Kube, namespace: str) -> dict[str, AppState]:
    states = {}
    for app in kube.items(f"/apis/argoproj.io/v1alpha1/namespaces/{namespace}/applications"):
        status = app.get("status") or {}
        operation = status.get("operationState") or {}
        states[app["metadata"]["name"]] = AppState(
            app["metadata"]["name"],
            (status.get("sync") or {}).get("status", ""),
            (status.get("health") or {}).get("status", ""),
            (status.get("sync") or {}).get("revision", ""),
            operation.get("phase", ""),
            operation.get("message", ""),
        )
    return states


def timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class Step:
    """One thing in a sync's history: `what` began at `started` and was done (Healthy) at `done`."""

    what: str
    started: datetime
    done: datetime


def out_of_order(steps: list[Step]) -> list[str]:
    """Each step must start no earlier than the previous one was done; say where that breaks.

    Timestamps of the API server have one-second resolution, so equal is in order; a step
    that started while its predecessor was still going is not.
    """
    problems = []
    for before, after in zip(steps, steps[1:], strict=False):
        if after.started < before.done:
            problems.append(
                f"{after.what} started at {after.started:%H:%M:%S} before {before.what} was done at {before.done:%H:%M:%S}"
            )
    return problems


def application_step(app: dict[str, Any]) -> Step:
    """An Application: created by the root app's sync, done when its first sync was deployed.

    The first entry of its sync history, not its operation state, which is the latest sync.
    """
    history = sorted((app.get("status") or {}).get("history") or [], key=lambda h: int(h.get("id", 0)))
    if not history:
        raise ValueError(f"Application {app['metadata']['name']} has never synced")
    return Step(
        f"Application {app['metadata']['name']}",
        timestamp(app["metadata"]["creationTimestamp"]),
        timestamp(history[0]["deployedAt"]),
    )


def ready_step(obj: dict[str, Any]) -> Step:
    """An External Secrets object: created by a sync, done when its Ready condition turned True."""
    ready = condition(obj, "Ready")
    if ready.get("status") != "True":
        raise ValueError(f"{obj['kind']} {obj['metadata']['name']} is not Ready")
    return Step(
        f"{obj['kind']} {obj['metadata']['name']}",
        timestamp(obj["metadata"]["creationTimestamp"]),
        timestamp(ready["lastTransitionTime"]),
    )


def created_step(obj: dict[str, Any]) -> Step:
    when = timestamp(obj["metadata"]["creationTimestamp"])
    return Step(f"{obj['kind']} {obj['metadata']['name']}", when, when)


def secret_keys(secret: dict[str, Any]) -> set[str]:
    return set((secret.get("data") or {}).keys())


def secret_value(secret: dict[str, Any], key: str) -> str:
    return base64.b64decode(secret["data"][key]).decode()


def mounted_secret_keys(pod_spec: dict[str, Any]) -> dict[str, set[str]]:
    """Secret name -> the keys a pod template reads from it (volume items, env, envFrom)."""
    keys: dict[str, set[str]] = {}
    for volume in pod_spec.get("volumes") or []:
        secret = volume.get("secret")
        if secret:
            keys.setdefault(secret["secretName"], set()).update(item["key"] for item in secret.get("items") or [])
    for container in [*(pod_spec.get("initContainers") or []), *(pod_spec.get("containers") or [])]:
        for env in container.get("env") or []:
            ref = ((env.get("valueFrom") or {}).get("secretKeyRef")) or None
            if ref:
                keys.setdefault(ref["name"], set()).add(ref["key"])
    return keys
