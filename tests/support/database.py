"""What the backup/restore tests share: the test server's settings and a small SQL runner."""

from __future__ import annotations

import socket
import subprocess
import urllib.request
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

    def sql(self, statement: str, database: str | None = None, *, as_app: bool = False) -> str:
        """Run SQL over TCP as root, or as the application user (whose objects the migrations
        create, so it is their definer); returns tab-separated rows without headers."""
        login = (APP_USER, APP_PASSWORD) if as_app else ("root", None)
        proc = self.run_as(*login, statement, database)
        if proc.returncode != 0:
            raise AssertionError(f"SQL failed: {proc.stderr.strip()}\n{statement}")
        return proc.stdout

    def run_as(
        self, user: str, password: str | None, statement: str, database: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run SQL over TCP as any user; the caller judges the exit status (a refused login is 1)."""
        login = [f"-u{user}", *([f"-p{password}"] if password is not None else [])]
        cmd = [self.client, "--no-defaults", "--protocol=TCP", "-h127.0.0.1", f"-P{self.port}", *login, "-N", "-B"]
        cmd += [database] if database else []
        return subprocess.run(cmd, input=statement, capture_output=True, text=True, timeout=120)


def fresh_moto_client(service: str, moto_endpoint: str, aws_settings: dict[str, str]):
    """A boto3 client of `service` on moto, whose state is reset first (every test starts empty)."""
    import boto3

    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as resp:
        assert resp.status == 200
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=moto_endpoint,
        aws_access_key_id=aws_settings["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=aws_settings["AWS_SECRET_ACCESS_KEY"],
    )
