"""Stand-in for an ingress controller's status writer (python -m e2e.ingress_status).

No load balancer can exist on loopback, yet an Ingress without an address is not Healthy to
Argo CD, and `ops validate` checks that each has one. This process does the one thing an
ingress controller does that they observe: it publishes an address in `status.loadBalancer`
of every Ingress of its class. It routes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from e2e.kube import reconcile_forever
from e2e.kubeconfig import client_for

POLL_S = 1.0


def publish_once(kube, ingress_class: str, address: str) -> int:
    updated = 0
    for ingress in kube.items("/apis/networking.k8s.io/v1/ingresses"):
        if (ingress.get("spec") or {}).get("ingressClassName") != ingress_class:
            continue
        want = [{"ip": address}]
        if ((ingress.get("status") or {}).get("loadBalancer") or {}).get("ingress") == want:
            continue
        meta = ingress["metadata"]
        path = f"/apis/networking.k8s.io/v1/namespaces/{meta['namespace']}/ingresses/{meta['name']}"
        resp = kube.request(
            "PATCH", path + "/status", {"status": {"loadBalancer": {"ingress": want}}}, "application/merge-patch+json"
        )
        if resp.ok:
            updated += 1
            print(f"published {address} for {meta['namespace']}/{meta['name']}", flush=True)
    return updated


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeconfig", type=Path, required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--ingress-class", default="nginx")
    args = parser.parse_args(argv)
    kube = client_for(args.kubeconfig)
    reconcile_forever(lambda: publish_once(kube, args.ingress_class, args.address), POLL_S)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
