"""database/backup.sh and database/restore.sh for real: a MariaDB server and moto's S3 on loopback.

The scripts run exactly as the CronJob and the restore Job run them (`bash <script> <step>`,
configured by environment variables), with Debian's mariadb-dump/mariadb client and AWS CLI in
place of the images' mysqldump/mysql and AWS CLI. Row data is compared with CHECKSUM TABLE.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import time
from pathlib import Path

import pytest

from tests.support.database import (
    BACKUP,
    BUCKET,
    DATABASE,
    PREFIX,
    RESTORE,
    MariaDb,
    backup,
    checksums,
    create_schema,
    objects,
    ok,
    restore,
    run,
)

pytestmark = pytest.mark.slow


def test_backup_drop_restore_gives_identical_rows(mariadb: MariaDb, bucket, scripts_env: dict[str, str], timed_rows: int) -> None:
    create_schema(mariadb, rows=timed_rows)
    before = checksums(mariadb)
    assert all(value not in ("", "NULL", "0") for value in before.values()), before

    started = time.monotonic()
    backup(scripts_env, "flask_test-20260101T021700Z")
    backup_seconds = time.monotonic() - started
    key = f"{PREFIX}/flask_test-20260101T021700Z.sql.gz"
    assert objects(bucket) == [key, f"{key}.sha256"]
    head = bucket.head_object(Bucket=BUCKET, Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    assert bucket.head_object(Bucket=BUCKET, Key=f"{key}.sha256")["ServerSideEncryption"] == "AES256"
    body = bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert head["Metadata"]["sha256"] == hashlib.sha256(body).hexdigest()
    dump = gzip.decompress(body).decode()
    for needle in ("CREATE TABLE `orders`", "TRIGGER", "FUNCTION `order_total`", "EVENT `nightly_cleanup`", "-- Dump completed"):
        assert needle in dump, needle
    assert "CREATE DATABASE" not in dump  # restorable into a database of another name

    # Later changes, a new table and then the loss of everything.
    mariadb.sql(
        "INSERT INTO customers (name, created) VALUES ('after the backup', NOW()); CREATE TABLE later (id INT);", DATABASE
    )
    assert checksums(mariadb) != before
    mariadb.sql(f"DROP DATABASE {DATABASE}; CREATE DATABASE {DATABASE};")

    started = time.monotonic()
    ok(restore(scripts_env))
    restore_seconds = time.monotonic() - started
    after = checksums(mariadb)
    assert after == before
    assert mariadb.sql("SHOW TABLES LIKE 'later'", DATABASE).strip() == ""
    assert mariadb.sql("SELECT order_total(1)", DATABASE).strip() != ""
    assert mariadb.sql(f"SHOW TRIGGERS FROM {DATABASE}").count("orders_audit") == 1
    assert "nightly_cleanup" in mariadb.sql(f"SHOW EVENTS FROM {DATABASE}")
    assert mariadb.sql("SELECT COUNT(*) FROM big_orders", DATABASE).strip() != "0"
    print(
        f"\nbackup/restore figures: {timed_rows} customers, {timed_rows * 2} orders, {timed_rows * 2} audit rows;"
        f" dump {len(body)} bytes gzip ({len(dump.encode())} bytes SQL);"
        f" backup (dump+upload) {backup_seconds:.2f}s, restore (fetch+load) {restore_seconds:.2f}s;"
        f" CHECKSUM TABLE before {before} == after {after}"
    )


def test_latest_is_the_newest_complete_backup_and_a_name_picks_an_older_one(
    mariadb: MariaDb, bucket, scripts_env: dict[str, str]
) -> None:
    create_schema(mariadb)
    first = checksums(mariadb)
    backup(scripts_env, "flask_test-20260101T000000Z")
    mariadb.sql("DELETE FROM audit_log WHERE id % 2 = 0", DATABASE)
    second = checksums(mariadb)
    backup(scripts_env, "flask_test-20260102T000000Z")
    # A dump without its checksum object (an upload cut short) is newer but never "latest".
    bucket.put_object(Bucket=BUCKET, Key=f"{PREFIX}/flask_test-20260103T000000Z.sql.gz", Body=b"incomplete")

    ok(restore(scripts_env))
    assert checksums(mariadb) == second
    ok(restore(scripts_env, "flask_test-20260101T000000Z.sql.gz"))
    assert checksums(mariadb) == first
    refused = restore(scripts_env, "flask_test-20260103T000000Z.sql.gz")
    assert refused.returncode != 0 and "no checksum object" in refused.stderr


@pytest.mark.parametrize("damage", ["corrupted", "truncated"])
def test_a_damaged_backup_is_refused_and_the_database_left_alone(
    mariadb: MariaDb, bucket, scripts_env: dict[str, str], damage: str
) -> None:
    create_schema(mariadb)
    backup(scripts_env, "flask_test-20260101T021700Z")
    key = f"{PREFIX}/flask_test-20260101T021700Z.sql.gz"
    body = bytearray(bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    if damage == "corrupted":
        body[len(body) // 2] ^= 0xFF
    else:
        del body[len(body) // 2 :]
    bucket.put_object(Bucket=BUCKET, Key=key, Body=bytes(body))
    mariadb.sql("CREATE TABLE sentinel (id INT); INSERT INTO sentinel VALUES (42);", DATABASE)
    live = checksums(mariadb)

    refused = restore(scripts_env)
    assert refused.returncode != 0
    assert "does not match its checksum: refused" in refused.stderr
    assert checksums(mariadb) == live
    assert mariadb.sql("SELECT id FROM sentinel", DATABASE).strip() == "42"


def test_load_refuses_a_truncated_dump_even_with_a_matching_checksum(
    mariadb: MariaDb, bucket, scripts_env: dict[str, str], tmp_path: Path
) -> None:
    # Defence in depth: should a truncated file ever come with a checksum made from it, the gzip
    # stream and mysqldump's completion line still refuse it before the database is touched.
    create_schema(mariadb)
    ok(run(BACKUP, "dump", scripts_env, BACKUP_NAME="flask_test-20260101T021700Z"))
    name = "flask_test-20260101T021700Z.sql.gz"
    restore_dir = Path(scripts_env["RESTORE_DIR"])
    restore_dir.mkdir()
    data = (Path(scripts_env["BACKUP_DIR"]) / name).read_bytes()
    (restore_dir / name).write_bytes(data[: len(data) // 2])
    (restore_dir / f"{name}.sha256").write_text(f"{hashlib.sha256(data[: len(data) // 2]).hexdigest()}  {name}\n")
    mariadb.sql("CREATE TABLE sentinel (id INT);", DATABASE)

    refused = run(RESTORE, "load", scripts_env)
    assert refused.returncode != 0 and "refused" in refused.stderr
    assert mariadb.sql("SHOW TABLES LIKE 'sentinel'", DATABASE).strip() == "sentinel"


def test_a_dump_that_fails_half_way_uploads_nothing_restore_would_accept(
    mariadb: MariaDb, bucket, scripts_env: dict[str, str]
) -> None:
    create_schema(mariadb)
    # A view over a table that no longer exists: mysqldump fails after writing the tables.
    mariadb.sql("CREATE TABLE doomed (id INT); CREATE VIEW broken AS SELECT id FROM doomed; DROP TABLE doomed;", DATABASE)
    dumped = run(BACKUP, "dump", scripts_env, BACKUP_NAME="flask_test-20260101T021700Z")
    assert dumped.returncode != 0
    backup_dir = Path(scripts_env["BACKUP_DIR"])
    partial = backup_dir / "flask_test-20260101T021700Z.sql.gz.partial"
    assert partial.stat().st_size > 0  # mysqldump had written part of the dump
    assert sorted(p.name for p in backup_dir.iterdir()) == [partial.name]

    # Even if the upload step ran (in the pod it cannot: it starts only after the dump succeeded).
    uploaded = run(BACKUP, "upload", scripts_env)
    assert uploaded.returncode != 0 and "nothing uploaded" in uploaded.stderr
    assert objects(bucket) == []
    refused = restore(scripts_env)
    assert refused.returncode != 0 and "no complete backup" in refused.stderr


def test_upload_refuses_a_dump_that_changed_after_its_checksum(mariadb: MariaDb, bucket, scripts_env: dict[str, str]) -> None:
    create_schema(mariadb)
    ok(run(BACKUP, "dump", scripts_env, BACKUP_NAME="flask_test-20260101T021700Z"))
    dump = Path(scripts_env["BACKUP_DIR"]) / "flask_test-20260101T021700Z.sql.gz"
    dump.write_bytes(dump.read_bytes()[:-10])
    uploaded = run(BACKUP, "upload", scripts_env)
    assert uploaded.returncode != 0 and "does not match its checksum" in uploaded.stderr
    assert objects(bucket) == []


def test_kms_encryption_names_the_configured_key(mariadb: MariaDb, bucket, scripts_env: dict[str, str]) -> None:
    create_schema(mariadb)
    kms = {"S3_SSE": "aws:kms", "S3_SSE_KMS_KEY_ID": "alias/test-db-backups"}
    ok(run(BACKUP, "dump", scripts_env, BACKUP_NAME="flask_test-20260101T021700Z"))
    ok(run(BACKUP, "upload", scripts_env, **kms))
    for key in objects(bucket):
        head = bucket.head_object(Bucket=BUCKET, Key=key)
        assert head["ServerSideEncryption"] == "aws:kms", key
        assert head["SSEKMSKeyId"].endswith("alias/test-db-backups"), head["SSEKMSKeyId"]


# External mode (database.mode external): the same scripts with DB_SSL_CA, against a server whose
# certificate a throw-away CA signed, as an RDS endpoint's is signed by the pinned bundle's CAs.


def test_external_mode_backup_and_restore_run_over_verified_tls(
    mariadb: MariaDb, bucket, scripts_env: dict[str, str], app_user_requires_tls: None
) -> None:
    tls_env = {**scripts_env, "DB_SSL_CA": str(mariadb.tls_ca)}
    create_schema(mariadb)
    before = checksums(mariadb)
    # (MariaDB's clients try TLS even unasked, without verifying; MySQL 8.0's do the same with
    # ssl-mode PREFERRED: only DB_SSL_CA makes the scripts verify, as the next test shows.)
    backup(tls_env, "flask_test-20260101T021700Z")
    mariadb.sql(f"DROP DATABASE {DATABASE}; CREATE DATABASE {DATABASE};")
    ok(restore(tls_env))
    assert checksums(mariadb) == before


def test_external_mode_refuses_a_server_whose_certificate_does_not_verify(
    mariadb: MariaDb, bucket, scripts_env: dict[str, str], foreign_ca: Path
) -> None:
    create_schema(mariadb)
    backup({**scripts_env, "DB_SSL_CA": str(mariadb.tls_ca)}, "flask_test-20260101T021700Z")
    untrusting = {**scripts_env, "DB_SSL_CA": str(foreign_ca)}

    dump = run(BACKUP, "dump", untrusting, BACKUP_NAME="flask_test-20260102T021700Z")
    assert dump.returncode != 0 and "certificate" in dump.stderr.lower(), dump.stderr
    assert not list(Path(scripts_env["BACKUP_DIR"]).glob("*.sha256"))  # nothing an upload would take

    mariadb.sql("CREATE TABLE sentinel (id INT); INSERT INTO sentinel VALUES (42);", DATABASE)
    live = checksums(mariadb)
    refused = restore(untrusting)
    assert refused.returncode != 0 and "certificate" in refused.stderr.lower(), refused.stderr
    assert checksums(mariadb) == live
    assert mariadb.sql("SELECT id FROM sentinel", DATABASE).strip() == "42"


def test_external_mode_refuses_a_missing_ca_bundle(mariadb: MariaDb, scripts_env: dict[str, str], tmp_path: Path) -> None:
    missing = run(BACKUP, "dump", {**scripts_env, "DB_SSL_CA": str(tmp_path / "absent.pem")})
    assert missing.returncode != 0 and "(DB_SSL_CA) is not readable" in missing.stderr


def test_external_mode_refuses_a_certificate_for_another_host_name(mariadb: MariaDb, bucket, scripts_env: dict[str, str]) -> None:
    """The right CA but the wrong name: `localhost` reaches the same server, whose certificate
    names only 127.0.0.1, as a DNS answer pointing elsewhere would."""
    assert socket.gethostbyname("localhost") == "127.0.0.1", "this case needs localhost to be 127.0.0.1"
    create_schema(mariadb)
    other_name = {**scripts_env, "DB_SSL_CA": str(mariadb.tls_ca), "DB_HOST": "localhost"}
    dump = run(BACKUP, "dump", other_name, BACKUP_NAME="flask_test-20260102T021700Z")
    assert dump.returncode != 0 and "localhost" in dump.stderr, dump.stderr
