"""batch_pod and the constructs built on it: run-to-completion pods under the baseline."""

from __future__ import annotations

import pytest

from constructs.batch_pod import BatchPodParts, Step, batch_pod_template
from constructs.labels import selector_labels
from constructs.microsegmented_service import ClientSegment
from constructs.pod_parts import BaselineError, RunAs, WritablePath
from constructs.schema_migration import SchemaMigration, SchemaMigrationProps
from tests.support.synth import by_kind, one, small_resources, synth

RUN_AS = RunAs(uid=1000, gid=1000)


def parts(*step_names: str) -> BatchPodParts:
    return BatchPodParts(
        steps=[
            Step(name=n, image=f"registry.example/{n}:1", command=["run", n], resources=small_resources()) for n in step_names
        ],
        run_as=RUN_AS,
        service_account="job",
        labels=selector_labels("job"),
        writable_paths=[WritablePath(volume="scratch", path="/scratch")],
    )


def test_steps_run_in_order_and_share_the_scratch_dirs() -> None:
    spec = batch_pod_template(parts("first", "second", "last")).spec
    assert [c.name for c in spec.init_containers] == ["first", "second"]
    assert [c.name for c in spec.containers] == ["last"]
    assert spec.restart_policy == "Never" and spec.automount_service_account_token is False
    for container in [*spec.init_containers, *spec.containers]:
        assert [m.mount_path for m in container.volume_mounts] == ["/scratch"]
        context = container.security_context
        assert context.read_only_root_filesystem and context.run_as_non_root and not context.allow_privilege_escalation
        assert context.capabilities.drop == ["ALL"] and context.seccomp_profile.type == "RuntimeDefault"
        assert container.resources.limits is not None and container.resources.requests is not None


@pytest.mark.parametrize(("step_names", "reason"), [((), "at least one step"), (("a", "a"), "duplicate step names")])
def test_broken_step_lists_are_refused(step_names: tuple[str, ...], reason: str) -> None:
    with pytest.raises(BaselineError, match=reason):
        batch_pod_template(parts(*step_names))


def migration(chart, **overrides):
    props = dict(
        name="migrate",
        image="registry.example/api:1",
        version="1",
        command=["flask", "db", "upgrade"],
        resources=small_resources(),
        run_as=RUN_AS,
        writable_paths=[WritablePath(volume="tmp", path="/tmp")],
        deadline_seconds=300,
        retries=2,
        sync_wave=1,
    )
    return SchemaMigration(chart, "Migration", SchemaMigrationProps(**{**props, **overrides}))


def test_schema_migration_is_a_sync_hook_with_a_deadline_and_bounded_retries() -> None:
    objects = synth(migration)
    job = one(objects, "Job", "migrate")
    annotations = job["metadata"]["annotations"]
    assert annotations["argocd.argoproj.io/hook"] == "Sync"
    assert annotations["argocd.argoproj.io/sync-wave"] == "1"
    assert job["spec"]["activeDeadlineSeconds"] == 300 and job["spec"]["backoffLimit"] == 2
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["flask", "db", "upgrade"]
    # Its own identity, without a token and without any Role.
    assert one(objects, "ServiceAccount", "migrate")["automountServiceAccountToken"] is False
    assert by_kind(objects, "Role") == []


def test_a_client_segment_opens_only_what_it_is_given() -> None:
    def build(chart):
        job = migration(chart)
        segment = ClientSegment(chart, "Net", workload=job)
        segment.allow_egress_to_cidrs("s3", ["10.0.0.0/24", "10.0.1.0/24"], [443])
        with pytest.raises(BaselineError, match="names no address range"):
            segment.allow_egress_to_cidrs("nothing", [], [443])
        with pytest.raises(BaselineError, match="declared twice"):
            segment.allow_egress_to_cidrs("s3", ["10.0.2.0/24"], [443])

    policy = one(synth(build), "NetworkPolicy", "migrate-to-s3")
    assert policy["spec"]["podSelector"]["matchLabels"] == selector_labels("migrate")
    assert policy["spec"]["policyTypes"] == ["Egress"]
    (rule,) = policy["spec"]["egress"]
    assert [peer["ipBlock"]["cidr"] for peer in rule["to"]] == ["10.0.0.0/24", "10.0.1.0/24"]
    assert rule["ports"] == [{"port": 443, "protocol": "TCP"}]
