"""NginxSiteSettings: what varies between deployments of the frontend, validated before rendering.

A pydantic model on the configuration's own types (config/types.py): server names are the
same `Hostname` an environment file's `frontend.host` is, ports the same `Port`. A value nginx
would reject, misread or let inject a directive (a `$` in a header, a path with spaces, a
privileged port) is refused here with the field's name, so charts/nginx_conf.py renders only
valid settings and never checks them itself.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationError, model_validator

from config import formats, messages
from config.types import DnsLabel, Hostname, Model, Port

# The error page nginx serves itself (never from disk) when it cannot reach the backend, and the
# single-page app's index every unknown path falls back to; the health path must shadow neither.
ERROR_PAGE_PATH = "/50x.html"
INDEX_PATH = "/index.html"

# Peers whose X-Forwarded-For and X-Forwarded-Proto are believed. NetworkPolicy (brief §7) only
# lets the ingress controller's namespace reach the pod port, so any private-range peer that
# gets through is the ingress; clusters that know their pod CIDR can narrow this.
PRIVATE_NETWORKS: tuple[str, ...] = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")

DEFAULT_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

_SEGMENT = r"[A-Za-z0-9._~-]+"


def _worded(pattern: str, words: str):
    """A check of `pattern` whose error says `words`, never the pattern."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"must be {words}, got {value!r}")
        return value

    return AfterValidator(check)


def _unprivileged(port: int) -> int:
    if port < 1024:
        raise ValueError(f"must be 1024 or above (nginx runs as a non-root user and cannot bind privileged ports), got {port}")
    return port


def _ip_address(value: str) -> str:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"must be an IP address, got {value!r}") from None
    return value


def _wildcard(value: str) -> str:
    if not (value.startswith("*.") and formats.HOSTNAME.matches(value[2:])):
        raise ValueError(f"must be '*.' and a DNS name, such as *.example.com, got {value!r}")
    return value


def _empty_or_ip_address(value: str) -> str:
    try:
        return value and _ip_address(value)
    except ValueError:
        raise ValueError(f"must be empty (all addresses) or an IP address, got {value!r}") from None


def _network(cidr: str) -> str:
    try:
        ipaddress.ip_network(cidr, strict=True)
    except ValueError as exc:
        raise ValueError(f"{cidr!r} is not a network ({exc})") from None
    return cidr


def _no_directory_escape(path: str) -> str:
    if ".." in path.split("/"):
        raise ValueError(f"must not contain '..', got {path!r}")
    return path


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise ValueError(f"has duplicates: {values!r}")
    return values


IpAddress = Annotated[str, AfterValidator(_ip_address)]
WildcardHostname = Annotated[str, AfterValidator(_wildcard)]
"""'*.' and a Hostname: nginx matches every name one label deeper."""
# Header values are written inside a double-quoted nginx string, where `$` starts a variable.
OptionalHeaderValue = Annotated[str, _worded(r"[^\"\\$\x00-\x1f\x7f-\U0010ffff]*", "printable ASCII without '\"', '\\' or '$'")]
HeaderValue = Annotated[OptionalHeaderValue, Field(min_length=1)]
BodySize = Annotated[
    str,
    _worded(
        r"[1-9][0-9]*[kKmMgG]?",
        "a positive nginx size such as '10m' (digits with an optional k/m/g suffix; 0 would disable the limit)",
    ),
]
PathPrefix = Annotated[
    str,
    _worded(
        rf"/(?:{_SEGMENT}/)+", "a path that starts and ends with '/' and names at least one segment (letters, digits, '._~-')"
    ),
]
ExactPath = Annotated[str, _worded(rf"(?:/{_SEGMENT})+", "an absolute path without a trailing '/' (letters, digits, '._~-')")]
Directory = Annotated[
    str,
    _worded(r"(?:/[A-Za-z0-9._-]+)+", "an absolute directory path without a trailing '/'"),
    AfterValidator(_no_directory_escape),
]
Network = Annotated[str, AfterValidator(_network)]
# Lists (from YAML) are accepted and kept as tuples; a bare string is not a list of one.
Names = Annotated[tuple[Hostname | WildcardHostname, ...], Field(strict=False, min_length=1), AfterValidator(_unique)]
Prefixes = Annotated[tuple[PathPrefix, ...], Field(strict=False), AfterValidator(_unique)]
Networks = Annotated[tuple[Network, ...], Field(strict=False), AfterValidator(_unique)]
Timeout = Annotated[int, Field(ge=1, le=3600)]


