"""HTTP for the nginx tests: a client that returns what nginx sent, and a stub backend that
answers every request with what it received (what nginx forwarded)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# What the stub backend sends as its own HSTS when asked (?backend_hsts=1): unlike any
# environment's, so a response carrying it shows nginx passed the backend's copy through.
BACKEND_HSTS = "max-age=60"


# --- client ----------------------------------------------------------------------------------


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


def assert_headers(response: Response, expected: Mapping[str, str | None]) -> None:
    """Each expected header exactly once with exactly the expected value; None: not sent at all."""
    problems = []
    for name, value in expected.items():
        got = response.headers.get_all(name) or []
        if got != ([] if value is None else [value]):
            problems.append(f"{name}: expected {'nothing' if value is None else [value]!r}, got {got!r}")
    assert not problems, f"{response.path} ({response.status}) headers: " + "; ".join(problems)


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
        query = parse_qs(urlsplit(self.path).query)
        # ?status=NNN: the backend's own error responses, which nginx passes through.
        self.send_response(int(query.get("status", ["200"])[0]))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if "backend_headers=1" in self.path:
            # What a framework might add on its own; nginx must not pass duplicates through.
            self.send_header("X-Frame-Options", "SAMEORIGIN")
            self.send_header("Content-Security-Policy", "default-src *")
            self.send_header("X-Powered-By", "stub")
        if "backend_hsts=1" in self.path:
            self.send_header("Strict-Transport-Security", BACKEND_HSTS)
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
