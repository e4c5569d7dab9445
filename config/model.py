"""The typed model of one environment (environments/base.yaml deep-merged with <env>.yaml).

Every model forbids unknown keys and is strict about types, so a typo or a quoted number in a
YAML file is an error rather than a silently ignored or coerced value. Field docstrings become
the descriptions of the published JSON Schema and of CONFIGURATION_REFERENCE.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from config import formats
from config.admission import Admission
from config.data_lifecycle import DataLifecycle
from config.external_database import ExternalDatabase
from config.monitoring import Monitoring
from config.notifications import Notifications
from config.secret_rotation import SecretRotation
from config.types import (
    QUANTITY_COUNT_MAX,
    CpuQuantity,
    DnsLabel,
    Duration,
    Hostname,
    ImageRef,
    LabelKey,
    LabelValue,
    MemoryQuantity,
    Model,
    Origin,
    Port,
    Replicas,
    Resources,
    _git_branch,
    _ipv4_network,
    _unique,
)


class Autoscaling(Model):
    enabled: bool = False
    """Create a HorizontalPodAutoscaler; the Deployment then omits `replicas`."""
    min_replicas: Replicas = 2
    """Lower bound of the autoscaler."""
    max_replicas: Replicas = 5
    """Upper bound of the autoscaler."""
    target_cpu_utilization_percent: Annotated[int, Field(ge=1, le=100)] = 70
    """Average CPU utilization (of requests) the autoscaler aims for."""

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Autoscaling:
        if self.min_replicas > self.max_replicas:
            raise ValueError(f"min_replicas {self.min_replicas} is above max_replicas {self.max_replicas}")
        return self


class EgressRule(Model):
    name: DnsLabel
    """Why this egress exists, as a short name (becomes part of the NetworkPolicy name)."""
    cidr: Annotated[formats.CIDR.type(), AfterValidator(_ipv4_network)]
    """Destination IPv4 network in CIDR form."""
    ports: Annotated[list[Port], Field(min_length=1), AfterValidator(_unique)]
    """Destination TCP ports."""


def _unique_rule_names(rules: list[EgressRule]) -> list[EgressRule]:
    _unique([rule.name for rule in rules])
    return rules


class Workload(Model):
    image: ImageRef
    """Container image."""
    replicas: Replicas = 1
    """Fixed replica count, used when autoscaling is off."""
    autoscaling: Autoscaling = Autoscaling()
    """Horizontal autoscaling."""
    resources: Resources
    """Container requests and limits."""
    egress_allow: Annotated[list[EgressRule], AfterValidator(_unique_rule_names)] = []
    """Extra egress destinations (e.g. external APIs). Default: none."""


class Jwt(Model):
    algorithm: Literal["RS256", "RS384", "RS512"] = "RS256"
    """Signing algorithm; the key pair comes from the secret store."""
    access_token_expires_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    """Lifetime of access tokens."""
    refresh_token_expires_days: Annotated[int, Field(ge=1, le=365)] = 7
    """Lifetime of refresh tokens."""
    issuer: Annotated[str, Field(min_length=1)]
    """`iss` claim of issued tokens."""
    audience: Annotated[str, Field(min_length=1)]
    """`aud` claim of issued tokens."""


class GatewayRef(Model):
    name: DnsLabel
    """Name of the Gateway the HTTPRoute attaches to."""
    namespace: DnsLabel
    """Namespace of that Gateway."""


class Backend(Workload):
    host: Hostname
    """Public API host name (Ingress or HTTPRoute)."""
    gunicorn_workers: Annotated[int, Field(ge=1, le=64)] = 2
    """gunicorn worker processes per pod."""
    gunicorn_timeout_seconds: Annotated[int, Field(ge=1, le=600)] = 30
    """gunicorn worker timeout."""
    wsgi_app: formats.WSGI_APP.type() = "wsgi:app"
    """WSGI entry point gunicorn serves (module:callable)."""
    debug: bool = False
    """Flask DEBUG; never true in prod."""
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    """Application log level."""
    cors_origins: Annotated[list[Origin], Field(min_length=1), AfterValidator(_unique)]
    """Origins allowed by CORS."""
    jwt: Jwt
    """JWT settings (non-secret part)."""
    exposure: Literal["ingress", "gateway"] = "ingress"
    """Expose the API through an Ingress or a Gateway API HTTPRoute."""
    gateway: GatewayRef | None = None
    """Required when exposure is `gateway`."""

    @model_validator(mode="after")
    def _gateway_when_selected(self) -> Backend:
        if self.exposure == "gateway" and self.gateway is None:
            raise ValueError("exposure is 'gateway' but no gateway is set")
        return self


class Database(Model):
    mode: Literal["in-cluster", "external"] = "in-cluster"
    """`in-cluster`: the MySQL StatefulSet; `external`: a managed database (database.external), no StatefulSet."""
    image: ImageRef
    """MySQL image (8.0.35): the in-cluster server's, and the backup's and restore's client tools in both modes."""
    name: formats.MYSQL_DATABASE.type()
    """Database (schema) name the API uses."""
    user: formats.MYSQL_USER.type() = "flask"
    """Application database user (with credentials `managed`, the master user the secret belongs to)."""
    storage: MemoryQuantity = "1Gi"
    """Size of the data volume claim (in-cluster only)."""
    storage_class: DnsLabel | None = None
    """StorageClass of the data volume claim (in-cluster only, required there)."""
    resources: Resources | None = None
    """Container requests and limits of the server (in-cluster only, required there)."""
    external: ExternalDatabase | None = None
    """The managed database's endpoint, network, CA and credentials (required when mode is `external`)."""

    @model_validator(mode="after")
    def _settings_of_the_mode(self) -> Database:
        if self.mode == "external" and self.external is None:
            raise ValueError("mode is 'external' but no external endpoint (host, cidrs, ca_bundle) is set")
        if self.mode == "in-cluster":
            for name in ("storage_class", "resources"):
                if getattr(self, name) is None:
                    raise ValueError(f"mode is 'in-cluster' but no {name} is set for the StatefulSet")
        return self


