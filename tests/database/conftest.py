"""A real MariaDB server and a moto S3 on loopback, for the backup and restore scripts.

mariadbd runs as an unprivileged process (as `nobody` when the tests run as root) with its
own data directory in a temporary folder, on a free port, never the system service. moto's
S3 listens on 127.0.0.1; the AWS settings can reach neither a real account nor a metadata service.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.aws_cli_server import AwsCliServer, aws_cli_server
from tests.support.database import (
    APP_PASSWORD,
    APP_USER,
    BUCKET,
    DATABASE,
    FEW_ROWS,
    REGION,
    ROWS,
    MariaDb,
    aws_settings_in,
    free_port,
    fresh_moto_client,
    real_aws,
    scripts_settings,
    tools_path,
)
from tests.support.tools import require_tool


def _unprivileged() -> tuple[str | None, int | None]:
    if os.geteuid() != 0:
        return None, None
    nobody = pwd.getpwnam("nobody")
    return "nobody", nobody.pw_uid


def _server_certificate(folder: Path, uid: int | None) -> Path:
    """A throw-away CA (trustme) and the server's certificate for 127.0.0.1 only (so `localhost`
    is a host name it does not cover): what an RDS endpoint's certificate and the pinned CA
    bundle are to the external-mode clients."""
    import trustme

    folder.mkdir()
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1")
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    server.cert_chain_pems[0].write_to_path(str(folder / "server.pem"))
    server.private_key_pem.write_to_path(str(folder / "server.key"))
    for file in folder.iterdir():
        if uid is not None:
            os.chown(file, uid, -1)
    return folder


@pytest.fixture(scope="session")
def mariadb() -> Iterator[MariaDb]:
    server = require_tool("mariadbd", "Debian package mariadb-server")
    install_db = require_tool("mariadb-install-db", "Debian package mariadb-server")
    client = require_tool("mariadb", "Debian package mariadb-client")
    require_tool("mariadb-dump", "Debian package mariadb-client")
    user, uid = _unprivileged()
    root = Path(tempfile.mkdtemp(prefix="flask-platform-mariadb-"))
    root.chmod(0o755)
    # Everything the server writes lives in folders it owns.
    datadir, tmpdir, rundir = root / "data", root / "tmp", root / "run"
    for folder in (datadir, tmpdir, rundir):
        folder.mkdir()
        if uid is not None:
            os.chown(folder, uid, -1)
    port = free_port()
    log = rundir / "mariadbd.err"
    tls = _server_certificate(root / "tls", uid)
    common = ["--no-defaults", f"--datadir={datadir}"]
    subprocess.run(
        [install_db, *common, "--auth-root-authentication-method=normal", "--skip-test-db", f"--tmpdir={tmpdir}"],
        check=True,
        capture_output=True,
        timeout=300,
        user=user,
    )
    process = subprocess.Popen(
        [
            server,
            *common,
            f"--tmpdir={tmpdir}",
            f"--socket={rundir / 'mysqld.sock'}",
            f"--pid-file={rundir / 'mysqld.pid'}",
            f"--log-error={log}",
            "--bind-address=127.0.0.1",
            f"--port={port}",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=64M",
            "--character-set-server=utf8mb4",
            "--event-scheduler=OFF",
            # Binary logs as the StatefulSet's MySQL writes them (row format, event checksums),
            # for the point-in-time cases; MariaDB's GTIDs are always on.
            "--log-bin=binlog",
            "--server-id=1",
            "--binlog-format=ROW",
            "--binlog-checksum=CRC32",
            # As the StatefulSet's config: the application user creates triggers and routines.
            "--log-bin-trust-function-creators=ON",
            # TLS offered, not required: the external-mode tests require and verify it from the client side.
            f"--ssl-ca={tls / 'ca.pem'}",
            f"--ssl-cert={tls / 'server.pem'}",
            f"--ssl-key={tls / 'server.key'}",
        ],
        user=user,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = MariaDb(port=port, client=client, log=log, tls_ca=tls / "ca.pem")
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"mariadbd exited {process.returncode}: {log.read_text() if log.exists() else ''}")
            try:
                db.sql("SELECT 1")
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        # The application user as the MySQL image's entrypoint creates it: ALL on its own schema.
        db.sql(
            f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4;"
            f"CREATE USER '{APP_USER}'@'%' IDENTIFIED BY '{APP_PASSWORD.replace(chr(92), chr(92) * 2)}';"
            f"GRANT ALL ON {DATABASE}.* TO '{APP_USER}'@'%';"
        )
        yield db
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def aws_cli() -> Iterator[AwsCliServer]:
    """This worker's AWS CLI server (tests/support/aws_cli_server.py): the scripts' `aws` runs there,
    without paying the CLI's import on every call."""
    with aws_cli_server(real_aws(), tools_path()) as server:
        yield server


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> bool:
    """Whether this run measures the figures docs/operations.md quotes (`--database-figures`,
    tests/conftest.py). The timed runs' checks hold either way."""
    return request.config.getoption("--database-figures")


@pytest.fixture
def timed_rows(figures: bool) -> int:
    """Customers in the database of the timed runs: the documented size when measuring."""
    return ROWS if figures else FEW_ROWS


@pytest.fixture
def aws_settings(tmp_path: Path) -> dict[str, str]:
    return aws_settings_in(tmp_path)


@pytest.fixture
def bucket(moto_endpoint: str, aws_settings: dict[str, str]):
    """A boto3 S3 client on an empty moto S3 that holds the backup bucket."""
    client = fresh_moto_client("s3", moto_endpoint, aws_settings)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    return client


@pytest.fixture
def scripts_env(
    mariadb: MariaDb, moto_endpoint: str, aws_settings: dict[str, str], tmp_path: Path, aws_cli: AwsCliServer
) -> dict[str, str]:
    return scripts_settings(mariadb, moto_endpoint, aws_settings, tmp_path, aws_cli)


# External mode (database.mode external): a server whose certificate a throw-away CA signed, as
# an RDS endpoint's is signed by the pinned bundle's CAs.


@pytest.fixture
def app_user_requires_tls(mariadb: MariaDb) -> Iterator[None]:
    """The server refuses the application user without TLS, as an RDS parameter group with
    require_secure_transport does: a run that succeeds has used TLS."""
    mariadb.sql(f"ALTER USER '{APP_USER}'@'%' REQUIRE SSL")
    try:
        yield
    finally:
        mariadb.sql(f"ALTER USER '{APP_USER}'@'%' REQUIRE NONE")


@pytest.fixture
def foreign_ca(tmp_path: Path) -> Path:
    """A CA bundle that did not sign the server's certificate."""
    import trustme

    path = tmp_path / "foreign-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return path
