"""The webhook Argo CD's notifications controller sends to in the end-to-end tier, on loopback.

It plays the receiving end of `gitops.notifications.webhook` (a chat or incident tool): every
request with a body is appended, as it arrived, to a JSON-lines file that the scenarios read
(`received`), and answered 200 so the controller counts it delivered. Nothing is interpreted
here: the tests judge the bodies Argo CD rendered.

    python -m e2e.webhook_receiver --port 8080 --record /tmp/received.jsonl
"""

from __future__ import annotations

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_WRITE = threading.Lock()


def received(record: Path) -> list[dict[str, Any]]:
    """Every request recorded so far, oldest first: {"method", "path", "content_type", "body"}."""
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line.strip()]


def handler_for(record: Path) -> type[BaseHTTPRequestHandler]:
    class Receiver(BaseHTTPRequestHandler):
        def _answer(self, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
            # Readiness only: a notification always has a body.
            self._answer()

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            entry = {
                "method": self.command,
                "path": self.path,
                "content_type": self.headers.get("Content-Type", ""),
                "body": body,
            }
            with _WRITE, record.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry) + "\n")
            self._answer()

        do_PUT = do_POST  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            print(f"{self.address_string()} {format % args}", flush=True)

    return Receiver


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", type=Path, required=True, help="JSON-lines file every request is appended to")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(args.record))
    print(f"recording webhooks on http://127.0.0.1:{args.port}/ into {args.record}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
