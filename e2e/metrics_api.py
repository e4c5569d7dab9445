"""Register metrics-server as the resource metrics API (v1beta1.metrics.k8s.io), as its install does.

The install's APIService names the Service kube-system/metrics-server; the API server resolves
it and forwards metrics.k8s.io requests there with its front-proxy client certificate. On
loopback that Service cannot select a pod (Endpoints may not name 127.0.0.1), so it is an
ExternalName Service for `localhost`, which the aggregator resolves like any DNS name, on the
port metrics-server listens on. The APIService carries the cluster CA as its caBundle and the
aggregator checks metrics-server's certificate for the Service's DNS name (the install turns
that check off with insecureSkipTLSVerify; here it stays on).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from e2e.kube import Kube, condition, wait_for

NAMESPACE = "kube-system"
SERVICE = "metrics-server"
API_SERVICE = "v1beta1.metrics.k8s.io"
# The names the aggregator checks metrics-server's serving certificate for, and where it listens.
SERVING_NAMES = (f"{SERVICE}.{NAMESPACE}.svc", "localhost", "127.0.0.1")


def objects(port: int, ca_cert: Path) -> list[dict[str, Any]]:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": SERVICE, "namespace": NAMESPACE},
        "spec": {"type": "ExternalName", "externalName": "localhost", "ports": [{"name": "https", "port": port}]},
    }
    api_service = {
        "apiVersion": "apiregistration.k8s.io/v1",
        "kind": "APIService",
        "metadata": {"name": API_SERVICE},
        "spec": {
            "service": {"name": SERVICE, "namespace": NAMESPACE, "port": port},
            "group": "metrics.k8s.io",
            "version": "v1beta1",
            "caBundle": base64.b64encode(ca_cert.read_bytes()).decode(),
            "groupPriorityMinimum": 100,
            "versionPriority": 100,
        },
    }
    return [service, api_service]


def register(kube: Kube, port: int, ca_cert: Path, timeout_s: float = 60.0) -> None:
    for obj in objects(port, ca_cert):
        kube.ensure(obj)

    def available():
        live = kube.get_object(f"/apis/apiregistration.k8s.io/v1/apiservices/{API_SERVICE}")
        return condition(live, "Available").get("status") == "True"

    try:
        wait_for(f"APIService {API_SERVICE} Available", available, timeout_s)
    except TimeoutError as error:
        live = kube.get_object(f"/apis/apiregistration.k8s.io/v1/apiservices/{API_SERVICE}") or {}
        raise RuntimeError(f"{error}: {condition(live, 'Available')}") from None
