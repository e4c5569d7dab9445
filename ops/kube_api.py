"""The API server as the ops commands read it (and patch an Application, or create `ops rotate`'s
Job), through the official Kubernetes client.

The client loads the kubeconfig and authenticates the way kubectl does: a KUBECONFIG list of
files merged (the first file defining a name wins), client certificates, `token` and
`tokenFile` (relative to the file that defines the user), exec plugins, OIDC, basic auth,
`tls-server-name` and `insecure-skip-tls-verify`. What this module adds is what the client
leaves out or reports poorly: `proxy-url`, kubectl's choice of the current context, one-line
errors naming the file, the field and the reason, and GETs that return plain JSON together
with where each kind is served.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import urllib3
import yaml
from kubernetes import client as k8s
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from kubernetes.config.kube_config import KubeConfigLoader, KubeConfigMerger

from ops.common import EXIT_ERROR, EXIT_USAGE, OpsError, one_line

# (connect, read) seconds; the client ignores a single float.
TIMEOUT_S = (5, 15)
USER_AGENT = "flask-platform-ops"
PROXY_SCHEMES = ("http", "https")  # what urllib3, the client's transport, can tunnel through


class KubeError(OpsError):
    """The API server cannot be used at all (unreachable, TLS, or credentials refused)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_ERROR)


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


# --- kubeconfig ---------------------------------------------------------------------------------


def kubeconfig_source(explicit: str | None) -> str:
    """What kubectl reads: --kubeconfig, else every file of $KUBECONFIG, else ~/.kube/config."""
    return explicit or os.environ.get("KUBECONFIG") or str(Path.home() / ".kube" / "config")


def _merged(source: str, explicit: bool) -> KubeConfigMerger:
    if explicit and not Path(source).expanduser().is_file():
        raise OpsError(f"{source}: kubeconfig not found (pass --kubeconfig or set KUBECONFIG)", EXIT_USAGE)
    try:
        merger = KubeConfigMerger(source)  # skips missing files of a list, as kubectl does
    except OSError as error:
        raise OpsError(f"{error.filename or source}: cannot read kubeconfig ({error.strerror})", EXIT_USAGE) from None
    except yaml.YAMLError as error:
        raise OpsError(f"{source}: kubeconfig is not valid YAML ({one_line(error)})", EXIT_USAGE) from None
    except (ConfigException, AttributeError, TypeError, KeyError) as error:
        raise OpsError(f"{source}: not a kubeconfig ({one_line(error)})", EXIT_USAGE) from None
    if merger.config is None:
        raise OpsError(f"{source}: kubeconfig not found (pass --kubeconfig or set KUBECONFIG)", EXIT_USAGE)
    for section in ("clusters", "users", "contexts"):
        for node in merger.config.value[section]:
            # The client names an entry after its whole content, secrets included, and puts that
            # name into its error messages: a name that says where the entry is, and nothing more.
            node.name = f"{node.path}: {section}[name={node.value.get('name')}]"
    return merger


def _current_context(merger: KubeConfigMerger) -> str | None:
    # kubectl takes the first file that sets current-context; the client would take the last.
    return next((str(c["current-context"]) for c in merger.config_files.values() if c.get("current-context")), None)


def _entry(merger: KubeConfigMerger, section: str, name: str) -> Any:
    """The merged entry (a ConfigNode: .value the mapping, .path its file) of that name, or None."""
    return next((node for node in merger.config.value[section] if node.value.get("name") == name), None)


@dataclass(frozen=True)
class _Selected:
    context: str
    cluster: dict[str, Any]
    cluster_file: str  # the file that defines the cluster
    user_name: str | None
    user: dict[str, Any]
    user_file: str | None


