"""A rotation in the end-to-end tier: the store changes, External Secrets copies it, Reloader rolls the API.

The rotation is the environment's own: the steps of the rendered CronJob `flask-secret-rotation`
(`database/rotate.sh`, one process per container, in the pod's order, with the container's
environment from its ConfigMap) run on the test machine against the tier's Secrets Manager, for
the keys `ops rotate --only` would name. The database key is left out: the tier's database is a
KWOK pod, with no server to set a password on (tests/database/test_rotation_live.py proves that
key against MariaDB).

What follows is all the cluster's: External Secrets refreshes the Secrets on the tier overlay's
short interval, Reloader (the annotations strategy) rolls the API Deployment, KWOK replaces its
pods, and Argo CD's next reconciliations and a sync must leave the roll in place.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from constructs.secret_reload import RELOADED_FROM_ANNOTATION
from e2e.components import MOTO_CREDENTIALS
from e2e.kube import wait_for
from e2e.observe import secret_value, timestamp
from manifests import REPO_ROOT
from tests.e2e.conftest import Deployed
from tests.support import e2e_day_two as day2
from tests.support import e2e_scenario as sc

ROTATION_CRONJOB = "flask-secret-rotation"
# Where the rotation image carries database/rotate.sh (the CronJob's command names it).
IN_IMAGE_SCRIPT_DIR = "/opt/flask-platform/rotation"
ROTATED_KEYS = ("flask", "jwt")
API = "/apis/apps/v1/namespaces/backend/deployments/flask-app"
FRONTEND = "/apis/apps/v1/namespaces/frontend/deployments/nginx-front"
DATABASE = "/apis/apps/v1/namespaces/backend/statefulsets/flask-app-db"
APP_SECRETS = "/api/v1/namespaces/backend/secrets/flask-app-secrets"
JWT_SECRET = "/api/v1/namespaces/backend/secrets/flask-app-jwt"
# Argo CD reconciliations the roll has to outlive (the tier reconciles every few seconds).
RECONCILIATIONS = 2


def _rendered(d: Deployed, kind: str, name: str) -> dict[str, Any]:
    return next(o for o in sc.dist_objects(d, "backend", kind) if o["metadata"]["name"] == name)


def _steps(d: Deployed) -> tuple[list[list[str]], dict[str, str]]:
    """The rendered CronJob's step commands, in the order its pod runs them, and its ConfigMap environment."""
    pod = _rendered(d, "CronJob", ROTATION_CRONJOB)["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    containers = [*pod.get("initContainers", []), *pod["containers"]]
    env: dict[str, str] = {}
    for source in containers[0].get("envFrom", []):
        env.update(_rendered(d, "ConfigMap", source["configMapRef"]["name"])["data"])
    return [c["command"] for c in containers], env


def _local(command: list[str]) -> list[str]:
    return [arg.replace(IN_IMAGE_SCRIPT_DIR, str(REPO_ROOT / "database")) for arg in command]


def rotate_in_store(d: Deployed, keys: tuple[str, ...] = ROTATED_KEYS) -> None:
    """Run every step of the environment's rotation for `keys` against the tier's store; raise on a failed step."""
    commands, config = _steps(d)
    for tool in ("aws", "openssl", "bash"):
        if not shutil.which(tool):
            raise RuntimeError(f"the rotation's steps need {tool} on PATH")
    with tempfile.TemporaryDirectory(prefix="e2e-rotation-") as tmp:
        work = Path(tmp)
        env = {
            **config,
            **MOTO_CREDENTIALS,
            "PATH": os.environ["PATH"],
            "HOME": str(work),
            "TMPDIR": str(work),
            "WORK_DIR": str(work / "rotation"),
            "ROTATE_KEYS": " ".join(keys),
            "SM_ENDPOINT_URL": d.cluster.aws_endpoint,
        }
        for command in commands:
            proc = subprocess.run(_local(command), env=env, capture_output=True, text=True, timeout=120, check=False)
            if proc.returncode != 0:
                raise AssertionError(f"rotation step {command[-1]} failed (exit {proc.returncode}):\n{proc.stderr}")


def _pod_uids(d: Deployed, workload: dict) -> set[str]:
    return {p["metadata"]["uid"] for p in day2.pods_of(d, workload)}


def _reloaded_from(obj: dict) -> dict[str, Any] | None:
    raw = (obj["metadata"].get("annotations") or {}).get(RELOADED_FROM_ANNOTATION)
    return json.loads(raw) if raw else None


def _written_at(secret: dict) -> float:
    """When the Secret's data was last written (its newest managed-fields entry)."""
    times = [timestamp(entry["time"]).timestamp() for entry in secret["metadata"].get("managedFields", []) if entry.get("time")]
    return max(times)


def _reconciled_at(d: Deployed, app: str) -> str:
    live = d.kube.get_object(f"/apis/argoproj.io/v1alpha1/namespaces/{sc.argocd_ns(d)}/applications/{app}") or {}
    return str((live.get("status") or {}).get("reconciledAt", ""))


def _sync_now(d: Deployed, app: str) -> None:
    """A sync of the branch head, as the UI's Sync button asks for it, run to its end."""
    path = f"/apis/argoproj.io/v1alpha1/namespaces/{sc.argocd_ns(d)}/applications/{app}"
    user = f"e2e-sync-{time.time_ns()}"
    d.kube.merge_patch(path, {"operation": {"initiatedBy": {"username": user}, "sync": {"revision": d.repo.head()}}})

    def finished():
        operation = ((d.kube.get_object(path) or {}).get("status") or {}).get("operationState") or {}
        mine = ((operation.get("operation") or {}).get("initiatedBy") or {}).get("username") == user
        return mine and operation.get("phase") in {"Succeeded", "Failed", "Error"} and operation

    operation = wait_for(f"the sync of {app} asked for by hand", finished, sc.DAY_TWO_TIMEOUT_S)
    assert operation["phase"] == "Succeeded", operation.get("message")


def check_rotation_rolls_the_api_and_nothing_else(d: Deployed) -> dict[str, float]:
    """The whole path of one rotation; returns its timeline (seconds from the rotation's start)."""
    api, frontend, database = (d.kube.get_object(p) for p in (API, FRONTEND, DATABASE))
    assert api and frontend and database, "the workloads are not deployed"
    untouched = {
        "frontend": (FRONTEND, frontend, _pod_uids(d, frontend)),
        "database": (DATABASE, database, _pod_uids(d, database)),
    }
    jwt_before, app_before = d.kube.get_object(JWT_SECRET), d.kube.get_object(APP_SECRETS)
    public_key, flask_key = secret_value(jwt_before, "public-key"), secret_value(app_before, "secret-key")

    started = time.monotonic()
    rotated_at = time.time()
    rotate_in_store(d)
    timeline = {"store updated": time.monotonic() - started}

    def secrets_updated():
        jwt, app = d.kube.get_object(JWT_SECRET), d.kube.get_object(APP_SECRETS)
        return secret_value(jwt, "public-key") != public_key and secret_value(app, "secret-key") != flask_key and (jwt, app)

    jwt, app_secrets = wait_for("External Secrets copies the rotated keys", secrets_updated, sc.DAY_TWO_TIMEOUT_S)
    timeline["Secrets updated"] = time.monotonic() - started
    # The overlap: the JWT Secret keeps the key it replaced, the app Secret the Flask key.
    assert secret_value(jwt, "previous-public-key") == public_key
    assert secret_value(app_secrets, "previous-secret-key") == flask_key
    written = max(_written_at(jwt), _written_at(app_secrets))

    def rolled():
        live = d.kube.get_object(API) or {}
        stamp = _reloaded_from(live["spec"]["template"])
        pods = day2.pods_of(d, live)
        new = stamp and day2.rolled_out(live) and pods
        # Every pod started after both Secrets held the new values, from the template Reloader wrote.
        fresh = new and all(timestamp(p["metadata"]["creationTimestamp"]).timestamp() >= int(written) for p in pods)
        return fresh and all(_reloaded_from(p) == stamp for p in pods) and (live, stamp)

    rolled_api, stamp = wait_for("Reloader rolls the API onto the new Secrets", rolled, sc.DAY_TWO_TIMEOUT_S)
    timeline["rollout complete"] = time.monotonic() - started
    assert stamp["name"] in {"flask-app-jwt", "flask-app-secrets"} and stamp["namespace"] == "backend", stamp
    assert int(rolled_api["metadata"]["generation"]) > int(api["metadata"]["generation"])
    assert rotated_at <= written

    for what, (path, before, uids) in untouched.items():
        live = d.kube.get_object(path)
        assert live["metadata"]["generation"] == before["metadata"]["generation"], f"the {what} was rolled"
        assert _pod_uids(d, live) == uids, f"the {what}'s pods were replaced"

    _check_argo_cd_keeps_the_roll(d, rolled_api)
    timeline["kept across Argo CD's reconciliations and a sync"] = time.monotonic() - started
    return timeline


def _check_argo_cd_keeps_the_roll(d: Deployed, rolled_api: dict) -> None:
    app = f"{d.name}-backend"
    seen = [_reconciled_at(d, app)]

    def reconciled_again():
        now = _reconciled_at(d, app)
        if now != seen[-1]:
            seen.append(now)
        return len(seen) > RECONCILIATIONS

    wait_for(f"{RECONCILIATIONS} more reconciliations of {app}", reconciled_again, sc.DAY_TWO_TIMEOUT_S)
    _sync_now(d, app)
    live = d.kube.get_object(API)
    assert _reloaded_from(live["spec"]["template"]) == _reloaded_from(rolled_api["spec"]["template"]), "the roll was undone"
    assert live["metadata"]["generation"] == rolled_api["metadata"]["generation"], "Argo CD changed the rolled Deployment"
    state = sc.apps(d)[app]
    assert state.sync == "Synced" and state.health == "Healthy", state


def report(timeline: dict[str, float]) -> str:
    return "rotation timeline: " + ", ".join(f"{step} {seconds:.0f}s" for step, seconds in timeline.items())
