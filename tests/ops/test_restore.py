"""ops restore: the printed Job restores through the backup's identity, scripts and network edges."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from charts import names
from config.loader import ENVIRONMENTS_DIR, load_environment
from manifests import selectors as label_selectors
from ops.common import DIST, REPO_ROOT, OpsError
from ops.restore import restore_manifest

NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)


def restore_job(env: str = "staging", backup: str = "latest") -> dict:
    (job,) = [d for d in yaml.safe_load_all(restore_manifest(env, backup, now=NOW)) if d]
    return job


def test_the_job_fetches_then_loads_the_named_backup() -> None:
    job = restore_job(backup="flask_staging-20261201T021700Z.sql.gz")
    env = load_environment("staging")
    assert job["kind"] == "Job" and job["metadata"]["namespace"] == names.BACKEND_NAMESPACE
    assert job["metadata"]["name"] == f"{names.RESTORE_JOB_PREFIX}-20261201-023000"
    pod = job["spec"]["template"]["spec"]
    (fetch,), (load,) = pod["initContainers"], pod["containers"]
    assert fetch["command"][-2:] == ["/opt/flask-platform/db/restore.sh", "fetch"]
    assert load["command"][-2:] == ["/opt/flask-platform/db/restore.sh", "load"]
    # fetch talks to S3 with the AWS CLI; load to the database with the server's own client.
    assert fetch["image"] == env.data.backup.aws_cli_image.reference
    assert load["image"] == env.database.image.reference
    for step in (fetch, load):
        assert {"name": "BACKUP_KEY", "value": "flask_staging-20261201T021700Z.sql.gz"} in step["env"]
        assert step["securityContext"]["readOnlyRootFilesystem"] is True
    # Only the step that talks to the database sees its password.
    assert "db-password" in {m["name"] for m in load["volumeMounts"]}
    assert "db-password" not in {m["name"] for m in fetch["volumeMounts"]}
    assert pod["serviceAccountName"] == names.BACKUP_CRONJOB
    assert pod["restartPolicy"] == "Never"


def test_the_job_has_exactly_the_backup_network_edges() -> None:
    labels = restore_job()["spec"]["template"]["metadata"]["labels"]
    policies = [yaml.safe_load(p.read_text()) for p in (DIST / "staging" / names.BACKEND_APP).glob("networkpolicy_*.yaml")]
    selecting = {p["metadata"]["name"] for p in policies if label_selectors.matches(p["spec"]["podSelector"], labels)}
    # The backup's segment, Pushgateway included: a restore pushes nothing, but a segment of its
    # own would be a second set of policies to keep in step for one Job run by hand.
    assert selecting == {
        f"{names.BACKUP_CRONJOB}-to-{names.DATABASE}",
        f"{names.BACKUP_CRONJOB}-to-s3",
        f"{names.BACKUP_CRONJOB}-to-pushgateway",
    }
    admitted_by_database = [
        p
        for p in policies
        if p["metadata"]["name"] == f"{names.DATABASE}-from-{names.BACKUP_CRONJOB}"
        and label_selectors.matches(p["spec"]["ingress"][0]["from"][0]["podSelector"], labels)
    ]
    assert admitted_by_database


def test_the_job_reads_what_dist_renders() -> None:
    # Its ConfigMaps, Secret and ServiceAccount are the backup CronJob's, which ArgoCD keeps in place.
    backend = DIST / "staging" / names.BACKEND_APP
    pod = restore_job()["spec"]["template"]["spec"]
    for volume in pod["volumes"]:
        if "configMap" in volume:
            assert (backend / f"configmap_backend_{volume['configMap']['name']}.yaml").exists()
        if "secret" in volume:
            assert (backend / f"externalsecret_backend_{volume['secret']['secretName']}.yaml").exists()
    assert (backend / f"serviceaccount_backend_{pod['serviceAccountName']}.yaml").exists()


@pytest.mark.parametrize("backup", ["", "../etc/passwd", "dump.sql", "a b.sql.gz", "latest; rm -rf /"])
def test_a_bad_backup_name_is_a_usage_error(backup: str) -> None:
    with pytest.raises(OpsError) as error:
        restore_manifest("staging", backup)
    assert error.value.exit_code == 2 and "--backup" in str(error.value)


def test_an_environment_without_backups_is_a_usage_error(tmp_path: Path) -> None:
    for path in ENVIRONMENTS_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    text = (tmp_path / "staging.yaml").read_text().replace("data:\n  backup:\n", "data:\n  backup:\n    enabled: false\n")
    (tmp_path / "staging.yaml").write_text(text)
    with pytest.raises(OpsError) as error:
        restore_manifest("staging", "latest", environments=tmp_path)
    assert error.value.exit_code == 2 and "data.backup.enabled is false" in str(error.value)


def test_cli_prints_the_job_and_make_passes_the_backup() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ops", "restore", "prod", "--backup", "latest"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert yaml.safe_load(proc.stdout)["metadata"]["labels"]["flask-platform.io/environment"] == "prod"
    dry = subprocess.run(["make", "-n", "restore", "ENV=prod", "BACKUP=x.sql.gz"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert "-m ops restore prod --backup x.sql.gz" in dry.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "ops", "restore", "staging", "--backup", "x"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and bad.stderr.startswith("error: ")


def test_a_restore_to_a_time_replays_the_archived_logs_as_root() -> None:
    (job,) = [d for d in yaml.safe_load_all(restore_manifest("staging", None, to_time="2026-12-01T02:17:42Z", now=NOW)) if d]
    pod = job["spec"]["template"]["spec"]
    (fetch,), (load,) = pod["initContainers"], pod["containers"]
    for step in (fetch, load):
        assert {"name": "BACKUP_KEY", "value": "before-time"} in step["env"]
        assert {"name": "RESTORE_TO_TIME", "value": "2026-12-01T02:17:42Z"} in step["env"]
    # Replaying row events is a replication privilege: the load step alone reads the root password.
    assert {"name": "DB_ADMIN_USER", "value": "root"} in load["env"]
    assert {"name": "DB_PASSWORD_FILE", "value": "/var/run/secrets/db/root-password"} in load["env"]
    assert not any(e["name"] == "DB_ADMIN_USER" for e in fetch["env"])
    (secret,) = [v["secret"] for v in pod["volumes"] if v["name"] == "db-password"]
    assert {"key": "root-password", "path": "root-password"} in secret["items"]


@pytest.mark.parametrize(
    ("env", "to_time", "message"),
    [
        ("staging", "2026-12-01 02:17:42", "expected a UTC time"),
        ("staging", "2026-02-30T02:17:42Z", "not a date and time of the calendar"),
        ("staging", "2026-12-02T00:00:00Z", "is in the future"),
        ("prod", "2026-12-01T02:17:42Z", "needs the archive of the in-cluster database's binary logs"),
    ],
)
def test_a_bad_time_or_an_environment_without_the_archive_is_a_usage_error(env: str, to_time: str, message: str) -> None:
    with pytest.raises(OpsError) as error:
        restore_manifest(env, None, to_time=to_time, now=NOW)
    assert error.value.exit_code == 2 and message in str(error.value)


def test_make_passes_the_time() -> None:
    command = ["make", "-n", "restore", "ENV=staging", "TO_TIME=2026-12-01T02:17:42Z"]
    dry = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True)
    assert "-m ops restore staging --to-time 2026-12-01T02:17:42Z" in dry.stdout
