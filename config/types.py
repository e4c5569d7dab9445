"""The building blocks every section of the environment model shares: scalar types with their
formats, the strict base `Model`, images and resources.

config.model composes them into `Environment`, and its sections in their own modules
(config.monitoring, config.admission, config.data_lifecycle) build on them too, so the blocks
live apart from both and neither has to import the other.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from config import formats, git_refs, quantities
from config.quantities import cpu_millicores, memory_bytes

# --- scalar types -------------------------------------------------------------------------------

# The formats (pattern + the words a person reads) live in config/formats.py; these names are
# what the model and the configuration reference use.
HOSTNAME_PATTERN = formats.HOSTNAME.pattern
DNS_LABEL_PATTERN = formats.DNS_LABEL.pattern
IMAGE_REPOSITORY_PATTERN = formats.IMAGE_REPOSITORY.pattern
IMAGE_TAG_PATTERN = formats.IMAGE_TAG.pattern
DIGEST_PATTERN = formats.DIGEST.pattern

INT32_MAX = 2**31 - 1
"""Replica counts and the like land in int32 fields of the Kubernetes API."""
QUANTITY_COUNT_MAX = 2**63 - 1
"""Larger quantities are silently capped by the API server, so the cluster would not get the value written."""


def _not_latest(tag: str) -> str:
    # A moving tag makes a rollout unreproducible and a rollback meaningless (defect 9).
    if tag.lower() == "latest":
        raise ValueError("must be a release tag, not the moving tag 'latest' (for example 1.4.2)")
    return tag


def _unique(values: list) -> list:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"must not list the same entry twice (got {value!r} twice)")
        seen.add(value)
    return values


def _git_branch(name: str) -> str:
    problem = git_refs.branch_problem(name)
    if problem:
        raise ValueError(f"must be a branch name Git accepts, but it {problem} (got {name!r})")
    return name


def _ipv4_network(cidr: str) -> str:
    address = cidr.split("/")[0]
    if any(int(octet) > 255 for octet in address.split(".")):
        raise ValueError(f"must be an IPv4 network whose four numbers are each 0-255 (got {cidr!r})")
    return cidr


Hostname = formats.HOSTNAME.type()
DnsLabel = formats.DNS_LABEL.type()
CpuQuantity = formats.CPU.type()  # e.g. 100m or 0.5
MemoryQuantity = Annotated[formats.MEMORY.type(), AfterValidator(quantities.within_api_range)]  # e.g. 256Mi or 1Gi
Port = Annotated[int, Field(ge=1, le=65535)]
Origin = formats.ORIGIN.type()
Duration = formats.DURATION.type()  # e.g. 30s, 1h
Replicas = Annotated[int, Field(ge=1, le=INT32_MAX)]
LabelKey = formats.LABEL_KEY.type()
LabelValue = formats.LABEL_VALUE.type()


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True)


# --- building blocks ----------------------------------------------------------------------------


class ImageRef(Model):
    repository: formats.IMAGE_REPOSITORY.type()
    """Image repository, with registry, e.g. registry.example.internal/flask-api."""
    tag: Annotated[formats.IMAGE_TAG.type(), AfterValidator(_not_latest)]
    """Release tag (never `latest`); the one line a release bot edits."""
    digest: formats.DIGEST.type() | None = None
    """Optional sha256 digest; when set, the tag is informational and the digest is pulled."""

    @property
    def reference(self) -> str:
        ref = f"{self.repository}:{self.tag}"
        return f"{ref}@{self.digest}" if self.digest else ref


class ResourceAmounts(Model):
    cpu: CpuQuantity
    """CPU quantity."""
    memory: MemoryQuantity
    """Memory quantity."""


class Resources(Model):
    requests: ResourceAmounts
    """What the scheduler reserves for the container."""
    limits: ResourceAmounts
    """The ceiling; must not be below the requests."""

    @model_validator(mode="after")
    def _limits_cover_requests(self) -> Resources:
        if cpu_millicores(self.limits.cpu) < cpu_millicores(self.requests.cpu):
            raise ValueError(f"limits.cpu {self.limits.cpu} is below requests.cpu {self.requests.cpu}")
        if memory_bytes(self.limits.memory) < memory_bytes(self.requests.memory):
            raise ValueError(f"limits.memory {self.limits.memory} is below requests.memory {self.requests.memory}")
        return self
