"""SecureDeployment: the baseline by default, explicit relaxations, and refused misuse."""

from __future__ import annotations

import dataclasses

import pytest

from config.model import Autoscaling
from constructs.database_backup import DatabaseBackupProps
from constructs.disruption_budget import DisruptionBudget
from constructs.mysql_database import MysqlDatabaseProps
from constructs.pod_parts import (
    BaselineError,
    ConfigFile,
    ContainerPort,
    HttpCheck,
    Probes,
    Relaxation,
    RunAs,
    Sidecar,
    TcpCheck,
    WritablePath,
)
from constructs.schema_migration import SchemaMigrationProps
from constructs.secure_deployment import DeploymentProps, SecureDeployment
from constructs.workload_props import PodProps, WorkloadProps
from tests.support.synth import by_kind, one, small_resources, synth

HTTP = ContainerPort(name="http", number=8080)


def deployment(chart, **overrides):
    props = dict(
        name="demo",
        component="web",
        image="registry.example.internal/demo:1.0.0",
        version="1.0.0",
        ports=[HTTP],
        probes=Probes(
            readiness=HttpCheck(path="/ready", port="http"), liveness=TcpCheck(port="http"), startup=TcpCheck(port="http")
        ),
        resources=small_resources(),
        run_as=RunAs(uid=1000, gid=1000),
        writable_paths=[WritablePath(volume="tmp", path="/tmp")],
    )
    props.update(overrides)
    return SecureDeployment(chart, "Demo", DeploymentProps(**props))


def test_minimal_props_snapshot(snapshot):
    assert synth(deployment) == snapshot


