"""SecretRotation: the CronJob that rotates the environment's store keys by Secrets Manager's protocol.

One pod, six steps of database/rotate.sh, each a container that starts only after the one
before it exited 0 (batch_pod). The steps that talk to Secrets Manager (fetch, create, finish)
run in the AWS CLI image and are the only ones with AWS credentials (IRSA, through the
ServiceAccount's role annotation); the steps that make values or talk to the database
(generate, set, test) run in the database's own image, whose mysql client matches the server
and which has openssl for the JWT key pair. Values pass between steps only through an
in-memory emptyDir that dies with the pod.

Why not a Lambda, as AWS's own rotation templates are: the database is in the cluster, so the
rotation must run where it can reach port 3306, under the cluster's NetworkPolicies and
admission rules, in images the environment already trusts. Why not one step: no trusted image
has both the AWS CLI and a MySQL client.

A retry would meet the AWSPENDING version of the failed attempt and refuse (that marker is the
concurrency guard), so a run is never retried (backoffLimit 0) and never overlaps another
(concurrencyPolicy Forbid); `ops rotate --now` starts a Job from this CronJob.

Without the `database` key (an external database, whose administrative login the cluster does
not have: config/consistency.py) nothing of the database is rendered: no `set` step (setSecret
only changes the database's copy; the Flask and JWT values live in the store alone), no
database settings, and the chart opens no egress to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cdk8s_plus_27 import k8s

from config.secret_rotation import SecretRotation as RotationSettings
from constructs import Construct
from constructs.batch_pod import BatchPodParts, Step, batch_pod_template
from constructs.labels import COMPONENT_KEY, metadata_labels, selector_labels
from constructs.labels import sync_wave as sync_wave_annotation
from constructs.pod_parts import ConfigFile, RunAs, WritablePath
from constructs.pod_template import review_annotations
from constructs.scope_namespace import namespace_of
from constructs.workload_config import CONFIG_CHECKSUM_ANNOTATION, workload_config
from constructs.workload_identity import workload_identity
from constructs.workload_props import WorkloadProps

SCRIPTS_DIR = Path(__file__).resolve().parent.parent / "database"
SCRIPTS = ("rotate.sh", "common.sh")
SCRIPTS_MOUNT = "/opt/flask-platform/rotation"
WORK_DIR = "/rotation"
IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
HISTORY_LIMIT = 3
# (step, talks to Secrets Manager): the protocol's order, createSecret prepared offline first.
STEPS = (("fetch", True), ("generate", False), ("create", True), ("set", False), ("test", False), ("finish", True))
DATABASE = "database"  # the store key whose rotation reaches the database
# The steps that exist only to change the database's copy of its secret.
DATABASE_ONLY_STEPS = ("set",)


@dataclass(frozen=True, kw_only=True)
class SecretRotationProps(WorkloadProps):
    """The rotation CronJob: `image` is the database server's; `name` also that of its
    ServiceAccount and selector; ConfigMaps are `<name>-env` and `<name>-files`."""

    rotation: RotationSettings
    """The environment's rotation settings."""
    key_prefix: str
    """Prefix of the environment's store keys."""
    region: str
    """AWS region of Secrets Manager."""
    database_host: str
    """DNS name of the database's client Service (used only when `database` is rotated)."""
    database_port: int
    """Its port."""
    database: str
    """The application's schema (the test step logs in to it)."""
    app_user: str
    """The application user; its alternate is `<app_user>_clone`."""

    @property
    def rotates_database(self) -> bool:
        return DATABASE in self.rotation.keys

    run_as: RunAs
    """UID/GID of every step (the database image's own user)."""


class SecretRotation(Construct):
    def __init__(self, scope: Construct, id: str, props: SecretRotationProps) -> None:
        super().__init__(scope, id)
        rotation = props.rotation
        self.props = props
        self.name = props.name
        self.namespace = namespace_of(scope)
        self.selector = selector_labels(props.name)
        self.labels = metadata_labels(props.name, component="secret-rotation", version=props.version)
        database_settings = {
            "DB_HOST": props.database_host,
            "DB_PORT": str(props.database_port),
            "DB_NAME": props.database,
            "APP_USER": props.app_user,
        }
        self.config = workload_config(
            self,
            name=props.name,
            labels=self.labels,
            env={
                "ROTATE_KEYS": " ".join(rotation.keys),
                "KEY_PREFIX": props.key_prefix,
                "WORK_DIR": WORK_DIR,
                **(database_settings if props.rotates_database else {}),
                "AWS_REGION": props.region,
                "AWS_DEFAULT_REGION": props.region,
                # The read-only root: the AWS CLI keeps its web-identity credential cache under HOME.
                "HOME": "/tmp",
                "TMPDIR": "/tmp",
            },
            files=[
                ConfigFile(key=script, mount_path=f"{SCRIPTS_MOUNT}/{script}", content=(SCRIPTS_DIR / script).read_text())
                for script in SCRIPTS
            ],
        )
        workload_identity(
            self,
            name=props.name,
            namespace=self.namespace,
            labels=self.labels,
            annotations={IRSA_ROLE_ANNOTATION: rotation.role_arn},
        )
        template = batch_pod_template(
            BatchPodParts(
                steps=[
                    self._step(step, on_aws)
                    for step, on_aws in STEPS
                    if props.rotates_database or step not in DATABASE_ONLY_STEPS
                ],
                run_as=props.run_as,
                service_account=props.name,
                labels=self.labels,
                writable_paths=[
                    WritablePath(volume="tmp", path="/tmp", size_limit="64Mi", in_memory=True),
                    # The pending values between steps: memory only, gone with the pod.
                    WritablePath(volume="work", path=WORK_DIR, size_limit="16Mi", in_memory=True),
                ],
                volumes=self.config.volumes,
                annotations={CONFIG_CHECKSUM_ANNOTATION: self.config.checksum},
            )
        )
        self.cron_job = k8s.KubeCronJob(
            self,
            "CronJob",
            metadata=k8s.ObjectMeta(
                name=props.name,
                labels=self.labels,
                annotations={
                    **sync_wave_annotation(props.sync_wave),
                    **review_annotations(props, run_as=props.run_as, extra_images=(rotation.aws_cli_image.reference,)),
                },
            ),
            spec=k8s.CronJobSpec(
                schedule=rotation.schedule,
                time_zone=rotation.time_zone,
                suspend=not rotation.enabled,
                concurrency_policy="Forbid",
                successful_jobs_history_limit=HISTORY_LIMIT,
                failed_jobs_history_limit=HISTORY_LIMIT,
                job_template=k8s.JobTemplateSpec(
                    metadata=k8s.ObjectMeta(labels={**self.labels, COMPONENT_KEY: "secret-rotation"}),
                    spec=k8s.JobSpec(backoff_limit=0, active_deadline_seconds=rotation.deadline_seconds, template=template),
                ),
            ),
        )

    def _step(self, name: str, on_aws: bool) -> Step:
        return Step(
            name=name,
            image=self.props.rotation.aws_cli_image.reference if on_aws else self.props.image,
            command=["bash", f"{SCRIPTS_MOUNT}/rotate.sh", name],
            resources=self.props.rotation.resources,
            env_from=self.config.env_from,
            mounts=self.config.mounts,
        )
