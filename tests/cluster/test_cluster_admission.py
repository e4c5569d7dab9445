"""The ValidatingAdmissionPolicies of dist/ on a real API server: dist/ itself is admitted, and
each rule refuses a crafted violation with its own message.

Pods are checked in the backend namespace with its Pod Security label relaxed to `privileged`
for the duration of the test (restored afterwards): Pod Security `restricted` would otherwise
refuse some of these pods first, and the guard must hold even where that label is loosened.
Workload objects are checked with Pod Security untouched: it only warns about them, so the
policies are what refuses them. Everything is a dry run.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from charts import names
from cluster.client import ApiError, Client
from cluster.dist_objects import pod_for
from manifests import Manifest
from tests.support.cluster import SyncedEnv

TARGET = "dist/staging"
PSA_ENFORCE = "pod-security.kubernetes.io/enforce"
POLICY_READY_TIMEOUT_S = 60.0


def _container(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["containers"][0]


def _set_image(image: str) -> Callable[[dict[str, Any]], None]:
    def mutate(spec: dict[str, Any]) -> None:
        _container(spec)["image"] = image

    return mutate


def _security(**changes: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(spec: dict[str, Any]) -> None:
        _container(spec)["securityContext"].update(changes)

    return mutate


def _pod_field(**changes: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(spec: dict[str, Any]) -> None:
        spec.update(changes)

    return mutate


def _host_path(spec: dict[str, Any]) -> None:
    spec["volumes"] = [*spec.get("volumes", []), {"name": "node", "hostPath": {"path": "/var/run"}}]


def _no_resources(spec: dict[str, Any]) -> None:
    _container(spec).pop("resources")


# rule -> (mutation of the flask-app pod spec, the denial message it must receive)
CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "image from another registry": (
        _set_image("quay.io/someone/flask-api:1.0"),
        "flask-platform-trusted-images: container(s) flask-app: image must come from one of the allowed registries",
    ),
    "untagged image": (
        _set_image("registry.example.internal/platform/flask-api"),
        "flask-platform-trusted-images: container(s) flask-app: image must name a release tag, never none or latest",
    ),
    "latest tag": (
        _set_image("registry.example.internal/platform/flask-api:latest"),
        "flask-platform-trusted-images: container(s) flask-app: image must name a release tag, never none or latest",
    ),
    "writable root filesystem": (
        _security(readOnlyRootFilesystem=False),
        "flask-platform-container-baseline: container(s) flask-app: securityContext.readOnlyRootFilesystem must be true",
    ),
    "capabilities kept": (
        _security(capabilities={"drop": ["NET_RAW"]}),
        "flask-platform-container-baseline: container(s) flask-app: securityContext.capabilities.drop must contain ALL",
    ),
    "hostPath volume": (_host_path, "flask-platform-pod-isolation: hostPath volumes are not allowed"),
    "host network": (
        _pod_field(hostNetwork=True),
        "flask-platform-pod-isolation: hostNetwork, hostPID and hostIPC are not allowed",
    ),
    "privilege escalation": (
        _security(allowPrivilegeEscalation=True),
        "flask-platform-pod-isolation: container(s) flask-app: securityContext.allowPrivilegeEscalation must be false",
    ),
    "token automount": (
        _pod_field(automountServiceAccountToken=True),
        "flask-platform-no-service-account-token: automountServiceAccountToken must be false",
    ),
}
# A Pod without resources gets the namespace LimitRange's defaults before validation, so this
# one is checked on the Deployment only.
RESOURCES_CASE = (
    _no_resources,
    "flask-platform-container-baseline: container(s) flask-app: cpu and memory requests and limits are required",
)


def _denial(call: Callable[[], Any]) -> str:
    with pytest.raises(ApiError) as caught:
        call()
    assert caught.value.response.status in (403, 422), caught.value
    return caught.value.response.message


def _api_deployment(env: SyncedEnv) -> Manifest:
    return next(
        m
        for m in env.manifests
        if m.kind == "Deployment" and m.namespace == names.BACKEND_NAMESPACE and m.name == names.FLASK_APP
    )


def _violating_deployment(deployment: Manifest, mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    obj = copy.deepcopy(deployment.body)
    mutate(obj["spec"]["template"]["spec"])
    return obj


def _wait_for_policies(client: Client, deployment: Manifest) -> None:
    """Policies take effect once the API server's policy informer has seen them and their bindings."""
    probe = _violating_deployment(deployment, _set_image("quay.io/someone/probe:1"))
    deadline = time.monotonic() + POLICY_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            client.apply(probe, dry_run=True)
        except ApiError as error:
            if "flask-platform-trusted-images" in error.response.message:
                return
            raise
        time.sleep(0.5)
    pytest.fail(f"the admission policies did not take effect within {POLICY_READY_TIMEOUT_S:.0f}s")


