"""Kubeconfigs against a real kube-apiserver (from `cluster`): each way of authenticating that ops
validate supports reaches the server as the expected user, and broken ones fail in one line.

Identities: the tier's admin client certificate; ServiceAccount tokens from the TokenRequest API,
one read from a `tokenFile` and one printed by an exec plugin. Each is asked of the server with a
SelfSubjectReview through ops validate's own connection, and each runs `ops validate` itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.x509.oid import NameOID
from kubernetes import client as k8s

from ops.common import REPO_ROOT
from ops.kube_api import connect
from tests.support.cluster import control_plane_binaries
from tests.support.ops import closed_port

ENV = "staging"
NAMESPACE = "ops-kubeconfig"
EXEC_INFO = "client.authentication.k8s.io/v1"


@dataclass(frozen=True)
class Live:
    url: str
    ca_cert: Path
    admin_cert: Path
    admin_key: Path
    tokens: dict[str, str]  # ServiceAccount name -> a token the server issued for it


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    etcd, apiserver = control_plane_binaries()

    from cluster.client import Client
    from cluster.server import ControlPlanes

    planes = ControlPlanes(etcd, str(apiserver), root=tmp_path_factory.mktemp("planes"))
    try:
        server = planes.server("ops-kubeconfig")
        admin = Client(server.url, server.ssl_context())
        admin.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
        tokens = {}
        for account in ("token-file", "exec-plugin"):
            admin.apply({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": account, "namespace": NAMESPACE}})
            # The same rights as the admin certificate, so every kubeconfig must print the same table.
            admin.apply(
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "ClusterRoleBinding",
                    "metadata": {"name": f"ops-kubeconfig-{account}"},
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                    "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": NAMESPACE}],
                }
            )
            request = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"expirationSeconds": 3600}}
            resp = admin.request("POST", f"/api/v1/namespaces/{NAMESPACE}/serviceaccounts/{account}/token", request)
            assert resp.ok, resp.message
            tokens[account] = resp.body["status"]["token"]
        yield Live(server.url, server.pki.ca_cert, server.pki.admin_cert, server.pki.admin_key, tokens)
    finally:
        planes.close()


def kubeconfig(path: Path, *, cluster: dict[str, Any] | None = None, user: dict[str, Any] | None = None, **top: Any) -> Path:
    config: dict[str, Any] = {"apiVersion": "v1", "kind": "Config", **top}
    if cluster is not None:
        config["clusters"] = [{"name": "live", "cluster": cluster}]
        config["contexts"] = [{"name": "live", "context": {"cluster": "live", "user": "me"}}]
        config.setdefault("current-context", "live")
    if user is not None:
        config["users"] = [{"name": "me", "user": user}]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config))
    return path


def cluster_entry(live: Live) -> dict[str, Any]:
    return {"server": live.url, "certificate-authority": str(live.ca_cert)}


def whoami() -> str:
    """The user name the API server sees, through ops validate's connection for $KUBECONFIG."""
    api = connect().api
    review = k8s.AuthenticationV1Api(api).create_self_subject_review(
        {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
    )
    return str(review.status.user_info.username)


def run_validate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ops", "validate", ENV, *args, "--ingress-address", f"127.0.0.1:{closed_port()}"],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def rows(out: str) -> list[str]:
    """The table's lines about the cluster (the health line names a different closed port each run)."""
    lines = [line for line in out.splitlines() if line.split(None, 1)[:1] in (["PASS"], ["FAIL"], ["N/A"])]
    return [line for line in lines if "API-health" not in line]


def service_account(name: str) -> str:
    return f"system:serviceaccount:{NAMESPACE}:{name}"


def exec_plugin(directory: Path, token: str, fail: bool = False) -> dict[str, Any]:
    """An exec entry whose plugin prints an ExecCredential with the token (or fails as a login would)."""
    plugin = directory / "plugin.py"
    plugin.write_text(
        "import json, os, sys\n"
        f"if {fail!r}:\n"
        "    sys.exit('error: the login session has expired; log in again')\n"
        f"assert json.loads(os.environ['KUBERNETES_EXEC_INFO'])['apiVersion'] == {EXEC_INFO!r}\n"
        f"print(json.dumps({{'apiVersion': {EXEC_INFO!r}, 'kind': 'ExecCredential', 'status': {{'token': {token!r}}}}}))\n"
    )
    return {"apiVersion": EXEC_INFO, "command": sys.executable, "args": [str(plugin)], "interactiveMode": "Never"}


@pytest.fixture(scope="module")
def kubeconfigs(live: Live, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, str], str]]:
    """name -> (environment of the run, expected user): one kubeconfig per way of authenticating."""
    root = tmp_path_factory.mktemp("kubeconfigs")
    admin_name = x509.load_pem_x509_certificate(live.admin_cert.read_bytes()).subject
    admin_user = str(admin_name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)
    cert = kubeconfig(
        root / "cert" / "config",
        cluster=cluster_entry(live),
        user={"client-certificate": str(live.admin_cert), "client-key": str(live.admin_key)},
    )
    (root / "token" / "secrets").mkdir(parents=True)
    (root / "token" / "secrets" / "token").write_text(live.tokens["token-file"] + "\n")
    token = kubeconfig(root / "token" / "config", cluster=cluster_entry(live), user={"tokenFile": "secrets/token"})
    (root / "exec").mkdir()
    plugin = exec_plugin(root / "exec", live.tokens["exec-plugin"])
    exec_config = kubeconfig(root / "exec" / "config", cluster=cluster_entry(live), user={"exec": plugin})
    # Two files as a KUBECONFIG list: the cluster and context in one, the user (a tokenFile
    # relative to its own directory) in the other.
    (root / "merged" / "b").mkdir(parents=True)
    (root / "merged" / "b" / "token").write_text(live.tokens["token-file"])
    first = kubeconfig(root / "merged" / "a" / "config", cluster=cluster_entry(live))
    second = kubeconfig(root / "merged" / "b" / "config", user={"tokenFile": "token"})
    return {
        "client certificate": ({"KUBECONFIG": str(cert)}, admin_user),
        "token file": ({"KUBECONFIG": str(token)}, service_account("token-file")),
        "exec plugin": ({"KUBECONFIG": str(exec_config)}, service_account("exec-plugin")),
        "merged KUBECONFIG": ({"KUBECONFIG": f"{first}{os.pathsep}{second}"}, service_account("token-file")),
    }


