"""The staging scenario's day two: releases through git, what they read back, and two failure paths.

Every change is a commit on the environment branch. The failure paths choose their failure
through the tier's overlay (e2e/localrepo.py): the release's image tag is one that
e2e/kwok-stages.yaml plays as a broken image, so what Argo CD syncs is the product's own
rendering of a setting. Each failure-path case starts from a settled environment and leaves one.
"""

from __future__ import annotations

import json
import time
from typing import Any

import yaml

from e2e import notifications
from e2e.cluster import MIGRATION_FAILS_TAG, NEVER_READY_TAG
from e2e.kube import condition, wait_for
from e2e.observe import timestamp
from tests.e2e.conftest import Deployed
from tests.support import e2e_scenario as sc

DAY_TWO_TIMEOUT_S = sc.DAY_TWO_TIMEOUT_S
# How long a held wave is watched once the root app's sync waits on it: without the health
# check of install/argocd-cm-patch.yaml the later wave is applied a second or two after the
# earlier Application is Synced.
HOLD_S = 10.0
LATER_WAVE_LABEL = "e2e.flask-platform.io/later-wave"
MIGRATION_JOB_NAME = "flask-app-migrate"
MIGRATION_JOB = f"/apis/batch/v1/namespaces/backend/jobs/{MIGRATION_JOB_NAME}"


def rolled_out(obj: dict) -> bool:
    spec, status = obj["spec"], obj.get("status") or {}
    replicas = int(spec.get("replicas", 1))
    return (
        int(status.get("observedGeneration") or 0) >= int(obj["metadata"]["generation"])
        and int(status.get("updatedReplicas") or 0) == replicas
        and int(status.get("availableReplicas") or 0) == replicas
        and int(status.get("replicas") or 0) == replicas
    )


def pods_of(d: Deployed, deployment: dict) -> list[dict]:
    """The live, not terminating pods a Deployment selects (by its own selector, not a guessed label)."""
    meta = deployment["metadata"]
    selector = ",".join(f"{k}={v}" for k, v in deployment["spec"]["selector"]["matchLabels"].items())
    pods = d.kube.items(f"/api/v1/namespaces/{meta['namespace']}/pods", label_selector=selector)
    return [p for p in pods if not p["metadata"].get("deletionTimestamp")]


def tag_of(obj: dict, container: str) -> str:
    image = next(c["image"] for c in obj["spec"]["template"]["spec"]["containers"] if c["name"] == container)
    return image.rsplit(":", 1)[-1]


def wait_api_rolled_out(d: Deployed, tag: str, what: str) -> dict:
    """The API Deployment rolled out with `tag` (its pods replaced)."""
    return wait_for(
        what,
        lambda: (obj := sc.deployment(d, "backend", "flask-app")) and tag_of(obj, "flask-app") == tag and rolled_out(obj) and obj,
        DAY_TWO_TIMEOUT_S,
    )


def set_backend_tag(d: Deployed, tag: str) -> None:
    """A release: backend.image.tag in the environment file, rendered with the tier's overlay."""
    path = d.repo.path / "environments" / f"{d.name}.yaml"
    data = yaml.safe_load(path.read_text())
    data["backend"]["image"]["tag"] = tag
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    d.repo.render(d.name)


def terminate_retries_of(d: Deployed, commit: str) -> None:
    """What `argocd app terminate-op` does, for every app still retrying a sync of `commit`.

    An automated sync that failed keeps retrying its revision (retry.limit 5, up to 3 minutes
    apart) even after the branch moved on: a fix or a revert is picked up only once the retries
    are spent, unless the operator terminates the operation (docs/operations.md, Rollback).
    """
    ns = sc.argocd_ns(d)
    for app in d.kube.items(f"/apis/argoproj.io/v1alpha1/namespaces/{ns}/applications"):
        operation = _operation(app)
        if operation.get("phase") == "Running" and _asked(operation) == commit:
            path = f"/apis/argoproj.io/v1alpha1/namespaces/{ns}/applications/{app['metadata']['name']}"
            d.kube.merge_patch(path, {"status": {"operationState": {"phase": "Terminating"}}})


