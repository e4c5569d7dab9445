"""Each environment's nginx.conf from dist/, in a real nginx (Debian's), as a non-root user, with
a stub backend: what it serves, caches, compresses, forwards and refuses.

tests/support/nginx_dist.py lists the only directives changed to run it here; the headers every
response carries are checked in test_dist_headers_live.py.
"""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from manifests import DIST, load_env, of_kind, pod_template
from tests.support.nginx import HASHED_ASSET, INDEX_MARKER, NginxSandbox
from tests.support.nginx_http import StubBackend, request
from tests.support.nginx_parse import directives

IMMUTABLE = "public, max-age=31536000, immutable"
STUB_STATUS_MARKER = b"Active connections:"
SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


@functools.cache
def container(env: str, name: str) -> dict:
    """A container of the frontend's Deployment in dist/<env>/, as the cluster would run it."""
    (deployment,) = [d for d in of_kind(load_env(DIST / env), "Deployment") if d.app == "frontend"]
    template = pod_template(deployment)
    assert template is not None
    return next(c for c in template.containers() if c["name"] == name)


def body_limit_bytes(site: NginxSandbox) -> int:
    (limit,) = directives(site.conf_path.read_text(), "client_max_body_size")
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", limit[0]).groups()  # type: ignore[union-attr]
    return int(number) * SIZE_UNITS[unit.lower()]


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


def test_api_request_reaches_backend_with_path_query_and_forwarded_headers(site: NginxSandbox) -> None:
    resp = site.get("/api/v1/things?q=1&tag=a%2Fb", headers={"X-Forwarded-Proto": "https"})
    assert resp.status == 200
    seen = resp.json()
    assert seen["path"] == "/api/v1/things?q=1&tag=a%2Fb"
    headers = seen["headers"]
    assert headers["host"] == "127.0.0.1"
    assert headers["x-real-ip"] == "127.0.0.1"
    assert headers["x-forwarded-for"] == "127.0.0.1"
    # Loopback is not a trusted proxy under the environments' ranges: the claimed https is ignored.
    assert headers["x-forwarded-proto"] == "http"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])


def test_untrusted_peer_cannot_choose_the_client_address(site: NginxSandbox) -> None:
    seen = site.get("/api/whoami", headers={"X-Forwarded-For": "203.0.113.7"}).json()["headers"]
    assert seen["x-real-ip"] == "127.0.0.1"
    # The claimed hop is kept, and the real peer appended, so the backend can tell them apart.
    assert seen["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"


def test_request_id_is_kept_when_sane_and_replaced_otherwise(site: NginxSandbox) -> None:
    kept = site.get("/api/x", headers={"X-Request-ID": "ingress-4b1d.77"}).json()["headers"]
    assert kept["x-request-id"] == "ingress-4b1d.77"
    odd = site.get("/api/x", headers={"X-Request-ID": "a b<script>"}).json()["headers"]
    assert re.fullmatch(r"[0-9a-f]{32}", odd["x-request-id"])


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
    assert resp.headers.get_all("Cache-Control") == [IMMUTABLE]
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


def test_the_probes_path_answers_without_the_backend(site: NginxSandbox, backend: StubBackend, env: str) -> None:
    nginx = container(env, "nginx-front")
    probes = {nginx[probe]["httpGet"]["path"] for probe in ("readinessProbe", "livenessProbe", "startupProbe")}
    assert len(probes) == 1, probes
    (health_path,) = probes
    before = list(backend.requests)
    resp = site.get(health_path)
    assert resp.status == 200 and resp.body == b"ok"
    assert resp.headers.get_all("Cache-Control") == ["no-store"]
    assert backend.requests == before
    # Probes every few seconds would drown the access log; other requests are logged.
    site.get("/robots.txt?logged-control")
    access_log = site.logs["stdout"].read_text()
    assert "logged-control" in access_log
    assert health_path not in access_log


def test_static_text_is_compressed_but_api_responses_are_not(site: NginxSandbox) -> None:
    asset = site.get(HASHED_ASSET, headers={"Accept-Encoding": "gzip"})
    assert asset.headers["Content-Encoding"] == "gzip"
    assert b"asset-app-5f3c2a1b" in gzip.decompress(asset.body)
    api = site.get("/api/" + "x" * 1200, headers={"Accept-Encoding": "gzip"})
    assert api.status == 200 and len(api.body) > 1024
    assert api.headers.get("Content-Encoding") is None


def test_body_at_the_limit_passes_and_above_it_is_413(site: NginxSandbox) -> None:
    limit = body_limit_bytes(site)
    ok = site.get("/api/upload", method="POST", body=b"x" * limit)
    assert ok.status == 200 and ok.json()["body_length"] == limit
    too_big = site.get("/api/upload", method="POST", body=b"x" * (limit + 1))
    assert too_big.status == 413


def test_the_exporters_scrape_uri_reaches_stub_status(site: NginxSandbox, env: str) -> None:
    """The exporter sidecar's --nginx.scrape-uri, from dist/'s Deployment, served by nginx."""
    (uri,) = [a.split("=", 1)[1] for a in container(env, "nginx-exporter")["args"] if a.startswith("--nginx.scrape-uri=")]
    scrape = urlsplit(uri)
    port = site.config.port_of(scrape.netloc)  # the same host:port as nginx's listen
    response = request(port, scrape.path)
    assert response.status == 200
    assert response.body.startswith(STUB_STATUS_MARKER)
    assert request(port, "/").status == 404


@pytest.mark.parametrize("path", ["/stub_status", "/metrics", "/api/../stub_status"])
def test_the_public_server_reaches_neither_stub_status_nor_metrics(site: NginxSandbox, backend: StubBackend, path: str) -> None:
    before = list(backend.requests)
    response = site.get(path)
    assert STUB_STATUS_MARKER not in response.body
    assert b"nginx_" not in response.body  # no exporter series either
    assert INDEX_MARKER in response.body  # an SPA route like any other
    assert backend.requests == before
