"""What the promote and rollback tests share: a project with a bare `origin` holding the
environment branches, and a fake source cluster where that branch runs, settled and soaked.
"""

from __future__ import annotations

import copy
import hashlib
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from manifests import Manifest, load_env
from tests.support.fake_kube import FakeCluster, healthy
from tests.support.scratch_repo import clone, git

SETTLED_FOR = timedelta(hours=1)


def rfc3339(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def image_id(image: str) -> str:
    """What a kubelet reports as imageID: repository@digest (a made-up, stable digest for a tag)."""
    name = image.split("@", 1)[0]
    repository = name[: name.rfind(":")] if name.rfind(":") > name.rfind("/") else name
    digest = image.split("@", 1)[1] if "@" in image else "sha256:" + hashlib.sha256(image.encode()).hexdigest()
    return f"{repository}@{digest}"


@dataclass
class Remote:
    origin: Path  # bare, what Argo CD reads
    work: Path  # the operator's clone

    def branch(self, name: str) -> str | None:
        proc = subprocess.run(
            ["git", "-C", str(self.origin), "rev-parse", "--verify", "--quiet", f"refs/heads/{name}"],
            capture_output=True,
            text=True,
            check=False,
        )
        return proc.stdout.strip() or None

    def show(self, commit: str, path: str) -> Any:
        return yaml.safe_load(git(self.origin, "show", f"{commit}:{path}"))

    def push_branch(self, commit: str, branch: str) -> None:
        git(self.work, "push", "--quiet", "--force", "origin", f"{commit}:refs/heads/{branch}")


def remote_with_staging(template: Path, root: Path) -> Remote:
    """origin (bare) with main and staging at the project's commit; the operator's clone of it."""
    origin = root / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(template), str(origin)], check=True, capture_output=True)
    git(origin, "branch", "staging", "main")
    return Remote(origin, clone(origin, root))


def application_status(commit: str, since: datetime, health: str = "Healthy") -> dict[str, Any]:
    return {
        "sync": {"status": "Synced", "revision": commit},
        "health": {"status": health, "lastTransitionTime": rfc3339(since)},
        "history": [{"id": 1, "revision": commit, "deployedAt": rfc3339(since)}],
        "operationState": {"phase": "Succeeded", "operation": {"sync": {"revision": commit}}},
    }


def pod_of(deployment: Manifest, index: int) -> dict[str, Any]:
    template = copy.deepcopy(deployment.body["spec"]["template"])
    containers = template["spec"]["containers"]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{deployment.name}-{index}",
            "namespace": deployment.namespace,
            "labels": template["metadata"]["labels"],
        },
        "spec": template["spec"],
        "status": {
            "phase": "Running",
            "containerStatuses": [
                {"name": c["name"], "image": c["image"], "imageID": image_id(c["image"]), "ready": True} for c in containers
            ],
        },
    }


def running(dist_env: Path, commit: str, since: datetime | None = None) -> FakeCluster:
    """The cluster of an environment that has run dist_env (its branch at `commit`) since `since`."""
    since = since or datetime.now(UTC) - SETTLED_FOR
    objects = load_env(dist_env)
    cluster = healthy(objects)
    for obj in objects:
        if obj.kind == "Application":
            cluster.get("Application", obj.name)["status"] = application_status(commit, since)
        elif obj.kind == "Deployment":
            for index in range(int(obj.body["spec"].get("replicas") or 1)):
                cluster.put(pod_of(obj, index))
    return cluster