def _operation(app: dict) -> dict[str, Any]:
    return (app.get("status") or {}).get("operationState") or {}


def _asked(operation: dict[str, Any]) -> str | None:
    """The revision an operation was asked to sync (set before it has any result)."""
    return ((operation.get("operation") or {}).get("sync") or {}).get("revision")


def _applications(d: Deployed) -> dict[str, dict]:
    items = d.kube.items(f"/apis/argoproj.io/v1alpha1/namespaces/{sc.argocd_ns(d)}/applications")
    return {app["metadata"]["name"]: app for app in items}


def _render_broken_backend(d: Deployed, tag: str) -> None:
    """Render with the tier's overlay naming a broken image tag for the API; later renders are clean again."""
    d.repo.use_overlay({"backend": {"image": {"tag": tag}}})
    try:
        d.repo.render(d.name)
    finally:
        d.repo.use_overlay({})


# -- a release whose migration fails --------------------------------------------------------


def check_failed_migration_holds_the_release(d: Deployed, fixed_tag: str) -> None:
    """docs/operations.md, "Runbook: the migration failed", step by step.

    The Job fails by its own backoffLimit; the sync stops in wave 1, so the API Deployment
    (wave 2) and its pods are untouched and the frontend Application does not move. The
    operator reads the failure off the Job and the Application, terminates the retries of the
    failed release (the webhook is told the sync failed) and ships a fixed one, which rolls out.
    """
    started = time.monotonic()
    backend, frontend = f"{d.name}-backend", f"{d.name}-frontend"
    api = sc.deployment(d, "backend", "flask-app")
    api_pods = sorted(p["metadata"]["uid"] for p in pods_of(d, api))
    frontend_history = [h["id"] for h in _applications(d)[frontend]["status"].get("history") or []]
    nginx = sc.deployment(d, "frontend", "nginx-front")
    backoff_limit = int(sc.dist_objects(d, "backend", "Job")[0]["spec"]["backoffLimit"])

    _render_broken_backend(d, MIGRATION_FAILS_TAG)
    broken = d.repo.commit_all("Release an API image whose schema migration fails")

    def hook_failed():
        operation = _operation(_applications(d)[backend])
        results = (operation.get("syncResult") or {}).get("resources") or []
        hooks = [r for r in results if (r.get("kind"), r.get("name"), r.get("hookType")) == ("Job", "flask-app-migrate", "Sync")]
        job = d.kube.get_object(MIGRATION_JOB)
        failed = condition(job, "Failed").get("status") == "True"
        recorded = hooks and hooks[0].get("hookPhase") == "Failed"
        return _asked(operation) == broken and recorded and failed and (operation, hooks[0], job)

    operation, hook, job = wait_for("the backend Application's migration hook Failed", hook_failed, DAY_TWO_TIMEOUT_S)
    # The runbook's symptoms, then step 1: why, from the Job and from Argo CD.
    assert operation["phase"] == "Running" and "Retrying attempt #" in operation.get("message", ""), operation
    assert condition(job, "Failed").get("reason") == "BackoffLimitExceeded", job.get("status")
    assert int(job["status"].get("failed") or 0) == backoff_limit + 1, job.get("status")
    assert tag_of({"spec": job["spec"]}, "migrate") == MIGRATION_FAILS_TAG
    assert "backoff limit" in hook.get("message", "").lower(), hook
    # The sync stopped before wave 2: the API's pod template and its pods are the old ones.
    held = sc.deployment(d, "backend", "flask-app")
    assert held["spec"]["template"] == api["spec"]["template"], "the failed release reached the API Deployment"
    assert held["metadata"]["generation"] == api["metadata"]["generation"] and rolled_out(held)
    assert sorted(p["metadata"]["uid"] for p in pods_of(d, held)) == api_pods, "the API's pods were replaced"
    # The frontend wave is untouched: no sync of its Application, no change to its Deployment.
    apps = _applications(d)
    assert [h["id"] for h in apps[frontend]["status"].get("history") or []] == frontend_history
    assert (apps[frontend]["status"]["sync"]["status"], apps[frontend]["status"]["health"]["status"]) == ("Synced", "Healthy")
    assert sc.deployment(d, "frontend", "nginx-front")["metadata"]["generation"] == nginx["metadata"]["generation"]
    failed_at = time.monotonic() - started

    # Step 3: stop the retries of the failed release, and ship a fixed one. Stopped first, so the
    # Failed operation stands until the fix is pushed: stopped after the push, the next sync
    # starts at once and the notifications controller may never see the Failed state.
    terminate_retries_of(d, broken)
    _check_the_failed_sync_was_told(d, backend, broken)
    set_backend_tag(d, fixed_tag)
    fixed = d.repo.commit_all(f"Release {fixed_tag} of the API, whose migration works")
    sc.wait_settled(d, "the fixed release synced", revision=fixed)
    wait_for(
        f"flask-app rolled out with {fixed_tag}",
        lambda: (obj := sc.deployment(d, "backend", "flask-app")) and tag_of(obj, "flask-app") == fixed_tag and rolled_out(obj),
        DAY_TWO_TIMEOUT_S,
    )
    job = d.kube.get_object(MIGRATION_JOB)
    assert condition(job, "Complete").get("status") == "True" and tag_of({"spec": job["spec"]}, "migrate") == fixed_tag
    settled = time.monotonic() - started
    print(f"\nfailed migration: failure seen after {failed_at:.0f}s, fixed release settled after {settled:.0f}s")


