"""The database's life per environment: the schema migration of each release and the backups.

A sub-model of the environment (`data:` in the YAML): the migration Job's command, deadline and
retries, and the backup CronJob's schedule, retention hint, bucket and the S3 address ranges
it may reach. Field docstrings become the schema's and CONFIGURATION_REFERENCE.md's text.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from config.model import ImageRef, Model, Resources, _unique

CIDR_PATTERN = r"^([0-9]{1,3}\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$"

# Five cron fields (minute hour day-of-month month day-of-week), or a @-shortcut Kubernetes knows.
CRON_PATTERN = r"^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\S+\s+){4}\S+)$"
# S3 bucket naming rules (lower case, digits, dots and hyphens, 3-63 characters).
BUCKET_PATTERN = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
# An object key prefix: path segments without leading or trailing slash.
KEY_PREFIX_PATTERN = r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$"
IAM_ROLE_ARN_PATTERN = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$"
KMS_KEY_PATTERN = r"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+|alias/[A-Za-z0-9/_-]+)$"

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
    bucket: Annotated[str, Field(pattern=BUCKET_PATTERN)]
    """S3 bucket the dumps are uploaded to (versioned, with a lifecycle rule, see docs/operations.md)."""
    prefix: Annotated[str, Field(pattern=KEY_PREFIX_PATTERN)]
    """Key prefix of this environment's dumps, e.g. staging/flask-app-db."""
    region: Annotated[str, Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")]
    """AWS region of the bucket."""
    kms_key: Annotated[str, Field(pattern=KMS_KEY_PATTERN)] | None = None
    """KMS key for server-side encryption (aws:kms); without it, SSE-S3 (AES256) is requested."""
    endpoint_cidrs: Annotated[list[Annotated[str, Field(pattern=CIDR_PATTERN)]], Field(min_length=1), AfterValidator(_unique)]
    """Address ranges of the regional S3 endpoint (its managed prefix list); the only egress besides DB and DNS."""


class Backup(Model):
    enabled: bool = True
    """Render the backup CronJob and its ServiceAccount, scripts and NetworkPolicies."""
    schedule: Annotated[str, Field(pattern=CRON_PATTERN)] = "17 2 * * *"
    """Cron schedule of the dump (the controller's time zone unless time_zone is set)."""
    time_zone: Annotated[str, Field(pattern=r"^[A-Za-z_]+(/[A-Za-z_+-]+)*$")] = "Etc/UTC"
    """IANA time zone of the schedule."""
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 14
    """How long dumps are kept: applied by the bucket's lifecycle rule, recorded on the CronJob."""
    role_arn: Annotated[str, Field(pattern=IAM_ROLE_ARN_PATTERN)]
    """IAM role the backup ServiceAccount assumes through IRSA (s3:PutObject, GetObject, ListBucket on the prefix)."""
    s3: S3Target
    """Where the dumps go."""
    deadline_seconds: Annotated[int, Field(ge=60, le=86400)] = 3600
    """activeDeadlineSeconds of one backup run."""
    starting_deadline_seconds: Annotated[int, Field(ge=10, le=86400)] = 600
    """A run that could not start within this many seconds of its time is skipped (and counted as missed)."""
    retries: Annotated[int, Field(ge=0, le=5)] = 1
    """backoffLimit of one backup run."""
    scratch_size: Annotated[str, Field(pattern=r"^[1-9][0-9]*(Mi|Gi)$")] = "2Gi"
    """Size limit of the emptyDir holding the compressed dump between dump and upload."""
    resources: Resources = DEFAULT_BACKUP_RESOURCES
    """Requests and limits of each backup container (dump, then upload)."""
    aws_cli_image: ImageRef
    """Image of the upload and fetch steps (the AWS CLI v2); the dump and load steps use the database image."""
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
