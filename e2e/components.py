"""Start each process of the end-to-end cluster on loopback, and wait until it serves.

Every process is spawned through cluster.server (its own session, killed with its parent) and
stopped by the handle kept here. Ports are free loopback ports; where a program binds every
address (Argo CD's controller metrics), the tier's private network namespace (see
e2e/netns.py) keeps it on loopback anyway.
"""

from __future__ import annotations

import os
import socket
import ssl
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cluster.server import ApiServer, Process, _spawn, _wait_until, free_port
from manifests import REPO_ROOT

# Argo CD's defaults poll git every 3 minutes and cache what a branch points at for 3 more; the
# day-two cases change the branch a few dozen times. Each commit asks for a refresh at once, as
# a git webhook would (e2e/localrepo.py, refresh_on_push); behind that, the tier polls every 5 s
# and caches the branch head for 2 s. Nothing else about the sync differs from a real install.
ARGOCD_RESYNC_S = 5
ARGOCD_REVISION_CACHE = "2s"
# The moto server plays AWS in one region with made-up credentials; nothing leaves loopback.
# KWOK's nodes report their kubelet on loopback, the only interface of the tier's network.
KUBELET_ADDRESS = "127.0.0.1"
METRICS_RESOLUTION = "15s"
MOTO_CREDENTIALS = dict(AWS_ACCESS_KEY_ID="e2e", AWS_SECRET_ACCESS_KEY="e2e", AWS_EC2_METADATA_DISABLED="true")


@dataclass
class Service:
    """A started process and the loopback address it serves on."""

    process: Process
    address: str

    def stop(self) -> None:
        self.process.stop()


def _insecure_tls() -> ssl.SSLContext:
    # The components' self-signed serving certificates; only /healthz is read through it.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def http_ok(url: str) -> bool:
    """A component's health or metrics endpoint answers 200 (its self-signed TLS not verified)."""
    context = _insecure_tls() if url.startswith("https") else None
    with urllib.request.urlopen(url, timeout=3, context=context) as resp:
        return bool(resp.status == 200)


