"""The complete /etc/nginx/nginx.conf of the NginxFrontend, rendered from typed settings.

The ConfigMap replaces the image's nginx.conf (mounted with subPath), so nothing here may rely
on the image's defaults: the pid file and every temporary path point into the two writable
emptyDirs, logs go to the container's stdout/stderr, and no `user` directive is emitted because
the master process is already UID 101 (the directive only warns when not root).

Security headers (defect 10 of the old setup): nginx's `add_header` is inherited from the
server into a location only if that location declares no `add_header` of its own. Every
context rendered here therefore gets its headers from one function, `_headers`, which always
emits the full security set before any context-specific header, so a location cannot add a
Cache-Control header and lose the rest.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from charts.nginx_settings import ERROR_PAGE_PATH, INDEX_PATH, PRIVATE_NETWORKS, NginxSiteSettings

# Paths inside the container. The chart mounts the ConfigMap at CONFIG_PATH (subPath) and one
# emptyDir at each of WRITABLE_DIRS; everything nginx writes lives under them.
CONFIG_PATH = "/etc/nginx/nginx.conf"
MIME_TYPES_PATH = "/etc/nginx/mime.types"
RUN_DIR = "/tmp"
CACHE_DIR = "/var/cache/nginx"
WRITABLE_DIRS: tuple[str, ...] = (RUN_DIR, CACHE_DIR)
PID_PATH = f"{RUN_DIR}/nginx.pid"

# Statuses for which nginx serves ERROR_PAGE_PATH itself (never from disk): it cannot reach the backend.
UPSTREAM_ERROR_STATUSES: tuple[int, ...] = (502, 503, 504)

# Long-lived caching is only safe for file names that change with their content.
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
NO_STORE = "no-store"
# Un-hashed files at the root (favicon, robots.txt) may be cached but must be revalidated.
REVALIDATE = "no-cache"

# Headers that do not depend on settings. X-Frame-Options duplicates CSP frame-ancestors for
# browsers that ignore CSP.
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)

UPSTREAM_NAME = "api_backend"

# Open descriptors of static files kept per worker (open_file_cache).
OPEN_FILE_CACHE_ENTRIES = 1000


def _ip_literal(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _host_port(host: str, port: int) -> str:
    address = _ip_literal(host)
    if isinstance(address, ipaddress.IPv6Address):
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def security_headers(settings: NginxSiteSettings) -> tuple[tuple[str, str], ...]:
    """Every header each response must carry, in emission order."""
    headers = (
        *SECURITY_HEADERS,
        ("Content-Security-Policy", settings.content_security_policy),
        ("Permissions-Policy", settings.permissions_policy),
    )
    if settings.strict_transport_security:
        headers = (*headers, ("Strict-Transport-Security", settings.strict_transport_security))
    return headers


# --- a tiny nginx config tree, so the text is produced in one place with one quoting rule ---

Directive = tuple[str, ...]


@dataclass(frozen=True)
class _Block:
    head: tuple[str, ...]
    body: tuple[_Block | Directive, ...]


def _arg(value: str) -> str:
    if value and not re.search(r"[\s;{}\"'#]", value):
        return value
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    raise ValueError(f"cannot quote nginx argument {value!r}")  # pragma: no cover


def _render(item: _Block | Directive, depth: int) -> list[str]:
    pad = "    " * depth
    if isinstance(item, _Block):
        lines = [pad + " ".join(_arg(a) for a in item.head) + " {"]
        for child in item.body:
            lines.extend(_render(child, depth + 1))
        lines.append(pad + "}")
        return lines
    return [pad + " ".join(_arg(a) for a in item) + ";"]


def _headers(
    settings: NginxSiteSettings,
    extra: tuple[tuple[str, str], ...] = (),
    *,
    extra_always: bool = False,
) -> tuple[Directive, ...]:
    """All add_header lines of one context: the full security set, then the context's own.

    Security headers use `always` so 4xx/5xx responses carry them too. Extra headers only
    when asked: a year-long Cache-Control must not stick to a 404, but a no-store on an error
    page must be sent with its 502.
    """
    own = tuple(("add_header", name, value, "always") for name, value in security_headers(settings))
    flag = ("always",) if extra_always else ()
    return own + tuple(("add_header", name, value, *flag) for name, value in extra)


def _location(
    settings: NginxSiteSettings,
    match: tuple[str, ...],
    *body: Directive,
    extra_headers: tuple[tuple[str, str], ...] = (),
    extra_always: bool = False,
) -> _Block:
    """A location always re-declares the security headers: see the module docstring."""
    headers = _headers(settings, extra_headers, extra_always=extra_always)
    return _Block(("location", *match), (*headers, *body))


_ERROR_PAGE_BODY = (
    "<!doctype html><html lang=en><head><meta charset=utf-8>"
    "<title>Service temporarily unavailable</title></head>"
    "<body><h1>Service temporarily unavailable</h1>"
    "<p>Please try again in a moment.</p></body></html>"
)

_ACCESS_LOG_FORMAT = (
    '{"time":"$time_iso8601","client":"$remote_addr","peer":"$realip_remote_addr",'
    '"request_id":"$forwarded_request_id","method":"$request_method","uri":"$request_uri",'
    '"status":$status,"bytes_sent":$body_bytes_sent,"request_time":$request_time,'
    '"upstream_status":"$upstream_status","upstream_time":"$upstream_response_time",'
    '"user_agent":"$http_user_agent"}'
)

_GZIP_TYPES = (
    "text/plain",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "application/xml",
    "image/svg+xml",
)


def _http_block(settings: NginxSiteSettings) -> _Block:
    trusted = settings.trusted_proxy_cidrs
    real_ip: tuple[Directive, ...] = ()
    if trusted:
        # Behind the ingress, $remote_addr becomes the client: the right-most X-Forwarded-For
        # entry not added by a trusted proxy.
        real_ip = (
            *(("set_real_ip_from", cidr) for cidr in trusted),
            ("real_ip_header", "X-Forwarded-For"),
            ("real_ip_recursive", "on"),
        )
    return _Block(
        ("http",),
        (
            ("include", MIME_TYPES_PATH),
            ("default_type", "application/octet-stream"),
            ("charset", "utf-8"),
            ("server_tokens", "off"),
            ("log_format", "main", "escape=json", _ACCESS_LOG_FORMAT),
            ("access_log", "/dev/stdout", "main"),
            # The image's compiled-in temp paths may not be writable; pin them to the emptyDir.
            ("client_body_temp_path", f"{CACHE_DIR}/client_temp"),
            ("proxy_temp_path", f"{CACHE_DIR}/proxy_temp"),
            ("fastcgi_temp_path", f"{CACHE_DIR}/fastcgi_temp"),
            ("uwsgi_temp_path", f"{CACHE_DIR}/uwsgi_temp"),
            ("scgi_temp_path", f"{CACHE_DIR}/scgi_temp"),
            ("sendfile", "on"),
            ("tcp_nopush", "on"),
            # try_files stats the disk on every request; the document root is baked into the
            # image and never changes under a running pod, so descriptors and misses can be cached.
            ("open_file_cache", f"max={OPEN_FILE_CACHE_ENTRIES}", "inactive=60s"),
            ("open_file_cache_valid", "60s"),
            ("open_file_cache_errors", "on"),
            # Longer than ingress-nginx's upstream keepalive (60s), so the ingress never reuses
            # a connection this side is closing (a source of sporadic 502s).
            ("keepalive_timeout", "75s"),
            ("client_header_timeout", "30s"),
            ("client_body_timeout", "30s"),
            ("send_timeout", "30s"),
            ("reset_timedout_connection", "on"),
            ("gzip", "on"),
            ("gzip_vary", "on"),
            ("gzip_proxied", "any"),
            ("gzip_min_length", "1024"),
            ("gzip_types", *_GZIP_TYPES),
            *real_ip,
            # 1 only for peers allowed to speak for the client (see PRIVATE_NETWORKS).
            _Block(
                ("geo", "$realip_remote_addr", "$from_trusted_proxy"),
                (("default", "0"), *((cidr, "1") for cidr in trusted)),
            ),
            # The scheme the client used: the ingress's word for it if trusted, else ours.
            _Block(
                ("map", "$from_trusted_proxy:$http_x_forwarded_proto", "$forwarded_proto"),
                (("default", "$scheme"), ("~^1:(https?)$", "$1")),
            ),
            # Each proxy appends the peer it received the connection from.
            _Block(
                ("map", "$http_x_forwarded_for", "$forwarded_for"),
                (
                    ("default", "$http_x_forwarded_for, $realip_remote_addr"),
                    ("", "$realip_remote_addr"),
                ),
            ),
            # Keep the ingress's request id for end-to-end tracing; replace anything odd.
            _Block(
                ("map", "$http_x_request_id", "$forwarded_request_id"),
                (("default", "$request_id"), ("~^[A-Za-z0-9._:-]{1,128}$", "$http_x_request_id")),
            ),
            # Resolved once at start: the Service's ClusterIP is stable for its lifetime, so no
            # resolver (and no DNS dependency per request) is needed. No upstream keepalive:
            # gunicorn's sync workers close every connection, and kube-proxy balances per
            # connection, so pooled connections would only pin traffic to some pods.
            _Block(
                ("upstream", UPSTREAM_NAME),
                (("server", _host_port(settings.upstream_host, settings.upstream_port)),),
            ),
            _server_block(settings),
            *((_status_server_block(settings),) if settings.status_port is not None else ()),
        ),
    )


LOOPBACK = "127.0.0.1"


def _status_server_block(settings: NginxSiteSettings) -> _Block:
    """stub_status for the exporter sidecar, on loopback only; every other path is a 404.

    The public server has no stub_status location, so no Service or Ingress path can reach it.
    """
    return _Block(
        ("server",),
        (
            ("listen", _host_port(LOOPBACK, settings.status_port or 0)),
            ("access_log", "off"),
            _Block(("location", "=", settings.status_path), (("stub_status",), ("allow", LOOPBACK), ("deny", "all"))),
            _Block(("location", "/"), (("return", "404"),)),
        ),
    )


def _server_block(settings: NginxSiteSettings) -> _Block:
    listen = _host_port(settings.listen_address, settings.listen_port) if settings.listen_address else str(settings.listen_port)
    forwarded = (
        ("proxy_set_header", "Host", "$host"),
        ("proxy_set_header", "X-Real-IP", "$remote_addr"),
        ("proxy_set_header", "X-Forwarded-For", "$forwarded_for"),
        ("proxy_set_header", "X-Forwarded-Proto", "$forwarded_proto"),
        ("proxy_set_header", "X-Forwarded-Host", "$host"),
        ("proxy_set_header", "X-Request-ID", "$forwarded_request_id"),
    )
    # nginx sets these itself; the backend's copies would reach the client twice. HSTS is hidden
    # even where nginx sends none (plain-HTTP environments): whether browsers pin HTTPS is the
    # proxy's decision, never the backend's.
    hidden_names = dict.fromkeys((*(name for name, _ in security_headers(settings)), "Strict-Transport-Security"))
    hidden = tuple(("proxy_hide_header", name) for name in hidden_names)
    immutable_assets = tuple(
        _location(
            settings,
            (prefix,),
            # A missing hashed file is a real 404, never the SPA shell served as JavaScript.
            ("try_files", "$uri", "=404"),
            extra_headers=(("Cache-Control", IMMUTABLE_CACHE_CONTROL),),
        )
        for prefix in settings.immutable_asset_prefixes
    )
    return _Block(
        ("server",),
        (
            ("listen", listen),
            ("server_name", *settings.server_names),
            ("root", settings.document_root),
            ("index", "index.html"),
            # Relative Location headers: the client talks to the ingress, not to this port.
            ("absolute_redirect", "off"),
            ("client_max_body_size", settings.client_max_body_size),
            ("error_page", *map(str, UPSTREAM_ERROR_STATUSES), ERROR_PAGE_PATH),
            # Responses produced before a location is chosen (e.g. 400) use these.
            *_headers(settings),
            # For probes: no disk, no backend, no log noise.
            _location(
                settings,
                ("=", settings.health_path),
                ("access_log", "off"),
                ("default_type", "text/plain"),
                ("return", "200", "ok"),
                extra_headers=(("Cache-Control", NO_STORE),),
                extra_always=True,
            ),
            # The SPA shell must never be cached, or clients keep old asset names after a deploy.
            _location(
                settings,
                ("=", INDEX_PATH),
                extra_headers=(("Cache-Control", NO_STORE),),
            ),
            # Inline, so the page works whatever the SPA build ships. error_page keeps the
            # original 502/503/504 status.
            _location(
                settings,
                ("=", ERROR_PAGE_PATH),
                ("internal",),
                ("default_type", "text/html"),
                ("return", "200", _ERROR_PAGE_BODY),
                extra_headers=(("Cache-Control", NO_STORE),),
                extra_always=True,
            ),
            # ^~ so the dot-file rule below never intercepts API paths. No URI on proxy_pass:
            # the backend receives the request path and query unchanged.
            _location(
                settings,
                ("^~", settings.api_prefix),
                ("proxy_pass", f"http://{UPSTREAM_NAME}"),
                *forwarded,
                ("proxy_connect_timeout", f"{settings.proxy_connect_timeout_seconds}s"),
                ("proxy_send_timeout", f"{settings.proxy_send_timeout_seconds}s"),
                ("proxy_read_timeout", f"{settings.proxy_read_timeout_seconds}s"),
                *hidden,
                ("proxy_hide_header", "X-Powered-By"),
                # API bodies may mix secrets with reflected input (BREACH); do not compress.
                ("gzip", "off"),
            ),
            *immutable_assets,
            # Dot-files in the build output (.env, .git) are never public.
            _location(settings, ("~", r"/\."), ("return", "404")),
            _location(
                settings,
                ("/",),
                # Client-side routes fall back to the SPA shell (no-store via its location).
                ("try_files", "$uri", "$uri/", INDEX_PATH),
                extra_headers=(("Cache-Control", REVALIDATE),),
            ),
        ),
    )


def render_nginx_conf(settings: NginxSiteSettings) -> str:
    """The full nginx.conf text; the same settings always give the same bytes."""
    top: tuple[_Block | Directive, ...] = (
        ("worker_processes", str(settings.worker_processes)),
        # A proxied request holds two descriptors (client and upstream) plus cached files; the
        # image's default soft limit may be lower than worker_connections needs.
        ("worker_rlimit_nofile", str(2 * settings.worker_connections + OPEN_FILE_CACHE_ENTRIES)),
        # `stderr` writes to fd 2 directly: no file to open, whatever fd 2 is.
        ("error_log", "stderr", "warn"),
        ("pid", PID_PATH),
        _Block(("events",), (("worker_connections", str(settings.worker_connections)),)),
        _http_block(settings),
    )
    lines = ["# Generated by charts/nginx_conf.py from the environment config; do not edit."]
    for item in top:
        lines.extend(_render(item, 0))
    return "\n".join(lines) + "\n"


__all__ = [
    "CACHE_DIR",
    "CONFIG_PATH",
    "ERROR_PAGE_PATH",
    "IMMUTABLE_CACHE_CONTROL",
    "LOOPBACK",
    "PID_PATH",
    "PRIVATE_NETWORKS",
    "RUN_DIR",
    "SECURITY_HEADERS",
    "UPSTREAM_ERROR_STATUSES",
    "WRITABLE_DIRS",
    "render_nginx_conf",
    "security_headers",
]
