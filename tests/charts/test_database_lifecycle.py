"""The backend's migration Job and backup CronJob as rendered in dist/, per environment."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from charts import names
from config.loader import load_environment
from constructs.database_backup import IRSA_ROLE_ANNOTATION, SCRIPTS_DIR
from manifests import DIST, Manifest, load_env

ENVS = sorted(p.name for p in DIST.iterdir() if p.is_dir())
WAVE = "argocd.argoproj.io/sync-wave"


def objects(env: str) -> dict[tuple[str, str], Manifest]:
    return {(m.kind, m.name): m for m in load_env(DIST / env / names.BACKEND_APP)}


def wave(m: Manifest) -> int:
    return int((m.metadata.get("annotations") or {}).get(WAVE, "0"))


@pytest.mark.parametrize("env", ENVS)
def test_migration_runs_after_the_database_and_before_the_api(env: str) -> None:
    backend = objects(env)
    job = backend[("Job", names.MIGRATION_JOB)]
    annotations = job.metadata["annotations"]
    # Sync, not PreSync: PreSync runs before the database exists on the first sync.
    assert annotations["argocd.argoproj.io/hook"] == "Sync"
    assert annotations["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation"
    pod = job.body["spec"]["template"]["spec"]
    # In-cluster: the server and its Service; external: the CA bundle the migration verifies it with.
    database = [("StatefulSet", names.DATABASE), ("Service", names.DATABASE), ("ConfigMap", f"{names.DATABASE}-ca")]
    needed = [backend[ref] for ref in database if ref in backend]
    assert len(needed) == (1 if load_environment(env).database.mode == "external" else 2)
    needed += [backend[("ConfigMap", ref["configMapRef"]["name"])] for ref in pod["containers"][0]["envFrom"]]
    needed += [backend[("ExternalSecret", v["secret"]["secretName"])] for v in pod["volumes"] if "secret" in v]
    needed += [m for m in backend.values() if m.kind == "NetworkPolicy" and names.MIGRATION_JOB in m.name]
    needed += [backend[("ServiceAccount", pod["serviceAccountName"])]]
    assert all(wave(m) < wave(job) for m in needed), [(m.ref, wave(m)) for m in needed if wave(m) >= wave(job)]
    api = [backend[("Deployment", names.FLASK_APP)]] + [
        m for m in backend.values() if m.kind in {"HorizontalPodAutoscaler", "PodDisruptionBudget"} and m.name == names.FLASK_APP
    ]
    assert all(wave(job) < wave(m) for m in api)
    assert job.body["spec"]["activeDeadlineSeconds"] > 0 and job.body["spec"]["backoffLimit"] >= 0


@pytest.mark.parametrize("env", ENVS)
def test_migration_is_the_api_pod_without_the_server(env: str) -> None:
    backend = objects(env)
    job = backend[("Job", names.MIGRATION_JOB)].body["spec"]["template"]["spec"]
    api = backend[("Deployment", names.FLASK_APP)].body["spec"]["template"]["spec"]
    (migrate,), (server,) = job["containers"], api["containers"]
    assert migrate["image"] == server["image"]
    assert migrate["command"] == load_environment(env).data.migration.command
    assert migrate["envFrom"] == server["envFrom"]
    assert migrate["securityContext"] == server["securityContext"]
    assert job["securityContext"] == api["securityContext"]
    assert [v for v in job["volumes"] if "secret" in v] == [v for v in api["volumes"] if "secret" in v]
    assert migrate["volumeMounts"] == server["volumeMounts"]
    assert job["restartPolicy"] == "Never" and job["automountServiceAccountToken"] is False
    assert job["serviceAccountName"] == names.MIGRATION_JOB
    assert "ports" not in migrate and "readinessProbe" not in migrate


@pytest.mark.parametrize("env", ENVS)
def test_backup_cronjob(env: str) -> None:
    config = load_environment(env).data.backup
    backend = objects(env)
    cron = backend[("CronJob", names.BACKUP_CRONJOB)].body["spec"]
    assert cron["schedule"] == config.schedule and cron["concurrencyPolicy"] == "Forbid"
    assert cron["startingDeadlineSeconds"] == config.starting_deadline_seconds
    assert cron["successfulJobsHistoryLimit"] >= 1 and cron["failedJobsHistoryLimit"] >= 1
    job = cron["jobTemplate"]["spec"]
    assert job["activeDeadlineSeconds"] == config.deadline_seconds
    pod = job["template"]["spec"]
    # The dump is an init container: the upload cannot start unless the dump exited 0.
    assert [c["name"] for c in pod["initContainers"]] == ["dump"] and [c["name"] for c in pod["containers"]] == ["upload"]
    settings = backend[("ConfigMap", f"{names.BACKUP_CRONJOB}-env")].body["data"]
    assert settings["S3_BUCKET"] == config.s3.bucket and settings["S3_PREFIX"] == config.s3.prefix
    assert settings["S3_SSE"] == ("aws:kms" if config.s3.kms_key else "AES256")
    assert settings.get("S3_SSE_KMS_KEY_ID") == config.s3.kms_key
    account = backend[("ServiceAccount", names.BACKUP_CRONJOB)]
    assert account.metadata["annotations"][IRSA_ROLE_ANNOTATION] == config.role_arn
    assert pod["serviceAccountName"] == names.BACKUP_CRONJOB


@pytest.mark.parametrize("env", ENVS)
def test_no_static_aws_credentials_anywhere(env: str) -> None:
    text = "".join(p.read_text() for p in (DIST / env).rglob("*.yaml"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert name not in text


def test_the_configmap_ships_the_repository_scripts() -> None:
    files = yaml.safe_load(
        (DIST / ENVS[0] / names.BACKEND_APP / f"configmap_backend_{names.BACKUP_CRONJOB}-files.yaml").read_text()
    )
    for script in ("backup.sh", "restore.sh"):
        assert files["data"][script] == (SCRIPTS_DIR / script).read_text()
    assert Path(SCRIPTS_DIR).name == "database"


def test_the_binlog_archive_runs_every_interval_as_root_with_the_backup_edges() -> None:
    env = load_environment("staging")
    backend = objects("staging")
    archive = backend[("CronJob", names.BINLOG_CRONJOB)].body["spec"]
    backup = backend[("CronJob", names.BACKUP_CRONJOB)].body["spec"]
    assert archive["schedule"] == f"*/{env.data.backup.binlog.interval_minutes} * * * *"
    assert archive["concurrencyPolicy"] == "Forbid"
    job = archive["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 0 and job["activeDeadlineSeconds"] == env.data.backup.binlog.deadline_seconds
    pod, backup_pod = job["template"]["spec"], backup["jobTemplate"]["spec"]["template"]["spec"]
    # The backup's identity and selector labels: its IRSA role and exactly its network edges.
    assert pod["serviceAccountName"] == backup_pod["serviceAccountName"] == names.BACKUP_CRONJOB
    name_label = "app.kubernetes.io/name"
    assert job["template"]["metadata"]["labels"][name_label] == names.BACKUP_CRONJOB
    steps = pod["initContainers"] + pod["containers"]
    assert [(s["name"], s["command"][-2:]) for s in steps] == [
        (step, ["/opt/flask-platform/db/binlog.sh", step]) for step in ("list", "fetch", "upload")
    ]
    (fetch,) = [s for s in steps if s["name"] == "fetch"]
    assert fetch["image"] == env.database.image.reference
    assert {"name": "DB_ADMIN_USER", "value": "root"} in fetch["env"]
    # The daily dump records its binary log position, which needs RELOAD: also as root.
    (dump,) = backup["jobTemplate"]["spec"]["template"]["spec"]["initContainers"]
    assert {"name": "DUMP_BINLOG_POSITION", "value": "true"} in dump["env"]
    assert {"name": "DB_ADMIN_USER", "value": "root"} in dump["env"]


def test_the_server_writes_the_binary_logs_the_archive_needs() -> None:
    config = objects("staging")[("ConfigMap", f"{names.DATABASE}-files")].body["data"]["utf8mb4.cnf"]
    settings = dict(line.split(" = ") for line in config.splitlines() if " = " in line)
    assert settings["log-bin"] == "binlog" and settings["binlog-format"] == "ROW"
    assert settings["binlog-checksum"] == "CRC32"
    assert settings["gtid-mode"] == settings["enforce-gtid-consistency"] == "ON"
    assert int(settings["binlog-expire-logs-seconds"]) == 3 * 24 * 3600


def test_an_external_database_has_no_binlog_archive() -> None:
    backend = objects("prod")
    assert ("CronJob", names.BINLOG_CRONJOB) not in backend
    (dump,) = backend[("CronJob", names.BACKUP_CRONJOB)].body["spec"]["jobTemplate"]["spec"]["template"]["spec"]["initContainers"]
    assert not any(e["name"] in ("DB_ADMIN_USER", "DUMP_BINLOG_POSITION") for e in dump.get("env", []))