@pytest.mark.parametrize("way", ["client certificate", "token file", "exec plugin", "merged KUBECONFIG"])
def test_each_kubeconfig_authenticates_as_its_user(
    way: str, kubeconfigs: dict[str, tuple[dict[str, str], str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    env, user = kubeconfigs[way]
    monkeypatch.setenv("KUBECONFIG", env["KUBECONFIG"])
    assert whoami() == user


def test_validate_prints_the_same_table_for_every_kubeconfig(
    live: Live, kubeconfigs: dict[str, tuple[dict[str, str], str]]
) -> None:
    tables = {}
    for way, (env, _user) in kubeconfigs.items():
        proc = run_validate(env)
        # Nothing of dist/ is applied here: the checks FAIL (exit 1), but only after the
        # server answered as that user; a credential problem would be exit 3 and no table.
        assert proc.returncode == 1 and proc.stderr == "", (way, proc.stdout, proc.stderr)
        assert f"context live, {live.url} (v1." in proc.stdout, (way, proc.stdout)
        tables[way] = rows(proc.stdout)
    assert tables["client certificate"] and "HTTP 403" not in "\n".join(tables["client certificate"])
    assert all(table == tables["client certificate"] for table in tables.values()), tables


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.stdout == "" and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    return proc.stderr


def test_a_failing_exec_plugin_is_one_line(live: Live, tmp_path: Path) -> None:
    config = kubeconfig(tmp_path / "config", cluster=cluster_entry(live), user={"exec": exec_plugin(tmp_path, "", fail=True)})
    proc = run_validate({}, "--kubeconfig", str(config))
    assert proc.returncode == 3
    err = one_line_error(proc)
    assert "user 'me': exec plugin" in err and "the login session has expired" in err


def test_a_missing_token_file_is_one_line(live: Live, tmp_path: Path) -> None:
    config = kubeconfig(tmp_path / "config", cluster=cluster_entry(live), user={"tokenFile": "gone"})
    proc = run_validate({}, "--kubeconfig", str(config))
    assert proc.returncode == 2
    assert f"user 'me': tokenFile {tmp_path / 'gone'}: No such file or directory" in one_line_error(proc)


def test_a_token_the_server_did_not_issue_is_refused_in_one_line(live: Live, tmp_path: Path) -> None:
    (tmp_path / "token").write_text("not-a-token-of-this-server")
    config = kubeconfig(tmp_path / "config", cluster=cluster_entry(live), user={"tokenFile": "token"})
    proc = run_validate({}, "--kubeconfig", str(config))
    assert proc.returncode == 3
    err = one_line_error(proc)
    assert "rejected the credentials of context 'live' (HTTP 401)" in err and "not-a-token" not in err
