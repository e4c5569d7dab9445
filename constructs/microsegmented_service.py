"""MicrosegmentedService: a workload's Service plus the NetworkPolicies that admit exactly its peers.

The Service's targetPort is the workload's declared container port, so the two cannot
disagree (defect 1). Each workload gets one ingress and one egress NetworkPolicy selecting its
pods; the namespace's default-deny (platform chart) closes everything else. `allow_from(client)`
writes both halves of an edge at once — ingress here, egress on the client — so the two ends
cannot drift apart. Peers that must match a namespace and pods are a single peer carrying both
selectors (AND), never two peers (OR), and namespaces are matched on the API-server-set
`kubernetes.io/metadata.name` label (defect 7). Policy ports are pod ports, not Service ports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from cdk8s import JsonPatch
from cdk8s_plus_27 import k8s
from constructs import Construct

from constructs.labels import namespace_selector
from constructs.pod_baseline import BaselineError, ContainerPort

CLUSTER_DOMAIN = "cluster.local"


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
    return k8s.NetworkPolicyPort(port=k8s.IntOrString.from_number(port.number), protocol=port.protocol)


def _rule_json(direction: str, peers: list[k8s.NetworkPolicyPeer], ports: list[k8s.NetworkPolicyPort]) -> dict:
    """Serialize a typed rule with cdk8s's own renderer (no hand-built rule dicts)."""
    if direction == "ingress":
        spec = k8s.NetworkPolicySpec(pod_selector=k8s.LabelSelector(), ingress=[k8s.NetworkPolicyIngressRule(from_=peers, ports=ports)])
    else:
        spec = k8s.NetworkPolicySpec(pod_selector=k8s.LabelSelector(), egress=[k8s.NetworkPolicyEgressRule(to=peers, ports=ports)])
    return k8s.KubeNetworkPolicy.manifest(spec=spec)["spec"][direction][0]


class MicrosegmentedService(Construct):
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
        sync_wave: int = 0,
    ) -> None:
        """
        :param workload: the SecureDeployment or database whose pods the Service selects.
        :param port: the Service port clients connect to.
        :param target_port: name of the workload's container port the Service forwards to.
        :param name: Service name (default: the workload's name).
        :param headless: a headless Service (clusterIP None) for StatefulSet identities.
        :param sync_wave: ArgoCD sync wave.
        """
        super().__init__(scope, id)
        self.workload = workload
        self.container_port = workload.port(target_port)
        self.name = name or workload.name
        self.namespace = workload.namespace
        self.port = port
        self._edges: set[tuple[str, str]] = set()
        wave = {"argocd.argoproj.io/sync-wave": str(sync_wave)}
        self.service = k8s.KubeService(
            self,
            "Service",
            metadata=k8s.ObjectMeta(name=self.name, labels=dict(workload.labels), annotations=wave),
            spec=k8s.ServiceSpec(
                type="ClusterIP",
                cluster_ip="None" if headless else None,
                selector=dict(workload.selector),
                ports=[
                    k8s.ServicePort(
                        name=self.container_port.name,
                        port=port,
                        target_port=k8s.IntOrString.from_number(self.container_port.number),
                        protocol=self.container_port.protocol,
                    )
                ],
            ),
        )
        if headless:
            return
        selector = k8s.LabelSelector(match_labels=dict(workload.selector))
        self.ingress_policy = k8s.KubeNetworkPolicy(
            self,
            "IngressPolicy",
            metadata=k8s.ObjectMeta(name=f"{workload.name}-ingress", labels=dict(workload.labels), annotations=wave),
            spec=k8s.NetworkPolicySpec(pod_selector=selector, policy_types=["Ingress"], ingress=[]),
        )
        self.egress_policy = k8s.KubeNetworkPolicy(
            self,
            "EgressPolicy",
            metadata=k8s.ObjectMeta(name=f"{workload.name}-egress", labels=dict(workload.labels), annotations=wave),
            spec=k8s.NetworkPolicySpec(pod_selector=selector, policy_types=["Egress"], egress=[]),
        )

    @property
    def dns_name(self) -> str:
        """The in-cluster DNS name clients use; derived, never typed."""
        return f"{self.name}.{self.namespace}.svc.{CLUSTER_DOMAIN}"

    def _add(self, policy: k8s.KubeNetworkPolicy, direction: str, key: tuple[str, str], rule: dict) -> None:
        if key in self._edges:
            raise BaselineError(f"{self.name}: the {direction} edge {key[1]} is declared twice")
        self._edges.add(key)
        policy.add_json_patch(JsonPatch.add(f"/spec/{direction}/-", rule))

    def allow_from(self, client: MicrosegmentedService) -> None:
        """Admit the client's pods on this workload's pod port, and let the client send there."""
        if client is self:
            raise BaselineError(f"{self.name}: a workload does not need a policy to reach itself")
        for side in (self, client):
            if not side.workload.selector:
                raise BaselineError(f"{side.name}: an empty pod selector would select every pod in the namespace")
        ports = [_port(self.container_port)]
        self._add(
            self.ingress_policy,
            "ingress",
            ("ingress", f"from {client.namespace}/{client.name}"),
            _rule_json("ingress", [_peer(client.namespace, client.workload.selector)], ports),
        )
        client._add(
            client.egress_policy,
            "egress",
            ("egress", f"to {self.namespace}/{self.name}"),
            _rule_json("egress", [_peer(self.namespace, self.workload.selector)], ports),
        )

    def allow_from_namespace(self, namespace: str, pod_labels: Mapping[str, str] | None = None) -> None:
        """Admit pods of another namespace (e.g. the ingress controller's) on the pod port."""
        if pod_labels is not None and not pod_labels:
            raise BaselineError(f"{self.name}: allow_from_namespace with empty pod labels; omit them to mean the whole namespace")
        self._add(
            self.ingress_policy,
            "ingress",
            ("ingress", f"from namespace {namespace}"),
            _rule_json("ingress", [_peer(namespace, pod_labels)], [_port(self.container_port)]),
        )

    def allow_egress_to_cidr(self, name: str, cidr: str, ports: Sequence[int]) -> None:
        """An explicit extra egress destination outside the cluster (per-environment allow list)."""
        peers = [k8s.NetworkPolicyPeer(ip_block=k8s.IpBlock(cidr=cidr))]
        policy_ports = [k8s.NetworkPolicyPort(port=k8s.IntOrString.from_number(p), protocol="TCP") for p in ports]
        self._add(self.egress_policy, "egress", ("egress", f"to {name}"), _rule_json("egress", peers, policy_ports))
