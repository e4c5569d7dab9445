"""database/backup.sh reports each dump's size to a real Pushgateway, as the rendered CronJob tells
it to, under the labels the data dashboard selects; a Pushgateway that is down costs a warning,
never the backup.

The upload step's settings (PUSHGATEWAY_URL, METRICS_JOB, METRICS_NAMESPACE) are read from
dist/staging's backup CronJob; only the URL is moved to the test's Pushgateway on loopback.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from charts import names, series
from manifests import DIST, load_env
from tests.support.database import BACKUP, BUCKET, DATABASE, PREFIX, MariaDb, free_port, objects, ok, run
from tests.support.pushgateway import Pushgateway, running_pushgateway

pytestmark = pytest.mark.slow


def rendered_upload_settings() -> dict[str, str]:
    backend = load_env(DIST / "staging" / names.BACKEND_APP)
    (cron,) = [m.body for m in backend if (m.kind, m.name) == ("CronJob", names.BACKUP_CRONJOB)]
    (upload,) = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    return {e["name"]: e["value"] for e in upload["env"]}


@pytest.fixture
def pushgateway(tmp_path: Path):
    with running_pushgateway(tmp_path / "pushgateway.log") as gateway:
        yield gateway


def small_schema(db: MariaDb, rows: int) -> None:
    """A table of `rows` rows of incompressible-enough text, so the dump's size follows `rows`."""
    db.sql(f"DROP DATABASE IF EXISTS {DATABASE}; CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4;")
    db.sql(
        "CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(64));"
        f" INSERT INTO notes SELECT seq, SHA2(seq, 256) FROM seq_1_to_{rows};",
        DATABASE,
    )


def dump_and_upload(env: dict[str, str], name: str, **settings: str):
    ok(run(BACKUP, "dump", env, BACKUP_NAME=name))
    return ok(run(BACKUP, "upload", env, **settings))


def reported_sizes(gateway: Pushgateway) -> dict[tuple[str, str], float]:
    return {(s.labels["job"], s.labels["namespace"]): s.value for s in gateway.samples(series.BACKUP_SIZE)}


def test_each_backup_reports_the_size_it_uploaded_under_the_dashboards_labels(
    mariadb: MariaDb, bucket, scripts_env: dict[str, str], pushgateway: Pushgateway
) -> None:
    settings = {**rendered_upload_settings(), "PUSHGATEWAY_URL": pushgateway.url}
    # The group the dashboard's query selects (charts/series.py's backup_pushes).
    group = (names.BACKUP_CRONJOB, names.BACKEND_NAMESPACE)
    assert series.backup_pushes() == f'{{namespace="{group[1]}", job="{group[0]}"}}'

    sizes = []
    for run_name, rows in (("flask_test-20260101T021700Z", 200), ("flask_test-20260102T021700Z", 5000)):
        small_schema(mariadb, rows)
        upload = dump_and_upload(scripts_env, run_name, **settings)
        uploaded = bucket.head_object(Bucket=BUCKET, Key=f"{PREFIX}/{run_name}.sql.gz")["ContentLength"]
        # One series for the group: each push replaces the last, never adds a second one.
        assert reported_sizes(pushgateway) == {group: uploaded}, upload.stderr
        assert f"reported the dump's size ({uploaded} bytes)" in upload.stderr
        sizes.append(uploaded)
    assert sizes[1] > sizes[0]
    # The operations guide's way to clear the figure once backups are switched off.
    request = urllib.request.Request(f"{pushgateway.url}/metrics/job/{group[0]}/namespace/{group[1]}", method="DELETE")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 202
    assert reported_sizes(pushgateway) == {}


def test_a_pushgateway_that_is_down_costs_a_warning_not_the_backup(mariadb: MariaDb, bucket, scripts_env: dict[str, str]) -> None:
    small_schema(mariadb, 100)
    closed = f"http://127.0.0.1:{free_port()}"
    settings = {**rendered_upload_settings(), "PUSHGATEWAY_URL": closed}
    upload = dump_and_upload(scripts_env, "flask_test-20260103T021700Z", **settings)
    key = f"{PREFIX}/flask_test-20260103T021700Z.sql.gz"
    assert objects(bucket) == [key, f"{key}.sha256"]
    assert f"warning: could not report the dump's size to {closed}; the backup itself is complete" in upload.stderr


def test_without_a_pushgateway_the_upload_reports_nothing(mariadb: MariaDb, bucket, scripts_env: dict[str, str]) -> None:
    small_schema(mariadb, 100)
    upload = dump_and_upload(scripts_env, "flask_test-20260104T021700Z")
    assert "uploaded s3://" in upload.stderr and "dump's size" not in upload.stderr
    assert len(objects(bucket)) == 2