def _check_the_failed_sync_was_told(d: Deployed, backend: str, broken: str) -> None:
    """gitops.notifications' sync-failed trigger: the terminated sync of the broken release is told
    once, naming the environment, the application, the revision and the migration Job that failed.
    (While Argo CD retries, the operation is Running; it is Failed once the operator terminates it.)"""
    failed = wait_for(
        "the webhook told that the broken release's sync failed",
        lambda: notifications.told(d.cluster.root, backend, "sync-failed", broken),
        notifications.NOTIFIED_TIMEOUT_S,
    )
    print(f"webhook received (sync-failed): {json.dumps(failed)}")
    assert len(failed) == 1, f"want exactly one sync-failed message for {backend} at {broken}: {failed}"
    told = failed[0]
    assert (told["environment"], told["phase"]) == (d.name, "Failed"), told
    assert any(line.startswith(f"Job backend/{MIGRATION_JOB_NAME}:") for line in told["failing"]), told["failing"]
    assert told["text"].startswith(f"[{d.name}] {backend} sync failed at revision {broken[:12]}\n- Job backend/"), told["text"]


# -- a later wave waits for a Healthy Application --------------------------------------------


def _label_later_wave(d: Deployed) -> None:
    """A change to the frontend Application (wave 2 of the root app), so the root app has a later wave to apply."""
    path = d.repo.dist(d.name) / "argocd" / f"application_argocd_{d.name}-frontend.yaml"
    app = yaml.safe_load(path.read_text())
    app["metadata"].setdefault("labels", {})[LATER_WAVE_LABEL] = "applied"
    path.write_text(yaml.safe_dump(app, sort_keys=False))


def _labelled_at(app: dict) -> str | None:
    """When the root app's sync wrote the label onto the Application: the time of the managed-fields
    entry that owns it (Argo CD applies as `argocd-controller`; status is written by another manager)."""
    for entry in app["metadata"].get("managedFields") or []:
        fields = entry.get("fieldsV1") or {}
        if f"f:{LATER_WAVE_LABEL}" in ((fields.get("f:metadata") or {}).get("f:labels") or {}) and "f:status" not in fields:
            return entry.get("time")
    return None


