"""A tiny stand-in for the Kubernetes API (http.server on 127.0.0.1) serving canned objects.

It answers what the ops commands ask: /version, discovery of served group versions, GET of one
object, EndpointSlices listed by service name, Pods listed by label selector, and a JSON merge
patch of one object (recorded). Tests build a healthy cluster from dist/ and then break one
thing at a time.
"""

from __future__ import annotations

import copy
import json
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from manifests import Manifest

CLUSTER_SCOPED = {"Namespace", "ClusterSecretStore"}
IRREGULAR_PLURALS = {"Ingress": "ingresses", "NetworkPolicy": "networkpolicies", "EndpointSlice": "endpointslices"}
ALWAYS_SERVED = {
    "v1",
    "apps/v1",
    "networking.k8s.io/v1",
    "discovery.k8s.io/v1",
    "policy/v1",
    "rbac.authorization.k8s.io/v1",
    "autoscaling/v2",
    "argoproj.io/v1alpha1",
    "external-secrets.io/v1",
}


def plural(kind: str) -> str:
    if kind in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[kind]
    lower = kind.lower()
    return lower[:-1] + "ies" if lower.endswith("y") else lower + ("es" if lower.endswith("s") else "s")


def url_path(api_version: str, kind: str, namespace: str, name: str) -> str:
    base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
    if kind not in CLUSTER_SCOPED:
        base += f"/namespaces/{namespace}"
    return f"{base}/{plural(kind)}/{name}"


@dataclass
class FakeCluster:
    objects: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict)
    served: set[str] = field(default_factory=lambda: set(ALWAYS_SERVED))
    endpoints: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    token: str | None = None
    requests: list[str] = field(default_factory=list)
    patches: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def put(self, obj: dict[str, Any]) -> None:
        meta = obj["metadata"]
        self.objects[(obj["apiVersion"], obj["kind"], meta.get("namespace", ""), meta["name"])] = obj

    def get(self, kind: str, name: str) -> dict[str, Any]:
        return next(o for (_, k, _, n), o in self.objects.items() if k == kind and n == name)

    def remove(self, kind: str, name: str) -> None:
        self.objects = {key: o for key, o in self.objects.items() if not (key[1] == kind and key[3] == name)}

    def answer(self, raw_path: str, headers: Any) -> tuple[int, Any]:
        self.requests.append(raw_path)
        if self.token and headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"kind": "Status", "message": "Unauthorized", "reason": "Unauthorized"}
        parsed = urllib.parse.urlsplit(raw_path)
        path, query = parsed.path, urllib.parse.parse_qs(parsed.query)
        if path == "/version":
            return 200, {"gitVersion": "v1.35.4-fake"}
        for group_version in self.served:
            if path == ("/api/v1" if group_version == "v1" else f"/apis/{group_version}"):
                kinds = {k for (av, k, _, _) in self.objects if av == group_version}
                if group_version == "discovery.k8s.io/v1":
                    kinds.add("EndpointSlice")
                resources = [{"name": plural(k), "kind": k, "namespaced": k not in CLUSTER_SCOPED} for k in sorted(kinds)]
                resources += [
                    {"name": plural(k) + "/status", "kind": k, "namespaced": k not in CLUSTER_SCOPED} for k in sorted(kinds)
                ]
                return 200, {"kind": "APIResourceList", "groupVersion": group_version, "resources": resources}
        if path.startswith("/apis/discovery.k8s.io/v1/namespaces/") and path.endswith("/endpointslices"):
            namespace = path.split("/")[5]
            selector = (query.get("labelSelector") or [""])[0]
            service = selector.partition("kubernetes.io/service-name=")[2]
            slices = (
                [{"endpoints": self.endpoints.get((namespace, service), [])}] if (namespace, service) in self.endpoints else []
            )
            return 200, {"kind": "EndpointSliceList", "items": slices}
        if path.startswith("/api/v1/namespaces/") and path.endswith("/pods"):
            return 200, {"kind": "PodList", "items": self._pods(path.split("/")[4], (query.get("labelSelector") or [""])[0])}
        routes = self._routes()
        if path in routes:
            return 200, routes[path]
        return 404, {"kind": "Status", "message": f"{path} not found", "reason": "NotFound"}

    def _routes(self) -> dict[str, dict[str, Any]]:
        return {url_path(av, k, ns, n): o for (av, k, ns, n), o in self.objects.items() if av in self.served}

    def _pods(self, namespace: str, selector: str) -> list[dict[str, Any]]:
        wanted = dict(term.split("=", 1) for term in selector.split(",") if term)
        return [
            o
            for (_, kind, ns, _), o in self.objects.items()
            if kind == "Pod" and ns == namespace and wanted.items() <= (o["metadata"].get("labels") or {}).items()
        ]

    def patch(self, raw_path: str, patch: dict[str, Any]) -> tuple[int, Any]:
        """A JSON merge patch (RFC 7386) of one object."""
        obj = self._routes().get(urllib.parse.urlsplit(raw_path).path)
        if obj is None:
            return 404, {"kind": "Status", "message": f"{raw_path} not found", "reason": "NotFound"}
        self.patches.append((raw_path, patch))
        _merge(obj, patch)
        return 200, obj


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


