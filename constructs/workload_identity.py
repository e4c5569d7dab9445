"""A workload's own ServiceAccount and the least RBAC it needs.

Every workload runs under a dedicated ServiceAccount whose token is not mounted. If the
program ever reads its configuration through the API, the Role allows exactly `get` on the
ConfigMaps and Secrets it owns, by name: no list, no watch, nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdk8s_plus_27 import k8s

from constructs import Construct


class WorkloadIdentity(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        namespace: str,
        labels: Mapping[str, str],
        config_maps: Sequence[str] = (),
        secrets: Sequence[str] = (),
        annotations: Mapping[str, str] | None = None,
    ) -> None:
        """
        :param name: name of the ServiceAccount, Role and RoleBinding (the workload's name).
        :param namespace: the workload's namespace (the RoleBinding subject needs it).
        :param labels: metadata labels of the workload.
        :param config_maps: ConfigMaps the workload may `get`, by name.
        :param secrets: Secrets the workload may `get`, by name.
        :param annotations: ServiceAccount annotations (e.g. the IRSA role of a workload that calls AWS).
        """
        super().__init__(scope, id)
        self.name = name
        meta = k8s.ObjectMeta(name=name, labels=dict(labels))
        account_meta = k8s.ObjectMeta(name=name, labels=dict(labels), annotations=dict(annotations) if annotations else None)
        self.service_account = k8s.KubeServiceAccount(
            self, "ServiceAccount", metadata=account_meta, automount_service_account_token=False
        )
        rules = [
            k8s.PolicyRule(api_groups=[""], resources=[resource], resource_names=sorted(set(names)), verbs=["get"])
            for resource, names in (("configmaps", config_maps), ("secrets", secrets))
            if names
        ]
        if not rules:
            return
        self.role = k8s.KubeRole(self, "Role", metadata=meta, rules=rules)
        self.role_binding = k8s.KubeRoleBinding(
            self,
            "RoleBinding",
            metadata=meta,
            role_ref=k8s.RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name=name),
            subjects=[k8s.Subject(kind="ServiceAccount", name=name, namespace=namespace)],
        )
