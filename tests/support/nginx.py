"""Running the rendered nginx.conf in a real nginx, and checking what it sends.

The sandbox changes the config under test in exactly two ways:
- listen and upstream addresses, through NginxSiteSettings (loopback, free ports);
- the absolute container paths that do not exist or are not writable outside the image
  (/tmp, /var/cache/nginx, /usr/share/nginx/html) get a temp-dir prefix, by one textual pass.
/etc/nginx/mime.types is left alone: Debian's nginx package ships it at the same path.
`sandbox_config` checks that removing the prefix gives back the rendered bytes.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from charts.nginx_conf import render_nginx_conf
from charts.nginx_settings import NginxSiteSettings
from tests.support.tools import require_tool

SITE = Path(__file__).resolve().parents[1] / "charts" / "nginx" / "site"

# Production-shaped settings (the values the chart passes for staging); tests derive variants
# with NginxSiteSettings.replace. BODY_LIMIT_BYTES is client_max_body_size in bytes.
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
BODY_LIMIT_BYTES = 1024 * 1024
HASHED_ASSET = "/assets/app-5f3c2a1b.js"
INDEX_MARKER = b"spa-shell-index"
NOBODY_UID = NOBODY_GID = 65534
READY_TIMEOUT_S = 5.0

# Container paths the sandbox relocates. One regex, one pass: a replacement is never rewritten
# again even though the sandbox itself lives under /tmp.
_CONTAINER_PATHS = re.compile(r"(?<![\w./-])(/var/cache/nginx|/usr/share/nginx/html|/tmp)(?=[/;\s])")


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Response:
    path: str
    status: int
    headers: Message
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Response:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Response(path, resp.status, resp.msg, resp.read())
    finally:
        conn.close()


def assert_security_headers(response: Response, expected: Iterable[tuple[str, str]]) -> None:
    """Each expected header exactly once with exactly the expected value."""
    problems = []
    for name, value in expected:
        got = response.headers.get_all(name) or []
        if got != [value]:
            problems.append(f"{name}: expected [{value!r}], got {got!r}")
    assert not problems, f"{response.path} ({response.status}) security headers: " + "; ".join(problems)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- stub backend --------------------------------------------------------------------------


class _EchoHandler(BaseHTTPRequestHandler):
    """Answers every request with what it received: method, raw path+query, headers, body size."""

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = self.rfile.read(length) if length else b""
        payload = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_length": len(received),
            }
        ).encode()
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if "backend_headers=1" in self.path:
            # What a framework might add on its own; nginx must not pass duplicates through.
            self.send_header("X-Frame-Options", "SAMEORIGIN")
            self.send_header("Content-Security-Policy", "default-src *")
            self.send_header("X-Powered-By", "stub")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _echo

    def log_message(self, format: str, *args: object) -> None:
        pass


class StubBackend:
    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
        self.server.requests = []  # type: ignore[attr-defined]
        self.port: int = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        self.running = True

    @property
    def requests(self) -> list[str]:
        return self.server.requests  # type: ignore[attr-defined]

    def stop(self) -> None:
        if self.running:
            self.server.shutdown()
            self.server.server_close()
            self._thread.join(timeout=5)
            self.running = False


# --- nginx sandbox -------------------------------------------------------------------------


def nginx_binary() -> str:
    return require_tool("/usr/sbin/nginx", "apt-get install nginx-light")


def _drop_privileges() -> list[str]:
    """The command prefix that runs nginx as nobody when the tests run as root (CI)."""
    if os.geteuid() != 0:
        return []
    setpriv = require_tool("setpriv", "util-linux")
    return [setpriv, f"--reuid={NOBODY_UID}", f"--regid={NOBODY_GID}", "--clear-groups"]


def sandbox_config(rendered: str, root: Path) -> str:
    """The rendered config with container paths moved under `root`, and nothing else changed."""
    rewritten = _CONTAINER_PATHS.sub(lambda m: f"{root}{m.group(1)}", rendered)
    assert rewritten.replace(str(root), "") == rendered, "sandbox rewrite changed more than paths"
    for prefix in ("/tmp", "/var/cache/nginx", "/usr/share/nginx/html"):
        assert f"{root}{prefix}" in rewritten, f"rendered config no longer uses {prefix}"
    return rewritten


@dataclass
class NginxSandbox:
    settings: NginxSiteSettings
    rendered: str
    root: Path
    conf_path: Path
    command_prefix: list[str]
    binary: str
    process: subprocess.Popen | None = None
    logs: dict[str, Path] = field(default_factory=dict)

    @property
    def port(self) -> int:
        return self.settings.listen_port

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
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nginx exited with {self.process.returncode}: {self.stderr()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"nginx did not listen on {self.port}: {self.stderr()}")

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
    base: NginxSiteSettings,
    upstream_port: int,
    *,
    edit: Callable[[str], str] | None = None,
    **setting_overrides: Any,
) -> Iterator[NginxSandbox]:
    """Render `base` for loopback, run it in a real nginx as non-root, stop it afterwards.

    `edit` (a str -> str function) exists only for negative tests that hand-break the config.
    """
    binary = nginx_binary()
    prefix = _drop_privileges()
    settings = base.replace(
        listen_address="127.0.0.1",
        listen_port=free_port(),
        upstream_host="127.0.0.1",
        upstream_port=upstream_port,
        **setting_overrides,
    )
    rendered = render_nginx_conf(settings)
    root = _make_sandbox_root(as_nobody=bool(prefix))
    try:
        text = sandbox_config(rendered, root)
        if edit is not None:
            text = edit(text)
        conf_path = root / "nginx.conf"
        conf_path.write_text(text)
        conf_path.chmod(0o644)
        sandbox = NginxSandbox(
            settings=settings,
            rendered=rendered,
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


# --- a minimal nginx config parser, to check header inheritance without running nginx -------


@dataclass
class Node:
    name: str
    args: list[str]
    children: list[Node] | None = None  # None for a simple directive


def _tokens(text: str) -> Iterator[str]:
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c in "{};":
            yield c
            i += 1
        elif c in "\"'":
            j = i + 1
            out = []
            while text[j] != c:
                if text[j] == "\\":
                    j += 1
                out.append(text[j])
                j += 1
            yield "\0" + "".join(out)  # marks a quoted word, so it is never a brace or `;`
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "{};":
                j += 1
            yield text[i:j]
            i = j


def parse_nginx_conf(text: str) -> list[Node]:
    stack: list[list[Node]] = [[]]
    words: list[str] = []
    for token in _tokens(text):
        if token in ("{", ";"):
            name, *args = [w.lstrip("\0") for w in words]
            node = Node(name, args, [] if token == "{" else None)
            stack[-1].append(node)
            if token == "{":
                stack.append(node.children)  # type: ignore[arg-type]
            words = []
        elif token == "}":
            assert not words, f"unterminated directive {words!r}"
            stack.pop()
        else:
            words.append(token)
    assert len(stack) == 1 and not words, "unbalanced braces"
    return stack[0]


def header_gaps(text: str, required: Iterable[str]) -> list[str]:
    """Contexts whose effective add_header set (nginx inheritance rules) misses a required
    header or sends it without `always`. Empty means every response gets every header."""
    wanted = {name.lower() for name in required}
    gaps: list[str] = []

    def own_headers(node: Node) -> dict[str, bool] | None:
        declared = [c for c in node.children or [] if c.name == "add_header"]
        if not declared:
            return None  # inherits the parent's set unchanged
        return {d.args[0].lower(): "always" in d.args[2:] for d in declared}

    def walk(node: Node, inherited: dict[str, bool], label: str) -> None:
        effective = own_headers(node)
        if effective is None:
            effective = inherited
        if node.name in ("server", "location", "if"):
            missing = sorted(h for h in wanted if not effective.get(h))
            if missing:
                gaps.append(f"{label}: missing or not 'always': {', '.join(missing)}")
        for child in node.children or []:
            if child.children is not None and child.name in ("http", "server", "location", "if"):
                walk(child, effective, f"{child.name} {' '.join(child.args)}".strip())

    for top in parse_nginx_conf(text):
        if top.children is not None and top.name == "http":
            walk(top, {}, "http")
    return gaps