class Frontend(Workload):
    host: Hostname
    """Public host name of the single-page app."""
    client_max_body_size: formats.NGINX_SIZE.type() = "10m"
    """Largest request body nginx accepts (nginx size syntax)."""
    content_security_policy: formats.HEADER_VALUE.type()
    """Content-Security-Policy header sent on every response."""


class Tls(Model):
    enabled: bool = False
    """Terminate TLS at the ingress with a cert-manager certificate."""
    cluster_issuer: DnsLabel | None = None
    """cert-manager ClusterIssuer; required when TLS is enabled."""

    @model_validator(mode="after")
    def _issuer_when_enabled(self) -> Tls:
        if self.enabled and not self.cluster_issuer:
            raise ValueError("enabled is true but no cluster_issuer is set")
        return self


class ServiceAccountRef(Model):
    name: DnsLabel
    """ServiceAccount name."""
    namespace: DnsLabel
    """ServiceAccount namespace."""


class SecretStore(Model):
    name: DnsLabel = "aws-secrets-manager"
    """Name of the ClusterSecretStore."""
    region: formats.AWS_REGION.type()
    """AWS region of Secrets Manager."""
    key_prefix: formats.SECRET_KEY_PREFIX.type()
    """Prefix of this environment's keys in Secrets Manager, e.g. staging/backend."""
    refresh_interval: Duration = "1h"
    """How often External Secrets re-reads the store."""
    controller_service_account: ServiceAccountRef
    """The External Secrets controller's ServiceAccount, annotated for IRSA."""
    rotation: SecretRotation
    """The scheduled rotation of the store keys (docs/operations.md, Rotating secrets)."""


class Promotion(Model):
    soak: Duration = "10m"
    """How long every Application must have been Synced at a commit and Healthy before `ops promote` takes it elsewhere."""


