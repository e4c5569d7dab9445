"""ops validate against a fake API server on loopback: the table logic, exit statuses, credentials."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import ssl
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from charts import names
from manifests import load_env, of_kind
from ops.__main__ import main
from ops.common import DIST
from ops.validate import health_target
from tests.support.fake_kube import FakeCluster, fake_ingress, healthy, serve
from tests.support.ops import closed_port, write_kubeconfig

ENV = "staging"
OBJECTS = load_env(DIST / ENV, relative_to=DIST)
HEALTH = health_target(OBJECTS)


def table(out: str) -> list[tuple[str, str, str, str]]:
    """(result, check, object, detail) rows of the printed table."""
    rows = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if parts and parts[0] in {"PASS", "FAIL", "N/A"}:
            rows.append((parts[0], parts[1], parts[2] if len(parts) > 2 else "", parts[3] if len(parts) > 3 else ""))
    return rows


@pytest.fixture
def run_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    def run(
        cluster: FakeCluster, *extra: str, user: dict[str, Any] | None = None
    ) -> tuple[int, list[tuple[str, str, str, str]], str, str]:
        if "--ingress-address" not in extra:
            # Never resolve the real API host from a test: only loopback is used.
            extra = (*extra, "--ingress-address", f"127.0.0.1:{closed_port()}")
        with serve(cluster) as url:
            kubeconfig = write_kubeconfig(tmp_path, url, user)
            code = main(["validate", ENV, "--kubeconfig", str(kubeconfig), *extra])
        captured = capsys.readouterr()
        return code, table(captured.out), captured.out, captured.err

    yield run


def failing(rows: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    return [r for r in rows if r[0] == "FAIL"]


def test_a_healthy_cluster_passes_every_line(run_validate: Any) -> None:
    assert HEALTH is not None
    with fake_ingress(HEALTH.host, HEALTH.path) as (address, seen):
        code, rows, out, err = run_validate(healthy(OBJECTS), "--ingress-address", address)
    assert (code, err) == (0, ""), out
    assert failing(rows) == []
    checked = {(r[1], r[2]) for r in rows}
    for kind in ("Namespace", "Application", "Deployment", "StatefulSet", "ExternalSecret", "Service", "NetworkPolicy"):
        expected = {o.name if kind == "Namespace" else f"{o.namespace}/{o.name}" for o in of_kind(OBJECTS, kind)}
        assert expected and expected <= {obj for check, obj in checked if check == kind}, kind
    assert ("PASS", "API-health") == rows[-1][:2]
    assert seen == [(HEALTH.host, HEALTH.path)]  # the Host header is the API host, the path its probe's


def test_health_target_comes_from_dist() -> None:
    assert HEALTH is not None
    ingress = next(o for o in of_kind(OBJECTS, "Ingress") if o.name == names.FLASK_APP)
    assert HEALTH.host == ingress.body["spec"]["rules"][0]["host"]
    deployment = next(o for o in of_kind(OBJECTS, "Deployment") if o.name == names.FLASK_APP)
    probe = deployment.body["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"]
    assert HEALTH.path == probe
    assert HEALTH.url.startswith("http://")  # staging has no TLS


def test_missing_crds_are_single_fail_lines_not_tracebacks(run_validate: Any) -> None:
    cluster = healthy(OBJECTS)
    cluster.served -= {"argoproj.io/v1alpha1", "external-secrets.io/v1"}
    code, rows, out, err = run_validate(cluster, "--ingress-address", f"127.0.0.1:{closed_port()}")
    assert code == 1 and err == ""
    crd_lines = [r for r in failing(rows) if "CRD not installed" in r[3]]
    assert sorted(r[2] for r in crd_lines) == ["AppProjects", "Applications", "ClusterSecretStores", "ExternalSecrets"]
    assert "Traceback" not in out


def test_unavailable_workloads_fail(run_validate: Any) -> None:
    cluster = healthy(OBJECTS)
    cluster.get("Deployment", names.FLASK_APP)["status"]["availableReplicas"] = 0
    del cluster.get("StatefulSet", names.DATABASE)["status"]["readyReplicas"]
    code, rows, _, _ = run_validate(cluster)
    assert code == 1
    bad = {(r[1], r[2]): r[3] for r in failing(rows)}
    assert bad[("Deployment", f"backend/{names.FLASK_APP}")].startswith("0/")
    assert bad[("StatefulSet", f"backend/{names.DATABASE}")].startswith("0/")


def test_image_drift_fails(run_validate: Any) -> None:
    cluster = healthy(OBJECTS)
    container = cluster.get("Deployment", names.NGINX)["spec"]["template"]["spec"]["containers"][0]
    container["image"] = "registry.example.internal/other:old"
    code, rows, _, _ = run_validate(cluster)
    assert code == 1
    (line,) = [r for r in failing(rows) if r[1] == "Deployment"]
    assert "runs registry.example.internal/other:old, dist has" in line[3]


def test_wrong_psa_labels_fail(run_validate: Any) -> None:
    cluster = healthy(OBJECTS)
    cluster.get("Namespace", "backend")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] = "baseline"
    code, rows, _, _ = run_validate(cluster)
    assert code == 1
    (line,) = failing(rows)[:1]
    assert line[1:3] == ("Namespace", "backend") and "enforce=baseline (want restricted)" in line[3]


def test_external_secret_not_ready_shows_the_reason(run_validate: Any) -> None:
    cluster = healthy(OBJECTS)
    secret = of_kind(OBJECTS, "ExternalSecret")[0]
    cluster.get("ExternalSecret", secret.name)["status"]["conditions"] = [
        {"type": "Ready", "status": "False", "reason": "SecretSyncedError", "message": "could not get secret data from provider"}
    ]
    code, rows, _, _ = run_validate(cluster)
    assert code == 1
    assert (
        "FAIL",
        "ExternalSecret",
        f"{secret.namespace}/{secret.name}",
        "not Ready: could not get secret data from provider",
    ) in rows


def test_application_out_of_sync_and_missing_objects_fail(run_validate: Any) -> None:
    cluster = healthy(OBJECTS)
    app = of_kind(OBJECTS, "Application")[0]
    cluster.get("Application", app.name)["status"]["sync"]["status"] = "OutOfSync"
    policy = of_kind(OBJECTS, "NetworkPolicy")[0]
    cluster.remove("NetworkPolicy", policy.name)
    code, rows, _, _ = run_validate(cluster)
    assert code == 1
    bad = {(r[1], r[2]): r[3] for r in failing(rows)}
    assert bad[("Application", f"{app.namespace}/{app.name}")].startswith("sync=OutOfSync health=Healthy")
    missing = [k for k, v in bad.items() if k[0] == "NetworkPolicy" and v == "not found"]
    assert missing, bad


def test_services_without_ready_endpoints_fail(run_validate: Any) -> None:
    cluster = healthy(OBJECTS)
    cluster.endpoints[("backend", names.FLASK_APP)] = [{"addresses": ["10.0.0.5"], "conditions": {"ready": False}}]
    del cluster.endpoints[("frontend", names.NGINX)]
    code, rows, _, _ = run_validate(cluster)
    assert code == 1
    bad = {(r[1], r[2]): r[3] for r in failing(rows)}
    assert bad == {
        ("Service", f"backend/{names.FLASK_APP}"): "0 ready endpoint(s) of 1",
        ("Service", f"frontend/{names.NGINX}"): "0 ready endpoint(s) of 0",
    }


def test_unreachable_ingress_is_na_unless_required(run_validate: Any) -> None:
    address = f"127.0.0.1:{closed_port()}"
    code, rows, _, _ = run_validate(healthy(OBJECTS), "--ingress-address", address)
    assert code == 0
    assert rows[-1][:2] == ("N/A", "API-health") and "not reachable" in rows[-1][3]
    code, rows, _, _ = run_validate(healthy(OBJECTS), "--ingress-address", address, "--require-ingress")
    assert code == 1 and rows[-1][:2] == ("FAIL", "API-health")


def test_unhealthy_api_fails(run_validate: Any) -> None:
    assert HEALTH is not None
    with fake_ingress(HEALTH.host, HEALTH.path, status=503) as (address, _):
        code, rows, _, _ = run_validate(healthy(OBJECTS), "--ingress-address", address)
    assert code == 1 and rows[-1] == ("FAIL", "API-health", HEALTH.url, "HTTP 503")


def test_a_malformed_response_is_a_fail_line(run_validate: Any) -> None:
    cluster = healthy(OBJECTS)
    cluster.get("Deployment", names.FLASK_APP)["status"]["availableReplicas"] = "lots"
    code, rows, out, err = run_validate(cluster)
    assert code == 1 and err == ""
    assert any(r[1] == "Deployment" and r[3].startswith("unexpected response") for r in failing(rows)), out


def test_token_credentials_and_401(run_validate: Any) -> None:
    cluster = healthy(OBJECTS)
    cluster.token = "t0ken"
    code, rows, _, _ = run_validate(cluster, user={"token": "t0ken"})
    assert code == 0 and rows
    code, rows, _, err = run_validate(cluster, user={"token": "wrong"})
    assert code == 3 and rows == []
    assert err.count("\n") == 1 and "rejected the credentials" in err and "wrong" not in err


def test_exec_plugin_token(run_validate: Any, tmp_path: Path) -> None:
    cluster = healthy(OBJECTS)
    cluster.token = "from-plugin"
    plugin = tmp_path / "plugin.py"
    plugin.write_text(
        "import json, os\n"
        "assert json.loads(os.environ['KUBERNETES_EXEC_INFO'])['kind'] == 'ExecCredential'\n"
        "print(json.dumps({'apiVersion': 'client.authentication.k8s.io/v1', 'kind': 'ExecCredential',"
        " 'status': {'token': os.environ['TOKEN']}}))\n"
    )
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": sys.executable,
            "args": [str(plugin)],
            "env": [{"name": "TOKEN", "value": "from-plugin"}],
        }
    }
    code, rows, _, err = run_validate(cluster, user=user)
    assert (code, err) == (0, "") and rows


def test_unreachable_api_server_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kubeconfig = write_kubeconfig(tmp_path, f"https://127.0.0.1:{closed_port()}")
    code = main(["validate", ENV, "--kubeconfig", str(kubeconfig), "--ingress-address", "127.0.0.1:1"])
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1 and "API server unreachable" in err


def test_kubeconfig_errors_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", ENV, "--kubeconfig", str(tmp_path / "absent")])
    assert code == 2 and "kubeconfig not found" in capsys.readouterr().err
    kubeconfig = write_kubeconfig(tmp_path, "https://127.0.0.1:1")
    code = main(["validate", ENV, "--kubeconfig", str(kubeconfig), "--context", "other"])
    assert code == 2 and "context 'other' not found" in capsys.readouterr().err


# --- TLS with client certificates ------------------------------------------------------------


def _cert(
    subject: str, key: Any, issuer: tuple[x509.Name, Any] | None, *, ca: bool = False, server: bool = False
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer_name, issuer_key = issuer or (name, key)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(obj: Any) -> bytes:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def test_tls_with_client_certificate_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _cert("test-ca", ca_key, None, ca=True)
    server_cert = _cert("127.0.0.1", server_key, (ca.subject, ca_key), server=True)
    client_cert = _cert("admin", client_key, (ca.subject, ca_key))
    (tmp_path / "server.crt").write_bytes(_pem(server_cert))
    (tmp_path / "server.key").write_bytes(_pem(server_key))
    (tmp_path / "ca.crt").write_bytes(_pem(ca))
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(tmp_path / "server.crt", tmp_path / "server.key")
    tls.load_verify_locations(tmp_path / "ca.crt")
    tls.verify_mode = ssl.CERT_REQUIRED  # the fake refuses clients without a certificate

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    with serve(healthy(OBJECTS), tls) as url:
        good = write_kubeconfig(
            tmp_path,
            url,
            {"client-certificate-data": b64(_pem(client_cert)), "client-key-data": b64(_pem(client_key))},
            {"certificate-authority-data": b64(_pem(ca))},
        )
        code = main(["validate", ENV, "--kubeconfig", str(good), "--ingress-address", f"127.0.0.1:{closed_port()}"])
        out = capsys.readouterr().out
        assert code == 0, out
        assert "v1.35.4-fake" in out
        # Without the CA the server certificate is not trusted: exit 3, one line.
        untrusted = write_kubeconfig(
            tmp_path, url, {"client-certificate-data": b64(_pem(client_cert)), "client-key-data": b64(_pem(client_key))}
        )
        code = main(["validate", ENV, "--kubeconfig", str(untrusted), "--ingress-address", "127.0.0.1:1"])
        err = capsys.readouterr().err
        assert code == 3 and "TLS failed" in err and err.count("\n") == 1
