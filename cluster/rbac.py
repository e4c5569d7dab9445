"""The access each workload's ServiceAccount should have, derived from dist/ itself.

dist/ states its intent in Roles: a workload may `get` exactly the ConfigMaps and Secrets its
Role names in resourceNames. This module evaluates those Roles (and any bindings) the way RBAC
does, so the expectation for any request comes from dist/, and builds the list of requests to
put to the real authorizer: everything declared, the near misses around it, and a fixed set
that no workload may ever be allowed whatever dist/ says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manifests import Manifest, pod_template, workloads

UNDECLARED_NAME = "not-declared-in-dist"


@dataclass(frozen=True)
class Subject:
    namespace: str
    name: str

    @property
    def user(self) -> str:
        return f"system:serviceaccount:{self.namespace}:{self.name}"

    @property
    def groups(self) -> list[str]:
        # What the ServiceAccount token authenticator adds, so group bindings count too.
        return ["system:serviceaccounts", f"system:serviceaccounts:{self.namespace}", "system:authenticated"]


@dataclass(frozen=True)
class Request:
    namespace: str  # "" for a cluster-scoped request
    verb: str
    resource: str
    group: str = ""
    subresource: str = ""
    name: str = ""

    def attributes(self) -> dict[str, str]:
        attrs = {"verb": self.verb, "group": self.group, "resource": self.resource}
        for key, value in (("namespace", self.namespace), ("subresource", self.subresource), ("name", self.name)):
            if value:
                attrs[key] = value
        return attrs

    def __str__(self) -> str:
        res = self.resource + (f"/{self.subresource}" if self.subresource else "")
        res = f"{res}.{self.group}" if self.group else res
        where = f"ns={self.namespace}" if self.namespace else "cluster"
        return f"{self.verb} {res}{'/' + self.name if self.name else ''} ({where})"


@dataclass(frozen=True)
class ScopedRule:
    namespace: str | None  # None: granted in every namespace (ClusterRoleBinding)
    rule: dict[str, Any]


def workload_subjects(manifests: list[Manifest]) -> list[Subject]:
    subjects = {Subject(m.namespace, pod_template(m).spec.get("serviceAccountName") or "default") for m in workloads(manifests)}
    return sorted(subjects, key=lambda s: (s.namespace, s.name))


def _binds(binding: Manifest, subject: Subject) -> bool:
    for s in binding.body.get("subjects") or []:
        kind, name = s.get("kind"), s.get("name")
        if kind == "ServiceAccount" and name == subject.name and (s.get("namespace") or binding.namespace) == subject.namespace:
            return True
        if kind == "Group" and name in subject.groups:
            return True
        if kind == "User" and name == subject.user:
            return True
    return False


def granted_rules(manifests: list[Manifest], subject: Subject) -> list[ScopedRule]:
    """Every rule bound to the subject by dist/'s RoleBindings and ClusterRoleBindings."""
    roles = {(m.kind, m.namespace, m.name): m for m in manifests if m.kind in {"Role", "ClusterRole"}}
    rules: list[ScopedRule] = []
    for binding in manifests:
        if binding.kind not in {"RoleBinding", "ClusterRoleBinding"} or not _binds(binding, subject):
            continue
        ref = binding.body.get("roleRef", {})
        role_ns = binding.namespace if ref.get("kind") == "Role" else ""
        role = roles.get((ref.get("kind"), role_ns, ref.get("name")))
        if role is None:
            raise LookupError(
                f"{binding.kind} {binding.namespace}/{binding.name} binds {subject.user} to "
                f"{ref.get('kind')} {ref.get('name')}, which dist/ does not declare: its grants cannot be derived"
            )
        scope = binding.namespace if binding.kind == "RoleBinding" else None
        rules.extend(ScopedRule(scope, rule) for rule in role.body.get("rules") or [])
    return rules


def _matches(values: list[str], wanted: str) -> bool:
    return "*" in values or wanted in values