def _tcp_open(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        return True


def component_env(**extra: str) -> dict[str, str]:
    """A component's environment: this process's, minus any AWS, kubeconfig or Argo CD setting of
    the caller's shell (each component is told its own), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "KUBECONFIG", "ARGOCD_"))}
    env.update(extra)
    return env


def start_process(name: str, argv: list[str], workdir: Path, ready, env: dict[str, str] | None = None) -> Process:
    """Start a component logging to `<workdir>/<name>.log` and wait until `ready()`; stop it if it never is."""
    process = _spawn(name, argv, workdir / f"{name}.log", env=env)
    try:
        _wait_until(ready, process, name)
    except BaseException:
        process.stop()
        raise
    return process


def _control_plane_flags(kubeconfig: Path, port: int, cert_dir: Path) -> list[str]:
    """What kube-controller-manager and kube-scheduler share: one identity for the API and for
    checking their own callers, a loopback-only health port, a single replica."""
    return [
        f"--kubeconfig={kubeconfig}",
        f"--authentication-kubeconfig={kubeconfig}",
        f"--authorization-kubeconfig={kubeconfig}",
        "--bind-address=127.0.0.1",
        f"--secure-port={port}",
        f"--cert-dir={cert_dir}",
        "--leader-elect=false",
    ]


def kube_controller_manager(binary: str, server: ApiServer, kubeconfig: Path, workdir: Path) -> Service:
    """With `kubeconfig` as system:kube-controller-manager; each controller under its own ServiceAccount."""
    port = free_port()
    argv = [
        binary,
        *_control_plane_flags(kubeconfig, port, workdir / "kcm-certs"),
        # The controllers a cluster runs by default, with the keys they need: token signing
        # for the legacy token controller and the CA for kube-root-ca.crt.
        "--controllers=*",
        f"--service-account-private-key-file={server.pki.sa_key}",
        f"--root-ca-file={server.pki.ca_cert}",
        # As a real control plane runs it: each controller with its own ServiceAccount's token
        # and the bootstrap role the API server ships for it (system:controller:<name>).
        "--use-service-account-credentials=true",
        # No cloud, no routes: KWOK nodes need no pod CIDRs.
        "--allocate-node-cidrs=false",
        "--v=1",
    ]
    return Service(
        start_process("kube-controller-manager", argv, workdir, lambda: http_ok(f"https://127.0.0.1:{port}/healthz")), ""
    )


def kube_scheduler(binary: str, kubeconfig: Path, workdir: Path) -> Service:
    port = free_port()
    argv = [binary, *_control_plane_flags(kubeconfig, port, workdir / "scheduler-certs"), "--v=1"]
    return Service(start_process("kube-scheduler", argv, workdir, lambda: http_ok(f"https://127.0.0.1:{port}/healthz")), "")


def kwok(
    binary: str, kubeconfig: Path, configs: list[Path], serving: tuple[Path, Path], workdir: Path, node_selector: str
) -> Service:
    """KWOK's controller and its server: the fake nodes' kubelet endpoint, also over TLS for metrics-server."""
    port = free_port()
    cert, key = serving
    argv = [
        binary,
        f"--kubeconfig={kubeconfig}",
        *(f"--config={path}" for path in configs),
        # Only the tier's fake nodes, found by their annotation; no real node exists anyway.
        "--manage-all-nodes=false",
        f"--manage-nodes-with-annotation-selector={node_selector}",
        f"--server-address=127.0.0.1:{port}",
        # The nodes' kubelet endpoint is this server (status.daemonEndpoints, InternalIP), which
        # answers plain HTTP and TLS on the one port.
        f"--node-port={port}",
        f"--node-ip={KUBELET_ADDRESS}",
        f"--tls-cert-file={cert}",
        f"--tls-private-key-file={key}",
        "--node-lease-duration-seconds=40",
        "--cidr=10.244.0.0/16",
    ]
    return Service(start_process("kwok", argv, workdir, lambda: http_ok(f"http://127.0.0.1:{port}/healthz")), f"127.0.0.1:{port}")


def metrics_server(binary: str, kubeconfig: Path, serving: tuple[Path, Path], kubelet_ca: Path, workdir: Path) -> Service:
    """metrics-server as its install runs it, scraping the nodes' kubelet endpoint (KWOK) and verifying its certificate."""
    port = free_port()
    cert, key = serving
    argv = [
        binary,
        "--bind-address=127.0.0.1",
        f"--secure-port={port}",
        f"--tls-cert-file={cert}",
        f"--tls-private-key-file={key}",
        f"--kubeconfig={kubeconfig}",
        f"--authentication-kubeconfig={kubeconfig}",
        f"--authorization-kubeconfig={kubeconfig}",
        "--kubelet-preferred-address-types=InternalIP",
        "--kubelet-use-node-status-port",
        f"--kubelet-certificate-authority={kubelet_ca}",
        # The install's resolution: the autoscaler sees a first utilisation after two scrapes.
        f"--metric-resolution={METRICS_RESOLUTION}",
        "--v=1",
    ]
    # /livez: /readyz waits for a first scrape, which the API service registration need not.
    process = start_process("metrics-server", argv, workdir, lambda: http_ok(f"https://127.0.0.1:{port}/livez"))
    return Service(process, f"127.0.0.1:{port}")


def redis(binary: str, workdir: Path) -> Service:
    port = free_port()
    argv = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(workdir)]
    return Service(start_process("redis-server", argv, workdir, lambda: _tcp_open(port)), f"127.0.0.1:{port}")


