"""Upgrading each environment from what it runs today to the current dist/.

The baseline (cluster/history.py: the environment's branch, else the merge base with the default
branch, else the dist/ before the change) is applied first, then the current dist/, as Argo CD
would on merge: a change the API server refuses on update (an immutable field) fails here, with
the object named, instead of in production. In CI a missing baseline is a failure.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from cluster.client import Client
from cluster.history import MissingBaseline, describe_prune, plan_upgrade, prune_candidates
from cluster.server import ApiServer, ControlPlanes
from cluster.upgrade import upgrade
from config.loader import load_environment
from manifests import Manifest, environments, load_env
from tests.support.cluster import DIST, REPO_ROOT
from tests.support.tools import in_ci


@pytest.mark.parametrize("env", [e.name for e in environments(DIST)])
def test_upgrade_from_what_the_environment_runs(
    fresh_client: Callable[[str], tuple[ApiServer, Client]], control_planes: ControlPlanes, env: str, tmp_path: Path
) -> None:
    current = load_env(DIST / env)
    try:
        plan = plan_upgrade(REPO_ROOT, env, load_environment(env).gitops.branch, tmp_path, ci=in_ci())
    except MissingBaseline as missing:
        pytest.fail(str(missing), pytrace=False)
    print(f"\n{plan.note}")
    previous = current if plan.previous is None else load_env(plan.previous)

    _, client = fresh_client(f"upgrade-{env}")
    try:
        result = upgrade(client, previous, current)
    finally:
        control_planes.release(f"upgrade-{env}")
    if result.before.errors():
        print("note: the baseline did not apply cleanly itself:\n" + "\n".join(result.before.errors()))
    print(describe_prune(prune_candidates(result.before.manifests, result.after.manifests)))
    assert not result.refusals(), f"dist/{env}: upgrade refused:\n" + "\n".join(result.refusals())
    assert not result.warnings(), f"dist/{env}: upgrade warned:\n" + "\n".join(result.warnings())


def _edited(manifests: list[Manifest], kind: str, name: str, edit: Callable[[dict], None]) -> list[Manifest]:
    """A copy of the objects with one edited, as an earlier dist/ could have rendered it."""
    found = [m for m in manifests if (m.kind, m.name) == (kind, name)]
    assert len(found) == 1, f"{kind} {name} not in dist/staging"
    body = copy.deepcopy(found[0].body)
    edit(body)
    return [dataclasses.replace(m, body=body) if m is found[0] else m for m in manifests]


def _extra_selector_label(deployment: dict) -> None:
    deployment["spec"]["selector"]["matchLabels"]["flask-platform.io/track"] = "old"
    deployment["spec"]["template"]["metadata"]["labels"]["flask-platform.io/track"] = "old"


def _smaller_claim(statefulset: dict) -> None:
    statefulset["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "512Mi"


def _older_image(job: dict) -> None:
    for container in job["spec"]["template"]["spec"]["containers"]:
        container["image"] = container["image"].rsplit(":", 1)[0] + ":an-older-release"


def test_a_change_refused_on_update_is_caught_and_names_the_object(
    fresh_client: Callable[[str], tuple[ApiServer, Client]], control_planes: ControlPlanes
) -> None:
    """A baseline whose Deployment selector, StatefulSet claim size and migration Job image differ."""
    current = load_env(DIST / "staging")
    baseline = _edited(current, "Deployment", "flask-app", _extra_selector_label)
    baseline = _edited(baseline, "StatefulSet", "flask-app-db", _smaller_claim)
    baseline = _edited(baseline, "Job", "flask-app-migrate", _older_image)

    _, client = fresh_client("upgrade-immutable")
    try:
        result = upgrade(client, baseline, current)
    finally:
        control_planes.release("upgrade-immutable")
    assert not result.before.errors(), "\n".join(result.before.errors())
    refusals = sorted(result.refusals())
    print("\n" + "\n".join(refusals))
    assert len(refusals) == 2, refusals
    deployment, statefulset = refusals
    assert deployment.startswith(
        "backend/deployment_backend_flask-app.yaml: apps/v1 Deployment backend/flask-app:"
        " the API server refuses to update the existing object (changed since the baseline:"
        " spec.selector.matchLabels.flask-platform.io/track, spec.template.metadata.labels.flask-platform.io/track):"
    ), deployment
    assert deployment.endswith("field is immutable"), deployment
    assert "spec.selector: Invalid value" in deployment, deployment
    assert statefulset.startswith(
        "backend/statefulset_backend_flask-app-db.yaml: apps/v1 StatefulSet backend/flask-app-db:"
        " the API server refuses to update the existing object (changed since the baseline:"
        " spec.volumeClaimTemplates[0].spec.resources.requests.storage): "
    ), statefulset
    assert "updates to statefulset spec for fields other than" in statefulset, statefulset
    # The migration Job is an Argo CD hook created afresh by every sync, so its changed
    # (immutable) template is no refusal: Argo CD deletes the previous run first.
