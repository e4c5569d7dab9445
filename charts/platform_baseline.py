"""PlatformBaseline: what the workloads stand on, per environment (dist/<env>/platform/).

Namespaces labelled for Pod Security Admission `restricted` (enforce, audit, warn, version
pinned), each with a ResourceQuota, a LimitRange and a default-deny NetworkPolicy that lets
only DNS out; the ClusterSecretStore every ExternalSecret reads through (IRSA, no keys); the
ValidatingAdmissionPolicies guarding those namespaces; the product's PrometheusRule and its
Grafana dashboards.
"""

from __future__ import annotations

from cdk8s import ApiObjectMetadata, App
from cdk8s_plus_27 import k8s

from charts import names
from charts.admission_policies import admission_policies
from charts.alerting import alerting_rules
from charts.grafana_dashboards import grafana_dashboards
from charts.platform_chart import PlatformChart
from config.model import Environment, NamespaceBudget
from constructs.k8s_values import int_or_string, quantity
from constructs.labels import namespace_selector, sync_wave
from imports.io.external_secrets import (
    ClusterSecretStore,
    ClusterSecretStoreSpec,
    ClusterSecretStoreSpecConditions,
    ClusterSecretStoreSpecProvider,
    ClusterSecretStoreSpecProviderAws,
    ClusterSecretStoreSpecProviderAwsAuth,
    ClusterSecretStoreSpecProviderAwsAuthJwt,
    ClusterSecretStoreSpecProviderAwsAuthJwtServiceAccountRef,
    ClusterSecretStoreSpecProviderAwsService,
)

PSA_MODES = ("enforce", "audit", "warn")

QUOTA_FIELDS = {
    "requests.cpu": "requests_cpu",
    "requests.memory": "requests_memory",
    "limits.cpu": "limits_cpu",
    "limits.memory": "limits_memory",
    "requests.storage": "requests_storage",
    "pods": "pods",
    "persistentvolumeclaims": "persistent_volume_claims",
    # Jobs and CronJobs by count, not only by their pods' requests: a runaway CronJob or a
    # forgotten restore cannot pile up objects.
    "count/jobs.batch": "jobs",
    "count/cronjobs.batch": "cron_jobs",
}
"""ResourceQuota key -> the NamespaceBudget field that sets it."""


def namespace_budgets(env: Environment) -> dict[str, tuple[str, NamespaceBudget]]:
    """namespace -> (the environment field that sets its quota and LimitRange, that budget)."""
    return {
        names.BACKEND_NAMESPACE: ("platform.backend", env.platform.backend),
        names.FRONTEND_NAMESPACE: ("platform.frontend", env.platform.frontend),
    }


def release_repositories(env: Environment) -> tuple[str, ...]:
    """The repositories whose images must carry a digest here (images.require_digest)."""
    if not env.images.require_digest:
        return ()
    return tuple(sorted({env.backend.image.repository, env.frontend.image.repository}))


class PlatformBaseline(PlatformChart):
    def __init__(self, scope: App, env: Environment) -> None:
        super().__init__(scope, names.PLATFORM_APP, environment=env.name)
        self.environment = env
        budgets = namespace_budgets(env)
        for namespace in names.WORKLOAD_NAMESPACES:
            self._namespace(namespace, budgets[namespace][1], env)
        self._secret_store(env)
        admission_policies(self, env.admission, digest_repositories=release_repositories(env))
        alerting_rules(self, env)
        grafana_dashboards(self, env)

    def _namespace(self, namespace: str, budget: NamespaceBudget, env: Environment) -> None:
        wave = sync_wave(names.WAVE_NAMESPACES)
        psa = {}
        for mode in PSA_MODES:
            psa[f"pod-security.kubernetes.io/{mode}"] = "restricted"
            psa[f"pod-security.kubernetes.io/{mode}-version"] = env.cluster.pod_security_version
        k8s.KubeNamespace(self, f"{namespace}-namespace", metadata=k8s.ObjectMeta(name=namespace, labels=psa, annotations=wave))

        def meta(name: str) -> k8s.ObjectMeta:
            return k8s.ObjectMeta(name=name, namespace=namespace, annotations=wave)

        k8s.KubeResourceQuota(
            self,
            f"{namespace}-quota",
            metadata=meta("workload-budget"),
            spec=k8s.ResourceQuotaSpec(hard={key: quantity(str(getattr(budget, field))) for key, field in QUOTA_FIELDS.items()}),
        )
        defaults = budget.container_defaults
        k8s.KubeLimitRange(
            self,
            f"{namespace}-limits",
            metadata=meta("container-defaults"),
            spec=k8s.LimitRangeSpec(
                limits=[
                    k8s.LimitRangeItem(
                        type="Container",
                        default_request={"cpu": quantity(defaults.requests.cpu), "memory": quantity(defaults.requests.memory)},
                        default={"cpu": quantity(defaults.limits.cpu), "memory": quantity(defaults.limits.memory)},
                    )
                ]
            ),
        )
        # Everything closed; workloads open exactly their own edges (MicrosegmentedService).
        k8s.KubeNetworkPolicy(
            self,
            f"{namespace}-default-deny",
            metadata=meta("default-deny"),
            spec=k8s.NetworkPolicySpec(pod_selector=k8s.LabelSelector(), policy_types=["Ingress", "Egress"]),
        )
        dns = env.cluster.dns
        k8s.KubeNetworkPolicy(
            self,
            f"{namespace}-allow-dns",
            metadata=meta("allow-dns-egress"),
            spec=k8s.NetworkPolicySpec(
                pod_selector=k8s.LabelSelector(),
                policy_types=["Egress"],
                egress=[
                    k8s.NetworkPolicyEgressRule(
                        to=[
                            k8s.NetworkPolicyPeer(
                                namespace_selector=k8s.LabelSelector(match_labels=namespace_selector(dns.namespace)),
                                pod_selector=k8s.LabelSelector(match_labels=dict(dns.pod_labels)),
                            )
                        ],
                        ports=[k8s.NetworkPolicyPort(port=int_or_string(53), protocol=protocol) for protocol in ("UDP", "TCP")],
                    )
                ],
            ),
        )

    def _secret_store(self, env: Environment) -> None:
        store = env.secrets
        ClusterSecretStore(
            self,
            "secret-store",
            metadata=ApiObjectMetadata(name=store.name, annotations=sync_wave(names.WAVE_SECRET_STORE)),
            spec=ClusterSecretStoreSpec(
                # Only the namespaces that hold ExternalSecrets may read through the store.
                conditions=[ClusterSecretStoreSpecConditions(namespaces=[names.BACKEND_NAMESPACE])],
                provider=ClusterSecretStoreSpecProvider(
                    aws=ClusterSecretStoreSpecProviderAws(
                        service=ClusterSecretStoreSpecProviderAwsService.SECRETS_MANAGER,
                        region=store.region,
                        auth=ClusterSecretStoreSpecProviderAwsAuth(
                            jwt=ClusterSecretStoreSpecProviderAwsAuthJwt(
                                service_account_ref=ClusterSecretStoreSpecProviderAwsAuthJwtServiceAccountRef(
                                    name=store.controller_service_account.name,
                                    namespace=store.controller_service_account.namespace,
                                )
                            )
                        ),
                    )
                ),
            ),
        )
