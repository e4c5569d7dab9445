"""Checks across fields of one validated environment, before anything is rendered.

Each check finds a combination of values that validates field by field but that the cluster,
the browser or the app would refuse, and raises a FieldProblem naming the field to change.
Checks over what the charts render (quotas against workloads, names, labels, routes) live in
synthesis/admission/; these need only the configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from config import csp, notifications
from config.errors import FieldProblem
from config.model import Environment, NamespaceBudget, Workload
from config.quantities import cpu_millicores, memory_bytes

Check = Callable[[Environment], Iterator[FieldProblem]]


def _workloads(env: Environment) -> Iterator[tuple[str, Workload, str, NamespaceBudget]]:
    """(section, workload, budget section, budget): each Deployment's settings and its namespace's."""
    yield "backend", env.backend, "platform.backend", env.platform.backend
    yield "frontend", env.frontend, "platform.frontend", env.platform.frontend


def replicas_within_pod_quota(env: Environment) -> Iterator[FieldProblem]:
    for section, workload, budget_field, budget in _workloads(env):
        hpa = workload.autoscaling
        field, count = (
            (f"{section}.autoscaling.max_replicas", hpa.max_replicas)
            if hpa.enabled
            else (f"{section}.replicas", workload.replicas)
        )
        if count > budget.pods:
            yield FieldProblem(
                field,
                f"must be at most {budget.pods}, the number of pods the {section} namespace may run "
                f"({budget_field}.pods), less the extra pod of a rolling update (got {count})",
            )


_QUOTA_OF_DEFAULT = (
    ("requests", "cpu", "requests_cpu", cpu_millicores),
    ("requests", "memory", "requests_memory", memory_bytes),
    ("limits", "cpu", "limits_cpu", cpu_millicores),
    ("limits", "memory", "limits_memory", memory_bytes),
)


def quota_holds_container_defaults(env: Environment) -> Iterator[FieldProblem]:
    """A container that relies on the LimitRange default must fit the quota on its own."""
    for name in type(env.platform).model_fields:
        budget: NamespaceBudget = getattr(env.platform, name)
        for side, resource, quota_field, amount in _QUOTA_OF_DEFAULT:
            default = getattr(getattr(budget.container_defaults, side), resource)
            quota = getattr(budget, quota_field)
            if amount(quota) < amount(default):
                yield FieldProblem(
                    f"platform.{name}.{quota_field}",
                    f"must be at least the LimitRange default of {default} "
                    f"(platform.{name}.container_defaults.{side}.{resource}): a container relying on that default "
                    f"could never start in the {name} namespace (got {quota!r})",
                )


def _host_of(origin: str) -> tuple[str, str, int | None]:
    parts = urlsplit(origin)
    return parts.scheme, parts.hostname or "", parts.port


def origin_ports_in_range(env: Environment) -> Iterator[FieldProblem]:
    for index, origin in enumerate(env.backend.cors_origins):
        port = origin.rpartition(":")[2]
        if port.isdigit() and origin.count(":") == 2 and not 1 <= int(port) <= 65535:
            yield FieldProblem(
                f"backend.cors_origins[{index}]",
                f"must have a port between 1 and 65535, or none (got {origin!r})",
            )


def cors_allows_the_frontend(env: Environment) -> Iterator[FieldProblem]:
    """The single-page app calls the API from the frontend host: that origin must be allowed."""
    frontend = env.frontend.host
    if frontend == env.backend.host:
        return  # same origin: CORS does not apply
    schemes = {"https"} if env.tls.enabled else {"http", "https"}
    origins = [_host_of(o) for o in env.backend.cors_origins]
    if not any(host == frontend and scheme in schemes for scheme, host, _ in origins):
        wanted = f"https://{frontend}"
        yield FieldProblem(
            "backend.cors_origins",
            f"must include the origin of the single-page app, {wanted} (frontend.host), or browsers refuse its "
            f"API calls (got {', '.join(env.backend.cors_origins)})",
        )
    if env.tls.enabled:
        for index, (scheme, host, _) in enumerate(origins):
            if scheme == "http" and host in (frontend, env.backend.host):
                yield FieldProblem(
                    f"backend.cors_origins[{index}]",
                    f"must use https:// while tls.enabled is true, since browsers reach {host} only over https "
                    f"(got {env.backend.cors_origins[index]!r}; for example 'https://{host}')",
                )


def csp_allows_the_api(env: Environment) -> Iterator[FieldProblem]:
    """The page may only fetch from what connect-src (or default-src) allows: the API host must be in it."""
    api = env.backend.host
    # Without TLS at the ingress the page may still be served over https (a load balancer in front).
    schemes = ("https",) if env.tls.enabled else ("https", "http")
    policy = csp.parse(env.frontend.content_security_policy)
    directive, sources = csp.effective(policy, "connect-src")
    if directive is None:
        return  # no connect-src and no default-src: the browser does not restrict fetches
    if any(csp.allows(sources, scheme=scheme, host=api, page_host=env.frontend.host) for scheme in schemes):
        return
    listed = " ".join(sources) or "nothing"
    yield FieldProblem(
        "frontend.content_security_policy",
        f"must let the page reach the API: add https://{api} (backend.host) to {directive}, which allows only {listed}",
    )


MYSQL_SYSTEM_SCHEMAS = ("mysql", "sys", "information_schema", "performance_schema")
NGINX_SIZE_MAX = 2**63 - 1
"""nginx reads client_max_body_size into an off_t and refuses to start when it overflows."""


def database_names_mysql_accepts(env: Environment) -> Iterator[FieldProblem]:
    db = env.database
    if db.user == "root":
        # The image's entrypoint refuses MYSQL_USER=root and the database never starts.
        yield FieldProblem(
            "database.user", "must not be 'root': the MySQL image creates root itself and refuses to start (got 'root')"
        )
    if db.name.lower() in MYSQL_SYSTEM_SCHEMAS:
        yield FieldProblem(
            "database.name",
            f"must not be a MySQL system schema ({', '.join(MYSQL_SYSTEM_SCHEMAS)}): the application user is granted "
            f"everything on its database (got {db.name!r})",
        )


IN_CLUSTER_ONLY = ("storage", "storage_class", "resources")


def database_settings_match_the_mode(env: Environment) -> Iterator[FieldProblem]:
    """Settings of the other mode are refused rather than ignored: a reader would believe them."""
    db = env.database
    if db.mode == "external":
        for name in IN_CLUSTER_ONLY:
            if name in db.model_fields_set:
                yield FieldProblem(
                    f"database.{name}",
                    f"must not be set while database.mode is 'external': the provider owns the server's storage and "
                    f"size, and no StatefulSet is rendered (got {getattr(db, name)!r})",
                )
        if env.data.backup.enabled and env.data.backup.binlog.enabled:
            yield FieldProblem(
                "data.backup.binlog.enabled",
                "must be false while database.mode is 'external': the provider keeps the binary logs and restores "
                "to a point in time itself (got true)",
            )
    elif db.external is not None:
        yield FieldProblem("database.external", "is set but database.mode is 'in-cluster': set mode to 'external' or remove it")


def body_size_nginx_accepts(env: Environment) -> Iterator[FieldProblem]:
    size = env.frontend.client_max_body_size
    factor = {"k": 2**10, "m": 2**20}.get(size[-1].lower(), 1)
    number = int(size.rstrip("kKmM"))
    if number * factor > NGINX_SIZE_MAX:
        yield FieldProblem(
            "frontend.client_max_body_size", f"must be at most 8796093022207m, or nginx refuses to start (got {size!r})"
        )


def notification_annotations_fit(env: Environment) -> Iterator[FieldProblem]:
    problem = notifications.annotation_too_long(env.name, env.gitops.notifications)
    if problem:
        yield FieldProblem("gitops.notifications.webhook", problem)


def release_images_pinned(env: Environment) -> Iterator[FieldProblem]:
    if not env.images.require_digest:
        return
    for section, workload, _budget_field, _budget in _workloads(env):
        if workload.image.digest is None:
            yield FieldProblem(
                f"{section}.image.digest",
                "is required: images.require_digest is on, so only a digest may reach this environment "
                "(`ops promote` writes the digests its source runs)",
            )


def previous_jwt_key_outlives_refresh_tokens(env: Environment) -> Iterator[FieldProblem]:
    """A rotation keeps one previous public key: a refresh token signed just before a rotation
    must expire before the next rotation drops that key."""
    rotation = env.secrets.rotation
    lifetime = env.backend.jwt.refresh_token_expires_days
    if rotation.enabled and "jwt" in rotation.keys and rotation.interval_days < lifetime:
        yield FieldProblem(
            "secrets.rotation.interval_days",
            f"must be at least backend.jwt.refresh_token_expires_days ({lifetime}): the previous JWT public key "
            f"is kept for one interval, and refresh tokens live {lifetime} days (got {rotation.interval_days})",
        )


def rotation_reaches_the_database(env: Environment) -> Iterator[FieldProblem]:
    """The `database` key alternates users through the server's administrative login, which an
    external database does not give the cluster (and RDS rotates a managed master user itself)."""
    if env.database.mode == "external" and "database" in env.secrets.rotation.keys:
        yield FieldProblem(
            "secrets.rotation.keys",
            "must not include 'database' while database.mode is 'external': its rotation needs the server's "
            "administrative login, which only an in-cluster database gives the cluster (rotate it at the provider)",
        )


CHECKS: tuple[Check, ...] = (
    replicas_within_pod_quota,
    quota_holds_container_defaults,
    origin_ports_in_range,
    cors_allows_the_frontend,
    csp_allows_the_api,
    database_names_mysql_accepts,
    database_settings_match_the_mode,
    body_size_nginx_accepts,
    notification_annotations_fit,
    release_images_pinned,
    previous_jwt_key_outlives_refresh_tokens,
    rotation_reaches_the_database,
)


def check(env: Environment) -> None:
    """Raise the first problem found, in the order of CHECKS."""
    for rule in CHECKS:
        for problem in rule(env):
            raise problem
