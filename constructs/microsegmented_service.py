"""MicrosegmentedService: a workload's Service plus the NetworkPolicies that admit exactly its peers.

The Service's targetPort is the workload's declared container port, so the two cannot
disagree (defect 1). The namespace's default-deny (platform chart) closes everything; each
allowed edge is then one small NetworkPolicy per end, named after the edge (policies are
additive, so this equals one merged policy and reads better in review). `allow_from(client)`
writes both halves at once — ingress here, egress on the client — so the ends cannot drift.
Peers that must match a namespace and pods are a single peer carrying both selectors (AND), never
two peers (OR), and namespaces are matched on the API-server-set
`kubernetes.io/metadata.name` label (defect 7). Policy ports are pod ports, not Service ports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from cdk8s_plus_27 import k8s

from constructs import Construct
from constructs.k8s_values import int_or_string
from constructs.labels import namespace_selector
from constructs.labels import sync_wave as sync_wave_annotation
from constructs.pod_parts import BaselineError, ContainerPort

CLUSTER_DOMAIN = "cluster.local"


def service_dns_name(service: str, namespace: str) -> str:
    """`<service>.<namespace>.svc.<cluster domain>`: how a pod names a Service, rendered or not."""
    return f"{service}.{namespace}.svc.{CLUSTER_DOMAIN}"


class Workload(Protocol):
    """What a Service needs to know about the pods behind it."""

    name: str
    namespace: str
    selector: Mapping[str, str]
    labels: Mapping[str, str]

    def port(self, name: str) -> ContainerPort: ...


def _peer(namespace: str, pod_labels: Mapping[str, str] | None) -> k8s.NetworkPolicyPeer:
    return k8s.NetworkPolicyPeer(
        namespace_selector=k8s.LabelSelector(match_labels=namespace_selector(namespace)),
        pod_selector=k8s.LabelSelector(match_labels=dict(pod_labels)) if pod_labels is not None else None,
    )


def _port(port: ContainerPort) -> k8s.NetworkPolicyPort:
    return k8s.NetworkPolicyPort(port=int_or_string(port.number), protocol=port.protocol)


class NetworkSegment(Construct):
    """The NetworkPolicies of one workload's pods, one per allowed edge."""

    def __init__(self, scope: Construct, id: str, *, workload: Workload, name: str | None = None, sync_wave: int = 0) -> None:
        super().__init__(scope, id)
        self.workload = workload
        self.name = name or workload.name
        self.namespace = workload.namespace
        self.headless = False
        self._edges: set[str] = set()
        self._wave = sync_wave_annotation(sync_wave)

    def _policy(
        self, policy_name: str, edge: str, direction: str, peers: list[k8s.NetworkPolicyPeer], ports: list[k8s.NetworkPolicyPort]
    ) -> None:
        """One edge of this workload's pods: a NetworkPolicy selecting them, with one rule."""
        if self.headless:
            raise BaselineError(f"{self.name}: declare edges on the client Service, not the headless one")
        if edge in self._edges:
            raise BaselineError(f"{self.name}: the edge {edge} is declared twice")
        self._edges.add(edge)
        ingress = [k8s.NetworkPolicyIngressRule(from_=peers, ports=ports)] if direction == "Ingress" else None
        egress = [k8s.NetworkPolicyEgressRule(to=peers, ports=ports)] if direction == "Egress" else None
        k8s.KubeNetworkPolicy(
            self,
            f"policy-{policy_name}",
            metadata=k8s.ObjectMeta(name=policy_name, labels=dict(self.workload.labels), annotations=self._wave),
            spec=k8s.NetworkPolicySpec(
                pod_selector=k8s.LabelSelector(match_labels=dict(self.workload.selector)),
                policy_types=[direction],
                ingress=ingress,
                egress=egress,
            ),
        )

    def allow_egress_to_cidr(self, name: str, cidr: str, ports: Sequence[int]) -> None:
        """An explicit extra egress destination outside the cluster (per-environment allow list)."""
        self.allow_egress_to_cidrs(name, [cidr], ports)

    def allow_egress_to_cidrs(self, name: str, cidrs: Sequence[str], ports: Sequence[int]) -> None:
        """Egress to address ranges outside the cluster (e.g. an S3 endpoint), as one policy."""
        if not cidrs:
            raise BaselineError(f"{self.name}: egress to {name} names no address range")
        self._policy(
            f"{self.workload.name}-to-{name}",
            f"to {name}",
            "Egress",
            [k8s.NetworkPolicyPeer(ip_block=k8s.IpBlock(cidr=cidr)) for cidr in cidrs],
            [k8s.NetworkPolicyPort(port=int_or_string(p), protocol="TCP") for p in ports],
        )

    def allow_egress_to_pods(self, name: str, namespace: str, pod_labels: Mapping[str, str], port: int) -> None:
        """Egress to pods this project does not render (e.g. the monitoring stack's Pushgateway), on their pod port."""
        if not pod_labels:
            raise BaselineError(f"{self.name}: egress to {name} with empty pod labels would reach every pod of {namespace}")
        self._policy(
            f"{self.workload.name}-to-{name}",
            f"to {namespace}/{name}",
            "Egress",
            [_peer(namespace, pod_labels)],
            [k8s.NetworkPolicyPort(port=int_or_string(port), protocol="TCP")],
        )