def _one_line(error: ValidationError) -> str:
    """The first wrong value and why, in words: `field: must be ... or must be ...` (one per union member)."""

    def where(loc: tuple) -> tuple:
        # Without pydantic's validator tags ('constrained-str', 'function-after[...]').
        return tuple(part for part in loc if isinstance(part, int) or part in NginxSiteSettings.model_fields)

    problems = error.errors(include_url=False)
    first = where(problems[0]["loc"])
    reasons = dict.fromkeys(messages.reason(p) for p in problems if where(p["loc"]) == first)
    field = ".".join(str(part) for part in first)
    return f"nginx settings: {field + ': ' if field else ''}{' or '.join(reasons)}"


class NginxSiteSettings(Model):
    """What varies between deployments of the frontend; everything else is fixed policy."""

    listen_port: Annotated[Port, AfterValidator(_unprivileged)]
    """Pod port; unprivileged, so nginx as UID 101 can bind it."""
    listen_address: Annotated[str, AfterValidator(_empty_or_ip_address)] = ""
    """'' = all addresses."""
    upstream_host: Hostname | DnsLabel | IpAddress
    """From the backend Service object, e.g. flask-app.backend.svc.cluster.local."""
    upstream_port: Port
    """The backend Service port."""
    server_names: Names
    """The ingress hosts."""
    client_max_body_size: BodySize
    content_security_policy: HeaderValue
    api_prefix: PathPrefix = "/api/"
    health_path: ExactPath = "/healthz"
    document_root: Directory = "/usr/share/nginx/html"
    immutable_asset_prefixes: Prefixes = ("/assets/",)
    """URL prefixes whose files carry a content hash in their name (bundler output)."""
    permissions_policy: HeaderValue = DEFAULT_PERMISSIONS_POLICY
    strict_transport_security: OptionalHeaderValue = ""
    """TLS ends at the ingress; set this only where every host is served over HTTPS."""
    trusted_proxy_cidrs: Networks = PRIVATE_NETWORKS
    """Peers trusted for X-Forwarded-For / X-Forwarded-Proto (the ingress controller)."""
    worker_processes: Annotated[int, Field(ge=1, le=64)] = 2
    """A fixed count: `auto` counts the node's CPUs, not the container's CPU limit."""
    worker_connections: Annotated[int, Field(ge=64, le=65535)] = 1024
    proxy_connect_timeout_seconds: Timeout = 5
    proxy_read_timeout_seconds: Timeout = 60
    """At least gunicorn's worker timeout, so gunicorn (not nginx) decides when a request dies."""
    proxy_send_timeout_seconds: Timeout = 60
    status_port: Port | None = None
    """nginx's stub_status, for the metrics exporter sidecar: on a listener bound to loopback, so
    only containers of the same pod reach it (never a Service, Ingress or other pod)."""
    status_path: ExactPath = "/stub_status"

    def __init__(self, **values: Any) -> None:
        # One line naming the field, in words, like every settings error of the product.
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise ValueError(_one_line(error)) from None

    @model_validator(mode="after")
    def _paths_do_not_overlap(self) -> NginxSiteSettings:
        for prefix in self.immutable_asset_prefixes:
            # Overlapping prefixes would let static rules capture API paths or the reverse.
            if prefix.startswith(self.api_prefix) or self.api_prefix.startswith(prefix):
                raise ValueError(f"immutable_asset_prefixes: {prefix!r} overlaps api_prefix {self.api_prefix!r}")
        if self.health_path in (INDEX_PATH, ERROR_PAGE_PATH):
            raise ValueError(f"health_path must not be {self.health_path!r}: nginx serves it")
        for prefix in (self.api_prefix, *self.immutable_asset_prefixes):
            if self.health_path.startswith(prefix):
                raise ValueError(f"health_path {self.health_path!r} lies under {prefix!r}")
        if self.status_port is not None and self.status_port == self.listen_port:
            raise ValueError(f"status_port must differ from listen_port ({self.listen_port})")
        return self

    def replace(self, **changes: Any) -> NginxSiteSettings:
        """A copy with `changes`, validated like a new one (pydantic's model_copy does not validate)."""
        return type(self)(**{**{name: getattr(self, name) for name in type(self).model_fields}, **changes})
