"""The headers each environment's nginx (dist/'s nginx.conf in a real nginx) sends on every
kind of response: static files, /api, and error pages, against a table written here.

The table is literal, written from environments/*.yaml (frontend.content_security_policy, and
tls.enabled for Strict-Transport-Security) and the fixed policy every environment shares; it is
never computed by charts/, so a renderer that sends something else fails here.
"""

from __future__ import annotations

import re

import pytest

from tests.support.nginx import HASHED_ASSET, NginxSandbox, nginx_sandbox
from tests.support.nginx_dist import dist_environments, dist_nginx_conf
from tests.support.nginx_http import BACKEND_HSTS, Response, StubBackend, assert_headers

SHARED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
    ),
}
# None: the header must not be sent at all.
EXPECTED_HEADERS: dict[str, dict[str, str | None]] = {
    "staging": {
        **SHARED,
        "Content-Security-Policy": (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self' https://api-staging.example.internal; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
        ),
        # tls.enabled is false (base.yaml): the ingress serves plain HTTP, where HSTS means nothing.
        "Strict-Transport-Security": None,
    },
    "prod": {
        **SHARED,
        "Content-Security-Policy": (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "connect-src 'self' https://api.example.com; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
        ),
        # tls.enabled is true (prod.yaml): every response tells browsers to use HTTPS only.
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    },
}
HSTS_ENVIRONMENTS = [env for env in dist_environments() if EXPECTED_HEADERS.get(env, {}).get("Strict-Transport-Security")]
UPSTREAM_ERROR_MARKER = b"Service temporarily unavailable"

# Every kind of response the site gives: the status it must have, and how to ask for it.
REQUESTS: dict[str, tuple[int, dict]] = {
    "/": (200, {"path": "/"}),
    "/index.html": (200, {"path": "/index.html"}),
    "spa route": (200, {"path": "/some/client/route"}),
    "hashed asset": (200, {"path": HASHED_ASSET}),
    "root file": (200, {"path": "/robots.txt"}),
    "healthz": (200, {"path": "/healthz"}),
    "api": (200, {"path": "/api/v1/things?q=1"}),
    "api, backend sends its own copies": (200, {"path": "/api/x?backend_headers=1"}),
    "api, backend 404": (404, {"path": "/api/missing?status=404"}),
    "api, backend 500": (500, {"path": "/api/broken?status=500"}),
    "directory redirect": (301, {"path": "/assets"}),
    "missing asset": (404, {"path": "/assets/missing-1234.js"}),
    "dot-file": (404, {"path": "/.env"}),
    "wrong method": (405, {"path": "/index.html", "method": "POST", "body": b"x"}),
    # Refused on the header alone, before any body is sent.
    "body too large": (413, {"path": "/api/upload", "method": "POST", "headers": {"Content-Length": str(1 << 40)}, "body": b""}),
    "malformed request": (400, {"path": "/", "headers": {"Host": "bad host"}}),
}


def test_the_table_has_a_row_for_every_environment_in_dist() -> None:
    missing = sorted(set(dist_environments()) - set(EXPECTED_HEADERS))
    assert not missing, f"add a row to EXPECTED_HEADERS for {missing}, written from environments/<env>.yaml"
    assert HSTS_ENVIRONMENTS, "no environment sends HSTS: the HSTS tests below would check nothing"


@pytest.mark.parametrize("which", REQUESTS)
def test_every_response_carries_the_environments_headers(site: NginxSandbox, env: str, which: str) -> None:
    status, how = REQUESTS[which]
    resp = site.get(**how)
    assert resp.status == status, (which, resp.status)
    assert_headers(resp, EXPECTED_HEADERS[env])


def test_backend_copies_of_security_headers_are_not_passed_through(site: NginxSandbox) -> None:
    resp = site.get("/api/x?backend_headers=1")
    assert resp.json()["path"] == "/api/x?backend_headers=1"
    assert resp.headers.get_all("X-Powered-By") is None


@pytest.mark.parametrize("path", ["/api/v1/things?backend_hsts=1", "/api/missing?backend_hsts=1&status=404"])
def test_nginx_replaces_the_backends_own_hsts(site: NginxSandbox, env: str, path: str) -> None:
    """The proxy alone decides HSTS: prod's value replaces the backend's, and staging sends none at all."""
    resp = site.get(path)
    assert resp.json()["path"] == path  # the stub answered, so it did send its HSTS
    expected = EXPECTED_HEADERS[env]["Strict-Transport-Security"]
    assert resp.headers.get_all("Strict-Transport-Security") == ([expected] if expected else None)
    assert BACKEND_HSTS not in str(resp.headers)


def test_backend_down_gives_the_50x_page_with_the_environments_headers(env: str) -> None:
    backend = StubBackend()
    try:
        with nginx_sandbox(dist_nginx_conf(env), backend.port) as site:
            assert site.get("/api/v1/things").status == 200
            backend.stop()
            for method, body in (("GET", None), ("POST", b'{"a":1}')):
                resp: Response = site.get("/api/v1/things", method=method, body=body)
                assert resp.status in (502, 503, 504), resp.status
                assert UPSTREAM_ERROR_MARKER in resp.body
                assert resp.headers["Content-Type"].startswith("text/html")
                assert resp.headers.get_all("Cache-Control") == ["no-store"]
                assert_headers(resp, EXPECTED_HEADERS[env])
            # The page is only an error target, never a URL of its own.
            assert site.get("/50x.html").status == 404
    finally:
        backend.stop()


def test_the_header_check_fails_for_a_location_that_drops_the_security_headers(env: str, backend: StubBackend) -> None:
    """The old defect, rebuilt by hand in dist/'s config: /assets/ keeps only its Cache-Control."""

    def drop_security_headers_in_assets(text: str) -> str:
        block = re.search(r"location /assets/ \{.*?\n        \}", text, re.DOTALL)
        assert block is not None
        lines = block.group(0).splitlines()
        stripped = "\n".join(line for line in lines if "add_header" not in line or "Cache-Control" in line)
        assert stripped != block.group(0)
        return text.replace(block.group(0), stripped)

    with nginx_sandbox(dist_nginx_conf(env), backend.port, edit=drop_security_headers_in_assets) as site:
        asset = site.get(HASHED_ASSET)
        assert asset.status == 200
        with pytest.raises(AssertionError, match="X-Frame-Options: expected \\['DENY'\\], got \\[\\]"):
            assert_headers(asset, EXPECTED_HEADERS[env])
        with pytest.raises(AssertionError, match="Content-Security-Policy"):
            assert_headers(site.get("/assets/missing.js"), EXPECTED_HEADERS[env])
        # Locations that were not edited still pass: the failure is specific to the edit.
        assert_headers(site.get("/index.html"), EXPECTED_HEADERS[env])