@pytest.fixture(scope="module")
def guarded(synced: Callable[[str], SyncedEnv]) -> SyncedEnv:
    env = synced(TARGET)
    _wait_for_policies(env.client, _api_deployment(env))
    return env


@pytest.fixture
def backend_without_pod_security(guarded: SyncedEnv) -> Iterator[SyncedEnv]:
    client = guarded.client
    path = f"/api/v1/namespaces/{names.BACKEND_NAMESPACE}"

    def set_enforce(value: str) -> None:
        patch = {"metadata": {"labels": {PSA_ENFORCE: value}}}
        response = client.request("PATCH", path, patch, "application/merge-patch+json")
        assert response.ok, response.message

    original = client.get(path).body["metadata"]["labels"][PSA_ENFORCE]
    set_enforce("privileged")
    try:
        yield guarded
    finally:
        set_enforce(original)
    assert client.get(path).body["metadata"]["labels"][PSA_ENFORCE] == original


def test_every_dist_object_was_admitted_with_the_policies_in_place(guarded: SyncedEnv) -> None:
    kinds = {m.kind for m in guarded.manifests}
    assert {"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"} <= kinds
    assert not guarded.report.errors()
    # The workloads' pods as their controllers would create them pass too.
    for workload in (m for m in guarded.manifests if m.kind in {"Deployment", "StatefulSet"}):
        guarded.client.create(pod_for(workload), dry_run=True)
        guarded.client.apply(workload.body, dry_run=True)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_rule_denies_a_crafted_pod(backend_without_pod_security: SyncedEnv, rule: str) -> None:
    env = backend_without_pod_security
    pod = pod_for(_api_deployment(env))
    env.client.create(pod, dry_run=True)  # the unmodified pod is admitted

    mutate, expected = CASES[rule]
    violating = copy.deepcopy(pod)
    mutate(violating["spec"])
    message = _denial(lambda: env.client.create(violating, dry_run=True))
    print(f"\n  pod, {rule}: {message}")
    assert expected in message


@pytest.mark.parametrize("rule", [*sorted(CASES), "missing resources"])
def test_each_rule_denies_a_crafted_deployment(guarded: SyncedEnv, rule: str) -> None:
    deployment = _api_deployment(guarded)
    mutate, expected = RESOURCES_CASE if rule == "missing resources" else CASES[rule]
    message = _denial(lambda: guarded.client.apply(_violating_deployment(deployment, mutate), dry_run=True))
    print(f"\n  deployment, {rule}: {message}")
    assert expected in message


def test_the_pod_without_resources_is_filled_in_by_the_limit_range(guarded: SyncedEnv) -> None:
    pod = pod_for(_api_deployment(guarded))
    _no_resources(pod["spec"])
    created = guarded.client.create(pod, dry_run=True).body
    resources = created["spec"]["containers"][0]["resources"]
    assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}


def test_the_policies_leave_other_namespaces_alone(guarded: SyncedEnv) -> None:
    argocd = next(m.namespace for m in guarded.manifests if m.kind == "AppProject")
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"generateName": "unguarded-", "namespace": argocd},
        "spec": {"containers": [{"name": "tool", "image": "quay.io/someone/tool:latest"}]},
    }
    guarded.client.create(pod, dry_run=True)


def test_prod_refuses_a_release_image_named_by_tag_alone(synced: Callable[[str], SyncedEnv]) -> None:
    """images.require_digest: prod's trusted-images policy refuses the API image without its digest,
    and admits the digest dist/prod renders (staging, without the rule, admits tags above)."""
    env = synced("dist/prod")
    deployment = _api_deployment(env)
    _wait_for_policies(env.client, deployment)
    image = _container(deployment.body["spec"]["template"]["spec"])["image"]
    assert "@sha256:" in image
    env.client.apply(deployment.body, dry_run=True)
    tagged = _violating_deployment(deployment, _set_image(image.split("@")[0]))
    message = _denial(lambda: env.client.apply(tagged, dry_run=True))
    print(f"\n  prod deployment, tag without digest: {message}")
    assert (
        "flask-platform-trusted-images: container(s) flask-app: image of a release repository must name a sha256 digest"
        in message
    )
