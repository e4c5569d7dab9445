"""Shared fixtures: a fresh synth of every environment, done once per test session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The test modules' byte-code, with pytest's rewritten asserts, is kept in tests/**/__pycache__
# between runs, as pytest does by default: machines that set PYTHONDONTWRITEBYTECODE would have
# each worker rewrite and compile all of them again at every start (about 3 s of CPU). Only this
# process writes byte-code; the processes the tests start keep the environment's setting.
sys.dont_write_bytecode = False

from synthesis import jsii_tuning  # noqa: E402

# In-process tests build charts with the jsii that synthesis uses (tests/synthesis proves it
# renders byte-identical output to stock jsii). Before anything imports cdk8s, which starts
# Node: the kernel's start is part of that set-up (synthesis/kernel_channel.py).
jsii_tuning.install()

from tests.support import old_runs  # noqa: E402
from tests.support.database import FEW_ROWS, ROWS  # noqa: E402
from tests.support.synth import synth_into  # noqa: E402 - imports cdk8s
from tests.support.tools import SkipPolicy  # noqa: E402


@pytest.fixture(scope="session")
def fresh_dist(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("fresh") / "dist"
    synth_into(target)
    return target


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--database-figures",
        action="store_true",
        help=f"measure the figures docs/operations.md quotes: the timed backup and point-in-time runs on"
        f" the {ROWS}-customer database (not {FEW_ROWS}), with the AWS CLI started for each call as the Jobs start it",
    )


def pytest_configure(config) -> None:
    # No test passes by not running (tests/support/tools.py): skips, xfails and empty runs fail.
    config.pluginmanager.register(SkipPolicy(), "skip-policy")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    # Before pytest's own end of session, in the controller (tests/support/old_runs.py).
    factory = getattr(session.config, "_tmp_path_factory", None)
    basetemp = getattr(factory, "_basetemp", None)
    if basetemp is not None and not hasattr(session.config, "workerinput"):
        ini = session.config.getini
        keep = 0 if ini("tmp_path_retention_policy") == "none" else int(ini("tmp_path_retention_count"))
        old_runs.set_aside(basetemp, keep)


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
