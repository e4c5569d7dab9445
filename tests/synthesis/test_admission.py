"""The rendered-object checks, on hand-made objects: workloads the charts do not render yet
(a migration Job, a backup CronJob, a sidecar) are counted by the same generic rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from config.errors import FieldProblem
from config.loader import load_environment
from synthesis import admission
from synthesis.admission import api_rules, quota, routes
from synthesis.admission.context import Context
from synthesis.admission.demand import LimitDefaults, demands, pod_amounts

Mi = 2**20


def container(name: str, cpu: str | None = "100m", memory: str | None = "128Mi", **extra: Any) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    if cpu or memory:
        amounts = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
        resources = {"requests": dict(amounts), "limits": dict(amounts)}
    return {"name": name, "image": "x", "resources": resources, **extra}


def workload(kind: str, name: str, spec: dict[str, Any], namespace: str = "backend") -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def pod_spec(*containers: dict[str, Any], init: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": list(containers)}
    if init:
        spec["initContainers"] = list(init)
    return spec


def resource_quota(namespace: str = "backend", **hard: str) -> dict[str, Any]:
    return {"kind": "ResourceQuota", "metadata": {"name": "q", "namespace": namespace}, "spec": {"hard": hard}}


def limit_range(namespace: str = "backend", **item: Any) -> dict[str, Any]:
    return {
        "kind": "LimitRange",
        "metadata": {"name": "lr", "namespace": namespace},
        "spec": {"limits": [{"type": "Container", **item}]},
    }


@pytest.fixture(scope="module")
def staging():
    return load_environment("staging")


def _problems(env, check, objects) -> list[FieldProblem]:
    return list(check(Context(env=env, objects=objects)))


# --- worst moments ----------------------------------------------------------------------------


def test_effective_pod_request_with_init_containers_and_sidecars():
    """Kubernetes rule: max(largest init + sidecars started before it, app containers + all sidecars)."""
    spec = pod_spec(
        container("app", "200m", "100Mi"),
        init=(
            container("exporter", "50m", "20Mi", restartPolicy="Always"),
            container("migrate", "1", "50Mi"),
        ),
    )
    amounts = pod_amounts(spec, LimitDefaults())
    assert amounts["requests.cpu"] == Decimal("1.05")  # the init container with the sidecar beside it
    assert amounts["requests.memory"] == 120 * Mi  # app + sidecar


def test_limitrange_defaults_fill_missing_values_and_request_follows_limit():
    defaults = LimitDefaults.of([limit_range(default={"cpu": "500m", "memory": "256Mi"}, defaultRequest={"cpu": "100m"})])
    bare = {"name": "c", "resources": {}}
    only_limit = {"name": "c", "resources": {"limits": {"cpu": "300m", "memory": "64Mi"}}}
    assert pod_amounts(pod_spec(bare), defaults) == {
        "requests.cpu": Decimal("0.1"),
        "requests.memory": 256 * Mi,  # defaultRequest defaults to default
        "limits.cpu": Decimal("0.5"),
        "limits.memory": 256 * Mi,
    }
    assert pod_amounts(pod_spec(only_limit), defaults)["requests.cpu"] == Decimal("0.3")


@pytest.mark.parametrize(
    ("obj", "pods"),
    [
        (
            workload("Deployment", "d", {"replicas": 4, "template": {"spec": pod_spec(container("c"))}}),
            5,
        ),  # 25% surge, rounded up
        (
            workload(
                "Deployment",
                "d",
                {"replicas": 4, "strategy": {"type": "Recreate"}, "template": {"spec": pod_spec(container("c"))}},
            ),
            4,
        ),
        (
            workload(
                "Deployment",
                "d",
                {"replicas": 2, "strategy": {"rollingUpdate": {"maxSurge": 3}}, "template": {"spec": pod_spec(container("c"))}},
            ),
            5,
        ),
        (workload("StatefulSet", "s", {"replicas": 3, "template": {"spec": pod_spec(container("c"))}}), 3),
        (
            workload(
                "Job", "flask-app-migrate", {"parallelism": 4, "completions": 2, "template": {"spec": pod_spec(container("c"))}}
            ),
            2,
        ),
        (
            workload(
                "CronJob",
                "flask-app-db-backup",
                {"concurrencyPolicy": "Forbid", "jobTemplate": {"spec": {"template": {"spec": pod_spec(container("c"))}}}},
            ),
            1,
        ),
        (workload("CronJob", "b", {"jobTemplate": {"spec": {"template": {"spec": pod_spec(container("c"))}}}}), 2),
    ],
    ids=["deployment-surge", "recreate", "explicit-surge", "statefulset", "job", "cronjob-forbid", "cronjob-allow"],
)
def test_worst_moment_pods(obj, pods):
    (demand,) = demands([obj])
    assert demand.pods == pods


def test_autoscaler_maximum_replaces_replicas():
    deployment = workload("Deployment", "api", {"replicas": 1, "template": {"spec": pod_spec(container("c"))}})
    hpa = {
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "api", "namespace": "backend"},
        "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "api"}, "maxReplicas": 8},
    }
    (demand,) = demands([deployment, hpa])
    assert (demand.pods, demand.why) == (10, "autoscaler maximum 8 + 2 during a rolling update")


def test_statefulset_claims_count_per_replica():
    sts = workload(
        "StatefulSet",
        "db",
        {
            "replicas": 2,
            "template": {"spec": pod_spec(container("c"))},
            "volumeClaimTemplates": [{"spec": {"storageClassName": "gp3", "resources": {"requests": {"storage": "5Gi"}}}}],
        },
    )
    (demand,) = demands([sts])
    assert demand.storage["requests.storage"] == 10 * 2**30
    assert demand.claims["gp3.storageclass.storage.k8s.io/persistentvolumeclaims"] == 2


# --- quota and LimitRange -------------------------------------------------------------------


def test_a_new_hook_job_and_sidecar_are_counted_against_the_quota(staging):
    """The generic check covers workloads no chart renders yet."""
    exporter = container("exporter", "100m", "64Mi", restartPolicy="Always")
    api_pod = pod_spec(container("api", "500m", "512Mi"), init=(exporter,))
    api = workload("Deployment", "flask-app", {"replicas": 2, "template": {"spec": api_pod}})
    migrate = workload("Job", "flask-app-migrate", {"template": {"spec": pod_spec(container("migrate", "1", "256Mi"))}})
    objects = [api, migrate, resource_quota(**{"limits.cpu": "2"})]
    (problem,) = _problems(staging, quota.quotas_hold_workloads, objects)
    assert problem.field == "platform.backend.limits_cpu"
    assert problem.reason == (
        "must be at least 2800m, the limits.cpu the backend namespace needs at its peak: flask-app 3 pods x 600m CPU "
        "(2 replicas + 1 during a rolling update), flask-app-migrate 1 pod x 1 CPU (parallelism 1) (got 2)"
    )
    assert _problems(staging, quota.quotas_hold_workloads, [api, migrate, resource_quota(**{"limits.cpu": "2800m"})]) == []


def test_quota_on_a_resource_no_container_sets(staging):
    bare = workload("Deployment", "d", {"replicas": 1, "template": {"spec": pod_spec(container("c", None, None))}})
    (problem,) = _problems(staging, quota.quotas_hold_workloads, [bare, resource_quota(**{"requests.memory": "1Gi"})])
    assert problem.field == "platform.backend.container_defaults"
    assert "refuses the pods of Deployment backend/d" in problem.reason


def test_limitrange_maximum_admits_every_container(staging):
    big = workload("Deployment", "d", {"template": {"spec": pod_spec(container("c", "2", "1Gi"))}})
    (problem,) = _problems(staging, quota.limit_ranges_admit_containers, [big, limit_range(max={"cpu": "1"})])
    assert problem.field == "platform.backend.container_defaults"
    assert "container c of Deployment backend/d has a cpu limit of 2, above the LimitRange maximum 1" in problem.reason
    small = workload("Deployment", "d", {"template": {"spec": pod_spec(container("c", "10m", "1Gi"))}})
    (problem,) = _problems(staging, quota.limit_ranges_admit_containers, [small, limit_range(min={"cpu": "50m"})])
    assert "below the LimitRange minimum 50m" in problem.reason
    assert _problems(staging, quota.limit_ranges_admit_containers, [big, limit_range(max={"cpu": "2"})]) == []


def test_limitrange_defaults_within_its_own_bounds(staging):
    lr = limit_range(default={"cpu": "2"}, max={"cpu": "1"})
    (problem,) = _problems(staging, quota.limit_range_defaults_within_bounds, [lr])
    assert "above the LimitRange maximum 1" in problem.reason


# --- API rules --------------------------------------------------------------------------------


def test_int32_overflow_in_any_rendered_object(staging):
    obj = workload("Deployment", "d", {"replicas": 2**31, "template": {"spec": pod_spec(container("c"))}})
    (problem,) = _problems(staging, api_rules.numbers_fit_the_api, [obj])
    assert "spec.replicas of Deployment backend/d, which Kubernetes stores in 32 bits" in problem.reason


def test_names_labels_ports_and_probes(staging):
    long_cron = workload("CronJob", "c" * 53, {"jobTemplate": {"spec": {"template": {"spec": pod_spec(container("c"))}}}})
    assert "more than the 52 a CronJob name may have" in _problems(staging, api_rules.names_are_valid, [long_cron])[0].reason
    service = {"kind": "Service", "metadata": {"name": "9svc", "namespace": "backend"}, "spec": {}}
    assert "must be a DNS label" in _problems(staging, api_rules.names_are_valid, [service])[0].reason

    labelled = workload("Deployment", "d", {"template": {"metadata": {"labels": {"v": "-x"}}, "spec": pod_spec(container("c"))}})
    assert "label v='-x' is not a label value" in _problems(staging, api_rules.labels_are_valid, [labelled])[0].reason

    port = {"containerPort": 9100, "name": "metrics"}
    clash = workload(
        "Deployment", "d", {"template": {"spec": pod_spec(container("a", ports=[port]), container("b", ports=[port]))}}
    )
    found = [p.reason for p in _problems(staging, api_rules.ports_do_not_collide, [clash])]
    assert any("listen on TCP 9100, as container a of Deployment backend/d does" in r for r in found)

    probe = {"exec": {"command": ["true"]}, "successThreshold": 2}
    bad_probe = workload("Deployment", "d", {"template": {"spec": pod_spec(container("c", livenessProbe=probe))}})
    assert "must have successThreshold 1" in _problems(staging, api_rules.probes_are_accepted, [bad_probe])[0].reason


def test_rendered_value_is_blamed_on_the_setting_it_came_from(staging):
    obj = workload("Deployment", "d", {"template": {"metadata": {"labels": {"v": "stage-1-"}}, "spec": pod_spec(container("c"))}})
    ctx = Context(env=staging, objects=[obj])
    assert ctx.field_for("stage-1", "x") in ("backend.image.tag", "frontend.image.tag")
    assert ctx.field_for(staging.backend.host, "x") == "backend.host"
    assert ctx.budget_field("frontend", "pods") == "platform.frontend.pods"


def test_two_routes_on_one_host(staging):
    def ingress(name: str, namespace: str, host: str, path: str = "/") -> dict[str, Any]:
        rule = {"host": host, "http": {"paths": [{"path": path}]}}
        return {"kind": "Ingress", "metadata": {"name": name, "namespace": namespace}, "spec": {"rules": [rule]}}

    host = staging.frontend.host
    (problem,) = _problems(staging, routes.hosts_are_unique, [ingress("a", "backend", host), ingress("b", "frontend", host)])
    assert problem.field == "frontend.host"
    different_paths = [ingress("a", "backend", host, "/api"), ingress("b", "frontend", host)]
    assert _problems(staging, routes.hosts_are_unique, different_paths) == []


def test_every_check_is_registered():
    assert len(admission.CHECKS) == len(set(admission.CHECKS)) == 9
