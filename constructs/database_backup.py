"""DatabaseBackup: the scheduled logical dump to S3, and the restore Job built from the same parts.

The CronJob's pod has two steps (batch_pod): `dump` in the database's own image (mysqldump
always matches the server; the image has bash, gzip and sha256sum) writes the compressed dump
and its checksum to an emptyDir, and only if it succeeded `upload` in the AWS CLI image puts
both into S3 with server-side encryption. Credentials for S3 come from IRSA: the ServiceAccount
carries the role annotation and EKS's pod identity webhook projects the web-identity token, so
there is no access key anywhere. The scripts are the repository's database/*.sh, shipped in
the `<name>-files` ConfigMap.

A successful upload then pushes the dump's size to the monitoring namespace's Pushgateway, when
the environment names one (monitoring.pushgateway): no exporter can see it otherwise.

The restore Job (`restore_job`, used by `ops restore`) is never part of dist/: ArgoCD would run
it on every sync. It reuses the backup's identity, scripts, settings and pod labels, so the
backup's NetworkPolicies (database 3306, S3 443, DNS, the Pushgateway) are exactly its edges too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cdk8s_plus_27 import k8s

from config.data_lifecycle import Backup
from constructs import Construct
from constructs.batch_pod import BatchPodParts, Step, batch_pod_template
from constructs.external_database import ExternalDatabase
from constructs.external_secret_binding import ExternalSecretBinding
from constructs.labels import COMPONENT_KEY, metadata_labels, selector_labels
from constructs.labels import sync_wave as sync_wave_annotation
from constructs.pod_parts import ConfigFile, RunAs, WritablePath
from constructs.pod_template import review_annotations
from constructs.scope_namespace import namespace_of
from constructs.workload_config import CONFIG_CHECKSUM_ANNOTATION, workload_config
from constructs.workload_identity import workload_identity
from constructs.workload_props import WorkloadProps

SCRIPTS_DIR = Path(__file__).resolve().parent.parent / "database"
SCRIPTS = ("backup.sh", "binlog.sh", "restore.sh", "common.sh")
SCRIPTS_MOUNT = "/opt/flask-platform/db"
PASSWORD_DIR = "/var/run/secrets/db"
SCRATCH_DIR = "/backup"
IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
RETENTION_ANNOTATION = "backup.flask-platform.io/retention-days"
HISTORY_LIMIT = 3
ROOT_PASSWORD_FILE = "root-password"  # pragma: allowlist secret (a file name)


@dataclass(frozen=True, kw_only=True)
class DatabaseBackupProps(WorkloadProps):
    """The backup CronJob: `image` is the database server's (mysqldump and mysql of the same
    release), `name` also that of its ServiceAccount and selector; ConfigMaps are `<name>-env`
    and `<name>-files`."""

    backup: Backup
    """The environment's backup settings."""
    database_host: str
    """DNS name of the database's client Service."""
    database_port: int
    """Its port."""
    database: str
    """The schema to dump."""
    credentials: ExternalSecretBinding
    """Binding holding the application user (it owns the schema) and its password; the user
    alternates at each rotation, so both are read from the Secret."""
    user_key: str
    """Key of the user name in that binding."""
    password_key: str
    """Key of the password in that binding."""
    run_as: RunAs
    """UID/GID of both steps (the database image's own user)."""
    tls: ExternalDatabase | None = None
    """An external database: the database steps require TLS and verify it against its CA bundle."""
    binlog_name: str = ""
    """Name of the binary log archive CronJob (its pods keep the backup's selector labels)."""
    root_password_key: str | None = None
    """Key of the server's root password in the binding: set for the binary log archive (backup.binlog),
    whose steps, the dump and a to-time restore need replication privileges."""
    pushgateway_url: str | None = None
    """Base URL of the Pushgateway the upload step reports each dump's size to; None: it reports nothing."""


