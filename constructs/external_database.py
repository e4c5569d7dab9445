"""ExternalDatabase: the cluster's side of a managed MySQL-compatible database (RDS, Aurora).

Nothing runs in the cluster for it. What is rendered is what its clients need: the provider's
CA bundle as ConfigMap `<name>-ca` (from a pinned file, with its SHA-256 on the object), the
volume and mount that put it into a client pod, and per client an egress NetworkPolicy to the
database's address ranges on its port. Clients require TLS and verify the server's certificate
and host name against that bundle.

The bundle is mounted as a whole ConfigMap volume, not by subPath, so a new bundle reaches
running pods without a restart (the kubelet refreshes such volumes; clients read the file on
every new connection).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cdk8s_plus_27 import k8s

from constructs import Construct
from constructs.labels import sync_wave as sync_wave_annotation
from constructs.microsegmented_service import NetworkSegment

CA_DIR = "/etc/flask-platform/db-ca"
CA_VOLUME = "db-ca"
CA_SHA256_ANNOTATION = "checksum/ca-bundle"


@dataclass(frozen=True, kw_only=True)
class ExternalDatabaseProps:
    name: str
    """Name of the database (its CA ConfigMap is `<name>-ca`, its egress policies `<client>-to-<name>`)."""
    host: str
    """The endpoint's DNS name."""
    port: int
    """The endpoint's port."""
    database: str
    """The schema the clients use."""
    cidrs: Sequence[str]
    """Address ranges the endpoint resolves to."""
    ca_bundle: Path
    """The pinned CA bundle file."""
    labels: Mapping[str, str]
    """Metadata labels of the ConfigMap."""
    sync_wave: int = 0


class ExternalDatabase(Construct):
    def __init__(self, scope: Construct, id: str, props: ExternalDatabaseProps) -> None:
        super().__init__(scope, id)
        self.name = props.name
        self.dns_name = props.host
        self.port = props.port
        self.database = props.database
        self.cidrs = tuple(props.cidrs)
        content = props.ca_bundle.read_bytes()
        self.ca_key = props.ca_bundle.name
        self.ca_file = f"{CA_DIR}/{self.ca_key}"
        self.ca_config_map_name = f"{props.name}-ca"
        k8s.KubeConfigMap(
            self,
            "CaBundle",
            metadata=k8s.ObjectMeta(
                name=self.ca_config_map_name,
                labels=dict(props.labels),
                annotations={
                    **sync_wave_annotation(props.sync_wave),
                    CA_SHA256_ANNOTATION: hashlib.sha256(content).hexdigest(),
                },
            ),
            data={self.ca_key: content.decode("ascii")},
        )

    def ca_volume(self) -> k8s.Volume:
        return k8s.Volume(
            name=CA_VOLUME,
            config_map=k8s.ConfigMapVolumeSource(
                name=self.ca_config_map_name, items=[k8s.KeyToPath(key=self.ca_key, path=self.ca_key)]
            ),
        )

    def ca_mount(self) -> k8s.VolumeMount:
        return k8s.VolumeMount(name=CA_VOLUME, mount_path=CA_DIR, read_only=True)

    def allow_from(self, client: NetworkSegment) -> None:
        """The client's pods may open connections to the database's ranges on its port, nothing more."""
        client.allow_egress_to_cidrs(self.name, self.cidrs, [self.port])
