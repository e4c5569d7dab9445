"""Throwaway certificates for a loopback control plane, made with the openssl CLI.

The openssl binary is on every machine of this project, so no Python crypto package is needed.
Everything lives in one temporary directory and is valid for a day: these keys exist only for
the lifetime of a test session and never leave the machine.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

DAYS = "1"


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


def _openssl(*args: str) -> None:
    proc = subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {proc.stderr.strip()}")


def _leaf(directory: Path, name: str, subject: str, extensions: str, ca_cert: Path, ca_key: Path) -> tuple[Path, Path]:
    key, csr, cert, ext = (directory / f"{name}.{suffix}" for suffix in ("key", "csr", "crt", "ext"))
    ext.write_text(extensions)
    _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", subject)
    _openssl(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(ca_cert),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-days",
        DAYS,
        "-sha256",
        "-extfile",
        str(ext),
        "-out",
        str(cert),
    )
    return cert, key


def generate(directory: Path) -> Pki:
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = directory / "ca.key", directory / "ca.crt"
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        str(ca_key),
        "-out",
        str(ca_cert),
        "-days",
        DAYS,
        "-sha256",
        "-subj",
        "/CN=flask-platform-test-ca",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    # The serving certificate names every way in-cluster clients address the API server, so it
    # is valid for the same names as a real one (the Service IP is the first of the range).
    server_cert, server_key = _leaf(
        directory,
        "apiserver",
        "/CN=kube-apiserver",
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,"
        "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n",
        ca_cert,
        ca_key,
    )
    # O=system:masters is the bootstrap superuser group: the tests act as cluster admin and ask
    # the authorizer about other subjects through SubjectAccessReviews.
    admin_cert, admin_key = _leaf(
        directory,
        "admin",
        "/O=system:masters/CN=flask-platform-test-admin",
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n",
        ca_cert,
        ca_key,
    )
    sa_key, sa_pub = directory / "sa.key", directory / "sa.pub"
    _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", str(sa_key))
    _openssl("pkey", "-in", str(sa_key), "-pubout", "-out", str(sa_pub))
    for private in (ca_key, server_key, admin_key, sa_key):
        private.chmod(0o600)
    return Pki(ca_cert, ca_key, server_cert, server_key, admin_cert, admin_key, sa_key, sa_pub)
