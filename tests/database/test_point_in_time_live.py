"""Point-in-time recovery for real: database/binlog.sh archives the binary logs of a MariaDB on
loopback to moto's S3, and restore.sh with RESTORE_TO_TIME loads the newest dump before the
time and replays the archived logs up to it. Row data is compared with CHECKSUM TABLE.

Times are whole seconds (binary log events carry whole seconds): a write made before a second
boundary T is restored by a restore to T, a write made after it is not.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.aws_cli_server import AwsCliServer
from tests.support.database import (
    BACKUP,
    BINLOG,
    BUCKET,
    DATABASE,
    PREFIX,
    REGION,
    RESTORE,
    MariaDb,
    aws_settings_in,
    checksums,
    create_schema,
    fresh_moto_client,
    ok,
    run,
    scripts_settings,
    tools_path,
)

pytestmark = pytest.mark.slow


def as_root(scripts_env: dict[str, str], folder: Path) -> dict[str, str]:
    """The scripts as the binlog CronJob and a to-time restore run them: as the server's root
    (the test server's root has an empty password), dumps recording their log position."""
    password = folder / "root-password"
    password.write_text("")
    return {**scripts_env, "DB_ADMIN_USER": "root", "DB_PASSWORD_FILE": str(password), "DUMP_BINLOG_POSITION": "true"}


@pytest.fixture
def root_env(scripts_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return as_root(scripts_env, tmp_path)


def as_a_job(env: dict[str, str]) -> dict[str, str]:
    """The scripts' environment with the AWS CLI itself on PATH, not the AWS CLI server's client."""
    return {**env, "PATH": tools_path()}


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def dump(env: dict[str, str]) -> str:
    name = f"{DATABASE}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    ok(run(BACKUP, "dump", env, BACKUP_NAME=name))
    ok(run(BACKUP, "upload", env))
    return name


def archive(env: dict[str, str]) -> None:
    for step in ("list", "fetch", "upload"):
        ok(run(BINLOG, step, env))


def boundary() -> str:
    """Wait past the next whole second and return it: writes before are older, writes after newer."""
    now = time.time()
    second = int(now) + 1
    time.sleep(second - now + 0.2)
    return stamp(datetime.fromtimestamp(second, UTC))


def restore_to(env: dict[str, str], target: str):
    settings = {"BACKUP_KEY": "before-time", "RESTORE_TO_TIME": target, "RESTORE_MARGIN_SECONDS": "1"}
    fetched = run(RESTORE, "fetch", env, **settings)
    if fetched.returncode != 0:
        return fetched
    return run(RESTORE, "load", env, **settings)


def write(db: MariaDb, label: str) -> None:
    db.sql(
        f"INSERT INTO customers (name, created) VALUES ('{label}', NOW(6));"
        f"INSERT INTO orders (customer_id, amount) VALUES (LAST_INSERT_ID(), 12.34);"
        f"UPDATE customers SET note = '{label}' WHERE id = 7; DELETE FROM orders WHERE id = {hash(label) % 1000 + 1};",
        DATABASE,
        as_app=True,
    )


def test_restore_to_a_time_holds_exactly_the_rows_written_before_it(
    mariadb: MariaDb, bucket, root_env: dict[str, str], timed_rows: int, figures: bool
) -> None:
    create_schema(mariadb, rows=timed_rows)
    dump(root_env)
    write(mariadb, "first A")
    two_dumps_back = boundary()
    at_two_dumps_back = checksums(mariadb)
    write(mariadb, "first B")
    archive(root_env)
    time.sleep(1)
    dump(root_env)
    write(mariadb, "second A")
    archive(root_env)
    time.sleep(1)
    dump(root_env)
    write(mariadb, "third A")
    newest = boundary()
    at_newest = checksums(mariadb)
    write(mariadb, "third B")
    # When measuring, the timed runs start the AWS CLI for each call, as the Jobs do, where the
    # other runs share the AWS CLI server's import: their figures are the ones docs/operations.md quotes.
    timed_env = as_a_job(root_env) if figures else root_env
    started = time.monotonic()
    archive(timed_env)
    archive_seconds = time.monotonic() - started
    assert checksums(mariadb) not in (at_newest, at_two_dumps_back)

    started = time.monotonic()
    ok(restore_to(timed_env, newest))
    restore_seconds = time.monotonic() - started
    assert checksums(mariadb) == at_newest
    ok(restore_to(root_env, two_dumps_back))
    assert checksums(mariadb) == at_two_dumps_back
    added = mariadb.sql(f"SELECT name FROM customers WHERE id > {timed_rows}", DATABASE)
    names = [row.split("\t")[0] for row in added.splitlines()]
    assert names == ["first A"]
    print(
        f"\npoint-in-time figures ({timed_rows} customers): archive run {archive_seconds:.2f}s,"
        f" restore (fetch+load+replay) {restore_seconds:.2f}s"
    )


# How long the dump is held still half-way (below): far longer than a write takes, even on a busy machine.
STALL_SECONDS = 2.0


def wrapped(env: dict[str, str], folder: Path, tool: str, before: str) -> dict[str, str]:
    """`env` with `tool` first on PATH as a shell script that runs `before` (shell lines, with the
    arguments in "$@"), then the real `tool`: a fault injected into the scripts' own commands."""
    shims = folder / f"wrapped-{tool}"
    shims.mkdir()
    real = shutil.which(tool, path=env["PATH"])
    (shims / tool).write_text(f'#!/bin/sh\n{before}\nexec {real} "$@"\n')
    (shims / tool).chmod(0o755)
    return {**env, "PATH": f"{shims}{os.pathsep}{env['PATH']}"}


def stalled_compression(env: dict[str, str], folder: Path) -> dict[str, str]:
    """`env` with a gzip that waits STALL_SECONDS before it compresses: the dump fills the pipe
    and stands still half-way, holding whatever it holds, however small the database."""
    return wrapped(env, folder, "gzip", f'case "$1" in -d*) ;; *) sleep {STALL_SECONDS} ;; esac')


def test_writes_continue_during_a_dump_and_an_archive_run(
    mariadb: MariaDb, bucket, root_env: dict[str, str], tmp_path: Path
) -> None:
    create_schema(mariadb)
    mariadb.sql("CREATE TABLE ticks (id INT PRIMARY KEY AUTO_INCREMENT, at DATETIME(6))", DATABASE, as_app=True)
    done: list[float] = []
    failures: list[str] = []
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            try:
                mariadb.sql("INSERT INTO ticks (at) VALUES (NOW(6))", DATABASE, as_app=True)
                done.append(time.monotonic())
            except AssertionError as error:
                failures.append(str(error))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.5)
        windows = []
        for action in (lambda: dump(stalled_compression(root_env, tmp_path)), lambda: archive(root_env)):
            started = time.monotonic()
            action()
            windows.append((started, time.monotonic()))
        target = boundary()
    finally:
        stop.set()
        thread.join()
    assert failures == []
    during = [sum(1 for t in done if start <= t <= end) for start, end in windows]
    assert all(count > 0 for count in during), during
    # A dump that locked the tables (no --single-transaction: --master-data then locks them
    # all) would hold every write for the whole stall.
    (dump_start, dump_end) = windows[0]
    moments = [dump_start, *(t for t in done if dump_start <= t <= dump_end), dump_end]
    longest = max(later - earlier for earlier, later in zip(moments, moments[1:], strict=False))
    assert dump_end - dump_start > STALL_SECONDS and longest < STALL_SECONDS / 2, (longest, dump_end - dump_start)
    written = int(mariadb.sql(f"SELECT COUNT(*) FROM ticks WHERE at < '{target[:-1].replace('T', ' ')}'", DATABASE))
    archive(root_env)
    ok(restore_to(root_env, target))
    assert int(mariadb.sql("SELECT COUNT(*) FROM ticks", DATABASE)) == written
    print(f"\nwrites during the dump and during the archive run: {during}; longest pause in the dump {longest:.2f}s")


def test_no_log_is_marked_archived_when_the_upload_of_the_logs_fails(
    mariadb: MariaDb, bucket, root_env: dict[str, str], tmp_path: Path
) -> None:
    """binlog.sh uploads every log of a run, then their checksum objects: when the logs' upload
    fails (here an AWS CLI that fails that one call), no checksum object marks any log archived."""
    create_schema(mariadb)
    write(mariadb, "A")
    for step in ("list", "fetch"):
        ok(run(BINLOG, step, root_env))
    failing = wrapped(
        root_env, tmp_path, "aws", 'case "$*" in *application/octet-stream*) echo "upload failed (injected)" >&2; exit 1 ;; esac'
    )
    failed = run(BINLOG, "upload", failing)
    assert failed.returncode != 0 and "upload failed (injected)" in failed.stderr, failed.stderr
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert not [key for key in keys if key.endswith(".sha256") and "/binlog/" in key], keys
    ok(run(BINLOG, "upload", root_env))  # the next run's upload marks them
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    logs = [key for key in keys if "/binlog/" in key and not key.endswith(".sha256")]
    assert logs and all(f"{key}.sha256" in keys for key in logs), keys


def _damage(bucket, key: str, how: str) -> None:
    import hashlib

    body = bytearray(bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    if how == "missing":
        bucket.delete_object(Bucket=BUCKET, Key=key)
        bucket.delete_object(Bucket=BUCKET, Key=f"{key}.sha256")
        return
    if how == "log gone":  # its checksum object, which marks it archived, is still there
        bucket.delete_object(Bucket=BUCKET, Key=key)
        return
    if how == "altered":
        body[len(body) // 2] ^= 0xFF
        bucket.put_object(Bucket=BUCKET, Key=key, Body=bytes(body))
        return
    # truncated, with a checksum that matches the shorter file: only the log's own events tell
    del body[len(body) * 2 // 3 :]
    bucket.put_object(Bucket=BUCKET, Key=key, Body=bytes(body))
    name = key.rsplit("/", 1)[1]
    bucket.put_object(Bucket=BUCKET, Key=f"{key}.sha256", Body=f"{hashlib.sha256(body).hexdigest()}  {name}\n".encode())


@dataclass(frozen=True)
class Lineage:
    """A dump and two archive runs with a write before each, as the bucket holds them after."""

    objects: dict[str, bytes]
    target: str  # a second boundary between the two writes: a restore to it needs both runs' logs


@pytest.fixture(scope="module")
def archived_lineage(
    mariadb: MariaDb, moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory, aws_cli: AwsCliServer
) -> Lineage:
    """Built once per worker for the damaged-log cases, which only read it: each puts it back into
    its own empty bucket, damages its copy and asks for a restore that must be refused."""
    folder = tmp_path_factory.mktemp("lineage")
    aws = aws_settings_in(folder)
    env = as_root(scripts_settings(mariadb, moto_endpoint, aws, folder, aws_cli), folder)
    client = fresh_moto_client("s3", moto_endpoint, aws)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    create_schema(mariadb)
    dump(env)
    write(mariadb, "A")
    archive(env)
    write(mariadb, "B")
    target = boundary()
    archive(env)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET)["Contents"]]
    return Lineage({key: client.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys}, target)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("missing", "is missing"),
        ("log gone", "could not be downloaded: refused"),
        ("altered", "does not match its checksum: refused"),
        ("truncated", "is damaged or truncated: refused"),
        ("beyond", "before"),
    ],
)
def test_a_missing_or_damaged_log_is_refused_and_the_database_left_alone(
    mariadb: MariaDb, archived_lineage: Lineage, bucket, root_env: dict[str, str], how: str, message: str
) -> None:
    for key, body in archived_lineage.objects.items():
        bucket.put_object(Bucket=BUCKET, Key=key, Body=body)
    target = archived_lineage.target
    logs = sorted(key for key in archived_lineage.objects if key.startswith(f"{PREFIX}/binlog/") and not key.endswith(".sha256"))
    # The live database, which the refused restore must leave exactly as it is: the schema and a sentinel.
    create_schema(mariadb)
    if how == "beyond":
        target = stamp(datetime.now(UTC) + timedelta(hours=1))  # later than the newest archived log
    else:
        # The log holding write A (the first of the two runs), which every restore to the target needs.
        _damage(bucket, logs[-2] if how == "missing" else logs[-1], how)
    mariadb.sql("CREATE TABLE sentinel (id INT); INSERT INTO sentinel VALUES (42);", DATABASE)
    live = checksums(mariadb)

    refused = restore_to(root_env, target)
    assert refused.returncode != 0
    assert message in refused.stderr, refused.stderr
    assert checksums(mariadb) == live
    assert mariadb.sql("SELECT id FROM sentinel", DATABASE).strip() == "42"
