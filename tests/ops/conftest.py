"""Fixtures of the ops tests: a local Secrets Manager (moto's server on loopback), AWS settings
that can never reach a real account or a metadata service, the project as a scratch repository,
and a real kube-apiserver holding dist/staging (etcd + kube-apiserver on loopback, from `cluster`),
no controller, no kubelet."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from manifests import load_env
from ops.common import DIST, REPO_ROOT
from tests.support.cluster import control_plane_binaries
from tests.support.scratch_repo import project_copy

REGION = "eu-west-1"
LIVE_ENV = "staging"
CRD_DIR = REPO_ROOT / "crds"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Fake credentials; no profile, config file or instance metadata lookups."""
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


@pytest.fixture
def secrets_manager(moto_endpoint: str, aws_env: None) -> Iterator[Any]:
    """A boto3 client of an empty local Secrets Manager (moto state reset before each test)."""
    import boto3

    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as resp:
        assert resp.status == 200
    yield boto3.client("secretsmanager", region_name=REGION, endpoint_url=moto_endpoint)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as a one-commit scratch repository, once per module (tests/support/scratch_repo.py)."""
    return project_copy(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def live_kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    etcd, apiserver = control_plane_binaries()
    if not CRD_DIR.is_dir():
        pytest.fail(f"pinned CRDs not found at {CRD_DIR}", pytrace=False)

    from cluster.client import Client
    from cluster.server import ControlPlanes
    from cluster.sync import install_crds, sync

    planes = ControlPlanes(etcd, str(apiserver))
    try:
        server = planes.server("ops-validate")
        client = Client(server.url, server.ssl_context())
        install_crds(client, CRD_DIR)
        report = sync(client, load_env(DIST / LIVE_ENV))
        assert not report.errors(), "dist/staging did not apply:\n" + "\n".join(report.errors())
        kubeconfig = tmp_path_factory.mktemp("live") / "kubeconfig"
        kubeconfig.write_text(
            yaml.safe_dump(
                {
                    "apiVersion": "v1",
                    "kind": "Config",
                    "current-context": "live",
                    "clusters": [
                        {"name": "live", "cluster": {"server": server.url, "certificate-authority": str(server.pki.ca_cert)}}
                    ],
                    "users": [
                        {
                            "name": "admin",
                            "user": {"client-certificate": str(server.pki.admin_cert), "client-key": str(server.pki.admin_key)},
                        }
                    ],
                    "contexts": [{"name": "live", "context": {"cluster": "live", "user": "admin"}}],
                }
            )
        )
        yield kubeconfig
    finally:
        planes.close()
