"""Variants no environment in dist/ has, rendered from hand-written settings and run in a real
nginx the same way as dist/'s configs (tests/support/nginx_dist.py's remapping).

The environments trust the private ranges as proxies; a test client on loopback is never one of
them, so the trusted-proxy path needs a config that declares loopback a trusted proxy.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from charts.nginx_conf import render_nginx_conf
from tests.support.nginx import BASE_SETTINGS, nginx_sandbox
from tests.support.nginx_http import StubBackend


@pytest.fixture(scope="module")
def stub() -> Iterator[StubBackend]:
    backend = StubBackend()
    yield backend
    backend.stop()


def test_variant_trusted_proxy_supplies_client_address_and_scheme(stub: StubBackend) -> None:
    # Stands in for the ingress controller: loopback is declared a trusted proxy.
    config = render_nginx_conf(BASE_SETTINGS.replace(trusted_proxy_cidrs=("127.0.0.1/32",)))
    with nginx_sandbox(config, stub.port) as site:
        seen = site.get(
            "/api/whoami",
            headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        ).json()["headers"]
        assert seen["x-real-ip"] == "203.0.113.7"
        assert seen["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"
        assert seen["x-forwarded-proto"] == "https"
        odd = site.get("/api/whoami", headers={"X-Forwarded-Proto": "gopher"}).json()["headers"]
        assert odd["x-forwarded-proto"] == "http"
