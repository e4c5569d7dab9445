"""Every environment in dist/ gets its own stub backend and a real nginx running its nginx.conf."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.nginx import NginxSandbox, nginx_sandbox
from tests.support.nginx_dist import dist_environments, dist_nginx_conf
from tests.support.nginx_http import StubBackend

# Discovered, never listed: a new environment is tested as soon as `make synth` writes it.
ENVIRONMENTS = dist_environments()


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def env(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def backend(env: str) -> Iterator[StubBackend]:
    stub = StubBackend()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def site(env: str, backend: StubBackend) -> Iterator[NginxSandbox]:
    with nginx_sandbox(dist_nginx_conf(env), backend.port) as sandbox:
        yield sandbox
