"""What the backup/restore tests share: the test server's settings, a small SQL runner, and the
scripts run as the Jobs run them (`bash <script> <step>`, configured by environment variables)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.aws_cli_server import SOCKET_VARIABLE, AwsCliServer
from tests.support.tools import require_tool

REPO = Path(__file__).resolve().parents[2]
BACKUP = REPO / "database" / "backup.sh"
RESTORE = REPO / "database" / "restore.sh"
BINLOG = REPO / "database" / "binlog.sh"
TABLES = ("customers", "orders", "audit_log")
# The database whose timed runs docs/operations.md quotes (`pytest --database-figures`):
# 20 000 customers, 40 000 orders, 40 000 audit rows.
ROWS = 20_000
# Every case in `make test`: refusals, ordering, integrity and concurrency do not depend on the
# size (the concurrency case holds its dump still half-way), and a tenth of the rows makes each
# dump, log and restore a tenth as long.
FEW_ROWS = 2_000

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


def run(script: Path, step: str, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(script), step], env={**env, **extra}, capture_output=True, text=True, timeout=600)


def ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, f"exit {proc.returncode}:\n{proc.stderr}"
    return proc


def backup(env: dict[str, str], name: str) -> None:
    ok(run(BACKUP, "dump", env, BACKUP_NAME=name))
    ok(run(BACKUP, "upload", env))


def restore(env: dict[str, str], key: str = "latest") -> subprocess.CompletedProcess[str]:
    fetched = run(RESTORE, "fetch", env, BACKUP_KEY=key)
    if fetched.returncode != 0:
        return fetched
    return run(RESTORE, "load", env)


def create_schema(db: MariaDb, rows: int = FEW_ROWS) -> None:
    db.sql(f"DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4;")
    db.sql(
        f"""
        CREATE TABLE customers (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(100) NOT NULL,
          note TEXT, avatar BLOB, created DATETIME(6) NOT NULL) ENGINE=InnoDB;
        CREATE TABLE orders (id BIGINT PRIMARY KEY AUTO_INCREMENT, customer_id INT NOT NULL,
          amount DECIMAL(12,2) NOT NULL, FOREIGN KEY (customer_id) REFERENCES customers(id)) ENGINE=InnoDB;
        CREATE TABLE audit_log (id BIGINT PRIMARY KEY AUTO_INCREMENT, order_id BIGINT NOT NULL, at DATETIME(6)) ENGINE=InnoDB;
        CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW
          INSERT INTO audit_log (order_id, at) VALUES (NEW.id, '2026-01-01 00:00:00');
        CREATE FUNCTION order_total(c INT) RETURNS DECIMAL(14,2) READS SQL DATA
          RETURN (SELECT COALESCE(SUM(amount), 0) FROM orders WHERE customer_id = c);
        CREATE EVENT nightly_cleanup ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit_log WHERE at < '2000-01-01';
        CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 500;
        INSERT INTO customers (name, note, avatar, created)
          SELECT CONCAT('customer ', seq, ' ✓ Ünïcødé'), REPEAT(MD5(seq), 1 + seq % 7), UNHEX(SHA2(seq, 256)),
                 TIMESTAMPADD(SECOND, seq, '2026-01-01 00:00:00.123456')
          FROM seq_1_to_{rows};
        INSERT INTO orders (customer_id, amount) SELECT 1 + seq % {rows}, (seq * 37 % 100000) / 100 FROM seq_1_to_{rows * 2};
        """,
        DATABASE,
        as_app=True,
    )


def checksums(db: MariaDb) -> dict[str, str]:
    rows = db.sql(f"CHECKSUM TABLE {', '.join(TABLES)} EXTENDED", DATABASE)
    return {line.split("\t")[0]: line.split("\t")[1] for line in rows.strip().splitlines()}


def objects(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def aws_settings_in(folder: Path) -> dict[str, str]:
    """Fake credentials; no profile, config file or instance metadata lookups."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret (moto's fake credentials)
        "AWS_CONFIG_FILE": str(folder / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(folder / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_PAGER": "",
    }


def tools_path() -> str:
    """The directories of the MariaDB client tools, then this process's PATH."""
    dirs = [os.path.dirname(require_tool(t, "Debian package mariadb-client")) for t in ("mariadb-dump", "mariadb")]
    return os.pathsep.join([*dict.fromkeys(dirs), os.environ.get("PATH", "")])


def real_aws() -> str:
    """The AWS CLI the scripts would find on their PATH: the one the AWS CLI server runs."""
    return require_tool(shutil.which("aws", path=tools_path()) or "aws", "Debian package awscli")


def tool_path(aws_cli: AwsCliServer) -> str:
    """PATH for the scripts: the AWS CLI server's client as `aws` first, then the MariaDB client tools."""
    return os.pathsep.join([str(aws_cli.bin), tools_path()])


def scripts_settings(
    mariadb: MariaDb, moto_endpoint: str, aws_settings: dict[str, str], folder: Path, aws_cli: AwsCliServer
) -> dict[str, str]:
    """The environment the backup, binlog and restore scripts run with, their files in `folder`:
    the app's login to the test server, moto's S3 holding the backup bucket, `aws` run by the
    AWS CLI server."""
    password_file, user_file = folder / "password", folder / "username"
    password_file.write_text(APP_PASSWORD)
    user_file.write_text(APP_USER)
    (folder / "tmp").mkdir()
    return {
        "PATH": tool_path(aws_cli),
        SOCKET_VARIABLE: str(aws_cli.socket),
        "HOME": str(folder),
        "TMPDIR": str(folder / "tmp"),
        **aws_settings,
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(mariadb.port),
        "DB_NAME": DATABASE,
        "DB_USER_FILE": str(user_file),
        "DB_PASSWORD_FILE": str(password_file),
        "BACKUP_DIR": str(folder / "backup"),
        "BINLOG_DIR": str(folder / "binlog"),
        "RESTORE_DIR": str(folder / "restore"),
        "S3_BUCKET": BUCKET,
        "S3_PREFIX": PREFIX,
        "S3_SSE": "AES256",
        "S3_ENDPOINT_URL": moto_endpoint,
    }