def check_later_wave_waits_for_a_healthy_application(d: Deployed) -> None:
    """The root app's sync holds the frontend wave while the backend Application is Synced but Progressing.

    First the backend gets an API image that never turns ready, until its Application is
    Synced and Progressing; then the frontend Application changes, so the root app syncs and
    reaches the backend's wave. The frontend Application must not change while the backend is
    Progressing, and is applied only once the backend turned Healthy (after a good release).
    """
    sc.wait_settled(d, "a settled environment to start from")
    started = time.monotonic()
    backend, frontend, root = f"{d.name}-backend", f"{d.name}-frontend", f"{d.name}-root"

    def observe():
        apps = _applications(d)
        health = apps[backend]["status"]["health"]["status"]
        labelled = LATER_WAVE_LABEL in (apps[frontend]["metadata"].get("labels") or {})
        assert not labelled or health == "Healthy", f"{frontend} was applied while {backend} was {health}"
        return apps

    _render_broken_backend(d, NEVER_READY_TAG)
    stalled = d.repo.commit_all("Release an API image whose pods never turn ready")

    def synced_not_healthy():
        status = observe()[backend]["status"]
        stuck = (status["sync"]["status"], status["health"]["status"]) == ("Synced", "Progressing")
        operation = _operation({"status": status})
        return stuck and operation.get("phase") == "Succeeded" and _asked(operation) == stalled

    wait_for(f"{backend} Synced and Progressing", synced_not_healthy, DAY_TWO_TIMEOUT_S)

    def running_not_ready():
        observe()
        pods = pods_of(d, sc.deployment(d, "backend", "flask-app"))
        new = [p for p in pods if tag_of({"spec": {"template": p}}, "flask-app") == NEVER_READY_TAG]
        return new and all((p["status"].get("phase"), condition(p, "Ready").get("status")) == ("Running", "False") for p in new)

    wait_for("the new API pod Running and never Ready", running_not_ready, DAY_TWO_TIMEOUT_S)

    _label_later_wave(d)
    changed = d.repo.commit_all("A change to the frontend Application")
    wait_for(f"{root} syncing the change", lambda: _asked(_operation(observe()[root])) == changed, DAY_TWO_TIMEOUT_S)
    deadline = time.monotonic() + HOLD_S
    while time.monotonic() < deadline:
        apps = observe()
        assert apps[backend]["status"]["health"]["status"] == "Progressing"
        time.sleep(1.0)
    # The root app's own account of the hold: its sync waits on an Application's health (the shipped
    # check): the backend's, or its own (wave -1), which is its children's health aggregated.
    held = _operation(apps[root])
    waiting = {f"waiting for healthy state of argoproj.io/Application/{name}" for name in (backend, root)}
    assert held.get("phase") == "Running" and held.get("message") in waiting, held

    # A good release: the backend turns Healthy, and only then does the root app apply the frontend.
    d.repo.render(d.name)
    _label_later_wave(d)
    good = d.repo.commit_all("Release the API image that turns ready again")

    def applied():
        apps = observe()
        return LATER_WAVE_LABEL in (apps[frontend]["metadata"].get("labels") or {}) and apps

    apps = wait_for(f"{frontend} applied by the root app", applied, DAY_TWO_TIMEOUT_S)
    # Measured from the backend's health transition, on the API server's clock.
    healthy_since = apps[backend]["status"]["health"].get("lastTransitionTime")
    labelled_at = _labelled_at(apps[frontend])
    assert healthy_since and labelled_at, (apps[backend]["status"]["health"], apps[frontend]["metadata"].get("managedFields"))
    assert timestamp(labelled_at) >= timestamp(healthy_since), f"{frontend} applied at {labelled_at}, Healthy at {healthy_since}"
    waited = time.monotonic() - started

    d.repo.render(d.name)
    cleaned = d.repo.commit_all("The frontend Application as rendered")
    sc.wait_settled(d, "the frontend Application restored", revision=cleaned)
    assert sc.deploys(d, sc.apps(d)[backend], good)
    print(f"\nwave hold: frontend applied after {waited:.0f}s, settled again after {time.monotonic() - started:.0f}s")
