"""Who each controller of the end-to-end tier is to the API server, and what RBAC lets it do.

Every controller gets its own client certificate (cluster.pki), never the admin one:

- kube-controller-manager and kube-scheduler authenticate as the users the API server's
  bootstrap policy already binds (system:kube-controller-manager, system:kube-scheduler); the
  tier adds no RBAC for them. The controller manager runs each controller under its own
  ServiceAccount in kube-system (--use-service-account-credentials), whose bootstrap roles
  (system:controller:*) the API server ships too.
- The controllers a real cluster runs as pods (KWOK, Argo CD, External Secrets,
  metrics-server, Reloader) authenticate as the ServiceAccount their install runs them as: the
  certificate's CN is that account's user name and its O the account's groups, exactly what
  a token of that account would authenticate as. Their RBAC below binds the same subjects as
  their install manifests and grants what those manifests grant, and no more.
- The tier's own stand-ins (ingress status, certificate issuer) get a user of their own with
  only the verbs they use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cluster.pki import Identity, Pki

RBAC = "rbac.authorization.k8s.io"
GET_LIST_WATCH = ["get", "list", "watch"]
KUBE_SYSTEM = "kube-system"
METRICS_SERVER_SERVICE_ACCOUNT = "metrics-server"
KWOK_SERVICE_ACCOUNT = "kwok-controller"
STAND_IN_USER = "flask-platform-e2e:stand-ins"
# Where Reloader's chart runs it (release name `reloader` in namespace `reloader`).
RELOADER_NAMESPACE = "reloader"
RELOADER_SERVICE_ACCOUNT = "reloader-reloader"


def service_account_user(namespace: str, name: str) -> tuple[str, tuple[str, ...]]:
    return f"system:serviceaccount:{namespace}:{name}", ("system:serviceaccounts", f"system:serviceaccounts:{namespace}")


@dataclass(frozen=True)
class Identities:
    kube_controller_manager: Identity
    kube_scheduler: Identity
    kwok: Identity
    argocd_application_controller: Identity
    argocd_repo_server: Identity
    argocd_notifications_controller: Identity
    external_secrets: Identity
    metrics_server: Identity
    reloader: Identity
    stand_ins: Identity


def issue(pki: Pki, argocd_namespace: str, eso_service_account: tuple[str, str]) -> Identities:
    def account(name: str, namespace: str, account_name: str) -> Identity:
        user, groups = service_account_user(namespace, account_name)
        return pki.client(name, user, groups)

    return Identities(
        kube_controller_manager=pki.client("kube-controller-manager", "system:kube-controller-manager"),
        kube_scheduler=pki.client("kube-scheduler", "system:kube-scheduler"),
        kwok=account("kwok", KUBE_SYSTEM, KWOK_SERVICE_ACCOUNT),
        argocd_application_controller=account("argocd-application-controller", argocd_namespace, "argocd-application-controller"),
        argocd_repo_server=account("argocd-repo-server", argocd_namespace, "argocd-repo-server"),
        argocd_notifications_controller=account(
            "argocd-notifications-controller", argocd_namespace, "argocd-notifications-controller"
        ),
        external_secrets=account("external-secrets", *eso_service_account),
        metrics_server=account("metrics-server", KUBE_SYSTEM, METRICS_SERVER_SERVICE_ACCOUNT),
        reloader=account("reloader", RELOADER_NAMESPACE, RELOADER_SERVICE_ACCOUNT),
        stand_ins=pki.client("stand-ins", STAND_IN_USER),
    )


def _rule(groups: list[str], resources: list[str], verbs: list[str]) -> dict[str, Any]:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs}


def _cluster_role(name: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC}/v1", "kind": "ClusterRole", "metadata": {"name": name}, "rules": rules}


def _subject(identity: Identity) -> dict[str, str]:
    if identity.user.startswith("system:serviceaccount:"):
        _, _, namespace, name = identity.user.split(":")
        return {"kind": "ServiceAccount", "name": name, "namespace": namespace}
    return {"kind": "User", "apiGroup": RBAC, "name": identity.user}


def _binding(name: str, role: str, identity: Identity, namespace: str | None = None, role_kind: str = "ClusterRole"):
    meta: dict[str, str] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {
        "apiVersion": f"{RBAC}/v1",
        "kind": "RoleBinding" if namespace else "ClusterRoleBinding",
        "metadata": meta,
        "roleRef": {"apiGroup": RBAC, "kind": role_kind, "name": role},
        "subjects": [_subject(identity)],
    }


# KWOK's install (kustomize/rbac): it reads nodes, writes node and pod status, deletes pods it
# finished, keeps node leases and records events.
KWOK_RULES = [
    _rule([""], ["events"], ["create", "delete", "get", "list", "patch", "update", "watch"]),
    _rule([""], ["nodes"], GET_LIST_WATCH),
    _rule([""], ["nodes/status", "pods/status"], ["patch", "update"]),
    _rule([""], ["pods"], ["delete", "get", "list", "patch", "update", "watch"]),
    _rule(["coordination.k8s.io"], ["leases"], ["create", "get", "list", "patch", "update", "watch"]),
]

# Argo CD's cluster-wide install: the application controller may manage any kind (what it may
# deploy is the AppProject's business, not RBAC's); the repo server gets no Kubernetes access.
ARGOCD_CONTROLLER_RULES = [
    _rule(["*"], ["*"], ["*"]),
    {"nonResourceURLs": ["*"], "verbs": ["*"]},
]

# Argo CD's notifications controller (its install's namespaced Role in Argo CD's namespace): it
# reads Applications and AppProjects and records what it sent in an annotation of each
# Application (update, patch), and reads its ConfigMap and Secret.
ARGOCD_NOTIFICATIONS_NAME = "argocd-notifications-controller"
ARGOCD_NOTIFICATIONS_RULES = [
    _rule(["argoproj.io"], ["applications", "appprojects"], ["get", "list", "watch", "update", "patch"]),
    _rule([""], ["configmaps", "secrets"], ["list", "watch"]),
    {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["argocd-notifications-cm"], "verbs": ["get"]},
    {"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["argocd-notifications-secret"], "verbs": ["get"]},
]

_ESO_KINDS = [
    "secretstores",
    "clustersecretstores",
    "externalsecrets",
    "clusterexternalsecrets",
    "pushsecrets",
    "clusterpushsecrets",
]
# External Secrets' chart (templates/rbac.yaml, the controller's ClusterRole): its own kinds and
# their status, the generator kinds, Secrets it writes, and tokens of the ServiceAccounts its
# stores name (the IRSA auth of the product's ClusterSecretStore).
ESO_RULES = [
    _rule(["external-secrets.io"], _ESO_KINDS, GET_LIST_WATCH),
    _rule(
        ["external-secrets.io"],
        [f"{kind}{sub}" for kind in _ESO_KINDS for sub in ("", "/status", "/finalizers")],
        ["get", "update", "patch"],
    ),
    _rule(["external-secrets.io"], ["externalsecrets", "pushsecrets"], ["create", "update", "delete"]),
    _rule(
        ["generators.external-secrets.io"],
        ["generatorstates"],
        ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
    ),
    _rule(
        ["generators.external-secrets.io"],
        [
            "acraccesstokens",
            "clustergenerators",
            "ecrauthorizationtokens",
            "fakes",
            "gcraccesstokens",
            "githubaccesstokens",
            "quayaccesstokens",
            "passwords",
            "stssessiontokens",
            "uuids",
            "vaultdynamicsecrets",
            "webhooks",
            "grafanas",
        ],
        GET_LIST_WATCH,
    ),
    _rule([""], ["serviceaccounts", "namespaces", "configmaps"], GET_LIST_WATCH),
    _rule([""], ["secrets"], ["get", "list", "watch", "create", "update", "delete", "patch"]),
    _rule([""], ["serviceaccounts/token"], ["create"]),
    _rule([""], ["events"], ["create", "patch"]),
]

# metrics-server's install (manifests/base/rbac.yaml): it reads nodes and pods and scrapes the
# kubelets; as an aggregated API server it also delegates authentication and authorization
# (system:auth-delegator) and reads the API server's client-CA ConfigMap in kube-system.
METRICS_SERVER_RULES = [
    _rule([""], ["nodes/metrics"], ["get"]),
    _rule([""], ["pods", "nodes"], GET_LIST_WATCH),
]
# The read side of the metrics API for users, which the install aggregates into view/edit/admin.
METRICS_READER_RULES = [_rule(["metrics.k8s.io"], ["pods", "nodes"], GET_LIST_WATCH)]

# Reloader's chart (templates/clusterrole.yaml, cluster-wide, no OpenShift or Argo Rollouts): it
# watches Secrets and ConfigMaps, updates the pod template of the workloads that name them,
# recreates Jobs of CronJobs that do, and records events.
RELOADER_RULES = [
    _rule([""], ["secrets", "configmaps"], ["list", "get", "watch"]),
    _rule(["apps"], ["deployments", "daemonsets", "statefulsets"], ["list", "get", "update", "patch"]),
    _rule(["batch"], ["cronjobs"], ["list", "get"]),
    _rule(["batch"], ["jobs"], ["create", "delete", "list", "get"]),
    _rule([""], ["events"], ["create", "patch"]),
]

# The stand-ins publish Ingress addresses and issue the TLS Secrets Ingresses ask for.
STAND_IN_RULES = [
    _rule(["networking.k8s.io"], ["ingresses"], GET_LIST_WATCH),
    _rule(["networking.k8s.io"], ["ingresses/status"], ["patch"]),
    _rule([""], ["secrets"], ["get", "create"]),
]


def _namespaced_role(name: str, namespace: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC}/v1", "kind": "Role", "metadata": {"name": name, "namespace": namespace}, "rules": rules}


def rbac_objects(ids: Identities) -> list[dict[str, Any]]:
    """The Roles, ClusterRoles and bindings the tier applies before starting the controllers."""
    argocd_namespace = _subject(ids.argocd_notifications_controller)["namespace"]
    reader = _cluster_role("system:aggregated-metrics-reader", METRICS_READER_RULES)
    reader["metadata"]["labels"] = {f"rbac.authorization.k8s.io/aggregate-to-{r}": "true" for r in ("view", "edit", "admin")}
    return [
        _cluster_role("kwok-controller", KWOK_RULES),
        _binding("kwok-controller", "kwok-controller", ids.kwok),
        _cluster_role("argocd-application-controller", ARGOCD_CONTROLLER_RULES),
        _binding("argocd-application-controller", "argocd-application-controller", ids.argocd_application_controller),
        _namespaced_role(ARGOCD_NOTIFICATIONS_NAME, argocd_namespace, ARGOCD_NOTIFICATIONS_RULES),
        _binding(
            ARGOCD_NOTIFICATIONS_NAME,
            ARGOCD_NOTIFICATIONS_NAME,
            ids.argocd_notifications_controller,
            namespace=argocd_namespace,
            role_kind="Role",
        ),
        _cluster_role("external-secrets-controller", ESO_RULES),
        _binding("external-secrets-controller", "external-secrets-controller", ids.external_secrets),
        _cluster_role("system:metrics-server", METRICS_SERVER_RULES),
        _binding("system:metrics-server", "system:metrics-server", ids.metrics_server),
        _binding("metrics-server:system:auth-delegator", "system:auth-delegator", ids.metrics_server),
        _binding(
            "metrics-server-auth-reader",
            "extension-apiserver-authentication-reader",
            ids.metrics_server,
            namespace=KUBE_SYSTEM,
            role_kind="Role",
        ),
        reader,
        _cluster_role("reloader-reloader-role", RELOADER_RULES),
        _binding("reloader-reloader-role-binding", "reloader-reloader-role", ids.reloader),
        _cluster_role("flask-platform-e2e-stand-ins", STAND_IN_RULES),
        _binding("flask-platform-e2e-stand-ins", "flask-platform-e2e-stand-ins", ids.stand_ins),
    ]
