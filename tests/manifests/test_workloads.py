"""Which objects run pods, and one accessor for the pod template of each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manifests import WORKLOAD_KINDS, Manifest, pod_template, pod_templates, workloads

POD_SPEC = {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}], "serviceAccountName": "sa"}
TEMPLATE = {"metadata": {"labels": {"app": "x"}, "annotations": {"a": "b"}}, "spec": POD_SPEC}


def obj(kind: str, api_version: str, spec: dict[str, Any], **meta: Any) -> Manifest:
    return Manifest({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x", **meta}, "spec": spec}, Path("x.yaml"))


@pytest.mark.parametrize(
    "manifest",
    [
        obj("Deployment", "apps/v1", {"template": TEMPLATE}),
        obj("StatefulSet", "apps/v1", {"template": TEMPLATE}),
        obj("DaemonSet", "apps/v1", {"template": TEMPLATE}),
        obj("ReplicaSet", "apps/v1", {"template": TEMPLATE}),
        obj("ReplicationController", "v1", {"template": TEMPLATE}),
        obj("Job", "batch/v1", {"template": TEMPLATE}),
        obj("CronJob", "batch/v1", {"jobTemplate": {"spec": {"template": TEMPLATE}}}),
        obj("Pod", "v1", POD_SPEC, labels={"app": "x"}, annotations={"a": "b"}),
    ],
    ids=lambda m: m.kind,
)
def test_every_workload_kind_has_one_template_shape(manifest: Manifest) -> None:
    template = pod_template(manifest)
    assert template is not None and template.owner is manifest
    assert template.labels == {"app": "x"} and template.annotations == {"a": "b"}
    assert template.spec["serviceAccountName"] == "sa"
    assert [c["name"] for c in template.containers()] == ["init", "app"]


def test_objects_that_run_no_pods_have_no_template() -> None:
    service = obj("Service", "v1", {"selector": {"app": "x"}})
    custom_job = obj("Job", "example.com/v1", {"template": TEMPLATE})  # a custom resource named Job
    assert pod_template(service) is None and pod_template(custom_job) is None
    assert workloads([service, custom_job]) == [] and pod_templates([service, custom_job]) == []


def test_a_workload_without_a_template_has_an_empty_one() -> None:
    template = pod_template(obj("Deployment", "apps/v1", {}))
    assert template is not None and template.labels == {} and template.containers() == []


def test_workload_kinds_carry_their_api_group() -> None:
    assert WORKLOAD_KINDS["Deployment"] == "apps" and WORKLOAD_KINDS["CronJob"] == "batch" and WORKLOAD_KINDS["Pod"] == ""
