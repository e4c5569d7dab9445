"""Properties of the rendered nginx.conf that a request against nginx cannot show directly:
validation, determinism, header inheritance in every context, and the container paths."""

from __future__ import annotations

import re
from typing import Any

import pytest

from charts.nginx_conf import (
    CACHE_DIR,
    PID_PATH,
    RUN_DIR,
    WRITABLE_DIRS,
    render_nginx_conf,
    security_headers,
)
from charts.nginx_settings import NginxSiteSettings
from tests.support.nginx import BASE_SETTINGS
from tests.support.nginx_parse import directives, header_gaps, parse_nginx_conf

# Spelled out here rather than read from the module, so dropping one there fails a test.
REQUIRED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": BASE_SETTINGS.content_security_policy,
}


def test_rendering_is_deterministic() -> None:
    twin = NginxSiteSettings(**{f: getattr(BASE_SETTINGS, f) for f in NginxSiteSettings.model_fields})
    assert render_nginx_conf(BASE_SETTINGS) == render_nginx_conf(twin)
    assert render_nginx_conf(BASE_SETTINGS) != render_nginx_conf(BASE_SETTINGS.replace(client_max_body_size="2m"))


def test_security_headers_include_the_required_set() -> None:
    headers = dict(security_headers(BASE_SETTINGS))
    for name, value in REQUIRED_HEADERS.items():
        assert headers.get(name) == value, name
    assert "Permissions-Policy" in headers
    assert len(headers) == len(security_headers(BASE_SETTINGS)), "a header is listed twice"


def test_every_context_sends_every_security_header_always() -> None:
    text = render_nginx_conf(BASE_SETTINGS)
    assert header_gaps(text, dict(security_headers(BASE_SETTINGS))) == []
    # The checker is only meaningful if there are locations with headers of their own.
    own = [n for n in directives(text, "add_header") if n[0] == "Cache-Control"]
    assert len(own) >= 3


def test_header_checker_catches_a_location_with_only_its_own_header() -> None:
    """The old defect, built by hand: /assets/ declares Cache-Control and nothing else."""
    text = render_nginx_conf(BASE_SETTINGS)
    block = re.search(r"location /assets/ \{.*?\n        \}", text, re.DOTALL)
    assert block is not None
    broken_block = "\n".join(line for line in block.group(0).splitlines() if "add_header" not in line or "Cache-Control" in line)
    broken = text.replace(block.group(0), broken_block)
    gaps = header_gaps(broken, dict(security_headers(BASE_SETTINGS)))
    assert len(gaps) == 1 and gaps[0].startswith("location /assets/"), gaps


def test_header_checker_catches_a_header_without_always() -> None:
    text = render_nginx_conf(BASE_SETTINGS)
    broken = text.replace("add_header X-Frame-Options DENY always;", "add_header X-Frame-Options DENY;", 1)
    assert broken != text
    assert any("x-frame-options" in gap for gap in header_gaps(broken, ["X-Frame-Options"]))


def test_strict_transport_security_is_sent_only_when_configured() -> None:
    without = render_nginx_conf(BASE_SETTINGS)
    assert not any(args[0] == "Strict-Transport-Security" for args in directives(without, "add_header"))
    # ...and the backend's own HSTS is hidden either way: only the proxy decides it.
    assert ["Strict-Transport-Security"] in directives(without, "proxy_hide_header")
    with_hsts = BASE_SETTINGS.replace(strict_transport_security="max-age=31536000")
    text = render_nginx_conf(with_hsts)
    assert header_gaps(text, ["Strict-Transport-Security"]) == []


def test_everything_nginx_writes_lives_in_the_writable_emptydirs() -> None:
    text = render_nginx_conf(BASE_SETTINGS)
    assert WRITABLE_DIRS == (RUN_DIR, CACHE_DIR) == ("/tmp", "/var/cache/nginx")
    assert directives(text, "pid") == [[PID_PATH]]
    temp_paths = [
        args[0] for node in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi") for args in directives(text, f"{node}_temp_path")
    ]
    assert len(temp_paths) == 5
    for path in [PID_PATH, *temp_paths]:
        assert any(path.startswith(d + "/") for d in WRITABLE_DIRS), path
    assert directives(text, "error_log") == [["stderr", "warn"]]
    assert [a[0] for a in directives(text, "access_log") if a != ["off"]] == ["/dev/stdout"]
    # Only root may switch users; nginx-unprivileged already runs as 101.
    assert directives(text, "user") == []


def test_listen_and_upstream_come_from_settings() -> None:
    text = render_nginx_conf(BASE_SETTINGS)
    assert directives(text, "listen") == [["8080"]]
    assert directives(text, "server") == [["flask-app.backend.svc.cluster.local:8000"]]
    assert directives(text, "proxy_pass") == [["http://api_backend"]]
    assert directives(text, "client_max_body_size") == [["1m"]]
    assert directives(text, "server_tokens") == [["off"]]
    local = BASE_SETTINGS.replace(listen_address="::1", upstream_host="fd00::5")
    local_text = render_nginx_conf(local)
    assert directives(local_text, "listen") == [["[::1]:8080"]]
    assert directives(local_text, "server") == [["[fd00::5]:8000"]]


