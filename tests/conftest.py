"""Shared fixtures: a fresh synth of every environment, done once per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.loader import REPO_ROOT
from synthesis import jsii_tuning
from tests.tooling import fail_skips_in_ci

# In-process tests build charts with the jsii that synthesis uses (tests/synthesis proves it
# renders byte-identical output to stock jsii).
jsii_tuning.install()


def synth_into(target: Path, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real entry point (new process, as `make synth` does) into `target`."""
    return subprocess.run(
        [sys.executable, "main.py", "--dist", str(target)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        env={**os.environ, **(extra_env or {})},
    )


@pytest.fixture(scope="session")
def fresh_dist(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("fresh") / "dist"
    synth_into(target)
    return target


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    fail_skips_in_ci(outcome.get_result())


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's AWS emulation (Secrets Manager, STS, S3) on a free loopback port, once per session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
