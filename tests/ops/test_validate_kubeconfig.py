"""The kubeconfigs ops validate accepts, against the fake API server: token files, KUBECONFIG lists,
exec plugins and proxies as kubectl reads them, and a one-line error for each broken one."""

from __future__ import annotations

import ssl
import sys
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from manifests import load_env
from ops.__main__ import main
from ops.common import DIST
from ops.validate import FAIL, PASS, HealthTarget, check_health
from tests.support.fake_kube import FakeCluster, fake_ingress, healthy, serve
from tests.support.ops import closed_port, write_kubeconfig

ENV = "staging"
OBJECTS = load_env(DIST / ENV, relative_to=DIST)

NO_INGRESS = ("--ingress-address", "127.0.0.1:1")


def validate(*args: str) -> int:
    return main(["validate", ENV, *args, *NO_INGRESS])


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def token_cluster(token: str) -> FakeCluster:
    cluster = healthy(OBJECTS)
    cluster.token = token
    return cluster


def test_token_file_is_read_relative_to_the_kubeconfig(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "creds").mkdir()
    (tmp_path / "creds" / "token").write_text("from-file\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the path is relative to the kubeconfig, not to where validate runs
    with serve(token_cluster("from-file")) as url:
        kubeconfig = write_kubeconfig(tmp_path, url, {"tokenFile": "creds/token"})
        assert validate("--kubeconfig", str(kubeconfig)) == 0, capsys.readouterr()


def test_a_missing_token_file_is_one_line_naming_field_and_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kubeconfig = write_kubeconfig(tmp_path, "https://127.0.0.1:1", {"tokenFile": "absent-token"})
    assert validate("--kubeconfig", str(kubeconfig)) == 2
    err = one_line_error(capsys)
    assert f"{kubeconfig}: user 'u': tokenFile {tmp_path / 'absent-token'}: No such file or directory" in err


def test_a_missing_certificate_file_names_its_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kubeconfig = write_kubeconfig(tmp_path, "https://127.0.0.1:1", cluster={"certificate-authority": "ca.crt"})
    assert validate("--kubeconfig", str(kubeconfig)) == 2
    assert f"cluster: certificate-authority {tmp_path / 'ca.crt'}: no such file" in one_line_error(capsys)


def test_a_kubeconfig_list_merges_as_kubectl_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (second / "token").write_text("merged")
    with serve(token_cluster("merged")) as url:
        (first / "config").write_text(
            yaml.safe_dump(
                {
                    "current-context": "good",
                    "clusters": [{"name": "c", "cluster": {"server": url}}],
                    "contexts": [
                        {"name": "good", "context": {"cluster": "c", "user": "u"}},
                        {"name": "dead", "context": {"cluster": "dead", "user": "u"}},
                    ],
                }
            )
        )
        (second / "config").write_text(
            yaml.safe_dump(
                {
                    # Ignored: the first file that sets current-context wins; so does the first `c`.
                    "current-context": "dead",
                    "clusters": [
                        {"name": "c", "cluster": {"server": f"http://127.0.0.1:{closed_port()}"}},
                        {"name": "dead", "cluster": {"server": f"http://127.0.0.1:{closed_port()}"}},
                    ],
                    "users": [{"name": "u", "user": {"tokenFile": "token"}}],  # relative to second/
                }
            )
        )
        monkeypatch.setenv("KUBECONFIG", f"{first / 'config'}:{tmp_path / 'absent'}:{second / 'config'}")
        code = validate()
        out = capsys.readouterr().out
    assert code == 0, out
    assert f"context good, {url}" in out


def test_a_failing_exec_plugin_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plugin = tmp_path / "plugin.py"
    plugin.write_text("import sys\nsys.stderr.write('the SSO session has expired\\nrun the login again\\n')\nsys.exit(1)\n")
    exec_spec = {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable, "args": [str(plugin)]}
    with serve(token_cluster("never")) as url:
        kubeconfig = write_kubeconfig(tmp_path, url, {"exec": exec_spec})
        assert validate("--kubeconfig", str(kubeconfig)) == 3
    err = one_line_error(capsys)
    assert f"user 'u': exec plugin {sys.executable} failed" in err and "the SSO session has expired" in err


def test_an_absent_exec_plugin_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exec_spec = {"apiVersion": "client.authentication.k8s.io/v1", "command": str(tmp_path / "no-such-plugin")}
    kubeconfig = write_kubeconfig(tmp_path, "https://127.0.0.1:1", {"exec": exec_spec})
    assert validate("--kubeconfig", str(kubeconfig)) == 3
    err = one_line_error(capsys)
    assert "exec plugin" in err and "no-such-plugin" in err and "No such file" in err


def test_an_entry_error_never_shows_its_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # An OIDC entry without its id-token: the client's message names the entry, not its content.
    planted = "s3cret-value"  # pragma: allowlist secret (planted to prove it is never printed)
    user = {"auth-provider": {"name": "oidc", "config": {"client-id": "ops", "client-secret": planted}}}
    kubeconfig = write_kubeconfig(tmp_path, "https://127.0.0.1:1", user)
    assert validate("--kubeconfig", str(kubeconfig)) == 2
    err = one_line_error(capsys)
    assert "id-token" in err and planted not in err and str(kubeconfig) in err


def test_a_cluster_without_server_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kubeconfig = write_kubeconfig(tmp_path, "")
    assert validate("--kubeconfig", str(kubeconfig)) == 2
    assert f"{kubeconfig}: cluster 'c': server is missing" in one_line_error(capsys)


def test_proxy_url_carries_every_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cluster = healthy(OBJECTS)
    # The fake answers absolute-form requests too, so it is its own forward proxy; the server
    # name does not resolve, so only the proxy can reach it.
    with serve(cluster) as url:
        kubeconfig = write_kubeconfig(tmp_path, "http://kubernetes.invalid:6443", cluster={"proxy-url": url})
        assert validate("--kubeconfig", str(kubeconfig)) == 0, capsys.readouterr()
    assert cluster.requests and all(r.startswith("http://kubernetes.invalid:6443/") for r in cluster.requests)


def test_an_unsupported_proxy_scheme_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kubeconfig = write_kubeconfig(tmp_path, "https://127.0.0.1:1", cluster={"proxy-url": "socks5://127.0.0.1:1080"})
    assert validate("--kubeconfig", str(kubeconfig)) == 2
    assert "proxy-url scheme 'socks5' is not supported" in one_line_error(capsys)


# --- the health probe over TLS, through a given address ----------------------------------------


def tls_ingress(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


@pytest.mark.parametrize(("served_name", "status"), [("api.example.test", PASS), ("other.example.test", FAIL)])
def test_the_health_probe_checks_the_api_host_certificate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served_name: str, status: str
) -> None:
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))  # the probe's system trust store
    target = HealthTarget("https://api.example.test/healthz", "api.example.test", "/healthz")
    with fake_ingress(target.host, target.path, tls=tls_ingress(ca, served_name)) as (address, seen):
        line: Any = check_health(target, address, require=True)
    assert line.status == status, line
    if status == PASS:
        assert (line.detail, seen) == ("HTTP 200", [(target.host, target.path)])
    else:
        assert line.detail.startswith("TLS failed") and seen == []