def _select(merger: KubeConfigMerger, source: str, context: str | None) -> _Selected:
    name = context or _current_context(merger)
    if not name:
        raise OpsError(f"{source}: no current-context set (pass --context)", EXIT_USAGE)
    entry = _entry(merger, "contexts", name)
    if entry is None:
        raise OpsError(f"{source}: context '{name}' not found", EXIT_USAGE)
    body = entry.value.get("context") or {}
    cluster_name, user_name = body.get("cluster"), body.get("user")
    cluster_entry = _entry(merger, "clusters", str(cluster_name))
    if cluster_entry is None:
        raise OpsError(f"{entry.path}: context '{name}' names cluster '{cluster_name}', which is not defined", EXIT_USAGE)
    cluster = cluster_entry.value.get("cluster") or {}
    if not isinstance(cluster.get("server"), str) or not cluster["server"].startswith(("https://", "http://")):
        raise OpsError(f"{cluster_entry.path}: cluster '{cluster_name}': server is missing or not an https:// URL", EXIT_USAGE)
    user_entry = None
    if user_name:
        user_entry = _entry(merger, "users", str(user_name))
        if user_entry is None or not isinstance(user_entry.value.get("user"), dict):
            raise OpsError(f"{entry.path}: context '{name}' names user '{user_name}', which is not defined", EXIT_USAGE)
    return _Selected(
        name,
        cluster,
        str(cluster_entry.path),
        str(user_name) if user_name else None,
        user_entry.value["user"] if user_entry else {},
        str(user_entry.path) if user_entry else None,
    )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _logged_failures() -> Iterator[list[str]]:
    """What the client logs instead of raising (a failed exec plugin is logged, then skipped)."""
    root = logging.getLogger()
    handler = _Collect()
    root.addHandler(handler)
    try:
        yield handler.messages
    finally:
        root.removeHandler(handler)


def _field_of(selected: _Selected, target: str) -> str:
    """`<file>: user 'u': tokenFile <target>` for the kubeconfig field that points at a file."""
    for what, section, file in (
        (f"user '{selected.user_name}'", selected.user, selected.user_file),
        ("cluster", selected.cluster, selected.cluster_file),
    ):
        base = os.path.dirname(os.path.abspath(file)) if file else ""
        for key, value in section.items():
            if isinstance(value, str) and os.path.normpath(os.path.join(base, value)) == os.path.normpath(target):
                return f"{file}: {what}: {key} {target}"
    return target


def _credentials(selected: _Selected, configuration: k8s.Configuration, merger: KubeConfigMerger) -> None:
    where = f"{selected.user_file}: user '{selected.user_name}'" if selected.user_file else f"context '{selected.context}'"
    # config_base_path=None: relative paths are resolved against the file that defines them.
    loader = KubeConfigLoader(merger.config, active_context=selected.context, config_base_path=None)
    with _logged_failures() as failures:
        try:
            loader.load_and_set(configuration)
        except OSError as error:  # an unreadable tokenFile
            raise OpsError(f"{_field_of(selected, str(error.filename))}: {error.strerror}", EXIT_USAGE) from None
        except ConfigException as error:
            text = one_line(error)
            missing = text.removeprefix("File does not exist: ")
            if missing != text:
                raise OpsError(f"{_field_of(selected, missing)}: no such file", EXIT_USAGE) from None
            raise OpsError(f"{where}: {text}", EXIT_USAGE) from None
        except (ValueError, TypeError, KeyError, AttributeError) as error:  # e.g. *-data that is not base64
            raise OpsError(f"{where}: unusable credentials ({type(error).__name__}: {one_line(error)})", EXIT_USAGE) from None
    # kubectl trims a token file's content (such files usually end in a newline); the client
    # sends it as it is, which no HTTP header can carry. Its refreshes copy this same attribute.
    token = getattr(loader, "token", None)
    if isinstance(token, str) and token != token.strip():
        loader.token = configuration.api_key["authorization"] = token.strip()
    if failures:
        command = (selected.user.get("exec") or {}).get("command")
        what = f"exec plugin {command}" if command else "credentials"
        raise KubeError(f"{where}: {what} failed: {one_line(failures[0])}")


