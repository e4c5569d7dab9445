"""ArgoCdApps: the AppProject, one Application per folder of dist/<env>/, and the root app.

Bootstrapping an environment is one `kubectl apply -f dist/<env>/argocd/ -l
flask-platform.io/bootstrap=true`: that creates the AppProject and the root Application only,
and the root app then creates the others from this folder in its sync waves, each once the
previous one is Healthy (with the Application health check of install/argocd-cm-patch.yaml),
so they sync platform -> backend -> frontend. Applying the whole folder would create every
Application at once, and the waves between them would never apply. The AppProject allows the configured repository
only, exactly the namespaces and kinds that dist/<env> contains, and warns about orphans.
Every Application carries the notification subscriptions of charts/argocd_notifications.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from cdk8s import ApiObjectMetadata, App

from charts import names
from charts.argocd_notifications import subscriptions
from charts.platform_chart import PlatformChart
from config.model import Environment
from constructs.labels import sync_wave
from constructs.secret_reload import RELOADED_FROM_POINTER, RESPECT_IGNORE_DIFFERENCES
from imports.io.argoproj import (
    Application,
    ApplicationSpec,
    ApplicationSpecDestination,
    ApplicationSpecIgnoreDifferences,
    ApplicationSpecSource,
    ApplicationSpecSyncPolicy,
    ApplicationSpecSyncPolicyAutomated,
    ApplicationSpecSyncPolicyRetry,
    ApplicationSpecSyncPolicyRetryBackoff,
    AppProject,
    AppProjectSpec,
    AppProjectSpecClusterResourceWhitelist,
    AppProjectSpecDestinations,
    AppProjectSpecNamespaceResourceWhitelist,
    AppProjectSpecOrphanedResources,
)

# The path form: the API server warns on finalizer names without one (same foreground cascade).
RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io/foreground"
ROOT_APP = "root"
# On what the bootstrap `kubectl apply -l` creates by hand: the AppProject and the root app.
BOOTSTRAP_LABEL = "flask-platform.io/bootstrap"
BOOTSTRAP = {BOOTSTRAP_LABEL: "true"}

# Application -> (destination namespace, app-of-apps wave). The platform app owns cluster-scoped
# objects and the namespaces; its namespaced objects all name their namespace explicitly.
# nginx resolves its upstream at start, so the backend syncs before the frontend.
APPLICATIONS = {
    names.PLATFORM_APP: (names.BACKEND_NAMESPACE, 0),
    names.BACKEND_APP: (names.BACKEND_NAMESPACE, 1),
    names.FRONTEND_APP: (names.FRONTEND_NAMESPACE, 2),
}
CLUSTER_KINDS = (
    ("", "Namespace"),
    ("external-secrets.io", "ClusterSecretStore"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
)
ARGOCD_KINDS = (("argoproj.io", "Application"), ("argoproj.io", "AppProject"))


def project_name(env: Environment) -> str:
    return f"flask-platform-{env.name}"


def application_name(env: Environment, app: str) -> str:
    return f"{env.name}-{app}"


def dist_path(env: Environment, app: str) -> str:
    return f"dist/{env.name}/{app}"


class ArgoCdApps(PlatformChart):
    def __init__(
        self,
        scope: App,
        env: Environment,
        *,
        namespaced_kinds: Iterable[tuple[str, str]],
        reloaded: Mapping[str, Sequence[tuple[str, str, str, str]]] | None = None,
    ) -> None:
        """
        :param env: the environment.
        :param namespaced_kinds: (group, kind) of every namespaced object the other apps render.
        :param reloaded: app -> (group, kind, namespace, name) of its workloads Reloader may roll
            (constructs/secret_reload.py); their rolls are not drift.
        """
        super().__init__(scope, names.ARGOCD_APP, environment=env.name, namespace=env.gitops.argocd_namespace)
        gitops = env.gitops
        project = project_name(env)
        destinations = sorted(
            {ns for ns, _ in APPLICATIONS.values()} | set(names.WORKLOAD_NAMESPACES) | {gitops.argocd_namespace}
        )
        AppProject(
            self,
            "project",
            metadata=ApiObjectMetadata(name=project, annotations=sync_wave(-1), labels=BOOTSTRAP),
            spec=AppProjectSpec(
                description=f"flask-platform, {env.name}: the apps of dist/{env.name}",
                source_repos=[gitops.repo_url],
                destinations=[AppProjectSpecDestinations(server=gitops.destination_server, namespace=ns) for ns in destinations],
                cluster_resource_whitelist=[AppProjectSpecClusterResourceWhitelist(group=g, kind=k) for g, k in CLUSTER_KINDS],
                namespace_resource_whitelist=[
                    AppProjectSpecNamespaceResourceWhitelist(group=g, kind=k)
                    for g, k in sorted(set(namespaced_kinds) | set(ARGOCD_KINDS))
                ],
                orphaned_resources=AppProjectSpecOrphanedResources(warn=True),
            ),
        )
        for app, (namespace, wave) in APPLICATIONS.items():
            rolled = (reloaded or {}).get(app, ())
            self._application(env, app, namespace=namespace, wave=wave, project=project, reloaded=rolled)
        self._application(env, names.ARGOCD_APP, namespace=gitops.argocd_namespace, wave=-1, project=project, name=ROOT_APP)

    def _application(
        self,
        env: Environment,
        app: str,
        *,
        namespace: str,
        wave: int,
        project: str,
        name: str | None = None,
        reloaded: Sequence[tuple[str, str, str, str]] = (),
    ) -> None:
        gitops = env.gitops
        # Namespaces belong to the platform app, never created implicitly by a sync.
        sync_options = ["CreateNamespace=false", "PrunePropagationPolicy=foreground", "PruneLast=true"]
        # The annotation Reloader writes when it rolls a workload is not drift, and a sync keeps
        # the live value (RespectIgnoreDifferences) instead of undoing the roll.
        ignore = [
            ApplicationSpecIgnoreDifferences(
                group=group, kind=kind, namespace=ns, name=obj, json_pointers=[RELOADED_FROM_POINTER]
            )
            for group, kind, ns, obj in reloaded
        ]
        if ignore:
            sync_options.append(RESPECT_IGNORE_DIFFERENCES)
        Application(
            self,
            f"app-{app}",
            metadata=ApiObjectMetadata(
                name=application_name(env, name or app),
                finalizers=[RESOURCES_FINALIZER],
                # Who hears about this Application (gitops.notifications): Argo CD's subscriptions.
                annotations={**sync_wave(wave), **subscriptions(env)},
                labels=BOOTSTRAP if name == ROOT_APP else None,
            ),
            spec=ApplicationSpec(
                project=project,
                source=ApplicationSpecSource(repo_url=gitops.repo_url, target_revision=gitops.branch, path=dist_path(env, app)),
                destination=ApplicationSpecDestination(server=gitops.destination_server, namespace=namespace),
                ignore_differences=ignore or None,
                sync_policy=ApplicationSpecSyncPolicy(
                    automated=ApplicationSpecSyncPolicyAutomated(prune=True, self_heal=True, allow_empty=False),
                    sync_options=sync_options,
                    retry=ApplicationSpecSyncPolicyRetry(
                        limit=5,
                        backoff=ApplicationSpecSyncPolicyRetryBackoff(duration="10s", factor=2, max_duration="3m"),
                    ),
                ),
            ),
        )
