"""Cross-references between objects: the bugs no schema and no scanner sees.

A name or port written in one object must point at something another object renders:
Service selectors and ports, probe ports, NetworkPolicy ports, ConfigMaps, Secrets and their
keys, ServiceAccounts, PVCs, the nginx upstream, Ingress and HTTPRoute backends, RBAC
bindings, disruption budgets. No tool checks these, so this is our own code; every rule is a
small function that yields findings, grouped by concern in the modules of this package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from manifests import Manifest
from verify.crossrefs import argocd, naming, network_policies, pods, rbac, scaling, secrets, service_names, services
from verify.crossrefs.index import Index, build_index
from verify.findings import Finding

RULES: list[Callable[[Index], Iterable[Finding]]] = [
    services.services,
    pods.probes,
    pods.workload_refs,
    network_policies.network_policies,
    secrets.external_secrets,
    service_names.nginx_upstreams,
    service_names.cluster_dns_names,
    services.ingresses,
    services.http_routes,
    rbac.rbac,
    scaling.disruption_budgets,
    scaling.autoscalers,
    naming.names_and_selectors,
]


def check(manifests: list[Manifest], env_dir: Path | None = None) -> list[Finding]:
    """Every finding of every rule; with `env_dir` (dist/<env>) also the ArgoCD source paths,
    which resolve against the repository that holds dist/."""
    index = build_index(manifests)
    findings = [f for rule in RULES for f in rule(index)]
    if env_dir is not None:
        findings.extend(argocd.argocd_applications(index, env_dir.resolve().parent.parent))
    return sorted(set(findings))
