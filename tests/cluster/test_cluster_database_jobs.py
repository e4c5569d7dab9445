"""The database's batch objects on a real API server: quota counts them, restricted PSA admits them.

The migration Job and the backup CronJob come from dist/ (synced like everything else); the
restore Job comes from `ops restore`, which is never in dist/, so it is put through admission
here: its pod under Pod Security `restricted`, the Job itself under the namespace's quota.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from charts import names
from cluster.client import ApiError
from cluster.dist_objects import pod_for
from config.loader import load_environment
from manifests import Manifest
from ops.restore import restore_manifest
from tests.support.cluster import FIXTURE, SyncedEnv, targets

DIST_TARGETS = sorted(t for t in targets() if t != FIXTURE)


def quota_used(env: SyncedEnv, namespace: str) -> dict[str, str]:
    quotas = env.client.get(f"/api/v1/namespaces/{namespace}/resourcequotas").body.get("items") or []
    assert quotas, f"{namespace} has no ResourceQuota"
    return quotas[0].get("status", {}).get("used", {})


@pytest.mark.parametrize("target", DIST_TARGETS)
def test_quota_counts_the_migration_job_and_the_cronjobs(synced: Callable[[str], SyncedEnv], target: str) -> None:
    env = synced(target)
    jobs = [m for m in env.manifests if m.kind == "Job" and m.namespace == names.BACKEND_NAMESPACE]
    cron_jobs = [m for m in env.manifests if m.kind == "CronJob" and m.namespace == names.BACKEND_NAMESPACE]
    config = load_environment(target.split("/", 1)[1])
    # The binary log archive runs beside an in-cluster database only (prod's is external).
    archives = config.database.mode == "in-cluster" and config.data.backup.binlog.enabled
    expected = [names.BACKUP_CRONJOB, names.ROTATION_CRONJOB, *([names.BINLOG_CRONJOB] if archives else [])]
    assert [m.name for m in jobs] == [names.MIGRATION_JOB]
    assert sorted(m.name for m in cron_jobs) == sorted(expected)
    used = quota_used(env, names.BACKEND_NAMESPACE)
    assert used.get("count/jobs.batch") == "1", used
    assert used.get("count/cronjobs.batch") == str(len(expected)), used


@pytest.mark.parametrize("target", DIST_TARGETS)
def test_the_restore_job_is_admitted(synced: Callable[[str], SyncedEnv], target: str) -> None:
    env = synced(target)
    job = yaml.safe_load(restore_manifest(target.split("/", 1)[1], "latest"))
    pod = pod_for(Manifest(job, Path("ops-restore"), app=names.BACKEND_APP))
    problems = []
    for what, obj in (("pod", pod), ("job", job)):
        try:
            response = env.client.create(obj, dry_run=True)
            problems.extend(f"{what} admitted with warning: {w}" for w in response.warnings)
        except ApiError as exc:
            problems.append(f"{what} refused: {exc.response.message}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("target", DIST_TARGETS)
def test_the_frontend_quota_refuses_any_job(synced: Callable[[str], SyncedEnv], target: str) -> None:
    env = synced(target)
    job = yaml.safe_load(restore_manifest(target.split("/", 1)[1], "latest"))
    job["metadata"]["namespace"] = names.FRONTEND_NAMESPACE
    with pytest.raises(ApiError) as refused:
        env.client.create(job, dry_run=True)
    assert "exceeded quota" in refused.value.response.message and "count/jobs.batch" in refused.value.response.message
