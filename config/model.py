"""The typed model of one environment (environments/base.yaml deep-merged with <env>.yaml).

Every model forbids unknown keys and is strict about types, so a typo or a quoted number in a
YAML file is an error rather than a silently ignored or coerced value. Field docstrings become
the descriptions of the published JSON Schema and of CONFIGURATION_REFERENCE.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from config import formats, git_refs, quantities
from config.quantities import cpu_millicores, memory_bytes

# --- scalar types -------------------------------------------------------------------------------

# The formats (pattern + the words a person reads) live in config/formats.py; these names are
# what the model and the configuration reference use.
HOSTNAME_PATTERN = formats.HOSTNAME.pattern
DNS_LABEL_PATTERN = formats.DNS_LABEL.pattern
IMAGE_REPOSITORY_PATTERN = formats.IMAGE_REPOSITORY.pattern
IMAGE_TAG_PATTERN = formats.IMAGE_TAG.pattern
DIGEST_PATTERN = formats.DIGEST.pattern

INT32_MAX = 2**31 - 1
"""Replica counts and the like land in int32 fields of the Kubernetes API."""
QUANTITY_COUNT_MAX = 2**63 - 1
"""Larger quantities are silently capped by the API server, so the cluster would not get the value written."""


def _not_latest(tag: str) -> str:
    # A moving tag makes a rollout unreproducible and a rollback meaningless (defect 9).
    if tag.lower() == "latest":
        raise ValueError("must be a release tag, not the moving tag 'latest' (for example 1.4.2)")
    return tag


def _unique(values: list) -> list:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"must not list the same entry twice (got {value!r} twice)")
        seen.add(value)
    return values


def _git_branch(name: str) -> str:
    problem = git_refs.branch_problem(name)
    if problem:
        raise ValueError(f"must be a branch name Git accepts, but it {problem} (got {name!r})")
    return name


def _ipv4_network(cidr: str) -> str:
    address = cidr.split("/")[0]
    if any(int(octet) > 255 for octet in address.split(".")):
        raise ValueError(f"must be an IPv4 network whose four numbers are each 0-255 (got {cidr!r})")
    return cidr


Hostname = formats.HOSTNAME.type()
DnsLabel = formats.DNS_LABEL.type()
CpuQuantity = formats.CPU.type()  # e.g. 100m or 0.5
MemoryQuantity = Annotated[formats.MEMORY.type(), AfterValidator(quantities.within_api_range)]  # e.g. 256Mi or 1Gi
Port = Annotated[int, Field(ge=1, le=65535)]
Origin = formats.ORIGIN.type()
Duration = formats.DURATION.type()  # e.g. 30s, 1h
Replicas = Annotated[int, Field(ge=1, le=INT32_MAX)]
LabelKey = formats.LABEL_KEY.type()
LabelValue = formats.LABEL_VALUE.type()


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True)


# --- building blocks ----------------------------------------------------------------------------


class ImageRef(Model):
    repository: formats.IMAGE_REPOSITORY.type()
    """Image repository, with registry, e.g. registry.example.internal/flask-api."""
    tag: Annotated[formats.IMAGE_TAG.type(), AfterValidator(_not_latest)]
    """Release tag (never `latest`); the one line a release bot edits."""
    digest: formats.DIGEST.type() | None = None
    """Optional sha256 digest; when set, the tag is informational and the digest is pulled."""

    @property
    def reference(self) -> str:
        ref = f"{self.repository}:{self.tag}"
        return f"{ref}@{self.digest}" if self.digest else ref


class ResourceAmounts(Model):
    cpu: CpuQuantity
    """CPU quantity."""
    memory: MemoryQuantity
    """Memory quantity."""


class Resources(Model):
    requests: ResourceAmounts
    """What the scheduler reserves for the container."""
    limits: ResourceAmounts
    """The ceiling; must not be below the requests."""

    @model_validator(mode="after")
    def _limits_cover_requests(self) -> Resources:
        if cpu_millicores(self.limits.cpu) < cpu_millicores(self.requests.cpu):
            raise ValueError(f"limits.cpu {self.limits.cpu} is below requests.cpu {self.requests.cpu}")
        if memory_bytes(self.limits.memory) < memory_bytes(self.requests.memory):
            raise ValueError(f"limits.memory {self.limits.memory} is below requests.memory {self.requests.memory}")
        return self


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
    image: ImageRef
    """MySQL image (8.0.35)."""
    name: formats.MYSQL_DATABASE.type()
    """Database (schema) name the API uses."""
    user: formats.MYSQL_USER.type() = "flask"
    """Application database user."""
    storage: MemoryQuantity = "1Gi"
    """Size of the data volume claim."""
    storage_class: DnsLabel
    """StorageClass of the data volume claim."""
    resources: Resources
    """Container requests and limits."""


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


class GitOps(Model):
    repo_url: formats.GIT_URL.type()
    """Git repository ArgoCD reads dist/ from: https, ssh, or file:/// (on the repo server's machine: local clusters)."""
    branch: Annotated[formats.GIT_BRANCH.type(), AfterValidator(_git_branch)]
    """Environment branch ArgoCD tracks (targetRevision)."""
    argocd_namespace: DnsLabel = "argocd"
    """Namespace ArgoCD runs in (Applications and the AppProject live there)."""
    destination_server: formats.HTTPS_URL.type() = "https://kubernetes.default.svc"
    """Cluster API server the Applications deploy to."""


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
from config.admission import Admission  # noqa: E402
from config.data_lifecycle import DataLifecycle  # noqa: E402
from config.monitoring import Monitoring  # noqa: E402


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


class Environment(EnvironmentSpec):
    """An EnvironmentSpec plus its name, which is the file name and never written in YAML."""

    name: DnsLabel
