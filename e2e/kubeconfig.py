"""Kubeconfigs for the loopback API server: the operator's (admin) and one per controller identity."""

from __future__ import annotations

import ssl
from pathlib import Path

import yaml

from cluster.pki import Identity
from cluster.server import ApiServer
from e2e.kube import Kube


def write_kubeconfig(server: ApiServer, path: Path, identity: Identity | None = None, namespace: str = "default") -> Path:
    """A kubeconfig that authenticates with `identity`'s client certificate (the admin's if None)."""
    cert, key = (identity.cert, identity.key) if identity else (server.pki.admin_cert, server.pki.admin_key)
    user = identity.user if identity else "admin"
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "e2e", "cluster": {"server": server.url, "certificate-authority": str(server.pki.ca_cert)}}],
        "users": [{"name": user, "user": {"client-certificate": str(cert), "client-key": str(key)}}],
        "contexts": [{"name": "e2e", "context": {"cluster": "e2e", "user": user, "namespace": namespace}}],
        "current-context": "e2e",
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def client_for(kubeconfig: Path) -> Kube:
    """A client from a kubeconfig written by write_kubeconfig (client certificate, file paths)."""
    config = yaml.safe_load(kubeconfig.read_text())
    cluster = config["clusters"][0]["cluster"]
    user = config["users"][0]["user"]
    ctx = ssl.create_default_context(cafile=cluster["certificate-authority"])
    ctx.load_cert_chain(user["client-certificate"], user["client-key"])
    return Kube(cluster["server"], ctx)
