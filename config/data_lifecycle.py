"""The database's life per environment: the schema migration of each release and the backups.

A sub-model of the environment (`data:` in the YAML): the migration Job's command, deadline and
retries, and the backup CronJob's schedule, retention hint, bucket and the S3 address ranges
it may reach. Field docstrings become the schema's and CONFIGURATION_REFERENCE.md's text.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from config import formats
from config.formats import Format, register
from config.types import ImageRef, Model, Resources, _unique

# The formats of this section, each with the words an error message and an editor show.
CRON = register(
    Format(
        "cron schedule",
        r"^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$",
        "a cron schedule: five fields (minute hour day-of-month month day-of-week) such as '17 2 * * *', or @daily",
        repairs=(lambda v: " ".join(v.split()),),
    )
)
TIME_ZONE = register(
    Format(
        "time zone", r"^[A-Za-z_]+(/[A-Za-z_+-]+)*$", "an IANA time zone such as Etc/UTC or Europe/Dublin", repairs=(str.strip,)
    )
)
S3_BUCKET = register(
    Format(
        "S3 bucket name",
        r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        "an S3 bucket name: 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit",
        repairs=(lambda v: v.strip().lower().replace("_", "-"),),
    )
)
S3_KEY_PREFIX = register(
    Format(
        "S3 key prefix",
        r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$",
        "an S3 key prefix: path segments of letters, digits, '_', '.' or '-' joined by '/', without a leading or trailing '/'",
        repairs=(lambda v: v.strip().strip("/"),),
    )
)
IAM_ROLE_ARN = register(
    Format(
        "IAM role ARN",
        r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$",
        "an IAM role ARN such as arn:aws:iam::123456789012:role/backup",
        repairs=(str.strip,),
    )
)
KMS_KEY = register(
    Format(
        "KMS key",
        r"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+|alias/[A-Za-z0-9/_-]+)$",
        "a KMS key: its ARN, or an alias such as alias/db-backups",
        repairs=(str.strip, lambda v: f"alias/{v.strip()}"),
    )
)
SCRATCH_SIZE = register(
    Format(
        "volume size",
        r"^[1-9][0-9]*(Mi|Gi)$",
        "a size in Mi or Gi such as 512Mi or 2Gi",
        repairs=(lambda v: v.strip().replace(" ", "").replace("GB", "Gi").replace("MB", "Mi"),),
    )
)

S3Bucket = S3_BUCKET.type()
S3KeyPrefix = S3_KEY_PREFIX.type()
AwsRegion = formats.AWS_REGION.type()
KmsKey = KMS_KEY.type()
Cidr = formats.CIDR.type()
CronSchedule = CRON.type()
TimeZone = TIME_ZONE.type()
IamRoleArn = IAM_ROLE_ARN.type()
VolumeSize = SCRATCH_SIZE.type()

DEFAULT_MIGRATION_RESOURCES = Resources.model_validate(
    {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}}
)
DEFAULT_BACKUP_RESOURCES = Resources.model_validate(
    {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}}
)


class Migration(Model):
    command: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)] = ["flask", "db", "upgrade"]
    """The schema migration of a release, run in the API image before its pods start."""
    deadline_seconds: Annotated[int, Field(ge=30, le=7200)] = 600
    """activeDeadlineSeconds of the migration Job: a hung migration fails the sync after this."""
    retries: Annotated[int, Field(ge=0, le=5)] = 1
    """backoffLimit of the migration Job (retries after the first failure)."""
    resources: Resources = DEFAULT_MIGRATION_RESOURCES
    """Requests and limits of the migration container."""


class S3Target(Model):
    bucket: S3Bucket
    """S3 bucket the dumps are uploaded to (versioned, with a lifecycle rule, see docs/operations.md)."""
    prefix: S3KeyPrefix
    """Key prefix of this environment's dumps, e.g. staging/flask-app-db."""
    region: AwsRegion
    """AWS region of the bucket."""
    kms_key: KmsKey | None = None
    """KMS key for server-side encryption (aws:kms); without it, SSE-S3 (AES256) is requested."""
    endpoint_cidrs: Annotated[list[Cidr], Field(min_length=1), AfterValidator(_unique)]
    """Address ranges of the regional S3 endpoint (its managed prefix list); the only egress besides DB and DNS."""


class BinlogArchive(Model):
    enabled: bool = True
    """Archive the in-cluster server's binary logs to S3 beside the dumps (point-in-time recovery); in-cluster only."""
    interval_minutes: Annotated[int, Field(ge=1, le=30)] = 5
    """Minutes between archive runs: the recovery point objective (what a lost volume can cost) is this plus one run."""
    deadline_seconds: Annotated[int, Field(ge=30, le=1800)] = 240
    """activeDeadlineSeconds of one archive run."""

    @property
    def schedule(self) -> str:
        return f"*/{self.interval_minutes} * * * *"


class Backup(Model):
    enabled: bool = True
    """Render the backup CronJob and its ServiceAccount, scripts and NetworkPolicies."""
    schedule: CronSchedule = "17 2 * * *"
    """Cron schedule of the dump (the controller's time zone unless time_zone is set)."""
    time_zone: TimeZone = "Etc/UTC"
    """IANA time zone of the schedule."""
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 14
    """How long dumps are kept: applied by the bucket's lifecycle rule, recorded on the CronJob."""
    role_arn: IamRoleArn
    """IAM role the backup ServiceAccount assumes through IRSA (s3:PutObject, GetObject, ListBucket on the prefix)."""
    s3: S3Target
    """Where the dumps go."""
    deadline_seconds: Annotated[int, Field(ge=60, le=86400)] = 3600
    """activeDeadlineSeconds of one backup run."""
    starting_deadline_seconds: Annotated[int, Field(ge=10, le=86400)] = 600
    """A run that could not start within this many seconds of its time is skipped (and counted as missed)."""
    retries: Annotated[int, Field(ge=0, le=5)] = 1
    """backoffLimit of one backup run."""
    scratch_size: VolumeSize = "2Gi"
    """Size limit of the emptyDir holding the compressed dump between dump and upload."""
    resources: Resources = DEFAULT_BACKUP_RESOURCES
    """Requests and limits of each backup container (dump, then upload)."""
    aws_cli_image: ImageRef
    """Image of the upload and fetch steps (the AWS CLI v2); the dump and load steps use the database image."""
    binlog: BinlogArchive = BinlogArchive()
    """The archive of the binary logs between the dumps (in-cluster database only)."""
    sse: Literal["aws:kms", "AES256"] | None = None
    """Override of the server-side encryption; default aws:kms when kms_key is set, else AES256."""

    @property
    def server_side_encryption(self) -> str:
        return self.sse or ("aws:kms" if self.s3.kms_key else "AES256")


class DataLifecycle(Model):
    migration: Migration = Migration()
    """The schema migration Job run on every sync, before the new API pods."""
    backup: Backup
    """The scheduled logical dump to S3."""