class _Handler(BaseHTTPRequestHandler):
    cluster: FakeCluster

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._send(*self.server.cluster.answer(self.path, self.headers))  # type: ignore[attr-defined]

    def do_PATCH(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        self._send(*self.server.cluster.patch(self.path, body))  # type: ignore[attr-defined]

    def _send(self, status: int, body: Any) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve(cluster: FakeCluster, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.cluster = cluster  # type: ignore[attr-defined]
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def healthy(objects: list[Manifest]) -> FakeCluster:
    """What a converged cluster would return for every object of dist/<env>."""
    cluster = FakeCluster()
    for item in objects:
        obj = copy.deepcopy(item.body)
        obj.setdefault("metadata", {})["generation"] = 1
        kind = item.kind
        if kind == "Namespace":
            obj["status"] = {"phase": "Active"}
        elif kind == "Application":
            obj["status"] = {"sync": {"status": "Synced", "revision": "0123456789abcdef"}, "health": {"status": "Healthy"}}
        elif kind in {"Deployment", "StatefulSet"}:
            replicas = obj["spec"].setdefault("replicas", 1)
            obj["status"] = {
                "observedGeneration": 1,
                "replicas": replicas,
                "readyReplicas": replicas,
                "availableReplicas": replicas,
            }
        elif kind in {"ExternalSecret", "ClusterSecretStore"}:
            obj["status"] = {"conditions": [{"type": "Ready", "status": "True", "reason": "SecretSynced"}]}
        elif kind == "Ingress":
            obj["status"] = {"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}]}}
        elif kind == "Service":
            cluster.endpoints[(item.namespace, item.name)] = [{"addresses": ["10.0.0.5"], "conditions": {"ready": True}}]
        cluster.put(obj)
    return cluster


class FakeIngress(BaseHTTPRequestHandler):
    """Answers GET <path> for one Host with a fixed status; records the Host headers seen."""

    def do_GET(self) -> None:  # noqa: N802
        srv = self.server
        srv.seen.append((self.headers.get("Host"), self.path))  # type: ignore[attr-defined]
        ok = self.headers.get("Host") == srv.host and self.path == srv.path  # type: ignore[attr-defined]
        self.send_response(srv.status if ok else 404)  # type: ignore[attr-defined]
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def fake_ingress(
    host: str, path: str, status: int = 200, tls: ssl.SSLContext | None = None
) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeIngress)
    server.host, server.path, server.status, server.seen = host, path, status, []  # type: ignore[attr-defined]
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", server.seen  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
