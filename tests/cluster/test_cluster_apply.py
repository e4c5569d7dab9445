"""Every environment's dist/ applied to a real API server, in sync order, cleanly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cluster.client import ApiError, identity
from cluster.dist_objects import pod_for
from manifests import environments, workloads
from tests.support.cluster import DIST, FIXTURE, SyncedEnv, targets

TARGETS = sorted(targets())
PSA_ENFORCE = "pod-security.kubernetes.io/enforce"


def test_dist_has_environments() -> None:
    # Without this the tier would quietly check only its own fixture.
    assert environments(DIST), f"no environment folders under {DIST}: run the synth"


@pytest.mark.parametrize("target", TARGETS)
def test_every_object_applies(synced: Callable[[str], SyncedEnv], target: str) -> None:
    env = synced(target)
    assert env.report.results, f"{target}: no objects found"
    if env.report.prerequisites:
        print(f"\n{target}: created beforehand as ArgoCD's own install would: namespaces {env.report.prerequisites}")
    errors = env.report.errors()
    assert not errors, f"{target}: the API server refused {len(errors)} object(s):\n" + "\n".join(errors)


@pytest.mark.parametrize("target", TARGETS)
def test_apply_raises_no_warnings(synced: Callable[[str], SyncedEnv], target: str) -> None:
    # PodSecurity "would violate", deprecated APIs, unknown or duplicate fields all arrive as
    # Warning headers on an otherwise successful apply.
    warnings = synced(target).report.warnings()
    assert not warnings, f"{target}: {len(warnings)} warning(s):\n" + "\n".join(warnings)


@pytest.mark.parametrize("target", TARGETS)
def test_pod_templates_pass_admission(synced: Callable[[str], SyncedEnv], target: str) -> None:
    """The Pod each workload's controller would create is admitted by restricted PSA and quota."""
    env = synced(target)
    pods = workloads(env.manifests)
    assert pods or target != FIXTURE, "the fixture must contain workloads"
    problems: list[str] = []
    for workload in pods:
        what = f"{workload.kind} {workload.namespace}/{workload.name}"
        ns = env.client.get(f"/api/v1/namespaces/{workload.namespace}")
        if not ns.ok:
            problems.append(f"{what}: namespace {workload.namespace!r} not found: {ns.message}")
            continue
        labels = ns.body.get("metadata", {}).get("labels", {})
        if labels.get(PSA_ENFORCE) != "restricted":
            problems.append(f"{what}: namespace {workload.namespace} enforces {labels.get(PSA_ENFORCE)!r}, not 'restricted'")
        for kind in ("resourcequotas", "limitranges"):
            if not env.client.get(f"/api/v1/namespaces/{workload.namespace}/{kind}").body.get("items"):
                problems.append(f"{what}: namespace {workload.namespace} has no {kind}")
        pod = pod_for(workload)
        try:
            resp = env.client.create(pod, dry_run=True)
        except ApiError as exc:
            problems.append(f"{what}: pod refused: {exc.response.message}")
            continue
        problems.extend(f"{what}: pod admitted with warning: {w}" for w in resp.warnings)
    assert not problems, f"{target}:\n" + "\n".join(problems)


def test_fixture_is_applied_in_sync_order(synced: Callable[[str], SyncedEnv]) -> None:
    # The bootstrap folder (no Application points at it) goes first; then each Application's
    # folder in its wave order: the namespace before anything in it, the ExternalSecret
    # (wave -1) before the Deployment that mounts its Secret.
    results = synced(FIXTURE).report.results
    order = [identity(r.manifest.body) for r in results]
    assert [r.manifest.app for r in results[:3]] == ["argocd"] * 3
    first_in_namespace = min(i for i, r in enumerate(results) if r.manifest.namespace == "fixture-app")
    assert order.index("v1 Namespace fixture-app") < first_in_namespace
    assert order.index("external-secrets.io/v1 ExternalSecret fixture-app/web-db") < order.index(
        "apps/v1 Deployment fixture-app/web"
    )
