"""Start and stop etcd and kube-apiserver on loopback.

One etcd serves a whole test session; each scenario gets its own kube-apiserver with its own
etcd key prefix, so the staging and prod dist/ (which use the same namespace names, as they
would in two real clusters) and the upgrade scenario never see each other's objects.

Only processes started here are ever stopped, by the handle kept at start time.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cluster import pki as pki_mod

STARTUP_TIMEOUT_S = 180.0
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# The first address of this range becomes the `kubernetes` Service IP (also in the serving cert).
SERVICE_CLUSTER_IP_RANGE = "10.0.0.0/24"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def terminate(self) -> None:
        """Ask the process to stop; `wait` collects it."""
        if self.alive():
            # Each process leads its own session (start_new_session), so signalling its group
            # reaches only what it started itself.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)

    def kill(self) -> None:
        """Stop the process at once (SIGKILL to its group); `wait` collects it."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)

    def wait(self, timeout_s: float = 15.0) -> None:
        try:
            self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=timeout_s)

    def stop(self) -> None:
        self.terminate()
        self.wait()


# Loaded here, not in the child: a forked child of a process with several threads must not take
# locks another thread may have held at the fork (dlopen's among them).
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def _die_with_parent() -> None:
    # Runs in the child before exec: if the test process is killed outright (no fixture
    # teardown), the kernel kills the child too, so no server outlives its session. SIGKILL,
    # not SIGTERM: a terminating API server waits for an etcd that may already be gone, and
    # everything these processes hold is throwaway. The kernel sends it when the *thread* that
    # started the child ends, so a thread that starts servers lives until it stops them
    # (tests/e2e/conftest.py, BackgroundDeploy).
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _spawn(name: str, argv: list[str], log: Path, env: dict[str, str] | None = None) -> Process:
    with log.open("wb") as out:
        popen = subprocess.Popen(
            argv,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # preexec_fn with other threads around is safe only if it takes no lock: it makes
            # one system call through a library handle loaded beforehand.
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509
        )
    return Process(name, popen, log)


def _wait_until(check: Callable[[], bool], process: Process, what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"{process.name} exited with {process.popen.returncode}:\n{process.log_tail()}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{what} not ready after {STARTUP_TIMEOUT_S:.0f}s:\n{process.log_tail()}")


@dataclass
class Etcd:
    process: Process
    url: str

    @classmethod
    def start(cls, binary: str, workdir: Path, data_dir: Path) -> Etcd:
        client, peer = free_port(), free_port()
        client_url, peer_url = f"http://127.0.0.1:{client}", f"http://127.0.0.1:{peer}"
        # Plain HTTP on loopback: the data is throwaway and never leaves this machine, and the
        # security under test is the API server's, not etcd's transport.
        argv = [
            binary,
            "--name=test",
            f"--data-dir={data_dir}",
            f"--listen-client-urls={client_url}",
            f"--advertise-client-urls={client_url}",
            f"--listen-peer-urls={peer_url}",
            f"--initial-advertise-peer-urls={peer_url}",
            f"--initial-cluster=test={peer_url}",
            "--log-level=warn",
        ]
        process = _spawn("etcd", argv, workdir / "etcd.log")
        etcd = cls(process, client_url)

        def healthy() -> bool:
            with urllib.request.urlopen(f"{client_url}/health", timeout=2) as resp:
                return bool(json.loads(resp.read()).get("health") == "true")

        try:
            _wait_until(healthy, process, "etcd")
        except BaseException:
            process.stop()
            raise
        return etcd

    def stop(self) -> None:
        self.process.stop()