def _proxy(selected: _Selected, configuration: k8s.Configuration) -> None:
    proxy = selected.cluster.get("proxy-url")
    if not proxy:
        return
    scheme = urllib.parse.urlsplit(str(proxy)).scheme
    if scheme not in PROXY_SCHEMES:
        raise OpsError(
            f"{selected.cluster_file}: cluster: proxy-url scheme '{scheme}' is not supported (http or https)", EXIT_USAGE
        )
    configuration.proxy = str(proxy)
    configuration.no_proxy = None  # kubectl sends everything through proxy-url, NO_PROXY or not


class KubeApi:
    """GETs against one API server, answers as JSON; the discovery of where each kind lives."""

    def __init__(self, api: k8s.ApiClient, context: str) -> None:
        self.api = api
        self.context = context
        self.server = api.configuration.host
        self._discovery: dict[str, dict[str, tuple[str, bool]] | None] = {}

    def get(self, path: str, query: dict[str, str] | None = None) -> Response:
        return self._call("GET", path, query=query)

    def create(self, path: str, body: dict[str, Any]) -> Response:
        """POST one object to its collection path (`ops rotate --now` starts a Job)."""
        return self._call("POST", path, body=body)

    def _call(self, method: str, path: str, *, query: dict[str, str] | None = None, body: Any = None) -> Response:
        try:
            body, status, _headers = self.api.call_api(
                path,
                method,
                query_params=list((query or {}).items()),
                header_params={"Accept": "application/json", **({"Content-Type": "application/json"} if body else {})},
                body=body,
                auth_settings=["BearerToken"],
                response_type="object",
                _return_http_data_only=False,
                _request_timeout=TIMEOUT_S,
            )
        except ApiException as error:
            if error.status == 0:  # how the client reports a TLS failure
                raise KubeError(f"{self.server}: TLS failed ({one_line(error.reason)})") from None
            if error.status == 401:
                raise KubeError(
                    f"{self.server}: the API server rejected the credentials of context '{self.context}' (HTTP 401)"
                ) from None
            return Response(int(error.status), _json_body(error.body))
        except urllib3.exceptions.HTTPError as error:
            raise KubeError(f"{self.server}: API server unreachable ({one_line(error)})") from None
        return Response(int(status), body if isinstance(body, dict) else {"items": body})

    def merge_patch(self, path: str, patch: dict[str, Any]) -> Response:
        """A JSON merge patch of one object (how `argocd app terminate-op` marks an operation Terminating)."""
        try:
            body, status, _headers = self.api.call_api(
                path,
                "PATCH",
                body=patch,
                header_params={"Accept": "application/json", "Content-Type": "application/merge-patch+json"},
                auth_settings=["BearerToken"],
                response_type="object",
                _return_http_data_only=False,
                _request_timeout=TIMEOUT_S,
            )
        except ApiException as error:
            if error.status in (0, 401):
                raise KubeError(f"{self.server}: PATCH {path} failed ({one_line(error.reason)})") from None
            return Response(int(error.status), _json_body(error.body))
        except urllib3.exceptions.HTTPError as error:
            raise KubeError(f"{self.server}: API server unreachable ({one_line(error)})") from None
        return Response(int(status), body if isinstance(body, dict) else {})

    def version(self) -> str:
        resp = self.get("/version")
        if not resp.ok:
            raise KubeError(f"{self.server}: GET /version answered HTTP {resp.status}: {resp.message}")
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


def _json_body(raw: Any) -> dict[str, Any]:
    try:
        body = json.loads(raw) if raw else {}
    except (json.JSONDecodeError, TypeError):
        body = None
    return body if isinstance(body, dict) else {"message": one_line(str(raw)[:200])}


def connect(kubeconfig: str | None = None, context: str | None = None) -> KubeApi:
    """A client for the kubeconfig's (or the given) context; every kubeconfig problem is one line."""
    source = kubeconfig_source(kubeconfig)
    merger = _merged(source, explicit=bool(kubeconfig))
    selected = _select(merger, source, context)
    configuration = k8s.Configuration()
    _credentials(selected, configuration, merger)
    _proxy(selected, configuration)
    configuration.retries = False  # one attempt, its error as it is; validate is run again by hand
    api = k8s.ApiClient(configuration)
    api.user_agent = USER_AGENT
    return KubeApi(api, selected.context)
