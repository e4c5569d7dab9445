"""Stand-in for cert-manager's ingress integration (python -m e2e.tls_issuer).

prod's Ingresses name a TLS Secret and the ClusterIssuer that should fill it
(`cert-manager.io/cluster-issuer`); cert-manager reacts to such an Ingress by issuing a
certificate for its TLS hosts into that Secret. No ACME server can exist on loopback, so this
process does that one observable thing with a throwaway CA (trustme): for every TLS entry of
an annotated Ingress whose Secret is missing, it creates a `kubernetes.io/tls` Secret whose
certificate names exactly the entry's hosts, annotated like cert-manager's. It renews
nothing and verifies no ClusterIssuer exists.
"""

from __future__ import annotations

import argparse
import base64
import sys
from pathlib import Path
from typing import Any

import trustme

from e2e.kube import reconcile_forever
from e2e.kubeconfig import client_for

ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer"
POLL_S = 1.0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def tls_secret(ca: trustme.CA, namespace: str, name: str, hosts: list[str], issuer: str) -> dict[str, Any]:
    leaf = ca.issue_cert(*hosts)
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "kubernetes.io/tls",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "annotations": {
                "cert-manager.io/issuer-name": issuer,
                "cert-manager.io/issuer-kind": "ClusterIssuer",
                "cert-manager.io/alt-names": ",".join(hosts),
            },
        },
        "data": {
            "tls.crt": _b64(b"".join(blob.bytes() for blob in leaf.cert_chain_pems)),
            "tls.key": _b64(leaf.private_key_pem.bytes()),
            "ca.crt": _b64(ca.cert_pem.bytes()),
        },
    }


def wanted_secrets(ingress: dict[str, Any]) -> list[tuple[str, list[str], str]]:
    """(secret name, hosts, issuer) for each TLS entry of an Ingress that asks a ClusterIssuer."""
    issuer = ((ingress.get("metadata") or {}).get("annotations") or {}).get(ISSUER_ANNOTATION)
    if not issuer:
        return []
    return [
        (entry["secretName"], list(entry.get("hosts") or []), issuer)
        for entry in (ingress.get("spec") or {}).get("tls") or []
        if entry.get("secretName") and entry.get("hosts")
    ]


def issue_once(kube, ca: trustme.CA) -> int:
    issued = 0
    for ingress in kube.items("/apis/networking.k8s.io/v1/ingresses"):
        namespace = ingress["metadata"]["namespace"]
        for secret, hosts, issuer in wanted_secrets(ingress):
            path = f"/api/v1/namespaces/{namespace}/secrets/{secret}"
            if kube.get(path).status != 404:
                continue
            resp = kube.request(
                "POST", f"/api/v1/namespaces/{namespace}/secrets", tls_secret(ca, namespace, secret, hosts, issuer)
            )
            if resp.ok:
                issued += 1
                print(f"issued {namespace}/{secret} for {','.join(hosts)}", flush=True)
    return issued


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeconfig", type=Path, required=True)
    parser.add_argument("--write-ca", type=Path, required=True, help="where to write the issuing CA's certificate")
    args = parser.parse_args(argv)
    ca = trustme.CA(organization_name="flask-platform e2e issuer")
    ca.cert_pem.write_to_path(str(args.write_ca))
    kube = client_for(args.kubeconfig)
    reconcile_forever(lambda: issue_once(kube, ca), POLL_S)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
