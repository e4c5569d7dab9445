"""The synth's quota arithmetic (synthesis/admission) against the API server's quota admission.

For each tracked resource, the namespace's ResourceQuota is set to exactly what the admission
check says the workloads need at their worst moment, and every pod of that moment is created:
all are admitted. With one unit less (1m CPU, 1 byte, 1 pod) the last pod is refused. A pod
with an init container, a sidecar and a container relying on the LimitRange defaults is
among them, so the effective-request rule and the defaulting are the server's, not ours.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from cluster.client import ApiError, Client
from cluster.dist_objects import pod_for
from cluster.sync import sync
from manifests import Manifest, load_env
from synthesis.admission import quota
from synthesis.admission.demand import demands
from tests.support.cluster import DIST

ENV = "staging"
NAMESPACE = "backend"
UNIT = {"requests.cpu": Decimal("0.001"), "limits.cpu": Decimal("0.001"), "pods": Decimal(1)}
KEYS = ("requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods")


def _quantity(key: str, value: Decimal) -> str:
    return f"{int(value * 1000)}m" if key.endswith("cpu") else str(int(value))


def _sidecar_pod(template: dict[str, Any]) -> dict[str, Any]:
    """A copy of a workload's pod with an init container, a sidecar and a container without
    resources (the LimitRange defaults apply): what a migration step or an exporter adds."""
    pod = copy.deepcopy(template)
    pod["metadata"]["generateName"] = "with-sidecar-"
    main = pod["spec"]["containers"][0]

    def copy_of_main(name: str, resources: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
        container = {k: v for k, v in copy.deepcopy(main).items() if k not in ("ports", "resources")}
        container.update(name=name, **extra)
        if resources:
            container["resources"] = resources
        return container

    init = copy_of_main("prepare", {"requests": {"cpu": "700m", "memory": "300Mi"}, "limits": {"cpu": "1", "memory": "400Mi"}})
    for probe in ("readinessProbe", "startupProbe", "livenessProbe"):
        init.pop(probe, None)
    sidecar = copy_of_main(
        "exporter",
        {"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}},
        restartPolicy="Always",
    )
    defaulted = copy_of_main("defaulted", None)  # the LimitRange defaults apply
    pod["spec"]["initContainers"] = [init, sidecar]
    pod["spec"]["containers"] = [main, defaulted]
    return pod


def _pods(manifests: list[Manifest]) -> list[dict[str, Any]]:
    """Every pod of the worst moment in the namespace, as the controllers would create them."""
    by_name = {(m.kind, m.name): m for m in manifests if m.namespace == NAMESPACE}
    pods: list[dict[str, Any]] = []
    for demand in demands([m.body for m in manifests]):
        if demand.namespace == NAMESPACE and demand.pods:
            pods += [pod_for(by_name[(demand.kind, demand.name)])] * demand.pods
    return pods


def _set_quota(client: Client, hard: dict[str, str]) -> None:
    live = client.get(f"/api/v1/namespaces/{NAMESPACE}/resourcequotas").body["items"][0]
    live["spec"]["hard"] = hard
    live.pop("status", None)
    assert client.request("PUT", client.path_for(live | {"apiVersion": "v1", "kind": "ResourceQuota"}), live).ok
    live = client.read(live | {"apiVersion": "v1", "kind": "ResourceQuota"}).body
    live["status"] = {"hard": hard, "used": dict.fromkeys(hard, "0")}
    client.update_status(live)


def _create_all(client: Client, pods: list[dict[str, Any]]) -> str | None:
    """Create every pod; the refusal message of the first one refused, or None."""
    client.request("DELETE", f"/api/v1/namespaces/{NAMESPACE}/pods", query={"gracePeriodSeconds": "0"})
    for pod in pods:
        try:
            client.create(pod)
        except ApiError as error:
            return error.response.message
    return None


@pytest.fixture(scope="module")
def cluster(fresh_client: Callable[[str], tuple[Any, Client]]) -> tuple[Client, list[Manifest]]:
    manifests = load_env(DIST / ENV)
    _, client = fresh_client("quota-fit")
    report = sync(client, manifests)
    assert not report.errors(), report.errors()
    return client, manifests


@pytest.mark.parametrize("key", KEYS)
def test_quota_at_the_computed_peak_admits_every_pod_and_one_unit_less_refuses(cluster, key: str) -> None:
    client, manifests = cluster
    template = pod_for(next(m for m in manifests if m.kind == "Deployment" and m.namespace == NAMESPACE))
    extra = _sidecar_pod(template)
    objects = [m.body for m in manifests] + [
        {"kind": "Pod", "metadata": extra["metadata"] | {"name": "x"}, "spec": extra["spec"]}
    ]
    pods = [*_pods(manifests), extra]
    need = quota.peak(objects, NAMESPACE, key)
    generous = {
        "requests.cpu": "1000",
        "limits.cpu": "1000",
        "requests.memory": "1000Gi",
        "limits.memory": "1000Gi",
        "pods": "1000",
    }

    _set_quota(client, {**generous, key: _quantity(key, need)})
    assert _create_all(client, pods) is None, f"{key}: the pods of the computed peak {need} were not all admitted"

    _set_quota(client, {**generous, key: _quantity(key, need - UNIT.get(key, Decimal(1)))})
    refusal = _create_all(client, pods)
    assert refusal is not None and "exceeded quota" in refusal, f"{key}: one unit below {need} was admitted: {refusal}"
