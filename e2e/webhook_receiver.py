"""The webhook Argo CD's notifications controller sends to in the end-to-end tier, on loopback.

It plays the receiving end of `gitops.notifications.webhook` (a chat or incident tool), and of
Slack's Web API for `gitops.notifications.slack` (the tier points the slack service's `apiURL`
at `<address>slack/`): every request with a body is appended, as it arrived, to a JSON-lines
file that the scenarios read (`received`), and answered 200 so the controller counts it
delivered; a `chat.postMessage` gets the JSON answer Slack gives (`ok`, the channel and the
message's timestamp), which Argo CD's Slack client reads. Nothing else is interpreted here:
the tests judge the bodies Argo CD rendered.

    python -m e2e.webhook_receiver --port 8080 --record /tmp/received.jsonl
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

_WRITE = threading.Lock()
# The Slack Web API method a Slack notification calls, under the service's apiURL.
SLACK_POST_MESSAGE = "/chat.postMessage"


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

        def _answer_slack(self, body: str) -> None:
            channel = (parse_qs(body).get("channel") or [""])[0]
            answer = json.dumps({"ok": True, "channel": channel, "ts": f"{time.time():.6f}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

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
            if self.path.endswith(SLACK_POST_MESSAGE):
                self._answer_slack(body)
            else:
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
