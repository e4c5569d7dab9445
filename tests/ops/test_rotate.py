"""ops rotate: the age of each store key and a stuck AWSPENDING version (moto's Secrets Manager)
and the Job it makes from the rotation CronJob (that Job on a real kube-apiserver:
test_rotate_live.py, in `make test-cluster`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from charts import names
from charts.secret_layout import store_keys
from config.loader import load_environment
from ops.__main__ import main
from ops.rotate import job_from_cronjob, job_outcome
from tests.support.ops import job_containers

ENV = "staging"
LAYOUT = store_keys(load_environment(ENV).secrets.key_prefix)
CRONJOB = (
    Path(__file__).resolve().parents[2]
    / "dist"
    / ENV
    / names.BACKEND_APP
    / (f"cronjob_{names.BACKEND_NAMESPACE}_{names.ROTATION_CRONJOB}.yaml")
)


def run_ops(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["rotate", ENV, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rendered_cronjob() -> dict[str, Any]:
    body = yaml.safe_load(CRONJOB.read_text())
    body["metadata"]["uid"] = "0b8f5a9e-rotation"
    return body


def test_status_shows_each_keys_age_and_a_stuck_pending_version(
    secrets_manager: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bootstrap", ENV, "--endpoint-url", moto_endpoint]) == 0
    capsys.readouterr()
    code, out, err = run_ops(capsys, "--endpoint-url", moto_endpoint)
    assert (code, err) == (0, "")
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    rows = {
        line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith(tuple(k.key for k in LAYOUT.values()))
    }
    assert set(rows) == {k.key for k in LAYOUT.values()}
    assert all(made.startswith(today) and pending == "-" for made, pending in rows.values())

    # What a rotation that failed after createSecret leaves behind.
    key = LAYOUT["database"].key
    secrets_manager.put_secret_value(
        SecretId=key, SecretString="{}", VersionStages=["AWSPENDING"], ClientRequestToken="stuck-" + "0" * 30
    )
    code, out, _ = run_ops(capsys, "--endpoint-url", moto_endpoint)
    assert code == 1
    assert f"{key}" in out and "stuck-" + "0" * 30 in out and "secretrotationfailed" in out


def test_an_unknown_key_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_ops(capsys, "--now", "--only", "database-url")
    assert code == 2 and err.count("\n") == 1 and "not a rotated key" in err


def test_a_run_of_every_key_is_the_cronjobs_own() -> None:
    cronjob = rendered_cronjob()
    job = job_from_cronjob(cronjob, ["database", "flask", "jwt"], all_keys=True, now=datetime(2026, 12, 7, tzinfo=UTC))
    assert job["metadata"]["name"] == f"{names.ROTATION_CRONJOB}-now-20261207000000"
    (owner,) = job["metadata"]["ownerReferences"]
    assert (owner["kind"], owner["name"], owner["uid"], owner["controller"]) == (
        "CronJob",
        names.ROTATION_CRONJOB,
        "0b8f5a9e-rotation",
        True,
    )
    assert job["spec"] == cronjob["spec"]["jobTemplate"]["spec"], "the same pod as the schedule"
    assert all("env" not in c for c in job_containers(job))


def test_a_run_of_some_keys_sets_them_and_is_not_the_cronjobs() -> None:
    job = job_from_cronjob(rendered_cronjob(), ["jwt"], all_keys=False, now=datetime(2026, 12, 7, tzinfo=UTC))
    assert "ownerReferences" not in job["metadata"], "a partial rotation must not reset SecretRotationOverdue"
    assert all(c["env"] == [{"name": "ROTATE_KEYS", "value": "jwt"}] for c in job_containers(job))


def test_outcome_reads_the_jobs_conditions() -> None:
    assert job_outcome({"status": {"active": 1}}) is None
    assert job_outcome({"status": {"conditions": [{"type": "Complete", "status": "True"}]}}) == "succeeded"
    assert job_outcome({"status": {"conditions": [{"type": "Failed", "status": "True"}]}}) == "failed"