class GitOps(Model):
    repo_url: formats.GIT_URL.type()
    """Git repository ArgoCD reads dist/ from: https, ssh, or file:/// (on the repo server's machine: local clusters)."""
    branch: Annotated[formats.GIT_BRANCH.type(), AfterValidator(_git_branch)]
    """Environment branch ArgoCD tracks (targetRevision)."""
    argocd_namespace: DnsLabel = "argocd"
    """Namespace ArgoCD runs in (Applications and the AppProject live there)."""
    destination_server: formats.HTTPS_URL.type() = "https://kubernetes.default.svc"
    """Cluster API server the Applications deploy to."""
    notifications: Notifications | None = None
    """Argo CD notifications about the Applications (install/argocd-notifications-cm-patch.yaml); null sends none."""
    promotion: Promotion = Promotion()
    """What `ops promote` requires of this environment when it is the source of a promotion."""


class Images(Model):
    require_digest: bool = False
    """Backend and frontend images must name a digest (synth and admission check it): no mutable tag runs here."""


class DnsTarget(Model):
    namespace: DnsLabel = "kube-system"
    """Namespace of the cluster DNS pods."""
    pod_labels: dict[LabelKey, LabelValue] = {"k8s-app": "kube-dns"}
    """Labels selecting the cluster DNS pods."""


class Cluster(Model):
    ingress_class: DnsLabel = "nginx"
    """IngressClass of the ingress controller."""
    ingress_controller_namespace: DnsLabel = "ingress-nginx"
    """Namespace of the ingress controller pods (allowed to reach the workloads)."""
    pod_security_version: formats.K8S_MINOR.type() = "v1.30"
    """Pinned Pod Security Standards version for the namespace labels."""
    dns: DnsTarget = DnsTarget()
    """Cluster DNS, the one egress every workload has."""


class NamespaceBudget(Model):
    requests_cpu: CpuQuantity
    """Sum of CPU requests allowed in the namespace."""
    requests_memory: MemoryQuantity
    """Sum of memory requests allowed in the namespace."""
    limits_cpu: CpuQuantity
    """Sum of CPU limits allowed in the namespace."""
    limits_memory: MemoryQuantity
    """Sum of memory limits allowed in the namespace."""
    requests_storage: MemoryQuantity = "10Gi"
    """Sum of storage requested by claims."""
    pods: Annotated[int, Field(ge=1, le=QUANTITY_COUNT_MAX)] = 20
    """Maximum number of pods."""
    persistent_volume_claims: Annotated[int, Field(ge=0, le=QUANTITY_COUNT_MAX)] = 5
    """Maximum number of PersistentVolumeClaims."""
    jobs: Annotated[int, Field(ge=0)] = 0
    """Maximum number of Jobs (the migration, the backup runs the CronJob's history keeps, restores)."""
    cron_jobs: Annotated[int, Field(ge=0)] = 0
    """Maximum number of CronJobs."""
    container_defaults: Resources
    """LimitRange defaults for containers that declare none."""


class Platform(Model):
    backend: NamespaceBudget
    """Quota and LimitRange of the backend namespace."""
    frontend: NamespaceBudget
    """Quota and LimitRange of the frontend namespace."""


# Sub-models that live in their own modules build on the blocks above, so they are imported here.


class EnvironmentSpec(Model):
    """The content of base.yaml merged with one environment file."""

    gitops: GitOps
    """Where ArgoCD reads this environment from."""
    cluster: Cluster = Cluster()
    """Facts about the target cluster."""
    secrets: SecretStore
    """AWS Secrets Manager through External Secrets Operator."""
    tls: Tls = Tls()
    """TLS at the ingress."""
    platform: Platform
    """Namespace quotas and limits."""
    backend: Backend
    """The Flask API."""
    database: Database
    """The MySQL database of the API."""
    frontend: Frontend
    """The nginx reverse proxy and single-page app."""
    monitoring: Monitoring
    """Metrics scraping, alert rules and their thresholds."""
    admission: Admission
    """The cluster-side guard: ValidatingAdmissionPolicies in the product's namespaces."""
    data: DataLifecycle
    """Schema migrations and backups of the database."""
    images: Images = Images()
    """Rules for the release images."""


class Environment(EnvironmentSpec):
    """An EnvironmentSpec plus its name, which is the file name and never written in YAML."""

    name: DnsLabel

    @property
    def archives_binlogs(self) -> bool:
        """The binary log archive runs: backups on, the database in the cluster, data.backup.binlog on."""
        backup = self.data.backup
        return backup.enabled and self.database.mode == "in-cluster" and backup.binlog.enabled
