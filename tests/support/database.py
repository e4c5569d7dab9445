"""What the backup/restore tests share: the test server's settings and a small SQL runner."""

from __future__ import annotations

import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

REGION = "eu-west-1"
BUCKET = "flask-platform-test-backups"
PREFIX = "test/flask-app-db"
DATABASE = "flask_test"
APP_USER = "flask"
# Quotes, a backslash and a '#' exercise the scripts' option-file quoting.
APP_PASSWORD = 'p#ss"wo\\rd-1'  # pragma: allowlist secret (a throw-away test server's password)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class MariaDb:
    port: int
    client: str
    log: Path
    tls_ca: Path
    """The CA that signed the server's certificate (for 127.0.0.1, not for localhost)."""

    def sql(self, statement: str, database: str | None = None, *, as_app: bool = False) -> str:
        """Run SQL over TCP as root, or as the application user (whose objects the migrations
        create, so it is their definer); returns tab-separated rows without headers."""
        login = [f"-u{APP_USER}", f"-p{APP_PASSWORD}"] if as_app else ["-uroot"]
        cmd = [self.client, "--no-defaults", "--protocol=TCP", "-h127.0.0.1", f"-P{self.port}", *login, "-N", "-B"]
        cmd += [database] if database else []
        proc = subprocess.run(cmd, input=statement, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise AssertionError(f"SQL failed: {proc.stderr.strip()}\n{statement}")
        return proc.stdout
