"""MysqlDatabase: a single-instance MySQL 8 StatefulSet under the same baseline as every pod.

Runs as the image's mysql user (UID/GID 999) with fsGroup so the data volume is writable,
a read-only root filesystem with emptyDirs for the socket/pid dir and /tmp, credentials read
from files of an ExternalSecretBinding (the image's `*_FILE` variables), mysqladmin probes,
utf8mb4 server defaults, a headless Service for the StatefulSet identity and a client Service.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdk8s_plus_27 import k8s

from config.types import Resources
from constructs import Construct
from constructs.disruption_budget import DisruptionBudget, disruption_budget
from constructs.external_secret_binding import ExternalSecretBinding
from constructs.k8s_values import quantity
from constructs.labels import metadata_labels, selector_labels
from constructs.labels import sync_wave as sync_wave_annotation
from constructs.pod_parts import ConfigFile, ContainerPort, ExecCheck, Probes, RunAs, WritablePath, port_by_name
from constructs.pod_template import pod_template, review_annotations
from constructs.scope_namespace import namespace_of
from constructs.workload_config import workload_config
from constructs.workload_identity import workload_identity
from constructs.workload_props import PodProps, WorkloadProps

MYSQL_PORT = ContainerPort(name="mysql", number=3306)
MYSQL_UID = 999
MYSQL_RUN_AS = RunAs(uid=MYSQL_UID, gid=MYSQL_UID, fs_group=MYSQL_UID)
SOCKET_DIR = "/var/run/mysqld"
CREDENTIALS_DIR = "/var/run/secrets/mysql"
DATA_DIR = "/var/lib/mysql"

# Keys the credentials binding must provide.
ROOT_PASSWORD_KEY = "root-password"  # pragma: allowlist secret (a key name)
USER_PASSWORD_KEY = "password"  # pragma: allowlist secret (a key name)
USER_NAME_KEY = "username"

SERVER_CONFIG = """\
[mysqld]
character-set-server = utf8mb4
collation-server = utf8mb4_0900_ai_ci
skip-name-resolve
socket = /var/run/mysqld/mysqld.sock
pid-file = /var/run/mysqld/mysqld.pid
# Binary logs for point-in-time recovery (database/binlog.sh archives the closed ones): row
# format, GTIDs, a CRC32 on every event; kept three days on the volume for the archiver.
server-id = 1
log-bin = binlog
binlog-format = ROW
binlog-checksum = CRC32
gtid-mode = ON
enforce-gtid-consistency = ON
binlog-expire-logs-seconds = 259200
# With binary logging on, only this lets the application user create its triggers and
# routines; safe with row-based logging, which logs their effects, not their calls.
log-bin-trust-function-creators = ON

