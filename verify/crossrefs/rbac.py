"""RBAC: bindings point at rendered roles and ServiceAccounts, resourceNames at rendered objects."""

from __future__ import annotations

from collections.abc import Iterator

from verify.crossrefs.index import Index, finding
from verify.findings import Finding

BUILTIN_CLUSTER_ROLES = {"view", "edit", "admin", "cluster-admin"}


def rbac(index: Index) -> Iterator[Finding]:
    for binding in index.of_kind("RoleBinding") + index.of_kind("ClusterRoleBinding"):
        role_ref = binding.body.get("roleRef") or {}
        kind, name = role_ref.get("kind"), role_ref.get("name", "")
        if kind == "Role" and index.get("Role", binding.namespace, name) is None:
            yield finding("rbac-role", binding, f"Role {binding.namespace}/{name} is not rendered")
        if (
            kind == "ClusterRole"
            and index.get("ClusterRole", "", name) is None
            and name not in BUILTIN_CLUSTER_ROLES
            and not name.startswith("system:")
        ):
            yield finding("rbac-role", binding, f"ClusterRole {name} is not rendered")
        for subject in binding.body.get("subjects") or []:
            if subject.get("kind") != "ServiceAccount":
                continue
            ns = subject.get("namespace") or binding.namespace
            if ns in index.namespaces and index.get("ServiceAccount", ns, subject["name"]) is None:
                yield finding("rbac-subject", binding, f"ServiceAccount {ns}/{subject['name']} is not rendered")
    resource_kinds = {f"{kind.lower()}s": kind for kind in ("ConfigMap", "Service", "ServiceAccount", "Secret")}
    for role in index.of_kind("Role"):
        for rule in role.body.get("rules") or []:
            for resource in rule.get("resources") or []:
                kind = resource_kinds.get(resource)
                for name in rule.get("resourceNames") or []:
                    if kind == "Secret":
                        missing = (role.namespace, name) not in index.secrets
                    elif kind:
                        missing = index.get(kind, role.namespace, name) is None
                    else:
                        continue
                    if missing:
                        yield finding("rbac-resource-name", role, f"{resource} {name} is not rendered")
