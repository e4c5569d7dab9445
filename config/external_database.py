"""A managed MySQL-compatible database (Amazon RDS or Aurora MySQL) instead of the StatefulSet.

A sub-model of `database:` (`database.external`), used when `database.mode` is `external`: the
endpoint every client connects to, the address ranges the NetworkPolicies open to it, the CA
bundle its server certificate must verify against, and where the password comes from. The CA
bundles are pinned files in database/ca/, recorded with their source and SHA-256 in
database/ca/SOURCES.md; an environment names one, it never carries certificate text.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from config import formats
from config.types import Hostname, Model, Port, _ipv4_network, _unique

CA_BUNDLES_DIR = Path(__file__).resolve().parent.parent / "database" / "ca"

MASTER_USER_SECRET = formats.register(
    formats.Format(
        "Secrets Manager secret",
        r"^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@!-]+|[A-Za-z0-9/_+=.@!-]{1,512})$",
        "a Secrets Manager secret's name or ARN, such as rds!db-3b5c7e1a-0f2d-4c1e-9a8b-1234567890ab",
        repairs=(str.strip,),
    )
)


CA_BUNDLE_FILE = formats.register(
    formats.Format(
        "CA bundle file",
        r"^[A-Za-z0-9_.-]+\.pem$",
        "the name of a PEM file in database/ca/, such as rds-global-bundle.pem",
        repairs=(lambda v: v.strip().rpartition("/")[2],),
    )
)


def _network(cidr: str) -> str:
    """The address of a NetworkPolicy ipBlock must be the network itself, not a host inside it."""
    network = ipaddress.ip_network(cidr, strict=False)
    if str(network) != cidr:
        raise ValueError(f"must be a network address: {cidr!r} has host bits set, the network is {network}")
    return cidr


def _pinned_bundle(name: str) -> str:
    if not (CA_BUNDLES_DIR / name).is_file():
        pinned = ", ".join(sorted(p.name for p in CA_BUNDLES_DIR.glob("*.pem"))) or "none"
        raise ValueError(f"must name a CA bundle pinned in database/ca/ (pinned: {pinned}; got {name!r})")
    return name


Network = Annotated[formats.CIDR.type(), AfterValidator(_ipv4_network), AfterValidator(_network)]
MasterUserSecret = MASTER_USER_SECRET.type()
CaBundle = Annotated[CA_BUNDLE_FILE.type(), AfterValidator(_pinned_bundle)]


class ExternalDatabase(Model):
    host: Hostname
    """DNS name of the endpoint (the RDS instance's or the Aurora cluster's writer endpoint)."""
    port: Port = 3306
    """TCP port of the endpoint."""
    cidrs: Annotated[list[Network], Field(min_length=1), AfterValidator(_unique)]
    """Address ranges the endpoint resolves to (the database subnets): the clients' only egress to it."""
    ca_bundle: CaBundle
    """CA bundle pinned in database/ca/: every client requires TLS and verifies the server against it."""
    credentials: Literal["store", "managed"] = "store"
    """Password source: `store` (the environment's database key) or `managed` (RDS's master user secret)."""
    master_user_secret: MasterUserSecret | None = None
    """Name or ARN of the secret RDS manages for the master user; required when credentials is `managed`."""

    @model_validator(mode="after")
    def _secret_when_managed(self) -> ExternalDatabase:
        if self.credentials == "managed" and self.master_user_secret is None:
            raise ValueError("credentials is 'managed' but no master_user_secret is set")
        if self.credentials == "store" and self.master_user_secret is not None:
            raise ValueError("master_user_secret is set but credentials is 'store', which never reads it")
        return self