[client]
default-character-set = utf8mb4
socket = /var/run/mysqld/mysqld.sock
"""


@dataclass(frozen=True, kw_only=True)
class MysqlDatabaseProps(WorkloadProps):
    """The database server: `image` is a MySQL 8.0.x reference; the pod itself is fixed here."""

    database: str
    """Database created on first start."""
    credentials: ExternalSecretBinding
    """Binding that provides `root-password`, `username` and `password`: the application user
    created on first start is the current one of the store (it alternates at each rotation)."""
    storage: str
    """Size of the data volume claim."""
    storage_class: str
    """StorageClass of the claim."""
    resources: Resources
    """Container requests and limits."""


class MysqlDatabase(Construct):
    def __init__(self, scope: Construct, id: str, props: MysqlDatabaseProps) -> None:
        """StatefulSet, client Service and selector are `name`; the headless Service is `<name>-headless`."""
        super().__init__(scope, id)
        name = props.name
        self.name = name
        self.namespace = namespace_of(scope)
        self.selector = selector_labels(name)
        self.labels = metadata_labels(name, component="database", version=props.version)
        self.ports = (MYSQL_PORT,)
        self.database = props.database
        self.headless_service_name = f"{name}-headless"
        wave = sync_wave_annotation(props.sync_wave)

        config = workload_config(
            self,
            name=name,
            labels=self.labels,
            env={"MYSQL_DATABASE": props.database},
            files=[ConfigFile(key="utf8mb4.cnf", mount_path="/etc/mysql/conf.d/utf8mb4.cnf", content=SERVER_CONFIG)],
        )
        workload_identity(
            self,
            name=name,
            namespace=self.namespace,
            labels=self.labels,
            config_maps=config.config_map_names,
            secrets=[props.credentials.secret_name],
        )
        ping = ("mysqladmin", "ping", f"--socket={SOCKET_DIR}/mysqld.sock")
        # Over TCP: during first-start initialisation the entrypoint runs a socket-only server,
        # which must not count as ready.
        tcp_ping = ("mysqladmin", "ping", "--protocol=TCP", "--host=127.0.0.1", f"--port={MYSQL_PORT.number}")
        pod = PodProps(
            name=name,
            image=props.image,
            version=props.version,
            ports=self.ports,
            probes=Probes(
                readiness=ExecCheck(command=tcp_ping),
                liveness=ExecCheck(command=ping),
                startup=ExecCheck(command=tcp_ping),
                timeout_seconds=5,
                startup_failure_threshold=60,
            ),
            resources=props.resources,
            run_as=MYSQL_RUN_AS,
            writable_paths=[
                WritablePath(volume="run", path=SOCKET_DIR, size_limit="16Mi"),
                WritablePath(volume="tmp", path="/tmp", size_limit="256Mi"),
            ],
            env=[
                k8s.EnvVar(name="MYSQL_ROOT_PASSWORD_FILE", value=f"{CREDENTIALS_DIR}/{ROOT_PASSWORD_KEY}"),
                k8s.EnvVar(name="MYSQL_USER_FILE", value=f"{CREDENTIALS_DIR}/{USER_NAME_KEY}"),
                k8s.EnvVar(name="MYSQL_PASSWORD_FILE", value=f"{CREDENTIALS_DIR}/{USER_PASSWORD_KEY}"),
            ],
            volumes=[props.credentials.volume("credentials", [ROOT_PASSWORD_KEY, USER_NAME_KEY, USER_PASSWORD_KEY])],
            mounts=[
                k8s.VolumeMount(name="credentials", mount_path=CREDENTIALS_DIR, read_only=True),
                k8s.VolumeMount(name="data", mount_path=DATA_DIR),
            ],
        )
        template = pod_template(
            pod, config=config, selector=self.selector, labels=self.labels, termination_grace_seconds=60, topology_spread=False
        )
        self.stateful_set = k8s.KubeStatefulSet(
            self,
            "StatefulSet",
            metadata=k8s.ObjectMeta(
                name=name,
                labels=self.labels,
                annotations={**wave, **review_annotations(props, run_as=MYSQL_RUN_AS)},
            ),
            spec=k8s.StatefulSetSpec(
                service_name=self.headless_service_name,
                replicas=1,
                revision_history_limit=5,
                selector=k8s.LabelSelector(match_labels=self.selector),
                pod_management_policy="OrderedReady",
                update_strategy=k8s.StatefulSetUpdateStrategy(type="RollingUpdate"),
                persistent_volume_claim_retention_policy=k8s.StatefulSetPersistentVolumeClaimRetentionPolicy(
                    when_deleted="Retain", when_scaled="Retain"
                ),
                template=template,
                volume_claim_templates=[
                    k8s.KubePersistentVolumeClaimProps(
                        metadata=k8s.ObjectMeta(name="data", labels=self.selector),
                        spec=k8s.PersistentVolumeClaimSpec(
                            access_modes=["ReadWriteOnce"],
                            storage_class_name=props.storage_class,
                            resources=k8s.ResourceRequirements(requests={"storage": quantity(props.storage)}),
                        ),
                    )
                ],
            ),
        )
        # One replica: maxUnavailable 1 lets a drain move the database (brief §6, defect 6).
        disruption_budget(self, name=name, labels=self.labels, selector=self.selector, budget=DisruptionBudget(), wave=wave)

    def port(self, name: str) -> ContainerPort:
        return port_by_name(self.ports, name, what=f"a reference to {self.name}")
