"""Values that validate one by one but that the cluster, Argo CD, Git or the browser would refuse:
each is one line naming the file that sets the field, the field and the reason; exit 2; dist/ untouched."""

from __future__ import annotations

import pytest
import yaml

from tests.support.bad_input import Mutation, assert_one_line_error, assert_refused_before_writing, run_main, set_field, snapshot


def _all(*mutations: Mutation) -> Mutation:
    def mutate(data):
        for mutation in mutations:
            mutation(data)

    return mutate


LONG_ENV = "e" * 56

# (id, file to edit, mutation, file expected in the message, field, reason fragment)
CASES = [
    # numbers the API would overflow (int32) or cap (quantities)
    (
        "replicas-int32",
        "staging.yaml",
        set_field("backend.replicas", 10**12),
        "staging.yaml",
        "backend.replicas",
        "at most 2147483647",
    ),
    (
        "hpa-max-int32",
        "prod.yaml",
        set_field("backend.autoscaling.max_replicas", 2**31),
        "prod.yaml",
        "backend.autoscaling.max_replicas",
        "at most 2147483647",
    ),
    (
        "storage-capped",
        "staging.yaml",
        set_field("database.storage", "99999999Ti"),
        "staging.yaml",
        "database.storage",
        "at most 8Ei",
    ),
    # replicas within the pod quota
    (
        "replicas-over-pod-quota",
        "staging.yaml",
        set_field("backend.replicas", 25),
        "staging.yaml",
        "backend.replicas",
        "must be at most 20, the number of pods the backend namespace may run (platform.backend.pods)",
    ),
    (
        "hpa-max-over-pod-quota",
        "prod.yaml",
        set_field("backend.autoscaling.max_replicas", 30),
        "prod.yaml",
        "backend.autoscaling.max_replicas",
        "must be at most 20",
    ),
    # quotas hold the workloads at their worst moment
    (
        "quota-limits-memory",
        "base.yaml",
        set_field("platform.backend.limits_memory", "1Gi"),
        "base.yaml",
        "platform.backend.limits_memory",
        "must be at least 3840Mi, the limits.memory the backend namespace needs at its peak: "
        "flask-app-db 1 pod x 1Gi (1 replica), flask-app 2 pods x 512Mi (1 replica + 1 during a rolling update), "
        "flask-app-migrate 1 pod x 512Mi (parallelism 1), flask-app-db-backup 1 pod x 512Mi (one run at a time), "
        "flask-app-db-backup-binlog 1 pod x 512Mi (one run at a time), "
        "flask-secret-rotation 1 pod x 256Mi (one run at a time) (got 1Gi)",
    ),
    # a rotation drops the previous JWT public key: refresh tokens must have expired by then
    (
        "rotation-shorter-than-refresh-tokens",
        "staging.yaml",
        set_field("secrets.rotation.interval_days", 3),
        "staging.yaml",
        "secrets.rotation.interval_days",
        "must be at least backend.jwt.refresh_token_expires_days (7)",
    ),
    (
        "quota-requests-cpu",
        "staging.yaml",
        set_field("backend.resources", {"requests": {"cpu": "1", "memory": "256Mi"}, "limits": {"cpu": "1", "memory": "512Mi"}}),
        "base.yaml",
        "platform.backend.requests_cpu",
        # 2 API pods x 1 CPU, the database's 250m, the migration's, one backup run's and one binary
        # log archive run's 100m each, one rotation run's 50m
        "must be at least 2600m",
    ),
    (
        "quota-pods-surge",
        "staging.yaml",
        set_field("platform.frontend.pods", 1),
        "staging.yaml",
        "platform.frontend.pods",
        "must be at least 2, the pods the frontend namespace needs at its peak: nginx-front 2 pods (1 replica + 1 during",
    ),
    (
        "quota-pods-hpa-max",
        "prod.yaml",
        set_field("platform.backend.pods", 7),
        "prod.yaml",
        "platform.backend.pods",
        "flask-app 7 pods (autoscaler maximum 6 + 1 during a rolling update)",
    ),
    (
        "quota-storage",
        "staging.yaml",
        set_field("database.storage", "30Gi"),
        "base.yaml",
        "platform.backend.requests_storage",
        "must be at least 30Gi",
    ),
    (
        "quota-claims",
        "staging.yaml",
        set_field("platform.backend.persistent_volume_claims", 0),
        "staging.yaml",
        "platform.backend.persistent_volume_claims",
        "must be at least 1",
    ),
    (
        "quota-below-limitrange-default",
        "base.yaml",
        set_field("platform.backend.limits_memory", "100Mi"),
        "base.yaml",
        "platform.backend.limits_memory",
        "must be at least the LimitRange default of 512Mi (platform.backend.container_defaults.limits.memory)",
    ),
    # hosts unique across routes
    (
        "same-host-twice",
        "staging.yaml",
        set_field("frontend.host", "api-staging.example.internal"),
        "staging.yaml",
        "frontend.host",
        "Ingress backend/flask-app and Ingress frontend/nginx-front would both claim api-staging.example.internal path /",
    ),
    (
        "same-host-gateway-and-ingress",
        "staging.yaml",
        _all(
            set_field("backend.exposure", "gateway"),
            set_field("backend.gateway", {"name": "public", "namespace": "gateways"}),
            set_field("frontend.host", "api-staging.example.internal"),
        ),
        "staging.yaml",
        "frontend.host",
        "HTTPRoute backend/flask-app and Ingress frontend/nginx-front would both claim",
    ),
    # CORS and CSP consistent with the hosts
    (
        "cors-misses-frontend",
        "staging.yaml",
        set_field("backend.cors_origins", ["https://other.example.internal"]),
        "staging.yaml",
        "backend.cors_origins",
        "must include the origin of the single-page app, https://frontend-staging.example.internal (frontend.host)",
    ),
    (
        "cors-http-with-tls",
        "prod.yaml",
        set_field("backend.cors_origins", ["https://www.example.com", "http://www.example.com"]),
        "prod.yaml",
        "backend.cors_origins[1]",
        "must use https:// while tls.enabled is true",
    ),
    (
        "cors-port-out-of-range",
        "staging.yaml",
        set_field("backend.cors_origins", ["https://frontend-staging.example.internal:99999"]),
        "staging.yaml",
        "backend.cors_origins[0]",
        "port between 1 and 65535",
    ),
    (
        "csp-misses-api",
        "staging.yaml",
        set_field("frontend.content_security_policy", "default-src 'self'; frame-ancestors 'none'"),
        "staging.yaml",
        "frontend.content_security_policy",
        "add https://api-staging.example.internal (backend.host) to default-src, which allows only 'self'",
    ),
    (
        "csp-after-host-change",
        "prod.yaml",
        set_field("backend.host", "api2.example.com"),
        "prod.yaml",
        "frontend.content_security_policy",
        "add https://api2.example.com (backend.host) to connect-src",
    ),
    # labels, names, Git
    (
        "tag-not-a-label",
        "staging.yaml",
        set_field("backend.image.tag", "v1-"),
        "staging.yaml",
        "backend.image.tag",
        "label app.kubernetes.io/version='v1-' is not a label value",
    ),
    (
        "dns-label-value",
        "base.yaml",
        set_field("cluster.dns.pod_labels", {"k8s-app": "kube dns"}),
        "base.yaml",
        "cluster.dns.pod_labels.k8s-app",
        "must be a label value",
    ),
    # what the database image and nginx refuse
    ("db-user-root", "staging.yaml", set_field("database.user", "root"), "staging.yaml", "database.user", "refuses to start"),
    ("db-name-system", "prod.yaml", set_field("database.name", "mysql"), "prod.yaml", "database.name", "MySQL system schema"),
    (
        "body-size-overflow",
        "base.yaml",
        set_field("frontend.client_max_body_size", "99999999999999999999m"),
        "base.yaml",
        "frontend.client_max_body_size",
        "nginx refuses to start",
    ),
    (
        "branch-dot-dot",
        "staging.yaml",
        set_field("gitops.branch", "release..1"),
        "staging.yaml",
        "gitops.branch",
        "contains '..'",
    ),
    (
        "branch-lock",
        "prod.yaml",
        set_field("gitops.branch", "env/prod.lock"),
        "prod.yaml",
        "gitops.branch",
        "ending with '.lock'",
    ),
    ("branch-dash", "prod.yaml", set_field("gitops.branch", "-prod"), "prod.yaml", "gitops.branch", "starts with '-'"),
    (
        "cidr-octet",
        "staging.yaml",
        set_field("backend.egress_allow", [{"name": "x", "cidr": "10.300.0.0/16", "ports": [443]}]),
        "staging.yaml",
        "backend.egress_allow[0].cidr",
        "each 0-255",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("case", "edit", "mutate", "blamed", "field", "reason"), CASES, ids=[c[0] for c in CASES])
def test_cross_field_problem_is_reported_before_writing(workspace, capsys, case, edit, mutate, blamed, field, reason):  # noqa: F811
    assert_refused_before_writing(workspace, capsys, edit, mutate, blamed, field, reason)


def test_argocd_application_name_length(workspace, capsys):  # noqa: F811
    """Argo CD writes the Application name into a label: an environment name that makes it
    longer than 63 characters is refused, naming the environment file."""
    environments, dist = workspace
    staging = yaml.safe_load((environments / "staging.yaml").read_text())
    # Slack: a webhook's per-environment service name would be refused first (its annotation is longer).
    staging["gitops"]["notifications"] = {"slack": {"channel": "ops"}}
    (environments / f"{LONG_ENV}.yaml").write_text(yaml.safe_dump(staging))
    before = snapshot(dist)
    code, err = run_main(environments, dist, capsys, LONG_ENV)
    assert_one_line_error(code, err, str(environments / f"{LONG_ENV}.yaml"), "file name", "app.kubernetes.io/instance")
    assert snapshot(dist) == before


def test_valid_committed_environments_pass_every_check():
    from config.loader import load_all
    from synthesis import admission
    from synthesis.build import build_manifests

    for env in load_all():
        assert list(admission.problems(env, build_manifests(env))) == []
