"""The API server refuses what it must: the tier can fail, and for the right reason.

Each case first shows the valid object is accepted, then that the one broken thing makes the
server refuse it. Everything is a dry run, so the fixture cluster is left as the sync made it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from cluster.client import ApiError
from cluster.dist_objects import pod_for
from manifests import Manifest
from tests.support.cluster import FIXTURE, SyncedEnv


def _fixture_object(env: SyncedEnv, kind: str, name: str) -> Manifest:
    return next(m for m in env.manifests if m.kind == kind and m.name == name)


def _refusal(call: Callable[[], Any]) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call()
    return caught.value


def test_root_container_is_rejected_in_restricted_namespace(synced: Callable[[str], SyncedEnv]) -> None:
    env = synced(FIXTURE)
    pod = pod_for(_fixture_object(env, "Deployment", "web"))
    env.client.create(pod, dry_run=True)

    root = copy.deepcopy(pod)
    root["spec"]["securityContext"] = {"runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}}
    root["spec"]["containers"][0]["securityContext"] = {"runAsUser": 0, "runAsNonRoot": False}
    refused = _refusal(lambda: env.client.create(root, dry_run=True))
    assert refused.response.status == 403
    assert 'violates PodSecurity "restricted:latest"' in refused.response.message
    assert "runAsNonRoot" in refused.response.message


def test_external_secret_with_unknown_field_is_rejected(synced: Callable[[str], SyncedEnv]) -> None:
    env = synced(FIXTURE)
    external_secret = _fixture_object(env, "ExternalSecret", "web-db").body
    env.client.apply(external_secret, dry_run=True)

    broken = copy.deepcopy(external_secret)
    broken["spec"]["data"][0]["remoteRef"]["secretKey"] = "password"  # belongs one level up  # pragma: allowlist secret
    refused = _refusal(lambda: env.client.apply(broken, dry_run=True))
    # The status code varies by path (create: 422, apply onto an existing object: 500); the
    # message names the field either way.
    assert ".spec.data[0].remoteRef.secretKey: field not declared in schema" in refused.response.message


def test_removed_external_secret_version_is_rejected(synced: Callable[[str], SyncedEnv]) -> None:
    env = synced(FIXTURE)
    old = copy.deepcopy(_fixture_object(env, "ExternalSecret", "web-db").body)
    old["apiVersion"] = "external-secrets.io/v1beta1"
    with pytest.raises(LookupError, match="serves no kind ExternalSecret in external-secrets.io/v1beta1"):
        env.client.apply(old, dry_run=True)


def test_deployment_selector_change_is_rejected_as_immutable(synced: Callable[[str], SyncedEnv]) -> None:
    env = synced(FIXTURE)
    deployment = _fixture_object(env, "Deployment", "web").body
    env.client.apply(deployment, dry_run=True)

    moved = copy.deepcopy(deployment)
    extra = {"app.kubernetes.io/instance": "renamed"}
    moved["spec"]["selector"]["matchLabels"].update(extra)
    moved["spec"]["template"]["metadata"]["labels"].update(extra)
    refused = _refusal(lambda: env.client.apply(moved, dry_run=True))
    assert refused.response.status == 422
    assert "spec.selector" in refused.response.message
    assert "field is immutable" in refused.response.message
