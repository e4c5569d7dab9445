"""Shared fixtures for the verification tests.

Environments are discovered, never named: every directory under dist/ is one. The slow
tools run once per environment and session. The `fixture_env` manifest set is a small,
correct miniature of the product; the "can fail" tests break one thing in a copy of it and
assert that the check catches exactly that.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from manifests import Manifest, load_env
from tests.support.dist_fixtures import ENVS, FixtureEnv
from tests.support.tools import require_tool
from verify import checkov_check, connectivity


@pytest.fixture(scope="session", params=ENVS, ids=[e.name for e in ENVS])
def env(request: pytest.FixtureRequest) -> Path:
    return request.param


@pytest.fixture(scope="session")
def env_manifests(env: Path) -> list[Manifest]:
    return load_env(env)


@pytest.fixture(scope="session")
def checkov_bin() -> Path:
    return Path(require_tool(str(checkov_check.CHECKOV), "make verify-tools"))


@pytest.fixture(scope="session")
def nca_bin() -> Path:
    return Path(require_tool(str(connectivity.NCA), "make verify-tools"))


@pytest.fixture(scope="session")
def checkov_report(env: Path, env_manifests: list[Manifest], checkov_bin: Path) -> checkov_check.CheckovReport:
    return checkov_check.run(env, env_manifests, checkov_bin)


@pytest.fixture(scope="session")
def connectivity_report(env: Path, env_manifests: list[Manifest], nca_bin: Path) -> connectivity.ConnectivityReport:
    return connectivity.check(env.name, env_manifests, nca_bin)


@pytest.fixture
def fixture_env(tmp_path: Path) -> FixtureEnv:
    return FixtureEnv.copy_of_baseline(tmp_path / "fixture-env")
