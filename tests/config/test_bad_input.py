"""Every invalid configuration: one line naming file, field and reason; exit 2; dist/ untouched."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml

from config.loader import REPO_ROOT
from tests.support.bad_input import (
    Mutation,
    assert_one_line_error,
    assert_refused_before_writing,
    delete_field,
    run_main,
    set_field,
    snapshot,
)

# (id, file to edit, mutation, field expected in the message, reason fragment)
CASES: list[tuple[str, str, Mutation, str, str]] = [
    (
        "string-replicas",
        "staging.yaml",
        set_field("backend.replicas", "two"),
        "backend.replicas",
        "must be a whole number (got 'two')",
    ),
    ("quoted-number", "staging.yaml", set_field("backend.replicas", "1"), "backend.replicas", "whole number without quotes"),
    ("zero-replicas", "staging.yaml", set_field("backend.replicas", 0), "backend.replicas", "must be at least 1"),
    ("negative-replicas", "prod.yaml", set_field("frontend.replicas", -3), "frontend.replicas", "must be at least 1"),
    (
        "hpa-min-above-max",
        "prod.yaml",
        set_field("backend.autoscaling.min_replicas", 9),
        "backend.autoscaling",
        "above max_replicas",
    ),
    (
        "hpa-zero-min",
        "prod.yaml",
        set_field("backend.autoscaling.min_replicas", 0),
        "backend.autoscaling.min_replicas",
        "must be at least 1",
    ),
    (
        "image-latest",
        "staging.yaml",
        set_field("backend.image.tag", "latest"),
        "backend.image.tag",
        "not the moving tag 'latest'",
    ),
    (
        "digest-required",
        "prod.yaml",
        delete_field("backend.image.digest"),
        "backend.image.digest",
        "is required: images.require_digest is on",
    ),
    (
        "promotion-soak",
        "staging.yaml",
        set_field("gitops.promotion.soak", "ten minutes"),
        "gitops.promotion.soak",
        "must be a duration",
    ),
    (
        "image-bad-repo",
        "staging.yaml",
        set_field("frontend.image.repository", "Registry/UPPER case"),
        "frontend.image.repository",
        "must be an image repository",
    ),
    (
        "image-bad-digest",
        "staging.yaml",
        set_field("backend.image.digest", "sha256:xyz"),
        "backend.image.digest",
        "must be a sha256 digest",
    ),
    (
        "host-underscore",
        "staging.yaml",
        set_field("backend.host", "api_staging.example.internal"),
        "backend.host",
        "for example 'api-staging.example.internal'",
    ),
    ("host-single-label", "prod.yaml", set_field("frontend.host", "localhost"), "frontend.host", "at least two labels"),
    (
        "cpu-bad",
        "staging.yaml",
        set_field("backend.resources.requests.cpu", "100 millicores"),
        "backend.resources.requests.cpu",
        "for example '100m'",
    ),
    (
        "memory-bad",
        "staging.yaml",
        set_field("backend.resources.limits.memory", "512MB"),
        "backend.resources.limits.memory",
        "for example '512Mi'",
    ),
    (
        "limits-below-requests",
        "staging.yaml",
        set_field("backend.resources.limits", {"cpu": "50m", "memory": "512Mi"}),
        "backend.resources",
        "below requests.cpu",
    ),
    (
        "duplicate-egress-ports",
        "staging.yaml",
        set_field("backend.egress_allow", [{"name": "payments", "cidr": "10.1.0.0/16", "ports": [443, 443]}]),
        "backend.egress_allow[0].ports",
        "same entry twice",
    ),
    (
        "port-out-of-range",
        "staging.yaml",
        set_field("backend.egress_allow", [{"name": "payments", "cidr": "10.1.0.0/16", "ports": [70000]}]),
        "backend.egress_allow[0].ports[0]",
        "must be at most 65535",
    ),
    (
        "bad-cidr",
        "staging.yaml",
        set_field("backend.egress_allow", [{"name": "payments", "cidr": "10.1.0.0", "ports": [443]}]),
        "backend.egress_allow[0].cidr",
        "must be an IPv4 network in CIDR form",
    ),
    ("unknown-top-key", "staging.yaml", set_field("backnd", {"replicas": 2}), "backnd", "unknown key"),
    ("unknown-nested-key", "staging.yaml", set_field("backend.replica", 2), "backend.replica", "did you mean 'replicas'"),
    (
        "unknown-deep-key",
        "prod.yaml",
        set_field("backend.autoscaling.max_replica", 4),
        "backend.autoscaling.max_replica",
        "unknown key",
    ),
    ("unknown-key-in-base", "base.yaml", set_field("platform.backend.cpus", "2"), "platform.backend.cpus", "unknown key"),
    ("missing-required", "staging.yaml", delete_field("backend.host"), "backend.host", "required field is missing"),
    ("missing-section", "staging.yaml", delete_field("database"), "database.name", "required field is missing"),
    (
        "bad-log-level",
        "staging.yaml",
        set_field("backend.log_level", "verbose"),
        "backend.log_level",
        "'debug', 'info', 'warning' or 'error'",
    ),
    ("tls-without-issuer", "staging.yaml", set_field("tls", {"enabled": True}), "tls", "no cluster_issuer"),
    ("gateway-without-ref", "staging.yaml", set_field("backend.exposure", "gateway"), "backend", "no gateway"),
    (
        "bad-cors-origin",
        "staging.yaml",
        set_field("backend.cors_origins", ["frontend-staging.example.internal"]),
        "backend.cors_origins[0]",
        "for example 'https://frontend-staging.example.internal'",
    ),
    (
        "duplicate-cors-origin",
        "staging.yaml",
        set_field("backend.cors_origins", ["https://a.example.com", "https://a.example.com"]),
        "backend.cors_origins",
        "same entry twice",
    ),
    ("name-in-file", "staging.yaml", set_field("name", "other"), "name", "environment name is the file name"),
    ("bad-region", "prod.yaml", set_field("secrets.region", "Europe"), "secrets.region", "must be an AWS region"),
    ("list-for-mapping", "staging.yaml", set_field("backend.jwt", ["RS256"]), "backend.jwt", "must be a mapping of settings"),
    ("bool-as-string", "staging.yaml", set_field("backend.debug", "yes"), "backend.debug", "must be true or false (got 'yes')"),
    (
        "registry-trailing-slash",
        "prod.yaml",
        set_field("admission.allowed_registries", ["registry.example.internal/"]),
        "admission.allowed_registries[0]",
        "for example 'registry.example.internal'",
    ),
    (
        "no-registries",
        "staging.yaml",
        set_field("admission.allowed_registries", []),
        "admission.allowed_registries",
        "at least 1",
    ),
    (
        "error-ratio-above-one",
        "prod.yaml",
        set_field("monitoring.alerts.error_ratio", 1.5),
        "monitoring.alerts.error_ratio",
        "less than 1",
    ),
    (
        "monitoring-namespace-upper",
        "staging.yaml",
        set_field("monitoring.namespace", "Monitoring"),
        "monitoring.namespace",
        "must be a DNS label",
    ),
    (
        "dashboard-sidecar-labels-empty",
        "base.yaml",
        set_field("monitoring.dashboards.sidecar_labels", {}),
        "monitoring.dashboards.sidecar_labels",
        "at least 1",
    ),
    (
        "dashboard-folder-annotation-space",
        "staging.yaml",
        set_field("monitoring.dashboards.folder_annotation", "grafana folder"),
        "monitoring.dashboards.folder_annotation",
        "must be a label key",
    ),
    (
        "dashboard-folder-upper",
        "prod.yaml",
        set_field("monitoring.dashboards.folder", "Prod Dashboards"),
        "monitoring.dashboards.folder",
        "must be a DNS label",
    ),
    (
        "exporter-latest",
        "staging.yaml",
        set_field("monitoring.nginx_exporter.image.tag", "latest"),
        "monitoring.nginx_exporter.image.tag",
        "not the moving tag 'latest'",
    ),
    (
        "backup-bad-schedule",
        "base.yaml",
        set_field("data.backup.schedule", "every night"),
        "data.backup.schedule",
        "must be a cron schedule",
    ),
    (
        "backup-bad-bucket",
        "prod.yaml",
        set_field("data.backup.s3.bucket", "Prod_Backups"),
        "data.backup.s3.bucket",
        "for example 'prod-backups'",
    ),
    (
        "backup-no-cidrs",
        "base.yaml",
        set_field("data.backup.s3.endpoint_cidrs", []),
        "data.backup.s3.endpoint_cidrs",
        "at least 1",
    ),
    (
        "backup-missing-role",
        "staging.yaml",
        delete_field("data.backup.role_arn"),
        "data.backup.role_arn",
        "required field is missing",
    ),
    (
        "backup-static-key",
        "staging.yaml",
        set_field("data.backup.access_key_id", "AKIA"),
        "data.backup.access_key_id",
        "unknown key",
    ),
    ("migration-empty-command", "base.yaml", set_field("data.migration.command", []), "data.migration.command", "at least 1"),
    (
        "migration-deadline-too-short",
        "staging.yaml",
        set_field("data.migration.deadline_seconds", 5),
        "data.migration.deadline_seconds",
        "must be at least 30",
    ),
]

RAW_CASES: list[tuple[str, str, str, str]] = [
    ("empty-file", "staging.yaml", "", "file is empty"),
    ("comment-only-file", "staging.yaml", "# nothing here\n", "file is empty"),
    ("yaml-syntax", "staging.yaml", "backend:\n  replicas: [1, 2\n", "YAML error at line"),
    ("duplicate-key", "staging.yaml", "backend:\n  replicas: 1\n  replicas: 2\n", "duplicate key 'replicas'"),
    ("top-level-list", "prod.yaml", "- a\n- b\n", "top level must be a mapping"),
    ("tab-indentation", "staging.yaml", "backend:\n\treplicas: 1\n", "YAML error"),
]


@pytest.mark.parametrize(("case", "file", "mutate", "field", "reason"), CASES, ids=[c[0] for c in CASES])
def test_invalid_value_is_reported_and_dist_untouched(workspace, capsys, case, file, mutate, field, reason):
    assert_refused_before_writing(workspace, capsys, file, mutate, file, field, reason)


@pytest.mark.parametrize(("case", "file", "text", "reason"), RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_unreadable_file_is_reported(workspace, capsys, case, file, text, reason):
    environments, dist = workspace
    (environments / file).write_text(text)
    before = snapshot(dist)
    code, err = run_main(environments, dist, capsys)
    assert_one_line_error(code, err, str(environments / file), "", reason)
    assert snapshot(dist) == before


def test_unknown_environment_name(workspace, capsys):
    environments, dist = workspace
    code, err = run_main(environments, dist, capsys, "qa")
    assert_one_line_error(code, err, str(environments / "qa.yaml"), "", "unknown environment 'qa' (known: prod, staging)")


def test_invalid_environment_file_name(workspace, capsys):
    environments, dist = workspace
    shutil.copy(environments / "staging.yaml", environments / "Staging_2.yaml")
    code, err = run_main(environments, dist, capsys, "Staging_2")
    assert_one_line_error(code, err, str(environments / "Staging_2.yaml"), "", "must use lower-case letters")


def test_error_names_the_file_that_holds_the_value(workspace, capsys):
    """A bad default in base.yaml is blamed on base.yaml, an override on the env file."""
    environments, dist = workspace
    base = yaml.safe_load((environments / "base.yaml").read_text())
    base["database"]["storage"] = "lots"
    (environments / "base.yaml").write_text(yaml.safe_dump(base))
    code, err = run_main(environments, dist, capsys)
    assert_one_line_error(code, err, str(environments / "base.yaml"), "database.storage", "must be a quantity of bytes")


def test_cli_exit_code_and_no_traceback(workspace):
    """The real process: exit status 2, one line on stderr, nothing on stdout."""
    environments, dist = workspace
    staging = environments / "staging.yaml"
    staging.write_text(staging.read_text().replace("  replicas: 1\n", "  replicas: 0\n", 1))
    before = snapshot(dist)
    result = subprocess.run(
        [sys.executable, "main.py", "--environments-dir", str(environments), "--dist", str(dist)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "staging.yaml: backend.replicas" in result.stderr
    assert snapshot(dist) == before


def test_case_count_meets_the_bar():
    assert len(CASES) + len(RAW_CASES) + 3 >= 25
