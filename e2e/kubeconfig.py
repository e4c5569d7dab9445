"""A kubeconfig for the loopback API server, for the controllers the tier starts."""

from __future__ import annotations

import ssl
from pathlib import Path

import yaml

from cluster.server import ApiServer
from e2e.kube import Kube


def write_kubeconfig(server: ApiServer, path: Path, namespace: str = "default") -> Path:
    # The admin client certificate (group system:masters) for every controller: the tier tests
    # what the controllers do with dist/, not their own RBAC, which their installs ship.
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "e2e", "cluster": {"server": server.url, "certificate-authority": str(server.pki.ca_cert)}}],
        "users": [
            {"name": "admin", "user": {"client-certificate": str(server.pki.admin_cert), "client-key": str(server.pki.admin_key)}}
        ],
        "contexts": [{"name": "e2e", "context": {"cluster": "e2e", "user": "admin", "namespace": namespace}}],
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
