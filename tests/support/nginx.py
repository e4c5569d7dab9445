"""Running an nginx.conf in a real nginx (Debian's) as a non-root user, in a folder of its own.

The config reaches nginx as given except for the directives tests/support/nginx_dist.py
remaps (file paths into the test's folder, loopback ports, the upstream to the stub).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from charts.nginx_settings import NginxSiteSettings
from tests.support.nginx_dist import Remapped, paths_outside, remap_for_sandbox
from tests.support.nginx_http import Response, free_port, request
from tests.support.tools import require_tool

SITE = Path(__file__).resolve().parents[1] / "charts" / "nginx" / "site"

# Hand-written settings, for the renderer's unit tests and for variants no environment has
# (tests derive them with NginxSiteSettings.replace). The live tests of the environments run dist/.
BASE_SETTINGS = NginxSiteSettings(
    listen_port=8080,
    upstream_host="flask-app.backend.svc.cluster.local",
    upstream_port=8000,
    server_names=("frontend-staging.example.internal",),
    client_max_body_size="1m",
    content_security_policy=(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
)
HASHED_ASSET = "/assets/app-5f3c2a1b.js"
INDEX_MARKER = b"spa-shell-index"
NOBODY_UID = NOBODY_GID = 65534
READY_TIMEOUT_S = 5.0


# --- nginx sandbox -------------------------------------------------------------------------


def nginx_binary() -> str:
    return require_tool("/usr/sbin/nginx", "apt-get install nginx-light")


def _drop_privileges() -> list[str]:
    """The command prefix that runs nginx as nobody when the tests run as root (CI)."""
    if os.geteuid() != 0:
        return []
    setpriv = require_tool("setpriv", "util-linux")
    return [setpriv, f"--reuid={NOBODY_UID}", f"--regid={NOBODY_GID}", "--clear-groups"]


@dataclass
class NginxSandbox:
    config: Remapped  # the text on disk, and the ports it listens on
    root: Path
    conf_path: Path
    command_prefix: list[str]
    binary: str
    process: subprocess.Popen | None = None
    logs: dict[str, Path] = field(default_factory=dict)

    @property
    def port(self) -> int:
        """The port of the first server, the public one."""
        return next(iter(self.config.listens.values()))

    def nginx_command(self, *extra: str) -> list[str]:
        # -e stderr: the compiled-in error log under /var/log/nginx is not writable here.
        return [
            *self.command_prefix,
            self.binary,
            "-p",
            str(self.root),
            "-c",
            str(self.conf_path),
            "-e",
            "stderr",
            *extra,
        ]

    def test_config(self) -> subprocess.CompletedProcess:
        with open(self.logs["stdout"], "ab") as out:
            return subprocess.run(
                self.nginx_command("-t"),
                check=False,
                stdout=out,
                stderr=subprocess.PIPE,
                timeout=30,
            )

    def start(self) -> None:
        with open(self.logs["stdout"], "ab") as out, open(self.logs["stderr"], "ab") as err:
            self.process = subprocess.Popen(self.nginx_command("-g", "daemon off;"), stdout=out, stderr=err)
        deadline = time.monotonic() + READY_TIMEOUT_S
        waiting = set(self.config.listens.values())
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nginx exited with {self.process.returncode}: {self.stderr()}")
            for port in sorted(waiting):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        waiting.discard(port)
                except OSError:
                    pass
            if not waiting:
                return
            time.sleep(0.05)
        raise AssertionError(f"nginx did not listen on {sorted(waiting)}: {self.stderr()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def stderr(self) -> str:
        return self.logs["stderr"].read_text(errors="replace")

    def get(self, path: str, **kwargs: object) -> Response:
        return request(self.port, path, **kwargs)  # type: ignore[arg-type]


def _make_sandbox_root(as_nobody: bool) -> Path:
    # Under /tmp rather than pytest's tmp_path: nobody must traverse every parent directory.
    root = Path(tempfile.mkdtemp(prefix="nginx-conf-test-", dir="/tmp" if as_nobody else None))
    root.chmod(0o755)
    shutil.copytree(SITE, root / "usr/share/nginx/html")
    # Created here, not committed: dot-files such as .env tend to be ignored by git.
    (root / "usr/share/nginx/html/.env").write_text("SECRET=do-not-serve\n")
    for writable in ("tmp", "var/cache/nginx", "logs"):
        (root / writable).mkdir(parents=True)
    for log in ("stdout", "stderr"):
        (root / "logs" / log).touch()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)
    if as_nobody:
        # Only the two emptyDir stand-ins and the log files belong to nginx's user; nginx
        # reopens /dev/stdout, which checks the permissions of the file behind fd 1.
        for writable in ("tmp", "var/cache/nginx", "logs", "logs/stdout", "logs/stderr"):
            os.chown(root / writable, NOBODY_UID, NOBODY_GID)
    return root


@contextmanager
def nginx_sandbox(
    config: str,
    upstream_port: int,
    *,
    edit: Callable[[str], str] | None = None,
) -> Iterator[NginxSandbox]:
    """Run `config` (dist/'s nginx.conf, or a rendered variant) in a real nginx as non-root,
    remapped by tests/support/nginx_dist.py; stop it afterwards.

    `edit` (a str -> str function) exists only for negative tests that hand-break the config.
    """
    binary = nginx_binary()
    prefix = _drop_privileges()
    root = _make_sandbox_root(as_nobody=bool(prefix))
    try:
        remapped = remap_for_sandbox(config, root, upstream_port, free_port)
        outside = paths_outside(remapped.text, root)
        assert not outside, f"the config names files outside the test's folder: {outside}"
        if edit is not None:
            remapped.text = edit(remapped.text)
        conf_path = root / "nginx.conf"
        conf_path.write_text(remapped.text)
        conf_path.chmod(0o644)
        sandbox = NginxSandbox(
            config=remapped,
            root=root,
            conf_path=conf_path,
            command_prefix=prefix,
            binary=binary,
            logs={"stdout": root / "logs/stdout", "stderr": root / "logs/stderr"},
        )
        sandbox.start()
        try:
            yield sandbox
        finally:
            sandbox.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
