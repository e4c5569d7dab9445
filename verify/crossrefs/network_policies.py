"""NetworkPolicies: selectors and peers that select a rendered pod, ports the pods open."""

from __future__ import annotations

from collections.abc import Iterator

from manifests import Manifest, PodTemplate, selectors
from verify.crossrefs.index import Index, exposes, finding
from verify.findings import Finding


def _peer_pods(index: Index, policy: Manifest, peer: dict) -> tuple[list[PodTemplate], bool]:
    """Pods in dist that a NetworkPolicy peer selects, and whether the peer can only select
    pods of namespaces that dist renders (so that finding none is an error)."""
    if "ipBlock" in peer:
        return [], False
    if "namespaceSelector" in peer:
        ns_selector = peer["namespaceSelector"]
        candidates = [ns for ns in index.namespaces if selectors.matches(ns_selector, _ns_labels(index, ns))]
        pinned = selectors.pinned_namespace(ns_selector)
        only_ours = pinned is not None and pinned in index.namespaces
    else:
        candidates, only_ours = [policy.namespace], True
    pods = [t for ns in candidates for t in index.pods(ns, peer.get("podSelector"))]
    return pods, only_ours


def _ns_labels(index: Index, name: str) -> dict[str, str]:
    ns = index.get("Namespace", "", name)
    return selectors.namespace_labels(name, ns.metadata.get("labels") if ns else None)


def network_policies(index: Index) -> Iterator[Finding]:
    for policy in index.of_kind("NetworkPolicy"):
        spec = policy.body.get("spec") or {}
        pod_selector = spec.get("podSelector") or {}
        selected = index.pods(policy.namespace, pod_selector)
        if pod_selector and not selected:
            yield finding("netpol-selector", policy, f"podSelector {pod_selector} selects no pod")
        for direction, key in (("ingress", "from"), ("egress", "to")):
            for rule in spec.get(direction) or []:
                targets: list[PodTemplate] = []
                resolvable = direction == "ingress"
                if direction == "ingress":
                    targets = selected
                for peer in rule.get(key) or []:
                    pods, only_ours = _peer_pods(index, policy, peer)
                    if only_ours and not pods:
                        yield finding("netpol-peer", policy, f"{direction} peer {peer} selects no pod")
                    if direction == "egress" and only_ours:
                        targets, resolvable = targets + pods, True
                for port in rule.get("ports") or []:
                    if "port" not in port:
                        yield finding(
                            "netpol-port",
                            policy,
                            f"{direction} rule opens every {port.get('protocol', 'TCP')} port: no port number",
                        )
                if not resolvable or not targets:
                    continue
                for port in rule.get("ports") or []:
                    if "port" not in port:
                        continue
                    protocol = port.get("protocol", "TCP")
                    containers = [c for t in targets for c in t.containers()]
                    if not exposes(containers, port["port"], protocol, port.get("endPort")):
                        names = ", ".join(sorted({t.owner.ref for t in targets}))
                        yield finding(
                            "netpol-port", policy, f"{direction} port {port['port']}/{protocol} is not a pod port of {names}"
                        )
