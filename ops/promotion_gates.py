"""What `ops promote` asks of the source environment's cluster before anything moves.

Each gate turns what it finds into refusals: one line naming the object and the reason, with
the exit status of its class (ops/common.py). The images to promote are read off the running
pods (status.containerStatuses[].imageID, as the kubelet reports what it pulled), never off the
environment files: what is promoted is what was tested.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from manifests import Manifest
from ops import applications
from ops.common import (
    EXIT_CHECKS_FAILED,
    EXIT_NO_DIGEST,
    EXIT_NOT_FORWARD,
    EXIT_NOT_HEALTHY,
    EXIT_NOT_SYNCED,
    EXIT_SOAKING,
)
from ops.envfile import ImageVersion
from ops.kube_api import KubeApi, KubeError
from ops.validate import FAIL, validate

DIGEST_IN_IMAGE_ID = re.compile(r"@(sha256:[a-f0-9]{64})$")
# The order refusals are reported in, and the one whose status the command exits with: the
# most fundamental first (waiting out a soak is pointless while an app is not even Synced).
SEVERITY = (EXIT_NOT_SYNCED, EXIT_NOT_HEALTHY, EXIT_CHECKS_FAILED, EXIT_NO_DIGEST, EXIT_NOT_FORWARD, EXIT_SOAKING)


# (revision, folder) -> whether the promoted commit holds that folder exactly as the revision does
SameFolder = Callable[[str, str], bool]


@dataclass(frozen=True)
class Refusal:
    status: int
    target: str
    reason: str

    def line(self) -> str:
        return f"refused: {self.target}: {self.reason}"


def exit_status(refusals: list[Refusal]) -> int:
    return min((r.status for r in refusals), key=SEVERITY.index)


def duration_seconds(text: str) -> int:
    """A validated duration (30s, 15m, 1h) in seconds."""
    return int(text[:-1]) * {"s": 1, "m": 60, "h": 3600}[text[-1]]


def _shown(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    return f"{seconds // 60}m{seconds % 60:02d}s"


def _deployed_since(st: applications.AppStatus, commit: str, folder: str, same_folder: SameFolder) -> datetime | None:
    """When the app's newest sync of what the commit holds for its folder finished.

    Argo CD moves an app whose folder a commit did not change to the new revision without a
    sync, so that revision may have no history entry of its own: an earlier sync of the same
    folder content is when the app started running it.
    """
    return st.deployed_at(lambda rev: rev in (st.revision, commit) or same_folder(rev, folder))


def application_refusals(
    client: KubeApi, apps: list[Manifest], commit: str, soak_s: int, now: datetime, same_folder: SameFolder
) -> list[Refusal]:
    """Every Application Synced at `commit` (or at a revision whose folder `commit` holds unchanged:
    Argo CD leaves an app whose folder a commit did not touch at its older revision), Healthy,
    and both for at least the soak."""
    refusals = []
    short = commit[:12]
    for app in apps:
        _path, st = applications.read(client, app)
        target = f"Application {st.target}"
        folder = str(((app.body.get("spec") or {}).get("source") or {}).get("path") or "")
        at_commit = st.revision == commit or bool(st.revision and same_folder(st.revision, folder))
        if not st.found:
            refusals.append(Refusal(EXIT_NOT_SYNCED, target, "not found in the cluster"))
        elif not at_commit:
            at = f" at {st.revision[:12]}" if st.revision else ""
            refusals.append(Refusal(EXIT_NOT_SYNCED, target, f"{st.sync}{at}, not at {short}"))
        elif st.health != "Healthy":  # at the commit, but what it deployed is not well
            why = f" ({st.health_message})" if st.health_message else ""
            sync = f", {st.sync}" if st.sync != "Synced" else ""
            refusals.append(Refusal(EXIT_NOT_HEALTHY, target, f"{st.health}{why} at {short}{sync}, not Healthy"))
        elif st.sync != "Synced":
            refusals.append(Refusal(EXIT_NOT_SYNCED, target, f"{st.sync} at {short}, not Synced"))
        else:
            deployed, healthy = _deployed_since(st, commit, folder, same_folder), st.healthy_since
            if deployed is None or healthy is None:
                missing = (
                    "status.history has no sync of its folder as the commit holds it"
                    if deployed is None
                    else "status.health has no lastTransitionTime"
                )
                refusals.append(Refusal(EXIT_SOAKING, target, f"cannot tell how long it has run {short}: {missing}"))
                continue
            since = max(deployed, healthy)
            if now - since < timedelta(seconds=soak_s):
                soaked, soak = _shown(now - since), _shown(timedelta(seconds=soak_s))
                reason = f"Synced at {short} and Healthy for {soaked}, less than the soak of {soak}"
                refusals.append(Refusal(EXIT_SOAKING, target, reason))
    return refusals


def check_refusals(client: KubeApi, objects: list[Manifest]) -> list[Refusal]:
    """`ops validate` on the source environment: its FAIL lines (ExternalSecrets among them).

    Application lines are left out: the gate above judges them against the commit and the soak.
    """
    lines = validate(client, objects)
    return [
        Refusal(EXIT_CHECKS_FAILED, f"{line.check} {line.target}", f"validate FAIL: {line.detail}")
        for line in lines
        if line.status == FAIL and line.check != "Application"
    ]


def _repository_and_tag(image: str) -> tuple[str, str]:
    """registry/path/name:tag[@digest] -> (registry/path/name, tag)."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return (name[:colon], name[colon + 1 :]) if colon > slash else (name, "")