def test_baseline_is_on_by_default():
    objects = synth(deployment)
    pod = one(objects, "Deployment")["spec"]["template"]["spec"]
    container = pod["containers"][0]
    security = container["securityContext"]
    assert security == {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsGroup": 1000,
        "runAsNonRoot": True,
        "runAsUser": 1000,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    assert pod["serviceAccountName"] == "demo"
    assert {"requests", "limits"} <= set(container["resources"])
    assert {"readinessProbe", "livenessProbe", "startupProbe"} <= set(container)
    assert container["readinessProbe"]["httpGet"]["port"] == 8080
    assert {"mountPath": "/tmp", "name": "tmp"} in container["volumeMounts"]
    assert len(pod["topologySpreadConstraints"]) == 2
    assert one(objects, "ServiceAccount")["automountServiceAccountToken"] is False


def test_selector_is_stable_labels_not_construct_path():
    deploy = one(synth(deployment), "Deployment")
    assert deploy["metadata"]["name"] == "demo"
    assert deploy["spec"]["selector"]["matchLabels"] == {
        "app.kubernetes.io/name": "demo",
        "app.kubernetes.io/part-of": "flask-platform",
    }
    assert "cdk8s.io/metadata.addr" not in str(deploy)


def test_config_change_rolls_pods():
    def checksum(value):
        objects = synth(lambda c: deployment(c, config_env={"LEVEL": value}))
        return one(objects, "Deployment")["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    assert checksum("a") != checksum("b")
    assert checksum("a") == checksum("a")


def test_config_files_are_mounted_by_subpath_and_readable_by_role():
    objects = synth(lambda c: deployment(c, config_files=[ConfigFile(key="app.conf", mount_path="/etc/app.conf", content="x\n")]))
    mounts = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    assert {"mountPath": "/etc/app.conf", "name": "config-files", "readOnly": True, "subPath": "app.conf"} in mounts
    role = one(objects, "Role")
    assert role["rules"] == [{"apiGroups": [""], "resourceNames": ["demo-files"], "resources": ["configmaps"], "verbs": ["get"]}]


def test_hpa_omits_replicas():
    objects = synth(lambda c: deployment(c, autoscaling=Autoscaling(enabled=True, min_replicas=2, max_replicas=4)))
    assert "replicas" not in one(objects, "Deployment")["spec"]
    hpa = one(objects, "HorizontalPodAutoscaler")
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 4)


def test_single_replica_pdb_never_blocks_a_drain():
    pdb = one(synth(deployment), "PodDisruptionBudget")
    assert pdb["spec"]["maxUnavailable"] == 1
    assert "minAvailable" not in pdb["spec"]
    assert pdb["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow"


def test_relaxation_needs_a_reason_and_is_annotated():
    reason = "legacy image writes its cache under /app; tracked in the migration plan"
    objects = synth(lambda c: deployment(c, relaxations=[Relaxation(item="read_only_root_filesystem", reason=reason)]))
    template = one(objects, "Deployment")["spec"]["template"]
    assert template["spec"]["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is False
    assert template["metadata"]["annotations"]["security.flask-platform.io/relaxed-read-only-root-filesystem"] == reason
    with pytest.raises(BaselineError, match="needs a written reason"):
        Relaxation(item="read_only_root_filesystem", reason="")


def test_probe_on_undeclared_port_is_refused():
    with pytest.raises(BaselineError, match="port 'metrics', which the container does not declare"):
        synth(
            lambda c: deployment(
                c,
                probes=Probes(readiness=TcpCheck(port="metrics"), liveness=TcpCheck(port="http"), startup=TcpCheck(port="http")),
            )
        )


def test_blocking_pdb_is_refused():
    with pytest.raises(BaselineError, match="would block every node drain"):
        synth(lambda c: deployment(c, disruption=DisruptionBudget(max_unavailable=None, min_available=1)))


def test_root_identity_is_refused():
    with pytest.raises(BaselineError, match="non-root"):
        RunAs(uid=0, gid=0)


def test_duplicate_ports_are_refused():
    with pytest.raises(BaselineError, match="duplicate container port"):
        synth(lambda c: deployment(c, ports=[HTTP, ContainerPort(name="http", number=9090)]))


def test_zero_replicas_is_refused():
    with pytest.raises(BaselineError, match="replicas must be at least 1"):
        synth(lambda c: deployment(c, replicas=0))


def test_checkov_skips_are_emitted_with_reasons():
    annotations = one(synth(deployment), "Deployment")["metadata"]["annotations"]
    skips = {k: v for k, v in annotations.items() if k.startswith("checkov.io/skip")}
    assert set(skips.values()) and all("=" in v and len(v.split("=", 1)[1]) > 10 for v in skips.values())
    digest_pinned = synth(lambda c: deployment(c, image="registry.example.internal/demo@sha256:" + "a" * 64))
    assert not any("CKV_K8S_43" in v for v in one(digest_pinned, "Deployment")["metadata"]["annotations"].values())


def test_no_role_without_readable_objects():
    assert by_kind(synth(deployment), "Role") == []


METRICS = ContainerPort(name="metrics", number=9113)


def exporter(port: ContainerPort = METRICS, name: str = "exporter") -> Sidecar:
    check = HttpCheck(path="/metrics", port=port.name)
    return Sidecar(
        name=name,
        image="registry.example.internal/exporter:1.0.0",
        ports=[port],
        probes=Probes(readiness=check, liveness=check, startup=check),
        resources=small_resources(),
        args=["--listen=:9113"],
    )


def test_a_sidecar_carries_the_same_baseline_and_its_port_is_the_workloads():
    workloads = []
    objects = synth(lambda chart: workloads.append(deployment(chart, sidecars=[exporter()])))
    main, car = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert car["name"] == "exporter"
    assert car["securityContext"] == main["securityContext"]
    assert car["resources"] == {"limits": {"cpu": "100m", "memory": "128Mi"}, "requests": {"cpu": "50m", "memory": "64Mi"}}
    assert {"readinessProbe", "livenessProbe", "startupProbe"} <= set(car)
    assert "volumeMounts" not in car  # the main container's secrets and config stay its own
    assert [p["name"] for p in main["ports"]] == ["http"]
    assert workloads[0].port("metrics").number == 9113


@pytest.mark.parametrize(
    "sidecar, problem",
    [
        (exporter(ContainerPort(name="http", number=9113)), "duplicate container port name"),
        (exporter(ContainerPort(name="metrics", number=8080)), "duplicate container port number"),
        (exporter(name="demo"), "duplicate container names"),
    ],
)
def test_a_sidecar_cannot_clash_with_the_main_container(sidecar, problem):
    with pytest.raises(BaselineError, match=problem):
        synth(lambda chart: deployment(chart, sidecars=[sidecar]))


def test_props_are_frozen_and_extend_the_shared_workload_props():
    workloads = []
    synth(lambda chart: workloads.append(deployment(chart)))
    props = workloads[0].props
    with pytest.raises(dataclasses.FrozenInstanceError):
        props.replicas = 3
    # cdk8s-plus style: DeploymentProps extends PodProps extends WorkloadProps, which the
    # database, the migration Job and the backup CronJob extend too.
    assert isinstance(props, PodProps) and isinstance(props, WorkloadProps)
    for other in (MysqlDatabaseProps, SchemaMigrationProps, DatabaseBackupProps):
        assert issubclass(other, WorkloadProps) and not issubclass(other, PodProps)
