"""ops validate ENV: check a live cluster against what dist/ENV says should be there.

Every expectation comes from the synthesized YAML of dist/ENV (names, namespaces, PSA labels,
images, the API host and its health path), so nothing is written twice. Each line of the
table is PASS, FAIL or N/A; the exit status is 1 when any line is FAIL.

N/A is used for one thing only: the API health check through the ingress host when the host
cannot be reached from where validate runs (no DNS, no route: typical on a laptop outside the
cluster network). `--require-ingress` turns that into a FAIL, for runners that must reach it;
`--ingress-address` connects to a given address (the load balancer) with the right Host header.
"""

from __future__ import annotations

import argparse
import socket
import ssl
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import urllib3

from charts import names
from config.loader import load_environment
from manifests import Manifest, load_env, of_kind
from ops.common import DIST, EXIT_FAILED, EXIT_OK, EXIT_USAGE, OpsError, one_line
from ops.kube_api import USER_AGENT, KubeApi, connect

PASS, FAIL, NA = "PASS", "FAIL", "N/A"
PSA_PREFIX = "pod-security.kubernetes.io/"
HEALTH_TIMEOUT_S = 5.0

HELP = "check a live cluster (current kube context) against dist/ENV; prints a PASS/FAIL table"
EPILOG = """\
Checks, each expected object taken from dist/ENV: namespaces and their Pod Security labels,
ArgoCD AppProject and Applications (Synced and Healthy), Deployments and StatefulSets
(available, running the rendered images), the ClusterSecretStore and ExternalSecrets (Ready),
Services (ready endpoints), NetworkPolicies (present), Ingresses (have an address), and the
API health endpoint through the API host. A missing object or CRD is a FAIL line.

The health check is N/A (not a failure) when the API host cannot be reached from here;
--require-ingress makes it a FAIL. --ingress-address ADDR[:PORT] connects there instead of
resolving the host (the Host header and TLS name stay the API host).

Exit status: 0 every line PASS or N/A, 1 any FAIL, 2 configuration or kubeconfig error,
3 the API server is unreachable or refuses the credentials, or an exec plugin fails.
"""


@dataclass(frozen=True)
class Line:
    status: str
    check: str
    target: str
    detail: str


