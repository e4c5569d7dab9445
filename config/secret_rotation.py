"""The scheduled rotation of an environment's secrets (`secrets.rotation:` in the YAML).

The rotation CronJob runs database/rotate.sh by Secrets Manager's protocol; these are its
schedule, the keys it rotates, the IAM role it assumes and the addresses of the Secrets Manager
endpoint, its only egress besides the database and DNS.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from config.data_lifecycle import Cidr, CronSchedule, IamRoleArn, TimeZone
from config.types import ImageRef, Model, Resources, _unique

RotatedKey = Literal["database", "flask", "jwt"]

DEFAULT_ROTATION_RESOURCES = Resources.model_validate(
    {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "250m", "memory": "256Mi"}}
)


class SecretRotation(Model):
    enabled: bool = True
    """Rotate on the schedule; false suspends the CronJob, and `python -m ops rotate ENV --now` still works."""
    schedule: CronSchedule = "43 3 1 * *"
    """Cron schedule of the rotation (every key of `keys` in one run)."""
    time_zone: TimeZone = "Etc/UTC"
    """IANA time zone of the schedule."""
    interval_days: Annotated[int, Field(ge=1, le=366)] = 31
    """Days between two scheduled rotations: the previous Flask key and JWT public key live this long."""
    grace_hours: Annotated[int, Field(ge=1, le=24 * 14)] = 24
    """Hours past interval_days before RotationOverdue fires."""
    keys: Annotated[list[RotatedKey], Field(min_length=1), AfterValidator(_unique)] = ["database", "flask", "jwt"]
    """Store keys the CronJob rotates (each also by hand: `python -m ops rotate ENV --only KEY`)."""
    role_arn: IamRoleArn
    """IAM role the rotation ServiceAccount assumes through IRSA (the policy: docs/operations.md, Rotating secrets)."""
    endpoint_cidrs: Annotated[list[Cidr], Field(min_length=1), AfterValidator(_unique)]
    """Address ranges of the Secrets Manager endpoint (the subnets of its interface VPC endpoint)."""
    aws_cli_image: ImageRef
    """Image of the steps that talk to Secrets Manager (the AWS CLI v2); the others use the database image."""
    deadline_seconds: Annotated[int, Field(ge=60, le=3600)] = 600
    """activeDeadlineSeconds of one rotation run."""
    resources: Resources = DEFAULT_ROTATION_RESOURCES
    """Requests and limits of each rotation container."""