class ClientSegment(NetworkSegment):
    """The network end of a workload that serves nothing (a Job, a CronJob): it only opens
    connections, so it has no Service; servers admit it with `allow_from`."""


class MicrosegmentedService(NetworkSegment):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        workload: Workload,
        port: int,
        target_port: str,
        name: str | None = None,
        headless: bool = False,
        extra_labels: Mapping[str, str] | None = None,
        sync_wave: int = 0,
    ) -> None:
        """
        :param workload: the SecureDeployment or database whose pods the Service selects.
        :param port: the Service port clients connect to.
        :param target_port: name of the workload's container port the Service forwards to.
        :param name: Service name (default: the workload's name).
        :param headless: a headless Service (clusterIP None) for StatefulSet identities.
        :param extra_labels: labels of the Service only (e.g. for a ServiceMonitor to select it).
        :param sync_wave: ArgoCD sync wave.
        """
        super().__init__(scope, id, workload=workload, name=name, sync_wave=sync_wave)
        self.container_port = workload.port(target_port)
        self.port = port
        self.service = k8s.KubeService(
            self,
            "Service",
            metadata=k8s.ObjectMeta(name=self.name, labels={**workload.labels, **(extra_labels or {})}, annotations=self._wave),
            spec=k8s.ServiceSpec(
                type="ClusterIP",
                cluster_ip="None" if headless else None,
                selector=dict(workload.selector),
                ports=[
                    k8s.ServicePort(
                        name=self.container_port.name,
                        port=port,
                        target_port=int_or_string(self.container_port.number),
                        protocol=self.container_port.protocol,
                    )
                ],
            ),
        )
        self.headless = headless

    @property
    def dns_name(self) -> str:
        """The in-cluster DNS name clients use; derived, never typed."""
        return service_dns_name(self.name, self.namespace)

    def allow_from(self, client: NetworkSegment) -> None:
        """Admit the client's pods on this workload's pod port, and let the client send there."""
        if client is self:
            raise BaselineError(f"{self.name}: a workload does not need a policy to reach itself")
        for side in (self, client):
            if not side.workload.selector:
                raise BaselineError(f"{side.name}: an empty pod selector would select every pod in the namespace")
        self._policy(
            f"{self.workload.name}-from-{client.workload.name}",
            f"from {client.namespace}/{client.name}",
            "Ingress",
            [_peer(client.namespace, client.workload.selector)],
            [_port(self.container_port)],
        )
        client._policy(
            f"{client.workload.name}-to-{self.workload.name}",
            f"to {self.namespace}/{self.name}",
            "Egress",
            [_peer(self.namespace, self.workload.selector)],
            [_port(self.container_port)],
        )

    def allow_from_namespace(self, namespace: str, pod_labels: Mapping[str, str] | None = None) -> None:
        """Admit pods of another namespace (e.g. the ingress controller's) on the pod port."""
        if pod_labels is not None and not pod_labels:
            raise BaselineError(f"{self.name}: allow_from_namespace with empty pod labels; omit them to mean the whole namespace")
        self._policy(
            f"{self.workload.name}-from-{namespace}",
            f"from namespace {namespace}",
            "Ingress",
            [_peer(namespace, pod_labels)],
            [_port(self.container_port)],
        )
