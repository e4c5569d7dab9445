"""The parts of a cluster no real component can play on loopback, played in the smallest honest way.

- Nodes: KWOK's fake nodes, spread over zones like a real node group, each labelled as a
  kubelet would label it (hostname, zone, os, arch).
- Storage: no provisioner can create disks here, so each claim the StatefulSets will make gets
  a static PersistentVolume of the claimed class and size, created before the sync (static
  provisioning, as on clusters without a CSI driver). The StorageClass exists, as the
  operations guide requires of a cluster, with no provisioner.
- Ingress status: e2e/ingress_status.py, a process standing in for the controller's status
  writer.
- TLS certificates: e2e/tls_issuer.py, a process standing in for cert-manager's ingress
  integration.
- IRSA: the External Secrets controller's ServiceAccount annotated with a role, as the
  operations guide requires; moto plays STS and Secrets Manager.
"""

from __future__ import annotations

from typing import Any

from e2e.kube import Kube

KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node"
KWOK_NODE_SELECTOR = f"{KWOK_NODE_ANNOTATION}=fake"
RESOURCE_METRICS_PATH_ANNOTATION = "metrics.k8s.io/resource-metrics-path"
ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
# moto accepts any account; this one is the moto default.
IRSA_ROLE_ARN = "arn:aws:iam::123456789012:role/external-secrets"


def node(name: str, zone: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "annotations": {
                KWOK_NODE_ANNOTATION: "fake",
                "node.alpha.kubernetes.io/ttl": "0",
                # Where metrics-server finds this node's resource metrics on KWOK's server
                # (e2e/kwok-metrics.yaml); a kubelet serves them at /metrics/resource.
                RESOURCE_METRICS_PATH_ANNOTATION: f"/metrics/nodes/{name}/metrics/resource",
            },
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "topology.kubernetes.io/zone": zone,
                "topology.kubernetes.io/region": zone[:-1],
                "type": "kwok",
            },
        },
        # What a small worker reports; KWOK copies it into allocatable when the node turns Ready.
        "status": {"capacity": {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"}},
    }


def create_nodes(kube: Kube, count: int) -> list[str]:
    names = [f"kwok-node-{i}" for i in range(count)]
    for i, name in enumerate(names):
        kube.create(node(name, ZONES[i % len(ZONES)]))
    return names


def storage_for_claims(kube: Kube, claims: list[tuple[str, str]], per_claim: int = 1) -> None:
    """A StorageClass per class and `per_claim` static PersistentVolumes per (class, size) claim."""
    for storage_class in sorted({cls for cls, _ in claims}):
        kube.ensure(
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "StorageClass",
                "metadata": {"name": storage_class},
                "provisioner": "kubernetes.io/no-provisioner",
                "volumeBindingMode": "Immediate",
                "reclaimPolicy": "Retain",
            }
        )
    for index, (storage_class, size) in enumerate(claims):
        for copy in range(per_claim):
            kube.ensure(
                {
                    "apiVersion": "v1",
                    "kind": "PersistentVolume",
                    "metadata": {"name": f"static-{storage_class}-{index}-{copy}"},
                    "spec": {
                        "capacity": {"storage": size},
                        "accessModes": ["ReadWriteOnce"],
                        "storageClassName": storage_class,
                        "persistentVolumeReclaimPolicy": "Retain",
                        # A path nobody mounts: KWOK starts no container.
                        "hostPath": {"path": f"/var/lib/e2e-volumes/{storage_class}-{index}-{copy}"},
                    },
                }
            )


def irsa_service_account(kube: Kube, namespace: str, name: str) -> None:
    kube.ensure({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
    kube.ensure(
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": name, "namespace": namespace, "annotations": {IRSA_ROLE_ANNOTATION: IRSA_ROLE_ARN}},
        }
    )