def _pods(client: KubeApi, deployment: Manifest) -> list[dict[str, Any]]:
    labels = (deployment.body.get("spec") or {}).get("selector", {}).get("matchLabels") or {}
    selector = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
    path = f"/api/v1/namespaces/{urllib.parse.quote(deployment.namespace)}/pods"
    resp = client.get(path, {"labelSelector": selector})
    if not resp.ok:
        raise KubeError(f"GET {path}?labelSelector={selector} answered HTTP {resp.status}: {resp.message}")
    return [p for p in resp.body.get("items") or [] if not (p.get("metadata") or {}).get("deletionTimestamp")]


def running_images(
    client: KubeApi, objects: list[Manifest], repositories: dict[str, str]
) -> tuple[dict[str, ImageVersion], list[Refusal]]:
    """name -> the tag and digest its pods run, for each release image (name -> repository)."""
    found: dict[str, ImageVersion] = {}
    refusals: list[Refusal] = []
    for deployment in (o for o in objects if o.kind == "Deployment"):
        containers = (deployment.body["spec"]["template"]["spec"]).get("containers") or []
        for container in containers:
            repository, tag = _repository_and_tag(container["image"])
            name = next((n for n, r in repositories.items() if r == repository), None)
            if name is None:
                continue
            target = f"Deployment {deployment.namespace}/{deployment.name} container {container['name']}"
            digests = set()
            for pod in _pods(client, deployment):
                spec_image = next((c["image"] for c in pod["spec"]["containers"] if c["name"] == container["name"]), None)
                if spec_image != container["image"]:
                    continue  # a pod of an older ReplicaSet
                for status in (pod.get("status") or {}).get("containerStatuses") or []:
                    if status.get("name") == container["name"]:
                        match = DIGEST_IN_IMAGE_ID.search(str(status.get("imageID") or ""))
                        digests.add(match.group(1) if match else None)
            if not digests or None in digests:
                refusals.append(
                    Refusal(
                        EXIT_NO_DIGEST,
                        target,
                        "a pod running the rendered image reports no digest (status.containerStatuses[].imageID)",
                    )
                )
            elif len(digests) > 1:
                refusals.append(Refusal(EXIT_NO_DIGEST, target, f"its pods run different digests ({', '.join(sorted(digests))})"))
            else:
                version = ImageVersion(tag or None, digests.pop())
                if found.setdefault(name, version) != version:
                    refusals.append(Refusal(EXIT_NO_DIGEST, target, f"runs {version}, another workload runs {found[name]}"))
    for name in repositories:
        if name not in found and not any(r.status == EXIT_NO_DIGEST for r in refusals):
            refusals.append(Refusal(EXIT_NO_DIGEST, f"image {name}", "no Deployment of the environment runs it"))
    return found, refusals
