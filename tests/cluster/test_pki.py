"""cluster.pki: the loopback control plane's certificates, checked by a real TLS handshake."""

from __future__ import annotations

import datetime
import socket
import ssl
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from cluster import pki


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> pki.Pki:
    return pki.generate(tmp_path_factory.mktemp("pki"))


def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _handshake(server_cert: Path, server_key: Path, server_ca: Path, client: tuple[Path, Path], client_ca: Path, name: str):
    """One mutual-TLS handshake on loopback; returns the client certificate the server saw (or raises)."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(server_cert, server_key)
    server_ctx.load_verify_locations(client_ca)
    server_ctx.verify_mode = ssl.CERT_REQUIRED
    client_ctx = ssl.create_default_context(cafile=str(server_ca))
    client_ctx.load_cert_chain(*client)
    seen: dict[str, object] = {}
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]

        def serve() -> None:
            conn, _ = listener.accept()
            try:
                with server_ctx.wrap_socket(conn, server_side=True) as tls:
                    seen["peer"] = tls.getpeercert()
                    tls.recv(1)
            except (ssl.SSLError, OSError) as error:
                seen["error"] = error

        thread = threading.Thread(target=serve)
        thread.start()
        try:
            with socket.create_connection(("127.0.0.1", port)) as raw, client_ctx.wrap_socket(raw, server_hostname=name) as tls:
                tls.sendall(b"x")
                tls.recv(1)
        except (ssl.SSLError, OSError) as error:
            seen.setdefault("client_error", error)
        thread.join(timeout=10)
    return seen


def test_admin_is_system_masters_and_the_server_certificate_names_the_in_cluster_addresses(issued: pki.Pki) -> None:
    admin = _cert(issued.admin_cert)
    assert admin.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "system:masters"
    server = _cert(issued.server_cert)
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    names = {str(n) for n in san.get_values_for_type(x509.DNSName)} | {str(n) for n in san.get_values_for_type(x509.IPAddress)}
    assert names == set(pki.API_SERVER_NAMES)
    assert ExtendedKeyUsageOID.SERVER_AUTH in server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    for cert in (admin, server, _cert(issued.front_proxy_client_cert)):
        assert cert.not_valid_after_utc - cert.not_valid_before_utc <= pki.VALIDITY + datetime.timedelta(minutes=1)
    assert oct(issued.ca_key.stat().st_mode & 0o777) == "0o600"


def test_a_client_identity_is_its_user_and_groups_and_the_server_accepts_it(issued: pki.Pki) -> None:
    identity = issued.client("controller", "system:serviceaccount:argocd:argocd-application-controller", ["g1", "g2"])
    cert = _cert(identity.cert)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == identity.user
    assert [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == ["g1", "g2"]
    cert.verify_directly_issued_by(_cert(issued.ca_cert))
    seen = _handshake(
        issued.server_cert,
        issued.server_key,
        issued.ca_cert,
        (identity.cert, identity.key),
        issued.ca_cert,
        "kubernetes.default.svc",
    )
    assert "error" not in seen and "client_error" not in seen, seen
    subject = dict(pair[0] for pair in seen["peer"]["subject"])  # type: ignore[index]
    assert subject["commonName"] == identity.user


def test_the_front_proxy_client_is_not_trusted_as_a_cluster_client(issued: pki.Pki) -> None:
    """requestheader trust is separate: the front-proxy CA's client fails where the cluster CA is the client CA."""
    seen = _handshake(
        issued.server_cert,
        issued.server_key,
        issued.ca_cert,
        (issued.front_proxy_client_cert, issued.front_proxy_client_key),
        issued.ca_cert,
        "localhost",
    )
    assert "error" in seen or "client_error" in seen, seen
    _cert(issued.front_proxy_client_cert).verify_directly_issued_by(_cert(issued.front_proxy_ca_cert))


def test_a_serving_certificate_is_checked_against_its_names(issued: pki.Pki) -> None:
    cert, key = issued.serving("aggregated", ["metrics-server.kube-system.svc", "127.0.0.1"])
    client = (issued.admin_cert, issued.admin_key)
    assert "client_error" not in _handshake(cert, key, issued.ca_cert, client, issued.ca_cert, "metrics-server.kube-system.svc")
    wrong = _handshake(cert, key, issued.ca_cert, client, issued.ca_cert, "other.kube-system.svc")
    assert isinstance(wrong.get("client_error"), ssl.SSLCertVerificationError), wrong