class DatabaseBackup(Construct):
    def __init__(self, scope: Construct, id: str, props: DatabaseBackupProps) -> None:
        super().__init__(scope, id)
        name = props.name
        backup = props.backup
        self.props = props
        self.name = name
        self.namespace = namespace_of(scope)
        self.selector = selector_labels(name)
        self.labels = metadata_labels(name, component="backup", version=props.version)
        self.backup = backup
        self.run_as = props.run_as
        s3 = backup.s3
        settings = {
            "DB_HOST": props.database_host,
            "DB_PORT": str(props.database_port),
            "DB_NAME": props.database,
            "DB_USER_FILE": f"{PASSWORD_DIR}/username",
            "DB_PASSWORD_FILE": f"{PASSWORD_DIR}/password",
            "BACKUP_DIR": SCRATCH_DIR,
            "RESTORE_DIR": SCRATCH_DIR,
            "BINLOG_DIR": SCRATCH_DIR,
            "S3_BUCKET": s3.bucket,
            "S3_PREFIX": s3.prefix,
            "S3_SSE": backup.server_side_encryption,
            "AWS_REGION": s3.region,
            "AWS_DEFAULT_REGION": s3.region,
            # The read-only root: the AWS CLI keeps its web-identity credential cache under HOME.
            "HOME": "/tmp",
            "TMPDIR": "/tmp",
        }
        if s3.kms_key:
            settings["S3_SSE_KMS_KEY_ID"] = s3.kms_key
        if props.tls:
            settings["DB_SSL_CA"] = props.tls.ca_file
        self.config = workload_config(
            self,
            name=name,
            labels=self.labels,
            env=settings,
            files=[
                ConfigFile(key=script, mount_path=f"{SCRIPTS_MOUNT}/{script}", content=(SCRIPTS_DIR / script).read_text())
                for script in SCRIPTS
            ],
        )
        workload_identity(
            self,
            name=name,
            namespace=self.namespace,
            labels=self.labels,
            annotations={IRSA_ROLE_ANNOTATION: backup.role_arn},
        )
        files = {props.user_key: "username", props.password_key: "password"}  # pragma: allowlist secret (file names)
        self.archives_binlogs = props.root_password_key is not None and backup.binlog.enabled
        if self.archives_binlogs:
            assert props.root_password_key is not None
            files[props.root_password_key] = ROOT_PASSWORD_FILE
        self._password_volume = props.credentials.volume("db-password", files)
        self._ca = (props.tls.ca_volume(), props.tls.ca_mount()) if props.tls else None
        wave = sync_wave_annotation(props.sync_wave)
        self.cron_job = k8s.KubeCronJob(
            self,
            "CronJob",
            metadata=k8s.ObjectMeta(
                name=name,
                labels=self.labels,
                annotations={
                    **wave,
                    RETENTION_ANNOTATION: str(backup.retention_days),
                    **self._checkov(),
                },
            ),
            spec=k8s.CronJobSpec(
                schedule=backup.schedule,
                time_zone=backup.time_zone,
                # Never two dumps at once: a slow one is not doubled by the next schedule.
                concurrency_policy="Forbid",
                starting_deadline_seconds=backup.starting_deadline_seconds,
                successful_jobs_history_limit=HISTORY_LIMIT,
                failed_jobs_history_limit=HISTORY_LIMIT,
                job_template=k8s.JobTemplateSpec(
                    metadata=k8s.ObjectMeta(labels=self.labels),
                    spec=self._job_spec(
                        self._step("dump", "backup.sh", on_database=True, env=self._binlog_position()),
                        self._step("upload", "backup.sh", on_database=False, env=self._size_report()),
                        component="backup",
                    ),
                ),
            ),
        )
        self.binlog_cron_job = self._binlog_archive(wave) if self.archives_binlogs else None

    def _as_root(self) -> list[k8s.EnvVar]:
        """The server's root user: replication privileges (read and replay binary logs, RELOAD)."""
        return [
            k8s.EnvVar(name="DB_ADMIN_USER", value="root"),
            k8s.EnvVar(name="DB_PASSWORD_FILE", value=f"{PASSWORD_DIR}/{ROOT_PASSWORD_FILE}"),
        ]

    def _binlog_position(self) -> list[k8s.EnvVar]:
        """With the archive, each dump records where in the binary logs it stands, as root."""
        if not self.archives_binlogs:
            return []
        return [*self._as_root(), k8s.EnvVar(name="DUMP_BINLOG_POSITION", value="true")]

    def _size_report(self) -> list[k8s.EnvVar]:
        """Where the upload step pushes the dump's size: the Pushgateway, grouped by the CronJob's
        name and namespace (the labels the data dashboard selects)."""
        if self.props.pushgateway_url is None:
            return []
        return [
            k8s.EnvVar(name="PUSHGATEWAY_URL", value=self.props.pushgateway_url),
            k8s.EnvVar(name="METRICS_JOB", value=self.name),
            k8s.EnvVar(name="METRICS_NAMESPACE", value=self.namespace),
        ]

    def _binlog_archive(self, wave: dict[str, str]) -> k8s.KubeCronJob:
        """Every few minutes: list what is archived, fetch the closed logs that are not, upload them.
        Its pods carry the backup's selector labels: the same edges (database, S3, DNS)."""
        archive = self.backup.binlog
        name = self.props.binlog_name
        labels = {**self.labels, COMPONENT_KEY: "binlog-archive"}
        spec = self._job_spec(
            self._step("list", "binlog.sh", on_database=False, env=[]),
            self._step("fetch", "binlog.sh", on_database=True, env=self._as_root()),
            self._step("upload", "binlog.sh", on_database=False, env=[]),
            component="binlog-archive",
        )
        spec = k8s.JobSpec(backoff_limit=0, active_deadline_seconds=archive.deadline_seconds, template=spec.template)
        return k8s.KubeCronJob(
            self,
            "BinlogCronJob",
            metadata=k8s.ObjectMeta(name=name, labels=labels, annotations={**wave, **self._checkov()}),
            spec=k8s.CronJobSpec(
                schedule=archive.schedule,
                time_zone=self.backup.time_zone,
                # A run that overlaps the next is not doubled; a missed run is caught up by the next.
                concurrency_policy="Forbid",
                starting_deadline_seconds=archive.interval_minutes * 60,
                successful_jobs_history_limit=1,
                failed_jobs_history_limit=HISTORY_LIMIT,
                job_template=k8s.JobTemplateSpec(metadata=k8s.ObjectMeta(labels=labels), spec=spec),
            ),
        )

    def _checkov(self) -> dict[str, str]:
        return review_annotations(self.props, run_as=self.run_as, extra_images=(self.backup.aws_cli_image.reference,))

    def _step(self, name: str, script: str, *, on_database: bool, env: list[k8s.EnvVar]) -> Step:
        """One step: `script name` in the database image (on_database: it talks to the database and
        alone sees the password) or in the AWS CLI image (it talks to S3 and sees only the scratch dir)."""
        password_mount = k8s.VolumeMount(name="db-password", mount_path=PASSWORD_DIR, read_only=True)
        return Step(
            name=name,
            image=self.props.image if on_database else self.backup.aws_cli_image.reference,
            command=["bash", f"{SCRIPTS_MOUNT}/{script}", name],
            resources=self.backup.resources,
            env=env,
            env_from=self.config.env_from,
            mounts=[*self.config.mounts, *([password_mount, *self._ca_mounts()] if on_database else [])],
        )

    def _ca_mounts(self) -> list[k8s.VolumeMount]:
        return [self._ca[1]] if self._ca else []

    def _job_spec(self, *steps: Step, component: str) -> k8s.JobSpec:
        template = batch_pod_template(
            BatchPodParts(
                steps=list(steps),
                run_as=self.run_as,
                service_account=self.name,
                labels={**self.labels, COMPONENT_KEY: component},
                writable_paths=[
                    WritablePath(volume="tmp", path="/tmp", size_limit="64Mi", in_memory=True),
                    WritablePath(volume="scratch", path=SCRATCH_DIR, size_limit=self.backup.scratch_size),
                ],
                volumes=[*self.config.volumes, self._password_volume, *([self._ca[0]] if self._ca else [])],
                annotations={CONFIG_CHECKSUM_ANNOTATION: self.config.checksum},
            )
        )
        return k8s.JobSpec(
            backoff_limit=self.backup.retries,
            active_deadline_seconds=self.backup.deadline_seconds,
            template=template,
        )

    def restore_job(
        self, scope: Construct, id: str, *, job_name: str, backup_key: str, to_time: str | None = None
    ) -> k8s.KubeJob:
        """A Job that fetches `backup_key` ("latest" or a dump's name or key), verifies it and
        replaces the database with it; with `to_time`, the newest dump before that time and the
        archived binary logs, replayed up to it (as root). Its pods carry the backup's selector
        labels, so they get the backup's network edges and nothing else."""
        if to_time is not None and not self.archives_binlogs:
            raise ValueError("a restore to a time needs the binary log archive (data.backup.binlog)")
        key = [k8s.EnvVar(name="BACKUP_KEY", value=backup_key)]
        if to_time is not None:
            key = [k8s.EnvVar(name="BACKUP_KEY", value="before-time"), k8s.EnvVar(name="RESTORE_TO_TIME", value=to_time)]
        return k8s.KubeJob(
            scope,
            id,
            metadata=k8s.ObjectMeta(
                name=job_name,
                namespace=self.namespace,
                labels={**self.labels, COMPONENT_KEY: "restore"},
                annotations=self._checkov(),
            ),
            spec=self._job_spec(
                self._step("fetch", "restore.sh", on_database=False, env=key),
                self._step("load", "restore.sh", on_database=True, env=key + (self._as_root() if to_time else [])),
                component="restore",
            ),
        )