def rule_allows(scoped: ScopedRule, request: Request) -> bool:
    rule = scoped.rule
    if scoped.namespace is not None and scoped.namespace != request.namespace:
        return False
    resource = request.resource + (f"/{request.subresource}" if request.subresource else "")
    resources = rule.get("resources") or []
    names = rule.get("resourceNames") or []
    return (
        _matches(rule.get("verbs") or [], request.verb)
        and _matches(rule.get("apiGroups") or [], request.group)
        and (_matches(resources, resource) or (bool(request.subresource) and f"*/{request.subresource}" in resources))
        and (not names or (bool(request.name) and request.name in names))
    )


def expected(rules: list[ScopedRule], request: Request) -> bool:
    return any(rule_allows(r, request) for r in rules)


def declared_requests(rules: list[ScopedRule]) -> list[Request]:
    """One request per (verb, resource, name) that a namespaced rule names explicitly."""
    found = []
    for scoped in rules:
        rule = scoped.rule
        for group in rule.get("apiGroups") or []:
            for resource in rule.get("resources") or []:
                for verb in rule.get("verbs") or []:
                    if "*" in (group, resource, verb):
                        continue
                    base, _, sub = resource.partition("/")
                    for name in rule.get("resourceNames") or [""]:
                        found.append(Request(scoped.namespace or "", verb, base, group, sub, name))
    return found


def probe_requests(subject: Subject, rules: list[ScopedRule], other_namespaces: list[str]) -> list[Request]:
    """Near misses around what is declared: other names, other namespaces, collection verbs."""
    probes: list[Request] = []
    for req in declared_requests(rules):
        probes.append(Request(req.namespace, req.verb, req.resource, req.group, req.subresource, UNDECLARED_NAME))
        probes.extend(Request(req.namespace, verb, req.resource, req.group, req.subresource) for verb in ("list", "watch"))
        probes.extend(Request(ns, req.verb, req.resource, req.group, req.subresource, req.name) for ns in other_namespaces)
        probes.extend(
            Request(req.namespace, verb, req.resource, req.group, req.subresource, req.name)
            for verb in ("update", "patch", "delete")
        )
    return probes


def must_deny(subject: Subject, declared_names: list[str]) -> list[Request]:
    """Requests no workload ServiceAccount may be allowed, whatever dist/ declares."""
    ns = subject.namespace
    fixed = [
        Request(ns, "list", "secrets"),
        Request(ns, "watch", "secrets"),
        Request(ns, "get", "secrets", name=UNDECLARED_NAME),
        Request("kube-system", "get", "secrets", name=UNDECLARED_NAME),
        Request("kube-system", "list", "secrets"),
        Request(ns, "list", "configmaps"),
        Request(ns, "get", "pods"),
        Request(ns, "list", "pods"),
        Request(ns, "create", "pods"),
        Request(ns, "create", "pods", subresource="exec", name=UNDECLARED_NAME),
        Request(ns, "get", "pods", subresource="exec", name=UNDECLARED_NAME),
        Request(ns, "create", "pods", subresource="portforward", name=UNDECLARED_NAME),
        Request(ns, "create", "serviceaccounts", subresource="token", name=subject.name),
        Request(ns, "create", "deployments", group="apps"),
        Request(ns, "patch", "deployments", group="apps", name=UNDECLARED_NAME),
        Request(ns, "create", "roles", group="rbac.authorization.k8s.io"),
        Request(ns, "create", "rolebindings", group="rbac.authorization.k8s.io"),
        Request(ns, "bind", "roles", group="rbac.authorization.k8s.io", name=UNDECLARED_NAME),
        Request(ns, "escalate", "roles", group="rbac.authorization.k8s.io", name=UNDECLARED_NAME),
        Request(ns, "create", "externalsecrets", group="external-secrets.io"),
        Request("", "list", "namespaces"),
        Request("", "get", "nodes", name=UNDECLARED_NAME),
        Request("", "impersonate", "users", name="admin"),
        Request("", "create", "clusterrolebindings", group="rbac.authorization.k8s.io"),
        Request("", "list", "clustersecretstores", group="external-secrets.io"),
    ]
    for name in declared_names:
        fixed += [
            Request(ns, "update", "secrets", name=name),
            Request(ns, "delete", "secrets", name=name),
            Request(ns, "patch", "configmaps", name=name),
        ]
    return fixed