@dataclass
class ApiServer:
    process: Process
    url: str
    pki: pki_mod.Pki
    etcd_prefix: str
    workdir: Path
    _ssl: ssl.SSLContext | None = field(default=None, repr=False)

    @classmethod
    def start(cls, binary: str, etcd: Etcd, workdir: Path, etcd_prefix: str) -> ApiServer:
        workdir.mkdir(parents=True, exist_ok=True)
        pki = pki_mod.generate(workdir / "pki")
        port = free_port()
        argv = [
            binary,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            f"--secure-port={port}",
            f"--cert-dir={workdir / 'certs'}",
            f"--tls-cert-file={pki.server_cert}",
            f"--tls-private-key-file={pki.server_key}",
            f"--client-ca-file={pki.ca_cert}",
            f"--etcd-servers={etcd.url}",
            f"--etcd-prefix={etcd_prefix}",
            # The production authorizer chain; the admission chain stays the default one, which
            # includes PodSecurity, LimitRanger, ResourceQuota and ServiceAccount.
            "--authorization-mode=Node,RBAC",
            "--anonymous-auth=false",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={pki.sa_pub}",
            f"--service-account-signing-key-file={pki.sa_key}",
            f"--service-cluster-ip-range={SERVICE_CLUSTER_IP_RANGE}",
            # API aggregation (the end-to-end tier's metrics-server): the API server forwards
            # requests with the front-proxy client certificate and the user in these headers;
            # aggregated servers trust the headers only from that CA and that name.
            f"--requestheader-client-ca-file={pki.front_proxy_ca_cert}",
            f"--requestheader-allowed-names={pki_mod.FRONT_PROXY_CLIENT}",
            "--requestheader-username-headers=X-Remote-User",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            f"--proxy-client-cert-file={pki.front_proxy_client_cert}",
            f"--proxy-client-key-file={pki.front_proxy_client_key}",
            # The `kubernetes` Service endpoint would be 127.0.0.1, which Endpoints validation
            # refuses; nothing here needs that Service to have endpoints.
            "--endpoint-reconciler-type=none",
            # Debian's etcd (3.4.23) cannot report watch progress, which the API server needs to
            # answer a watch-list stream. With WatchList on (its default since 1.34) the server
            # turns every watch from resourceVersion 0 into such a stream and fails it: KWOK's
            # watches are all of that kind, so they failed one after another, and KWOK, backing
            # off, played each pod's stage up to a minute late. Off, those watches are plain
            # watches again; clients that ask for a stream fall back to a list, as they do
            # against any server without the feature.
            "--feature-gates=WatchList=false",
            "--profiling=false",
            "--v=1",
        ]
        process = _spawn("kube-apiserver", argv, workdir / "kube-apiserver.log")
        server = cls(process, f"https://127.0.0.1:{port}", pki, etcd_prefix, workdir)

        def ready() -> bool:
            with urllib.request.urlopen(f"{server.url}/readyz", timeout=5, context=server.ssl_context()) as resp:
                return bool(resp.status == 200)

        try:
            _wait_until(ready, process, "kube-apiserver")
        except BaseException:
            process.stop()
            raise
        return server

    def ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            ctx = ssl.create_default_context(cafile=str(self.pki.ca_cert))
            ctx.load_cert_chain(str(self.pki.admin_cert), str(self.pki.admin_key))
            self._ssl = ctx
        return self._ssl

    def stop(self) -> None:
        self.process.stop()


class ControlPlanes:
    """One etcd and any number of API servers, all stopped together by `close()`."""

    def __init__(self, etcd_binary: str, apiserver_binary: str, root: Path | None = None) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="flask-platform-cluster-", dir=root)
        self.root = Path(self._tmp.name)
        self.apiserver_binary = apiserver_binary
        # etcd syncs every write to disk; on tmpfs that costs nothing, and the data is
        # throwaway anyway.
        shm = Path("/dev/shm")
        self._data = tempfile.TemporaryDirectory(prefix="flask-platform-etcd-", dir=shm if shm.is_dir() else None)
        self.etcd = Etcd.start(etcd_binary, self.root, Path(self._data.name))
        self.servers: dict[str, ApiServer] = {}

    def server(self, key: str) -> ApiServer:
        """The API server for a scenario, started on first use."""
        if key not in self.servers:
            safe = "".join(ch if ch.isalnum() else "-" for ch in key)
            self.servers[key] = ApiServer.start(
                self.apiserver_binary, self.etcd, self.root / f"apiserver-{safe}", f"/registry-{safe}"
            )
        return self.servers[key]

    def release(self, key: str) -> None:
        """Stop a scenario's API server early, once nothing else will use it."""
        server = self.servers.pop(key, None)
        if server is not None:
            server.stop()

    def close(self, *, graceful: bool = True) -> None:
        """Stop every API server, then etcd. `graceful=False` kills the API servers: a loaded one
        drains its requests for up to ten seconds, for nothing when the data is thrown away."""
        # API servers first, all at once (each takes a second or two to shut down); one that
        # loses etcd mid-shutdown would wait for it to come back.
        try:
            for server in self.servers.values():
                if graceful:
                    server.process.terminate()
                else:
                    server.process.kill()
            for server in self.servers.values():
                server.process.wait()
        finally:
            try:
                self.etcd.stop()
            finally:
                self._data.cleanup()
                self._tmp.cleanup()
