"""A read-only Kubernetes API client: kubeconfig parsing, TLS with the standard library, GET.

`ops validate` needs a handful of GETs, so a client library (and its transitive pins) is not
worth it. Supported credentials: client certificates (file or inline data), bearer tokens
(inline or tokenFile) and exec plugins (e.g. `aws eks get-token`), which cover kind, kubeadm
and EKS kubeconfigs. Legacy auth-provider entries and basic auth are refused with a message.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import ssl
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ops.common import EXIT_ERROR, EXIT_USAGE, OpsError, one_line

TIMEOUT_S = 15.0
EXEC_TIMEOUT_S = 60.0


class KubeError(OpsError):
    """The API server cannot be used at all (unreachable, TLS or credentials refused)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_ERROR)


@dataclass
class ClusterAccess:
    """Everything needed to talk to one API server; secrets live only in memory."""

    context: str
    server: str
    ca_pem: str | None = None  # None: the system trust store
    insecure: bool = False
    tls_server_name: str | None = None
    client_cert_pem: bytes | None = field(default=None, repr=False)
    client_key_pem: bytes | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)


# --- kubeconfig ---------------------------------------------------------------------------------


def kubeconfig_paths(explicit: str | None) -> list[Path]:
    if explicit:
        return [Path(explicit).expanduser()]
    listed = [p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    if listed:
        return [Path(p).expanduser() for p in listed]
    return [Path.home() / ".kube" / "config"]


def _read_kubeconfig(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OpsError(f"{path}: kubeconfig not found (pass --kubeconfig or set KUBECONFIG)", EXIT_USAGE) from None
    except (OSError, UnicodeDecodeError) as error:
        raise OpsError(f"{path}: cannot read kubeconfig ({one_line(error)})", EXIT_USAGE) from None
    except yaml.YAMLError as error:
        raise OpsError(f"{path}: kubeconfig is not valid YAML ({one_line(error)})", EXIT_USAGE) from None
    if not isinstance(data, dict):
        raise OpsError(f"{path}: kubeconfig is not a mapping", EXIT_USAGE)
    return data


def _named(entries: Any, path: Path, section: str, base: dict[str, tuple[Path, dict[str, Any]]]) -> None:
    # kubectl's merge rule: the first file that defines a name wins.
    for entry in entries or []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry["name"] not in base:
            base[entry["name"]] = (path, entry.get(section) or {})


def load_kubeconfig(explicit: str | None = None, context: str | None = None) -> ClusterAccess:
    clusters: dict[str, tuple[Path, dict[str, Any]]] = {}
    users: dict[str, tuple[Path, dict[str, Any]]] = {}
    contexts: dict[str, tuple[Path, dict[str, Any]]] = {}
    current = None
    paths = kubeconfig_paths(explicit)
    for path in paths:
        if not path.exists() and not explicit and len(paths) > 1:
            continue  # kubectl also skips missing entries of a KUBECONFIG list
        data = _read_kubeconfig(path)
        current = current or data.get("current-context")
        _named(data.get("clusters"), path, "cluster", clusters)
        _named(data.get("users"), path, "user", users)
        _named(data.get("contexts"), path, "context", contexts)
    name = context or current
    shown = ", ".join(str(p) for p in paths)
    if not name:
        raise OpsError(f"{shown}: no current-context set (pass --context)", EXIT_USAGE)
    if name not in contexts:
        raise OpsError(f"{shown}: context '{name}' not found", EXIT_USAGE)
    ctx = contexts[name][1]
    cluster_name, user_name = ctx.get("cluster"), ctx.get("user")
    if cluster_name not in clusters:
        raise OpsError(f"{shown}: context '{name}' names cluster '{cluster_name}', which is not defined", EXIT_USAGE)
    cluster_path, cluster = clusters[cluster_name]
    server = cluster.get("server")
    if not isinstance(server, str) or not server.startswith(("https://", "http://")):
        raise OpsError(f"{cluster_path}: cluster '{cluster_name}' has no https server URL", EXIT_USAGE)
    access = ClusterAccess(
        context=name,
        server=server.rstrip("/"),
        ca_pem=_pem_field(cluster, "certificate-authority", cluster_path, f"cluster '{cluster_name}'"),
        insecure=bool(cluster.get("insecure-skip-tls-verify", False)),
        tls_server_name=cluster.get("tls-server-name"),
    )
    if user_name:
        if user_name not in users:
            raise OpsError(f"{shown}: context '{name}' names user '{user_name}', which is not defined", EXIT_USAGE)
        user_path, user = users[user_name]
        _user_credentials(access, user, user_path, f"user '{user_name}'")
    return access


def _pem_field(section: dict[str, Any], key: str, path: Path, what: str) -> str | None:
    """`<key>-data` (base64, inline) or `<key>` (a file, relative to the kubeconfig)."""
    raw = _pem_bytes(section, key, path, what)
    return raw.decode() if raw is not None else None


def _pem_bytes(section: dict[str, Any], key: str, path: Path, what: str) -> bytes | None:
    inline = section.get(f"{key}-data")
    if inline:
        try:
            return base64.b64decode(inline, validate=True)
        except (ValueError, TypeError):
            raise OpsError(f"{path}: {what}: {key}-data is not base64", EXIT_USAGE) from None
    file = section.get(key)
    if file:
        target = (path.parent / Path(file).expanduser()) if not Path(file).expanduser().is_absolute() else Path(file).expanduser()
        try:
            return target.read_bytes()
        except OSError as error:
            raise OpsError(f"{path}: {what}: cannot read {key} {target} ({error.strerror})", EXIT_USAGE) from None
    return None


def _user_credentials(access: ClusterAccess, user: dict[str, Any], path: Path, what: str) -> None:
    if user.get("auth-provider"):
        raise OpsError(f"{path}: {what} uses an auth-provider, which is not supported; use an exec plugin or a token", EXIT_USAGE)
    if user.get("username") or user.get("password"):
        raise OpsError(
            f"{path}: {what} uses basic auth, which is not supported; use a certificate, token or exec plugin", EXIT_USAGE
        )
    access.client_cert_pem = _pem_bytes(user, "client-certificate", path, what)
    access.client_key_pem = _pem_bytes(user, "client-key", path, what)
    if bool(access.client_cert_pem) != bool(access.client_key_pem):
        raise OpsError(f"{path}: {what} has a client certificate without its key (or the reverse)", EXIT_USAGE)
    if user.get("token"):
        access.token = str(user["token"])
    elif user.get("tokenFile"):
        try:
            access.token = Path(user["tokenFile"]).expanduser().read_text().strip()
        except OSError as error:
            raise OpsError(f"{path}: {what}: cannot read tokenFile ({error.strerror})", EXIT_USAGE) from None
    if user.get("exec"):
        _exec_credentials(access, user["exec"], path, what)


def _exec_credentials(access: ClusterAccess, spec: dict[str, Any], path: Path, what: str) -> None:
    command = spec.get("command")
    if not command:
        raise OpsError(f"{path}: {what}: exec has no command", EXIT_USAGE)
    env = dict(os.environ)
    env.update({e["name"]: str(e.get("value", "")) for e in spec.get("env") or [] if isinstance(e, dict) and "name" in e})
    api_version = spec.get("apiVersion", "client.authentication.k8s.io/v1")
    env["KUBERNETES_EXEC_INFO"] = json.dumps(
        {"apiVersion": api_version, "kind": "ExecCredential", "spec": {"interactive": False}}
    )
    argv = [str(command), *[str(a) for a in spec.get("args") or []]]
    try:
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=EXEC_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise KubeError(f"{what}: credential plugin {command} failed to run ({one_line(error)})") from None
    if proc.returncode != 0:
        first = one_line(proc.stderr.strip().splitlines()[0]) if proc.stderr.strip() else "no message"
        raise KubeError(f"{what}: credential plugin {command} exited {proc.returncode}: {first}")
    try:
        status = json.loads(proc.stdout).get("status") or {}
    except (json.JSONDecodeError, AttributeError):
        raise KubeError(f"{what}: credential plugin {command} did not print an ExecCredential") from None
    if status.get("token"):
        access.token = str(status["token"])
    if status.get("clientCertificateData") and status.get("clientKeyData"):
        access.client_cert_pem = str(status["clientCertificateData"]).encode()
        access.client_key_pem = str(status["clientKeyData"]).encode()
    if not access.token and not access.client_cert_pem:
        raise KubeError(f"{what}: credential plugin {command} returned neither a token nor a certificate")


# --- HTTPS ---------------------------------------------------------------------------------------


def ssl_context(access: ClusterAccess) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cadata=access.ca_pem) if access.ca_pem else ssl.create_default_context()
    if access.insecure:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if access.client_cert_pem and access.client_key_pem:
        # The ssl module loads key material from files only: a private directory that exists
        # for the duration of this call.
        with tempfile.TemporaryDirectory(prefix="ops-kube-") as tmp:
            cert, key = Path(tmp, "client.crt"), Path(tmp, "client.key")
            for target, data in ((cert, access.client_cert_pem), (key, access.client_key_pem)):
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
            try:
                ctx.load_cert_chain(str(cert), str(key))
            except ssl.SSLError as error:
                raise OpsError(
                    f"context '{access.context}': client certificate or key unusable ({one_line(error)})", EXIT_USAGE
                ) from None
    return ctx


class _Connection(http.client.HTTPSConnection):
    """HTTPS to an address while verifying the certificate for another name (tls-server-name,
    or an ingress host reached through a given address)."""

    def __init__(self, host: str, port: int, *, context: ssl.SSLContext, server_name: str, timeout: float) -> None:
        super().__init__(host, port, context=context, timeout=timeout)
        self._server_name = server_name
        self._ctx = context

    def connect(self) -> None:
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._ctx.wrap_socket(sock, server_hostname=self._server_name)


def open_connection(
    url: str,
    context: ssl.SSLContext | None,
    *,
    server_name: str | None = None,
    address: tuple[str, int] | None = None,
    timeout: float = TIMEOUT_S,
) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connect_host, connect_port = address or (host, port)
    if parts.scheme == "https":
        return _Connection(
            connect_host,
            connect_port,
            context=context or ssl.create_default_context(),
            server_name=server_name or host,
            timeout=timeout,
        )
    return http.client.HTTPConnection(connect_host, connect_port, timeout=timeout)


@dataclass
class Response:
    status: int
    body: dict[str, Any]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def message(self) -> str:
        return one_line(self.body.get("message") or self.body.get("reason") or f"HTTP {self.status}")


class KubeClient:
    def __init__(self, access: ClusterAccess) -> None:
        self.access = access
        self._context = ssl_context(access) if access.server.startswith("https://") else None
        self._discovery: dict[str, dict[str, tuple[str, bool]] | None] = {}

    def get(self, path: str, query: dict[str, str] | None = None) -> Response:
        if query:
            path = f"{path}?{urllib.parse.urlencode(query)}"
        headers = {"Accept": "application/json", "User-Agent": "flask-platform-ops"}
        if self.access.token:
            headers["Authorization"] = f"Bearer {self.access.token}"
        conn = open_connection(self.access.server + path, self._context, server_name=self.access.tls_server_name)
        base = urllib.parse.urlsplit(self.access.server).path.rstrip("/")
        try:
            conn.request("GET", base + path, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
        except ssl.SSLError as error:
            raise KubeError(f"{self.access.server}: TLS failed ({one_line(error)})") from None
        except OSError as error:
            raise KubeError(f"{self.access.server}: API server unreachable ({one_line(error)})") from None
        finally:
            conn.close()
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = {"message": raw[:200].decode(errors="replace")}
        if resp.status == 401:
            raise KubeError(
                f"{self.access.server}: the API server rejected the credentials of context '{self.access.context}' (HTTP 401)"
            )
        return Response(resp.status, body if isinstance(body, dict) else {"items": body})

    def version(self) -> str:
        resp = self.get("/version")
        if not resp.ok:
            raise KubeError(f"{self.access.server}: GET /version answered HTTP {resp.status}: {resp.message}")
        return str(resp.body.get("gitVersion", "unknown version"))

    def resources(self, api_version: str) -> dict[str, tuple[str, bool]] | None:
        """kind -> (plural, namespaced) of a group version; None when it is not served."""
        if api_version not in self._discovery:
            resp = self.get("/api/v1" if api_version == "v1" else f"/apis/{api_version}")
            if resp.status == 404:
                self._discovery[api_version] = None
            elif not resp.ok:
                raise KubeError(f"discovery of {api_version} answered HTTP {resp.status}: {resp.message}")
            else:
                self._discovery[api_version] = {
                    r["kind"]: (r["name"], bool(r.get("namespaced")))
                    for r in resp.body.get("resources", [])
                    if isinstance(r, dict) and "/" not in r.get("name", "/")
                }
        return self._discovery[api_version]

    def object_path(self, api_version: str, kind: str, namespace: str, name: str) -> str | None:
        """The object's URL path; None when its kind is not served."""
        served = self.resources(api_version)
        if served is None or kind not in served:
            return None
        plural, namespaced = served[kind]
        base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        if namespaced:
            base += f"/namespaces/{urllib.parse.quote(namespace or 'default')}"
        return f"{base}/{plural}/{urllib.parse.quote(name)}"
