"""A workload's own ServiceAccount and the least RBAC it needs.

Every workload runs under a dedicated ServiceAccount whose token is not mounted. If the
program ever reads its configuration through the API, the Role allows exactly `get` on the
ConfigMaps and Secrets it owns, by name: no list, no watch, nothing else.

A function, not a construct: the objects belong to the workload construct that calls it (a
grouping construct of its own would cost a round trip to jsii's Node process and render nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdk8s_plus_27 import k8s

from constructs import Construct


def workload_identity(
    scope: Construct,
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    config_maps: Sequence[str] = (),
    secrets: Sequence[str] = (),
    annotations: Mapping[str, str] | None = None,
) -> None:
    """Render the workload's ServiceAccount, and its Role and RoleBinding when it reads anything,
    under `scope` (ids ServiceAccount, Role, RoleBinding).

    :param name: name of the ServiceAccount, Role and RoleBinding (the workload's name).
    :param namespace: the workload's namespace (the RoleBinding subject needs it).
    :param labels: metadata labels of the workload.
    :param config_maps: ConfigMaps the workload may `get`, by name.
    :param secrets: Secrets the workload may `get`, by name.
    :param annotations: ServiceAccount annotations (e.g. the IRSA role of a workload that calls AWS).
    """
    meta = k8s.ObjectMeta(name=name, labels=dict(labels))
    account_meta = k8s.ObjectMeta(name=name, labels=dict(labels), annotations=dict(annotations) if annotations else None)
    k8s.KubeServiceAccount(scope, "ServiceAccount", metadata=account_meta, automount_service_account_token=False)
    rules = [
        k8s.PolicyRule(api_groups=[""], resources=[resource], resource_names=sorted(set(names)), verbs=["get"])
        for resource, names in (("configmaps", config_maps), ("secrets", secrets))
        if names
    ]
    if not rules:
        return
    k8s.KubeRole(scope, "Role", metadata=meta, rules=rules)
    k8s.KubeRoleBinding(
        scope,
        "RoleBinding",
        metadata=meta,
        role_ref=k8s.RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name=name),
        subjects=[k8s.Subject(kind="ServiceAccount", name=name, namespace=namespace)],
    )
