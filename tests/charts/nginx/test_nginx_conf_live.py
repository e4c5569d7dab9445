"""The rendered nginx.conf in a real nginx (Debian's), as a non-root user, with a stub backend.

See harness.py for the only two ways the config under test differs from the rendered one.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from charts.nginx_conf import IMMUTABLE_CACHE_CONTROL, security_headers
from tests.support.nginx import (
    BASE_SETTINGS,
    BODY_LIMIT_BYTES,
    HASHED_ASSET,
    INDEX_MARKER,
    NginxSandbox,
    Response,
    StubBackend,
    assert_security_headers,
    free_port,
    nginx_sandbox,
    request,
    sandbox_config,
)

EXPECTED_HEADERS = security_headers(BASE_SETTINGS)
# The fixed set, spelled out so the live check does not only trust the module's own list.
REQUIRED_HEADER_NAMES = (
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Content-Security-Policy",
    "Permissions-Policy",
)
UPSTREAM_ERROR_MARKER = b"Service temporarily unavailable"


@pytest.fixture(scope="module")
def backend() -> Iterator[StubBackend]:
    stub = StubBackend()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def site(backend: StubBackend) -> Iterator[NginxSandbox]:
    with nginx_sandbox(BASE_SETTINGS, backend.port) as sandbox:
        yield sandbox


def test_required_header_names_are_all_expected() -> None:
    names = [name for name, _ in EXPECTED_HEADERS]
    assert set(REQUIRED_HEADER_NAMES) <= set(names)


def test_config_under_test_is_the_rendered_one_with_sandbox_paths(site: NginxSandbox) -> None:
    on_disk = site.conf_path.read_text()
    assert on_disk.replace(str(site.root), "") == site.rendered
    assert on_disk == sandbox_config(site.rendered, site.root)
    assert "include /etc/nginx/mime.types;" in on_disk
    assert Path("/etc/nginx/mime.types").is_file()


def test_nginx_accepts_the_config_as_non_root(site: NginxSandbox) -> None:
    result = site.test_config()
    output = result.stderr.decode()
    assert result.returncode == 0, output
    assert "syntax is ok" in output and "test is successful" in output
    # Warnings would hide a directive nginx ignored (e.g. `user` when not root).
    assert not re.search(r"\[(warn|emerg|alert|crit)\]", output), output


def test_nginx_runs_as_non_root(site: NginxSandbox) -> None:
    assert site.process is not None
    status = Path(f"/proc/{site.process.pid}/status").read_text()
    uid_line = re.search(r"^Uid:\s+(.*)$", status, re.MULTILINE)
    assert uid_line is not None
    real, effective, *_ = uid_line.group(1).split()
    assert real != "0" and effective != "0"


def test_api_request_reaches_backend_with_path_query_and_forwarded_headers(
    site: NginxSandbox,
) -> None:
    resp = site.get("/api/v1/things?q=1&tag=a%2Fb", headers={"X-Forwarded-Proto": "https"})
    assert resp.status == 200
    seen = resp.json()
    assert seen["path"] == "/api/v1/things?q=1&tag=a%2Fb"
    headers = seen["headers"]
    assert headers["host"] == "127.0.0.1"
    assert headers["x-real-ip"] == "127.0.0.1"
    assert headers["x-forwarded-for"] == "127.0.0.1"
    # Loopback is not a trusted proxy under the default ranges: the claimed https is ignored.
    assert headers["x-forwarded-proto"] == "http"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])


def test_untrusted_peer_cannot_choose_the_client_address(site: NginxSandbox) -> None:
    seen = site.get("/api/whoami", headers={"X-Forwarded-For": "203.0.113.7"}).json()["headers"]
    assert seen["x-real-ip"] == "127.0.0.1"
    # The claimed hop is kept, and the real peer appended, so the backend can tell them apart.
    assert seen["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"


def test_trusted_proxy_supplies_client_address_and_scheme(backend: StubBackend) -> None:
    # Stands in for the ingress controller: loopback is declared a trusted proxy.
    with nginx_sandbox(BASE_SETTINGS, backend.port, trusted_proxy_cidrs=("127.0.0.1/32",)) as s:
        seen = s.get(
            "/api/whoami",
            headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        ).json()["headers"]
        assert seen["x-real-ip"] == "203.0.113.7"
        assert seen["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"
        assert seen["x-forwarded-proto"] == "https"
        odd = s.get("/api/whoami", headers={"X-Forwarded-Proto": "gopher"}).json()["headers"]
        assert odd["x-forwarded-proto"] == "http"


def test_request_id_is_kept_when_sane_and_replaced_otherwise(site: NginxSandbox) -> None:
    kept = site.get("/api/x", headers={"X-Request-ID": "ingress-4b1d.77"}).json()["headers"]
    assert kept["x-request-id"] == "ingress-4b1d.77"
    odd = site.get("/api/x", headers={"X-Request-ID": "a b<script>"}).json()["headers"]
    assert re.fullmatch(r"[0-9a-f]{32}", odd["x-request-id"])


def test_backend_copies_of_security_headers_are_not_passed_through(site: NginxSandbox) -> None:
    resp = site.get("/api/x?backend_headers=1")
    assert resp.status == 200
    assert_security_headers(resp, EXPECTED_HEADERS)
    assert resp.headers.get_all("X-Powered-By") is None


def test_spa_route_serves_the_shell_uncached(site: NginxSandbox) -> None:
    resp = site.get("/some/client/route")
    assert resp.status == 200
    assert INDEX_MARKER in resp.body
    assert resp.headers["Content-Type"].startswith("text/html")
    assert resp.headers.get_all("Cache-Control") == ["no-store"]


@pytest.mark.parametrize("path", ["/", "/index.html"])
def test_the_shell_is_never_stored(site: NginxSandbox, path: str) -> None:
    resp = site.get(path)
    assert resp.status == 200
    assert INDEX_MARKER in resp.body
    assert resp.headers.get_all("Cache-Control") == ["no-store"]


def test_hashed_asset_is_cached_for_a_year(site: NginxSandbox) -> None:
    resp = site.get(HASHED_ASSET)
    assert resp.status == 200
    assert b"asset-app-5f3c2a1b" in resp.body
    assert resp.headers.get_all("Cache-Control") == [IMMUTABLE_CACHE_CONTROL]
    assert "javascript" in resp.headers["Content-Type"]


def test_unhashed_root_file_must_be_revalidated(site: NginxSandbox) -> None:
    resp = site.get("/robots.txt")
    assert resp.status == 200 and resp.body.startswith(b"User-agent")
    assert resp.headers.get_all("Cache-Control") == ["no-cache"]


def test_missing_asset_is_a_404_not_the_shell_and_not_cached(site: NginxSandbox) -> None:
    resp = site.get("/assets/app-00000000.js")
    assert resp.status == 404
    assert INDEX_MARKER not in resp.body
    assert resp.headers.get_all("Cache-Control") is None


def test_dot_files_are_not_served(site: NginxSandbox) -> None:
    resp = site.get("/.env")
    assert resp.status == 404
    assert b"do-not-serve" not in resp.body


def test_directory_redirect_is_relative(site: NginxSandbox) -> None:
    # An absolute redirect would name nginx's own port, which the client cannot reach.
    resp = site.get("/assets")
    assert resp.status == 301
    assert resp.headers["Location"] == "/assets/"


def test_healthz_answers_without_the_backend(site: NginxSandbox, backend: StubBackend) -> None:
    before = list(backend.requests)
    resp = site.get(BASE_SETTINGS.health_path)
    assert resp.status == 200 and resp.body == b"ok"
    assert backend.requests == before
    # Probes every few seconds would drown the access log; other requests are logged.
    site.get("/robots.txt?logged-control")
    access_log = site.logs["stdout"].read_text()
    assert "logged-control" in access_log
    assert BASE_SETTINGS.health_path not in access_log


def test_static_text_is_compressed_but_api_responses_are_not(site: NginxSandbox) -> None:
    asset = site.get(HASHED_ASSET, headers={"Accept-Encoding": "gzip"})
    assert asset.headers["Content-Encoding"] == "gzip"
    assert b"asset-app-5f3c2a1b" in gzip.decompress(asset.body)
    api = site.get("/api/" + "x" * 1200, headers={"Accept-Encoding": "gzip"})
    assert api.status == 200 and len(api.body) > 1024
    assert api.headers.get("Content-Encoding") is None


def test_body_at_the_limit_passes_and_above_it_is_413(site: NginxSandbox) -> None:
    ok = site.get("/api/upload", method="POST", body=b"x" * BODY_LIMIT_BYTES)
    assert ok.status == 200 and ok.json()["body_length"] == BODY_LIMIT_BYTES
    too_big = site.get("/api/upload", method="POST", body=b"x" * (BODY_LIMIT_BYTES + 1))
    assert too_big.status == 413
    assert_security_headers(too_big, EXPECTED_HEADERS)


def _responses(site: NginxSandbox) -> dict[str, Response]:
    return {
        "/": site.get("/"),
        "/index.html": site.get("/index.html"),
        "spa route": site.get("/some/client/route"),
        "asset": site.get(HASHED_ASSET),
        "root file": site.get("/robots.txt"),
        "api": site.get("/api/v1/things?q=1"),
        "healthz": site.get(BASE_SETTINGS.health_path),
        "404 asset": site.get("/assets/missing-1234.js"),
        "404 dot-file": site.get("/.env"),
        "301": site.get("/assets"),
        "405": site.get("/index.html", method="POST", body=b"x"),
    }


@pytest.mark.parametrize(
    "which",
    [
        "/",
        "/index.html",
        "spa route",
        "asset",
        "root file",
        "api",
        "healthz",
        "404 asset",
        "404 dot-file",
        "301",
        "405",
    ],
)
def test_every_response_carries_every_security_header(site: NginxSandbox, which: str) -> None:
    resp = _responses(site)[which]
    assert resp.status < 500, (which, resp.status)
    for name in REQUIRED_HEADER_NAMES:
        assert resp.headers.get(name), (which, name)
    assert_security_headers(resp, EXPECTED_HEADERS)


def test_backend_down_gives_the_50x_page_with_every_header() -> None:
    backend = StubBackend()
    try:
        with nginx_sandbox(BASE_SETTINGS, backend.port) as site:
            assert site.get("/api/v1/things").status == 200
            backend.stop()
            for method, body in (("GET", None), ("POST", b'{"a":1}')):
                resp = site.get("/api/v1/things", method=method, body=body)
                assert resp.status in (502, 503, 504), resp.status
                assert UPSTREAM_ERROR_MARKER in resp.body
                assert resp.headers["Content-Type"].startswith("text/html")
                assert resp.headers.get_all("Cache-Control") == ["no-store"]
                assert_security_headers(resp, EXPECTED_HEADERS)
            # The page is only an error target, never a URL of its own.
            assert site.get("/50x.html").status == 404
    finally:
        backend.stop()


def test_header_assertion_fails_for_a_location_that_drops_the_security_headers(
    backend: StubBackend,
) -> None:
    """The old defect, rebuilt by hand: /assets/ keeps only its Cache-Control add_header."""

    def drop_security_headers_in_assets(text: str) -> str:
        block = re.search(r"location /assets/ \{.*?\n        \}", text, re.DOTALL)
        assert block is not None
        stripped = "\n".join(line for line in block.group(0).splitlines() if "add_header" not in line or "Cache-Control" in line)
        assert stripped != block.group(0)
        return text.replace(block.group(0), stripped)

    with nginx_sandbox(BASE_SETTINGS, backend.port, edit=drop_security_headers_in_assets) as s:
        asset = s.get(HASHED_ASSET)
        assert asset.status == 200
        assert asset.headers["Cache-Control"] == IMMUTABLE_CACHE_CONTROL
        with pytest.raises(AssertionError, match="X-Frame-Options"):
            assert_security_headers(asset, EXPECTED_HEADERS)
        with pytest.raises(AssertionError, match="Content-Security-Policy"):
            assert_security_headers(s.get("/assets/missing.js"), EXPECTED_HEADERS)
        # Locations that were not edited still pass: the failure is specific to the edit.
        assert_security_headers(s.get("/index.html"), EXPECTED_HEADERS)


STUB_STATUS_MARKER = b"Active connections:"


@pytest.fixture(scope="module")
def status_site(backend: StubBackend) -> Iterator[NginxSandbox]:
    with nginx_sandbox(BASE_SETTINGS, backend.port, status_port=free_port()) as sandbox:
        yield sandbox


def test_stub_status_answers_on_the_loopback_listener(status_site: NginxSandbox) -> None:
    response = request(status_site.settings.status_port, status_site.settings.status_path)
    assert response.status == 200
    assert response.body.startswith(STUB_STATUS_MARKER)
    assert request(status_site.settings.status_port, "/").status == 404


@pytest.mark.parametrize("path", ["/stub_status", "/metrics", "/api/../stub_status"])
def test_the_public_server_reaches_neither_stub_status_nor_metrics(
    status_site: NginxSandbox, backend: StubBackend, path: str
) -> None:
    before = list(backend.requests)
    response = status_site.get(path)
    assert STUB_STATUS_MARKER not in response.body
    assert b"nginx_" not in response.body  # no exporter series either
    assert INDEX_MARKER in response.body  # an SPA route like any other
    assert backend.requests == before