class Checker:
    """Runs every check; an unexpected response becomes a FAIL line, never a traceback."""

    def __init__(self, client: KubeApi, objects: list[Manifest]) -> None:
        self.client = client
        self.objects = objects
        self.lines: list[Line] = []
        self._not_served: set[tuple[str, str]] = set()

    def add(self, status: str, check: str, target: str, detail: str) -> None:
        self.lines.append(Line(status, check, target, detail))

    # -- fetching ---------------------------------------------------------------------------

    def fetch(self, obj: Manifest, check: str) -> dict[str, Any] | None:
        """The live object, or None after recording a FAIL line (missing object or CRD)."""
        path = self.client.object_path(obj.api_version, obj.kind, obj.namespace, obj.name)
        if path is None:
            self._kind_not_served(obj, check)
            return None
        resp = self.client.get(path)
        if resp.status == 404:
            self.add(FAIL, check, _target(obj), "not found")
            return None
        if not resp.ok:
            self.add(FAIL, check, _target(obj), f"HTTP {resp.status}: {resp.message}")
            return None
        return resp.body

    def _kind_not_served(self, obj: Manifest, check: str) -> None:
        # One line per missing kind: twenty "not found" lines would hide the real cause.
        key = (obj.api_version, obj.kind)
        if key in self._not_served:
            return
        self._not_served.add(key)
        what = "CRD not installed" if "." in obj.group else "API not served"
        self.add(FAIL, check, f"{obj.kind}s", f"{what} ({obj.api_version})")

    def each(self, kind: str, check: str, group: str | None = None) -> Iterator[tuple[Manifest, dict[str, Any]]]:
        for obj in sorted(of_kind(self.objects, kind, group), key=lambda o: (o.namespace, o.name)):
            live = self.fetch(obj, check)
            if live is not None:
                yield obj, live

    def guarded(self, check: str, target: str, fn: Callable[..., None], *args: Any) -> None:
        try:
            fn(*args)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            self.add(FAIL, check, target, f"unexpected response ({type(error).__name__}: {one_line(error)})")

    # -- checks -----------------------------------------------------------------------------

    def namespaces(self) -> None:
        for obj, live in self.each("Namespace", "Namespace", ""):
            self.guarded("Namespace", obj.name, self._namespace, obj, live)

    def _namespace(self, obj: Manifest, live: dict[str, Any]) -> None:
        want = {k: v for k, v in _labels(obj.body).items() if k.startswith(PSA_PREFIX)}
        have = _labels(live)
        wrong = [f"{k}={have.get(k, '<unset>')} (want {v})" for k, v in sorted(want.items()) if have.get(k) != v]
        phase = (live.get("status") or {}).get("phase", "Active")
        if phase != "Active":
            self.add(FAIL, "Namespace", obj.name, f"phase {phase}")
        elif wrong:
            self.add(FAIL, "Namespace", obj.name, "PSA labels: " + ", ".join(wrong))
        else:
            enforce = want.get(PSA_PREFIX + "enforce", "<none>")
            self.add(PASS, "Namespace", obj.name, f"PSA enforce={enforce} ({len(want)} labels as rendered)")

    def argocd(self) -> None:
        for obj, _live in self.each("AppProject", "AppProject", "argoproj.io"):
            self.add(PASS, "AppProject", _target(obj), "present")
        for obj, live in self.each("Application", "Application", "argoproj.io"):
            self.guarded("Application", _target(obj), self._application, obj, live)

    def _application(self, obj: Manifest, live: dict[str, Any]) -> None:
        status = live.get("status") or {}
        sync = (status.get("sync") or {}).get("status", "Unknown")
        health = (status.get("health") or {}).get("status", "Unknown")
        revision = str((status.get("sync") or {}).get("revision") or "")[:12]
        detail = f"sync={sync} health={health}" + (f" revision={revision}" if revision else "")
        if not status:
            detail += " (no status yet: is the ArgoCD application controller running?)"
        self.add(PASS if (sync, health) == ("Synced", "Healthy") else FAIL, "Application", _target(obj), detail)

    def workloads(self) -> None:
        for kind in ("Deployment", "StatefulSet"):
            for obj, live in self.each(kind, kind, "apps"):
                self.guarded(kind, _target(obj), self._workload, obj, live)

    def _workload(self, obj: Manifest, live: dict[str, Any]) -> None:
        spec, status = live.get("spec") or {}, live.get("status") or {}
        desired = int(spec.get("replicas", 1))
        ready_field = "availableReplicas" if obj.kind == "Deployment" else "readyReplicas"
        ready = int(status.get(ready_field) or 0)
        problems = []
        if desired == 0:
            problems.append("scaled to 0")
        elif ready < desired:
            problems.append(f"{ready}/{desired} {ready_field.removesuffix('Replicas')}")
        if int(status.get("observedGeneration") or 0) < int((live.get("metadata") or {}).get("generation") or 0):
            problems.append("rollout not observed yet")
        drift = _image_drift(obj.body, live)
        problems.extend(drift)
        detail = f"{ready}/{desired} {ready_field.removesuffix('Replicas')}"
        self.add(
            FAIL if problems else PASS,
            obj.kind,
            _target(obj),
            "; ".join(problems) if problems else detail + ", images as rendered",
        )

    def secrets(self) -> None:
        for kind, check in (("ClusterSecretStore", "SecretStore"), ("ExternalSecret", "ExternalSecret")):
            for obj, live in self.each(kind, check, "external-secrets.io"):
                self.guarded(check, _target(obj), self._ready_condition, check, obj, live)

    def _ready_condition(self, check: str, obj: Manifest, live: dict[str, Any]) -> None:
        ready = _condition(live, "Ready")
        if ready is None:
            self.add(FAIL, check, _target(obj), "no Ready condition yet (is External Secrets running?)")
        elif ready.get("status") == "True":
            self.add(PASS, check, _target(obj), "Ready")
        else:
            why = one_line(ready.get("message") or ready.get("reason") or "not ready")
            self.add(FAIL, check, _target(obj), f"not Ready: {why}")

    def services(self) -> None:
        for obj, _live in self.each("Service", "Service", ""):
            self.guarded("Service", _target(obj), self._endpoints, obj)

    def _endpoints(self, obj: Manifest) -> None:
        if self.client.resources("discovery.k8s.io/v1") is None:
            self.add(FAIL, "Service", _target(obj), "EndpointSlice API (discovery.k8s.io/v1) not served")
            return
        resp = self.client.get(
            f"/apis/discovery.k8s.io/v1/namespaces/{obj.namespace}/endpointslices",
            {"labelSelector": f"kubernetes.io/service-name={obj.name}"},
        )
        if not resp.ok:
            self.add(FAIL, "Service", _target(obj), f"cannot list endpoints: HTTP {resp.status}: {resp.message}")
            return
        ready = total = 0
        for slice_ in resp.body.get("items") or []:
            for endpoint in slice_.get("endpoints") or []:
                total += 1
                # The API defines an unset `ready` as ready.
                if (endpoint.get("conditions") or {}).get("ready", True) is not False:
                    ready += 1
        self.add(PASS if ready else FAIL, "Service", _target(obj), f"{ready} ready endpoint(s) of {total}")

    def network_policies(self) -> None:
        for obj, _live in self.each("NetworkPolicy", "NetworkPolicy", "networking.k8s.io"):
            self.add(PASS, "NetworkPolicy", _target(obj), "present")

    def ingresses(self) -> None:
        for obj, live in self.each("Ingress", "Ingress", "networking.k8s.io"):
            self.guarded("Ingress", _target(obj), self._ingress, obj, live)

    def _ingress(self, obj: Manifest, live: dict[str, Any]) -> None:
        lb = ((live.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        addresses = [str(entry.get("ip") or entry.get("hostname")) for entry in lb if isinstance(entry, dict)]
        if addresses:
            self.add(PASS, "Ingress", _target(obj), "address " + ", ".join(addresses))
        else:
            self.add(FAIL, "Ingress", _target(obj), "no address yet (is an ingress controller serving its class?)")


def _target(obj: Manifest) -> str:
    return f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name


def _labels(obj: dict[str, Any]) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("labels") or {})


def _condition(obj: dict[str, Any], kind: str) -> dict[str, Any] | None:
    for condition in (obj.get("status") or {}).get("conditions") or []:
        if isinstance(condition, dict) and condition.get("type") == kind:
            return condition
    return None


def _containers(obj: dict[str, Any]) -> dict[str, str]:
    pod = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    return {c["name"]: c.get("image", "") for c in [*(pod.get("initContainers") or []), *(pod.get("containers") or [])]}


def _image_drift(rendered: dict[str, Any], live: dict[str, Any]) -> list[str]:
    want, have = _containers(rendered), _containers(live)
    return [
        f"{name} runs {have.get(name, '<absent>')}, dist has {image}"
        for name, image in sorted(want.items())
        if have.get(name) != image
    ]


# --- the API health check through the ingress -------------------------------------------------


@dataclass(frozen=True)
class HealthTarget:
    url: str
    host: str
    path: str


def health_target(objects: list[Manifest]) -> HealthTarget | None:
    """The API's public health URL: host and TLS from its Ingress (or HTTPRoute), path from the
    readiness probe of the API Deployment, as rendered."""
    path = "/"
    for obj in of_kind(objects, "Deployment", "apps"):
        if obj.name == names.FLASK_APP:
            for container in (((obj.body.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or []:
                probe = (container.get("readinessProbe") or {}).get("httpGet") or {}
                if probe.get("path"):
                    path = probe["path"]
    for obj in of_kind(objects, "Ingress"):
        spec = obj.body.get("spec") or {}
        for rule in spec.get("rules") or []:
            backends = [
                ((p.get("backend") or {}).get("service") or {}).get("name") for p in (rule.get("http") or {}).get("paths") or []
            ]
            if names.FLASK_APP in backends and rule.get("host"):
                host = rule["host"]
                tls = any(host in (t.get("hosts") or []) for t in spec.get("tls") or [])
                return HealthTarget(f"{'https' if tls else 'http'}://{host}{path}", host, path)
    for obj in of_kind(objects, "HTTPRoute"):
        spec = obj.body.get("spec") or {}
        refs = [b.get("name") for rule in spec.get("rules") or [] for b in rule.get("backendRefs") or []]
        if names.FLASK_APP in refs and spec.get("hostnames"):
            # A Gateway listener's protocol is not in dist/; HTTPS is what production gateways serve.
            return HealthTarget(f"https://{spec['hostnames'][0]}{path}", spec["hostnames"][0], path)
    return None


def parse_address(text: str, default_port: int) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if sep and port.isdigit() and host and not host.endswith(":"):
        return host.strip("[]"), int(port)
    return text.strip("[]"), default_port


def _get_through(target: HealthTarget, connect: tuple[str, int]) -> int:
    """GET the health path at an address, with the API host as Host header and TLS name."""
    if target.url.startswith("https://"):
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            *connect,
            ssl_context=ssl.create_default_context(),  # the system trust store, as a browser would
            server_hostname=target.host,
            assert_hostname=target.host,
            timeout=HEALTH_TIMEOUT_S,
            retries=False,
        )
    else:
        pool = urllib3.HTTPConnectionPool(*connect, timeout=HEALTH_TIMEOUT_S, retries=False)
    with pool:
        resp = pool.request(
            "GET", target.path, headers={"Host": target.host, "User-Agent": USER_AGENT}, redirect=False, preload_content=False
        )
        resp.read(4096)
        resp.release_conn()
        return int(resp.status)


def check_health(target: HealthTarget | None, address: str | None, require: bool) -> Line:
    if target is None:
        return Line(FAIL, "API-health", "-", "no Ingress or HTTPRoute for the API in dist/")
    unreachable = FAIL if require else NA
    default_port = urllib.parse.urlsplit(target.url).port or (443 if target.url.startswith("https://") else 80)
    connect = parse_address(address, default_port) if address else None
    if connect is None:
        try:
            socket.getaddrinfo(target.host, None)
        except OSError as error:
            return Line(unreachable, "API-health", target.url, f"host does not resolve from here ({one_line(error)})")
    try:
        status = _get_through(target, connect or (target.host, default_port))
    except urllib3.exceptions.SSLError as error:
        # Reachable but with a wrong certificate: a real problem, never N/A.
        return Line(FAIL, "API-health", target.url, f"TLS failed ({one_line(error)})")
    except urllib3.exceptions.HTTPError as error:
        via = f" via {connect[0]}:{connect[1]}" if connect else ""
        return Line(unreachable, "API-health", target.url, f"not reachable from here{via} ({one_line(error)})")
    return Line(PASS if 200 <= status < 300 else FAIL, "API-health", target.url, f"HTTP {status}")


# --- command -----------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("env", metavar="ENV", help="environment name; expectations come from dist/ENV")
    parser.add_argument("--kubeconfig", help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
    parser.add_argument("--context", help="kube context (default: the current context)")
    parser.add_argument(
        "--ingress-address", metavar="ADDR[:PORT]", help="connect the health check here instead of resolving the API host"
    )
    parser.add_argument("--require-ingress", action="store_true", help="an unreachable API host is a FAIL, not N/A")
    parser.add_argument("--dist", type=Path, default=DIST, help=argparse.SUPPRESS)  # tests point it elsewhere


def validate(
    client: KubeApi, objects: list[Manifest], *, ingress_address: str | None = None, require_ingress: bool = False
) -> list[Line]:
    checker = Checker(client, objects)
    for check in (
        checker.namespaces,
        checker.argocd,
        checker.workloads,
        checker.secrets,
        checker.services,
        checker.network_policies,
        checker.ingresses,
    ):
        check()
    checker.lines.append(check_health(health_target(objects), ingress_address, require_ingress))
    return checker.lines


def render_table(lines: list[Line]) -> str:
    widths = [
        max([len(h), *(len(getattr(line, f)) for line in lines)])
        for h, f in (("RESULT", "status"), ("CHECK", "check"), ("OBJECT", "target"))
    ]
    rows = [("RESULT", "CHECK", "OBJECT", "DETAIL"), *((ln.status, ln.check, ln.target, ln.detail) for ln in lines)]
    return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip() for r in rows)


def run(args: argparse.Namespace) -> int:
    env = load_environment(args.env)
    objects = load_env(args.dist / env.name, relative_to=args.dist)
    if args.ingress_address is not None and not args.ingress_address.strip():
        raise OpsError("--ingress-address: empty address", EXIT_USAGE)
    client = connect(args.kubeconfig, args.context)
    version = client.version()
    print(f"validate {env.name}: context {client.context}, {client.server} ({version}), expectations from dist/{env.name}")
    lines = validate(client, objects, ingress_address=args.ingress_address, require_ingress=args.require_ingress)
    print(render_table(lines))
    counts = {status: sum(1 for line in lines if line.status == status) for status in (PASS, FAIL, NA)}
    print(f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[NA]} n/a")
    return EXIT_FAILED if counts[FAIL] else EXIT_OK
