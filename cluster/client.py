"""A small HTTPS client for the test API server: server-side apply, dry-run, SAR, warnings.

Plain http.client with the admin client certificate, so every response's `Warning` headers
(PodSecurity "would violate", deprecations, unknown or duplicate fields) are read exactly as
the server sent them; a general-purpose client library would log or swallow them.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import yaml

FIELD_MANAGER = "flask-platform-tests"
_WARNING = re.compile(r'^\s*(\d{3})\s+\S+\s+"((?:[^"\\]|\\.)*)"')


def parse_warning(header: str) -> str:
    """The text of an RFC 7234 warning header (`299 - "text"`), unescaped."""
    match = _WARNING.match(header)
    if not match:
        return header
    return re.sub(r"\\(.)", r"\1", match.group(2))


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def message(self) -> str:
        return str(self.body.get("message", self.body)) if not self.ok else ""


class ApiError(Exception):
    def __init__(self, what: str, response: Response) -> None:
        super().__init__(f"{what}: HTTP {response.status}: {response.message}")
        self.what = what
        self.response = response


def identity(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata", {})
    ns = meta.get("namespace")
    return f"{obj.get('apiVersion')} {obj.get('kind')} {ns + '/' if ns else ''}{meta.get('name')}"


@dataclass(frozen=True)
class ResourceInfo:
    plural: str
    namespaced: bool


class Client:
    def __init__(self, url: str, context: ssl.SSLContext) -> None:
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 443
        self.context = context
        self._resources: dict[tuple[str, str], ResourceInfo] = {}

    # -- transport -------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        content_type: str = "application/json",
        query: dict[str, str] | None = None,
    ) -> Response:
        if query:
            path = f"{path}?{urllib.parse.urlencode(query)}"
        payload: bytes | None = None
        headers = {"Accept": "application/json"}
        if body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            headers["Content-Type"] = content_type
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=60)
        try:
            conn.request(method, path, body=payload, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            warnings = [parse_warning(h) for h in resp.headers.get_all("Warning") or []]
        finally:
            conn.close()
        try:
            decoded = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            decoded = {"message": raw.decode(errors="replace")}
        return Response(resp.status, decoded if isinstance(decoded, dict) else {"items": decoded}, warnings)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    # -- discovery -------------------------------------------------------------------------

    def resource(self, api_version: str, kind: str) -> ResourceInfo:
        key = (api_version, kind)
        if key not in self._resources:
            self._discover(api_version)
        if key not in self._resources:
            raise LookupError(f"the API server serves no kind {kind} in {api_version}")
        return self._resources[key]

    def _discover(self, api_version: str) -> None:
        path = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        resp = self.get(path)
        if not resp.ok:
            return
        for res in resp.body.get("resources", []):
            if "/" not in res["name"]:  # subresources share the kind of their parent
                self._resources[(api_version, res["kind"])] = ResourceInfo(res["name"], bool(res["namespaced"]))

    def forget_discovery(self) -> None:
        self._resources.clear()

    def path_for(self, obj: dict[str, Any], with_name: bool = True) -> str:
        api_version, kind = obj["apiVersion"], obj["kind"]
        info = self.resource(api_version, kind)
        base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        meta = obj.get("metadata", {})
        if info.namespaced:
            ns = meta.get("namespace") or "default"
            base = f"{base}/namespaces/{ns}"
        path = f"{base}/{info.plural}"
        return f"{path}/{meta['name']}" if with_name else path

    # -- writes ------------------------------------------------------------------------------

    def apply(self, obj: dict[str, Any], *, dry_run: bool = False, field_manager: str = FIELD_MANAGER) -> Response:
        """Server-side apply as ArgoCD's `ServerSideApply=true` does it: forced, strict fields."""
        query = {"fieldManager": field_manager, "force": "true", "fieldValidation": "Strict"}
        if dry_run:
            query["dryRun"] = "All"
        body = yaml.safe_dump(obj, sort_keys=False).encode()
        resp = self.request("PATCH", self.path_for(obj), body, "application/apply-patch+yaml", query)
        if not resp.ok:
            raise ApiError(f"apply {identity(obj)}", resp)
        return resp

    def create(self, obj: dict[str, Any], *, dry_run: bool = False) -> Response:
        query = {"fieldValidation": "Strict"}
        if dry_run:
            query["dryRun"] = "All"
        resp = self.request("POST", self.path_for(obj, with_name=False), obj, query=query)
        if not resp.ok:
            raise ApiError(f"create {identity(obj)}", resp)
        return resp

    def update_status(self, obj: dict[str, Any]) -> Response:
        resp = self.request("PUT", self.path_for(obj) + "/status", obj)
        if not resp.ok:
            raise ApiError(f"update status of {identity(obj)}", resp)
        return resp

    def read(self, obj: dict[str, Any]) -> Response:
        return self.get(self.path_for(obj))

    # -- authorization -----------------------------------------------------------------------

    def can(self, user: str, groups: list[str], attributes: dict[str, str]) -> tuple[bool, str]:
        """Ask the authorizer chain (Node, RBAC) whether `user` may do `attributes`."""
        review = {
            "apiVersion": "authorization.k8s.io/v1",
            "kind": "SubjectAccessReview",
            "spec": {"user": user, "groups": groups, "resourceAttributes": attributes},
        }
        resp = self.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", review)
        if not resp.ok:
            raise ApiError(f"SubjectAccessReview for {user}", resp)
        status = resp.body.get("status", {})
        return bool(status.get("allowed")) and not status.get("denied"), str(status.get("reason", ""))

    # -- CRDs --------------------------------------------------------------------------------

    def wait_established(self, crd_names: list[str], timeout_s: float = 120.0) -> None:
        """Block until every CRD reports Established (its API is served)."""
        pending = set(crd_names)
        deadline = time.monotonic() + timeout_s
        while pending and time.monotonic() < deadline:
            for name in sorted(pending):
                resp = self.get(f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}")
                conditions = resp.body.get("status", {}).get("conditions", []) if resp.ok else []
                if any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions):
                    pending.discard(name)
            if pending:
                time.sleep(0.25)
        if pending:
            raise TimeoutError(f"CRDs not Established after {timeout_s:.0f}s: {sorted(pending)}")
        self.forget_discovery()
