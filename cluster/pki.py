"""Throwaway certificates for a loopback control plane, made with the `cryptography` package.

Everything lives in one directory and is valid for a day: these keys exist only for the
lifetime of a test session and never leave the machine. Keys are ECDSA P-256, which every
component here accepts and which is fast to generate (a session makes a dozen).

The layout is a small cluster's:
- one cluster CA, which signs the API server's serving certificate and every client identity
  (the test admin, each controller of the end-to-end tier) and the serving certificates of
  components the API server calls (an aggregated API server);
- a separate front-proxy CA and its one client, which the API server presents when it
  forwards a request to an aggregated API server (requestheader authentication trusts only
  that CA and that name, so no other client certificate can claim a forwarded user);
- the key pair that signs and verifies service-account tokens.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=1)
# The name requestheader authentication accepts from the front-proxy CA (--requestheader-allowed-names).
FRONT_PROXY_CLIENT = "front-proxy-client"
# Every name in-cluster clients address the API server by, so its certificate is valid for the
# same names as a real one (the Service IP is the first of the Service range).
API_SERVER_NAMES = (
    "127.0.0.1",
    "10.0.0.1",
    "localhost",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
)


@dataclass(frozen=True)
class Identity:
    """A client certificate: the API server authenticates it as `user` in `groups` (CN and O)."""

    user: str
    groups: tuple[str, ...]
    cert: Path
    key: Path


@dataclass(frozen=True)
class Pki:
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path
    admin_cert: Path
    admin_key: Path
    sa_key: Path  # signs service-account tokens
    sa_pub: Path  # verifies them
    front_proxy_ca_cert: Path
    front_proxy_client_cert: Path
    front_proxy_client_key: Path

    @property
    def directory(self) -> Path:
        return self.ca_cert.parent

    def client(self, name: str, user: str, groups: Iterable[str] = ()) -> Identity:
        """A client certificate signed by the cluster CA, written as <name>.crt / <name>.key."""
        groups = tuple(groups)
        cert, key = _issue(self.directory, name, _subject(user, groups), _client_usage(), *self._ca())
        return Identity(user, groups, cert, key)

    def serving(self, name: str, hosts: Iterable[str]) -> tuple[Path, Path]:
        """A serving certificate signed by the cluster CA for `hosts` (DNS names or IPs)."""
        hosts = list(hosts)
        return _issue(self.directory, name, _subject(hosts[0]), _server_usage(hosts), *self._ca())

    def _ca(self) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        return _load(self.ca_cert, self.ca_key)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _subject(common_name: str, organizations: Iterable[str] = ()) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org) for org in organizations]
    return x509.Name([*attributes, x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    path.chmod(0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _load(cert: Path, key: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    if not isinstance(private, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{key}: not an ECDSA key")
    return x509.load_pem_x509_certificate(cert.read_bytes()), private


def _key_usage(signs_certificates: bool) -> x509.KeyUsage:
    # ECDSA keys sign (TLS handshakes, and certificates and CRLs for a CA); they encipher nothing.
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _leaf_usage(purpose: x509.ObjectIdentifier) -> list[tuple[x509.ExtensionType, bool]]:
    return [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (
            _key_usage(signs_certificates=False),
            True,
        ),
        (x509.ExtendedKeyUsage([purpose]), False),
    ]


def _client_usage() -> list[tuple[x509.ExtensionType, bool]]:
    return _leaf_usage(ExtendedKeyUsageOID.CLIENT_AUTH)


def _server_usage(hosts: Iterable[str]) -> list[tuple[x509.ExtensionType, bool]]:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return [*_leaf_usage(ExtendedKeyUsageOID.SERVER_AUTH), (x509.SubjectAlternativeName(names), False)]


def _build(
    subject: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    issuer: x509.Name,
    signer: ec.EllipticCurvePrivateKey,
    extensions: list[tuple[x509.ExtensionType, bool]],
) -> x509.Certificate:
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        # A minute of slack for the clocks of the processes reading it.
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(signer, hashes.SHA256())


def _new_ca(directory: Path, name: str, common_name: str) -> tuple[Path, Path]:
    key = _new_key()
    extensions: list[tuple[x509.ExtensionType, bool]] = [
        (x509.BasicConstraints(ca=True, path_length=0), True),
        (
            _key_usage(signs_certificates=True),
            True,
        ),
    ]
    subject = _subject(common_name)
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    _write_cert(cert_path, _build(subject, key.public_key(), subject, key, extensions))
    _write_key(key_path, key)
    return cert_path, key_path


def _issue(
    directory: Path,
    name: str,
    subject: x509.Name,
    extensions: list[tuple[x509.ExtensionType, bool]],
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
) -> tuple[Path, Path]:
    key = _new_key()
    authority = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key())
    cert = _build(subject, key.public_key(), ca_cert.subject, ca_key, [*extensions, (authority, False)])
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    _write_cert(cert_path, cert)
    _write_key(key_path, key)
    return cert_path, key_path


def generate(directory: Path) -> Pki:
    directory.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = _new_ca(directory, "ca", "flask-platform-test-ca")
    ca = _load(ca_cert, ca_key)
    server_cert, server_key = _issue(directory, "apiserver", _subject("kube-apiserver"), _server_usage(API_SERVER_NAMES), *ca)
    # O=system:masters is the bootstrap superuser group: the tests act as cluster admin and ask
    # the authorizer about other subjects through SubjectAccessReviews.
    admin_cert, admin_key = _issue(
        directory, "admin", _subject("flask-platform-test-admin", ["system:masters"]), _client_usage(), *ca
    )
    front_ca_cert, front_ca_key = _new_ca(directory, "front-proxy-ca", "flask-platform-test-front-proxy-ca")
    front_client_cert, front_client_key = _issue(
        directory, FRONT_PROXY_CLIENT, _subject(FRONT_PROXY_CLIENT), _client_usage(), *_load(front_ca_cert, front_ca_key)
    )
    sa_key, sa_pub = directory / "sa.key", directory / "sa.pub"
    signer = _new_key()
    _write_key(sa_key, signer)
    sa_pub.write_bytes(
        signer.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return Pki(
        ca_cert,
        ca_key,
        server_cert,
        server_key,
        admin_cert,
        admin_key,
        sa_key,
        sa_pub,
        front_ca_cert,
        front_client_cert,
        front_client_key,
    )
