"""Each namespace's ResourceQuota holds the workload at its peak, the batch pods included.

Peak: every Deployment at its largest size (the HPA's maximum, else its replicas) plus the one
surge pod of a rolling update, every StatefulSet, the migration Job, one backup run (the
CronJob forbids concurrent runs) and one restore Job (`ops restore`, the backup's pod shape).
A pod's requests are the larger of its biggest init container and the sum of its containers.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from charts import names
from config.quantities import cpu_millicores, memory_bytes
from manifests import Manifest, environments, load_env, pod_template

ENVS = environments()


def pod_amounts(spec: dict, kind: str) -> dict[str, int]:
    def total(containers: list[dict], key: str, parse) -> list[int]:
        return [parse(((c.get("resources") or {}).get(kind) or {}).get(key, "0")) for c in containers]

    amounts = {}
    for key, parse in (("cpu", cpu_millicores), ("memory", memory_bytes)):
        init = total(spec.get("initContainers") or [], key, parse)
        amounts[key] = max([sum(total(spec.get("containers") or [], key, parse)), *init])
    return amounts


def peak_pods(manifests: list[Manifest]) -> dict[str, list[tuple[str, dict]]]:
    """namespace -> (workload, pod spec) for every pod that can exist at once."""
    hpa_max = {
        (m.namespace, m.body["spec"]["scaleTargetRef"]["name"]): m.body["spec"]["maxReplicas"]
        for m in manifests
        if m.kind == "HorizontalPodAutoscaler"
    }
    pods: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for m in manifests:
        template = pod_template(m)
        if template is None:
            continue
        copies = 1
        if m.kind == "Deployment":
            copies = hpa_max.get((m.namespace, m.name), m.body["spec"].get("replicas", 1)) + 1
        elif m.kind == "StatefulSet":
            copies = m.body["spec"].get("replicas", 1)
        elif m.kind == "CronJob":
            copies = 2  # one backup run and one restore Job of the same shape
        pods[m.namespace].extend([(m.ref, template.spec)] * copies)
    return pods


@pytest.mark.parametrize("env", ENVS, ids=[e.name for e in ENVS])
def test_quota_holds_every_pod_at_its_peak(env) -> None:
    manifests = load_env(env)
    quotas = {m.namespace: m.body["spec"]["hard"] for m in manifests if m.kind == "ResourceQuota"}
    for namespace, pods in peak_pods(manifests).items():
        hard = quotas[namespace]
        assert len(pods) <= int(hard["pods"]), f"{namespace}: {len(pods)} pods at peak"
        for kind in ("requests", "limits"):
            cpu = sum(pod_amounts(spec, kind)["cpu"] for _, spec in pods)
            memory = sum(pod_amounts(spec, kind)["memory"] for _, spec in pods)
            assert cpu <= cpu_millicores(hard[f"{kind}.cpu"]), f"{env.name}/{namespace}: {kind}.cpu {cpu}m at peak"
            assert memory <= memory_bytes(hard[f"{kind}.memory"]), f"{env.name}/{namespace}: {kind}.memory {memory} at peak"


@pytest.mark.parametrize("env", ENVS, ids=[e.name for e in ENVS])
def test_quota_counts_jobs_and_cronjobs(env) -> None:
    manifests = load_env(env)
    quotas = {m.namespace: m.body["spec"]["hard"] for m in manifests if m.kind == "ResourceQuota"}
    for namespace, hard in quotas.items():
        cron_jobs = [m for m in manifests if m.kind == "CronJob" and m.namespace == namespace]
        jobs = [m for m in manifests if m.kind == "Job" and m.namespace == namespace]
        # Every CronJob keeps its history (successful + failed) and may run one more.
        history = sum(
            m.body["spec"]["successfulJobsHistoryLimit"] + m.body["spec"]["failedJobsHistoryLimit"] + 1 for m in cron_jobs
        )
        assert int(hard["count/cronjobs.batch"]) >= len(cron_jobs)
        assert int(hard["count/jobs.batch"]) >= len(jobs) + history + (1 if cron_jobs else 0), namespace
    assert int(quotas[names.FRONTEND_NAMESPACE]["count/jobs.batch"]) == 0  # nothing there runs Jobs


def test_peak_counts_a_pod_by_its_largest_phase() -> None:
    spec = {
        "initContainers": [{"resources": {"requests": {"cpu": "300m", "memory": "64Mi"}}}],
        "containers": [
            {"resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}},
            {"resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}},
        ],
    }
    assert pod_amounts(spec, "requests") == {"cpu": 300, "memory": 256 * 1024 * 1024}