def moto(python: str, workdir: Path) -> Service:
    port = free_port()
    argv = [python, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    return Service(
        start_process("moto", argv, workdir, lambda: http_ok(f"http://127.0.0.1:{port}/moto-api/data.json"), env=component_env()),
        f"http://127.0.0.1:{port}",
    )


def argocd_repo_server(binary: str, helpers: Path, kubeconfig: Path, redis_address: str, workdir: Path) -> Service:
    port, metrics = free_port(), free_port()
    tmp = workdir / "repo-server-tmp"
    tmp.mkdir(exist_ok=True)
    argv = [
        binary,
        "--address=127.0.0.1",
        f"--port={port}",
        "--metrics-address=127.0.0.1",
        f"--metrics-port={metrics}",
        "--disable-tls",
        # Its default names a file of the container image; with TLS off it must be empty.
        "--client-ca-path=",
        f"--redis={redis_address}",
        f"--revision-cache-expiration={ARGOCD_REVISION_CACHE}",
        "--logformat=text",
    ]
    env = component_env(
        ARGOCD_BINARY_NAME="argocd-repo-server",
        KUBECONFIG=str(kubeconfig),
        ARGOCD_GPG_ENABLED="false",
        # The scripts Argo CD's image ships beside the binary (git-verify-wrapper.sh).
        PATH=f"{helpers}{os.pathsep}{os.environ.get('PATH', '')}",
        TMPDIR=str(tmp),
        HOME=str(workdir),
    )
    process = start_process("argocd-repo-server", argv, workdir, lambda: _tcp_open(port), env=env)
    return Service(process, f"127.0.0.1:{port}")


def argocd_application_controller(binary: str, kubeconfig: Path, redis_address: str, repo_server: str, workdir: Path) -> Service:
    metrics = free_port()
    argv = [
        binary,
        f"--repo-server={repo_server}",
        "--repo-server-plaintext",
        f"--redis={redis_address}",
        f"--metrics-port={metrics}",
        f"--app-resync={ARGOCD_RESYNC_S}",
        "--app-resync-jitter=0",
        "--logformat=text",
    ]
    env = component_env(
        ARGOCD_BINARY_NAME="argocd-application-controller",
        # The in-cluster destination (https://kubernetes.default.svc) is the loopback API
        # server of KUBECONFIG, whose context namespace is Argo CD's namespace.
        ARGOCD_FAKE_IN_CLUSTER="true",
        KUBECONFIG=str(kubeconfig),
        HOME=str(workdir),
    )
    process = start_process(
        "argocd-application-controller", argv, workdir, lambda: http_ok(f"http://127.0.0.1:{metrics}/healthz"), env=env
    )
    return Service(process, "")


def external_secrets(binary: str, kubeconfig: Path, aws_endpoint: str, region: str, workdir: Path) -> Service:
    metrics = free_port()
    argv = [
        binary,
        f"--metrics-addr=127.0.0.1:{metrics}",
        "--enable-leader-election=false",
        "--concurrent=2",
        # Kinds the product does not use and whose CRDs are not installed.
        "--enable-cluster-external-secret-reconciler=false",
        "--enable-push-secret-reconciler=false",
        "--enable-cluster-push-secret-reconciler=false",
        "--loglevel=info",
        "--zap-time-encoding=iso8601",
    ]
    env = component_env(
        KUBECONFIG=str(kubeconfig),
        # The store keeps its IRSA auth: the controller asks the API server for a token of the
        # store's ServiceAccount and trades it at STS (AssumeRoleWithWebIdentity) - both at moto.
        AWS_SECRETSMANAGER_ENDPOINT=aws_endpoint,
        AWS_STS_ENDPOINT=aws_endpoint,
        AWS_REGION=region,
        AWS_EC2_METADATA_DISABLED="true",
    )
    process = start_process("external-secrets", argv, workdir, lambda: http_ok(f"http://127.0.0.1:{metrics}/metrics"), env=env)
    return Service(process, "")


# Reloader serves its metrics on :9090, a port it does not let one choose, and exits if the port
# is taken. Both clusters share the tier's network namespace, so one Reloader runs at a time:
# prod's cluster, started while staging's last cases run, adds its own once staging's has
# stopped (E2ECluster.start_reloader).
RELOADER_METRICS_PORT = 9090


def reloader(binary: str, kubeconfig: Path, workdir: Path) -> Service:
    # The annotations strategy, as docs/operations.md asks of the cluster's install: a reload
    # writes one annotation on the pod template, which the Applications' ignoreDifferences name.
    argv = [binary, "--reload-strategy=annotations", "--log-level=info"]
    process = start_process(
        "reloader",
        argv,
        workdir,
        lambda: http_ok(f"http://127.0.0.1:{RELOADER_METRICS_PORT}/metrics"),
        env=component_env(KUBECONFIG=str(kubeconfig)),
    )
    return Service(process, "")


def _stand_in(name: str, module: str, python: str, args: list[str], workdir: Path) -> Service:
    argv = [python, "-m", module, *args]
    process = _spawn(name, argv, workdir / f"{name}.log", env=component_env(PYTHONPATH=str(REPO_ROOT)))
    return Service(process, "")


def ingress_status_writer(python: str, kubeconfig: Path, address: str, ingress_class: str, workdir: Path) -> Service:
    args = [f"--kubeconfig={kubeconfig}", f"--address={address}", f"--ingress-class={ingress_class}"]
    return _stand_in("ingress-status", "e2e.ingress_status", python, args, workdir)


def tls_issuer(python: str, kubeconfig: Path, issuer_ca: Path, workdir: Path) -> Service:
    args = [f"--kubeconfig={kubeconfig}", f"--write-ca={issuer_ca}"]
    return _stand_in("tls-issuer", "e2e.tls_issuer", python, args, workdir)
