"""Check 2: checkov's Kubernetes checks pass with zero failures; skips are pinned."""

from __future__ import annotations

from pathlib import Path

from manifests import load_env
from tests.support.dist_fixtures import ENVS, FixtureEnv, find, show
from verify import checkov_check
from verify.checkov_check import Skip


def test_dist_passes_checkov(checkov_report: checkov_check.CheckovReport) -> None:
    assert checkov_report.passed > 0
    assert checkov_report.failed == 0 and not checkov_report.findings, show(checkov_report.findings)


def test_dist_skips_are_the_pinned_ones() -> None:
    found = sorted({s for env in ENVS for s in checkov_check.skip_annotations(load_env(env))})
    problems = checkov_check.skip_problems(found, checkov_check.pinned_skips())
    assert not problems, show(problems)


def test_pinned_skips_have_reasons() -> None:
    for skip in checkov_check.pinned_skips():
        assert skip.reason.strip() and "=" not in skip.reason, skip


# --- the check can fail ------------------------------------------------------------------


def test_baseline_passes(fixture_env: FixtureEnv, checkov_bin: Path) -> None:
    report = checkov_check.run(fixture_env.path, fixture_env.manifests(), checkov_bin)
    assert report.passed > 0 and report.failed == 0, show(report.findings)


def test_a_folder_that_passed_before_fails_once_changed(fixture_env: FixtureEnv, checkov_bin: Path) -> None:
    """A report is kept for the files checkov read: an edited file is checked afresh."""
    assert checkov_check.run(fixture_env.path, fixture_env.manifests(), checkov_bin).failed == 0
    assert checkov_check.run(fixture_env.path, fixture_env.manifests(), checkov_bin).failed == 0
    fixture_env.edit("backend/flask-app.yaml", _run_as_root)
    report = checkov_check.run(fixture_env.path, fixture_env.manifests(), checkov_bin)
    assert {f.rule for f in report.findings} == {"CKV_K8S_23", "CKV_K8S_40"}, show(report.findings)


def _run_as_root(docs: list[dict]) -> None:
    pod = find(docs, "Deployment", "flask-app")["spec"]["template"]["spec"]
    for context in (pod["securityContext"], pod["containers"][0]["securityContext"]):
        context.update(runAsNonRoot=False, runAsUser=0)


def test_root_container_fails(fixture_env: FixtureEnv, checkov_bin: Path) -> None:
    fixture_env.edit("backend/flask-app.yaml", _run_as_root)
    report = checkov_check.run(fixture_env.path, fixture_env.manifests(), checkov_bin)
    failed = {(f.rule, f.obj) for f in report.findings}
    # CKV_K8S_23: root containers admitted; CKV_K8S_40: low UID.
    assert failed == {("CKV_K8S_23", "Deployment.backend.flask-app"), ("CKV_K8S_40", "Deployment.backend.flask-app")}, show(
        report.findings
    )


def test_unpinned_skip_is_reported() -> None:
    pinned = [Skip("CKV_K8S_40", "Deployment backend/flask-app", "UID fixed by the image")]
    found = pinned + [Skip("CKV_K8S_23", "Deployment backend/flask-app", "convenient")]
    assert checkov_check.skip_problems(found, pinned) == [f"not in checkov_skips.yaml: {found[1]}"]


def test_skip_without_reason_is_reported(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: find(docs, "Deployment", "flask-app")["metadata"].update(annotations={"checkov.io/skip1": "CKV_K8S_40"}),
    )
    found = checkov_check.skip_annotations(fixture_env.manifests())
    assert found == [Skip("CKV_K8S_40", "Deployment backend/flask-app", "")]
    assert any("no reason" in p for p in checkov_check.skip_problems(found, found))


def test_workload_that_checkov_did_not_scan_is_reported(fixture_env: FixtureEnv) -> None:
    empty = {"check_type": "kubernetes", "summary": {"passed": 0, "failed": 0, "skipped": 0}, "results": {}}
    report = checkov_check.parse(empty, fixture_env.manifests())
    assert {f.obj for f in report.findings if f.rule == "not-scanned"} == {
        "Deployment backend/flask-app",
        "StatefulSet backend/flask-app-db",
        "Job backend/flask-app-migrate",
        "CronJob backend/flask-app-db-backup",
        "CronJob backend/flask-secret-rotation",
        "CronJob backend/flask-app-db-backup-binlog",
        "Deployment frontend/nginx-front",
    }