def test_real_ip_trusts_exactly_the_configured_proxies() -> None:
    text = render_nginx_conf(BASE_SETTINGS.replace(trusted_proxy_cidrs=("10.42.0.0/16",)))
    assert directives(text, "set_real_ip_from") == [["10.42.0.0/16"]]
    untrusting = render_nginx_conf(BASE_SETTINGS.replace(trusted_proxy_cidrs=()))
    assert directives(untrusting, "set_real_ip_from") == []
    assert directives(untrusting, "real_ip_header") == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("listen_port", 0),
        ("listen_port", 80),  # the old chart's port: UID 101 cannot bind it
        ("listen_port", 65536),
        ("listen_port", True),
        ("upstream_port", 0),
        ("upstream_port", "8000"),
        ("listen_address", "localhost"),
        ("upstream_host", "Flask_App.backend"),
        ("upstream_host", "flask-app..backend"),
        ("upstream_host", ""),
        ("server_names", ()),
        ("server_names", ("Frontend.example.com",)),
        ("server_names", ("bad host.example.com",)),
        ("server_names", ("-x.example.com",)),
        ("server_names", ("a.example.com", "a.example.com")),
        ("server_names", "frontend.example.com"),
        ("server_names", ("localhost",)),  # the same Hostname as the environment's frontend.host
        ("listen_port", True),
        ("client_max_body_size", "10 m"),
        ("client_max_body_size", "10mb"),
        ("client_max_body_size", "0"),
        ("client_max_body_size", ""),
        ("content_security_policy", ""),
        ("content_security_policy", "default-src 'self' $evil"),
        ("content_security_policy", 'default-src "self"'),
        ("content_security_policy", "default-src 'self'\nX-Injected: 1"),
        ("permissions_policy", "camera=(\\)"),
        ("strict_transport_security", "max-age=1; $x"),
        ("api_prefix", "/api"),
        ("api_prefix", "api/"),
        ("api_prefix", "/"),
        ("api_prefix", "/a b/"),
        ("health_path", "/healthz/"),
        ("health_path", "healthz"),
        ("health_path", "/index.html"),
        ("health_path", "/api/health"),
        ("document_root", "/usr/share/nginx/html/"),
        ("document_root", "relative/html"),
        ("document_root", "/usr/../etc"),
        ("immutable_asset_prefixes", ("/assets",)),
        ("immutable_asset_prefixes", ("/api/static/",)),
        ("immutable_asset_prefixes", ("/assets/", "/assets/")),
        ("trusted_proxy_cidrs", ("10.0.0.1/8",)),
        ("trusted_proxy_cidrs", ("not-a-network",)),
        ("worker_processes", 0),
        ("worker_connections", 10),
        ("proxy_read_timeout_seconds", 0),
        ("proxy_connect_timeout_seconds", "5s"),
    ],
)
def test_invalid_settings_are_rejected_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(ValueError, match=field) as raised:
        BASE_SETTINGS.replace(**{field: value})
    # One line in words, like every settings error: no pattern, no pydantic error listing.
    message = str(raised.value)
    assert "\n" not in message and "[a-z0-9]" not in message and "errors.pydantic.dev" not in message, message


@pytest.mark.parametrize(
    "overrides",
    [
        {"listen_port": 1024},
        {"listen_port": 65535, "upstream_port": 1},
        {"server_names": ("*.example.com", "a-b.c0.example.com")},
        {"upstream_host": "flask-app"},
        {"upstream_host": "10.96.0.12"},
        {"client_max_body_size": "512k"},
        {"client_max_body_size": "2G"},
        {"api_prefix": "/backend/v2/", "immutable_asset_prefixes": ("/assets/", "/static/js/")},
        {"trusted_proxy_cidrs": ("10.244.0.0/16", "fd00::/8")},
        {"server_names": ["frontend.example.com"]},  # a list from YAML becomes a tuple
    ],
)
def test_valid_settings_are_accepted(overrides: dict[str, Any]) -> None:
    settings = BASE_SETTINGS.replace(**overrides)
    for name, value in overrides.items():
        expected = tuple(value) if isinstance(value, list) else value
        assert getattr(settings, name) == expected
    assert render_nginx_conf(settings).endswith("}\n")


def servers(text: str) -> list:
    return [n for n in parse_nginx_conf(text)[-1].children or [] if n.name == "server"]


def test_stub_status_is_only_on_a_loopback_listener() -> None:
    text = render_nginx_conf(BASE_SETTINGS.replace(status_port=8081))
    public, status = servers(text)
    assert [d.args for d in public.children if d.name == "listen"] == [["8080"]]
    assert [d.args for d in status.children if d.name == "listen"] == [["127.0.0.1:8081"]]
    assert "stub_status" not in render_nginx_conf(BASE_SETTINGS.replace(status_port=None))

    def has_stub_status(node) -> bool:
        return node.name == "stub_status" or any(has_stub_status(c) for c in node.children or [])

    assert not has_stub_status(public)
    assert has_stub_status(status)


def test_status_port_must_differ_from_the_public_port() -> None:
    with pytest.raises(ValueError, match="status_port"):
        BASE_SETTINGS.replace(status_port=BASE_SETTINGS.listen_port)
