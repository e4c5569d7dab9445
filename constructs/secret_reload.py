"""Rolling a workload when a Secret it reads only at start changes (Stakater Reloader).

A process that reads a secret file once, at start (gunicorn's Flask app: its key, the JWT keys,
the database URL), keeps the old value after External Secrets refreshes the Secret. Reloader,
installed in the cluster with the annotations strategy (docs/operations.md, "Before you
start"), watches the Secrets a workload names in RELOAD_ANNOTATION and, when one's data
changes, writes RELOADED_FROM_ANNOTATION on the workload's pod template, which rolls it like a
`kubectl rollout restart`.

That write is a change to an object Argo CD owns. Argo CD's default diff ignores a field the
rendered object does not have, so the roll already survives self-heal; the Applications still
name the field in `ignoreDifferences` with `RespectIgnoreDifferences=true` so that it also
survives a sync that replaces the object (`Replace=true`) or a server-side diff, and never shows
as drift (charts/argocd_apps.py).

Workloads name their Secrets explicitly rather than with Reloader's `auto` annotation: the
rendered object says exactly which Secrets restart it, and a Secret it does not read at start
(the database's root password, read once at initialisation) does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

RELOAD_ANNOTATION = "secret.reloader.stakater.com/reload"
RELOADED_FROM_ANNOTATION = "reloader.stakater.com/last-reloaded-from"
# The JSON pointer of the annotation Reloader writes ('/' in a key is '~1').
RELOADED_FROM_POINTER = "/spec/template/metadata/annotations/" + RELOADED_FROM_ANNOTATION.replace("/", "~1")
RESPECT_IGNORE_DIFFERENCES = "RespectIgnoreDifferences=true"
# The kinds Reloader rolls through a pod template (the ones this product renders).
ROLLED_KINDS = frozenset({("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet")})


def reload_annotations(secret_names: Sequence[str]) -> dict[str, str]:
    """The workload's annotation naming the Secrets whose change rolls it ({} for none)."""
    if not secret_names:
        return {}
    if len(set(secret_names)) != len(secret_names):
        raise ValueError(f"secrets named twice for a reload: {sorted(secret_names)}")
    return {RELOAD_ANNOTATION: ",".join(sorted(secret_names))}


def reloaded_secrets(document: Mapping[str, Any]) -> list[str]:
    """The Secrets a rendered workload names for a reload ([] when none)."""
    value = ((document.get("metadata") or {}).get("annotations") or {}).get(RELOAD_ANNOTATION, "")
    return [name for name in value.split(",") if name]


def reloaded_workloads(documents: Iterable[Mapping[str, Any]]) -> list[tuple[str, str, str, str]]:
    """(group, kind, namespace, name) of every rendered workload Reloader may roll, sorted."""
    found = []
    for document in documents:
        group = str(document.get("apiVersion", "")).rpartition("/")[0]
        if (group, document.get("kind")) in ROLLED_KINDS and reloaded_secrets(document):
            meta = document["metadata"]
            found.append((group, str(document["kind"]), str(meta.get("namespace", "")), str(meta["name"])))
    return sorted(found)
