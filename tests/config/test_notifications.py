"""gitops.notifications: exactly one service, valid names, and one-line errors for everything else."""

from __future__ import annotations

import shutil

import pytest
import yaml

from config.loader import load_environment
from tests.support.bad_input import Mutation, assert_one_line_error, run_main, set_field, snapshot

BOTH = "sets both webhook and slack: choose one service"
# (id, file to edit, mutation, field expected in the message, reason fragment)
CASES: list[tuple[str, str, Mutation, str, str]] = [
    ("both-services", "staging.yaml", set_field("gitops.notifications.slack", {"channel": "ops"}), "gitops.notifications", BOTH),
    ("neither-service", "staging.yaml", set_field("gitops.notifications.webhook", None), "gitops.notifications", "no service"),
    (
        "unknown-service",
        "staging.yaml",
        set_field("gitops.notifications.teams", {"url_secret_key": "x"}),
        "gitops.notifications.teams",
        "unknown key",
    ),
    (
        "empty-channel",
        "prod.yaml",
        set_field("gitops.notifications.slack.channel", ""),
        "gitops.notifications.slack.channel",
        "must be a Slack channel name without '#'",
    ),
    (
        "hash-channel",
        "prod.yaml",
        set_field("gitops.notifications.slack.channel", "#platform-prod"),
        "gitops.notifications.slack.channel",
        "for example 'platform-prod'",
    ),
    (
        "dotted-secret-key",
        "staging.yaml",
        set_field("gitops.notifications.webhook.url_secret_key", "staging.webhook"),
        "gitops.notifications.webhook.url_secret_key",
        "$key reference stops at any other character",
    ),
    (
        "url-instead-of-key",
        "staging.yaml",
        set_field("gitops.notifications.webhook.url_secret_key", "https://hooks.example.com/T0/B0/x"),
        "gitops.notifications.webhook.url_secret_key",
        "must be a key of argocd-notifications-secret",
    ),
    (
        "unknown-trigger",
        "base.yaml",
        set_field("gitops.notifications.triggers", ["sync-failed", "on-created"]),
        "gitops.notifications.triggers[1]",
        "must be one of 'sync-failed', 'health-degraded' or 'deployed'",
    ),
    (
        "repeated-trigger",
        "staging.yaml",
        set_field("gitops.notifications.triggers", ["deployed", "deployed"]),
        "gitops.notifications.triggers",
        "must not list the same entry twice",
    ),
    (
        "no-trigger",
        "staging.yaml",
        set_field("gitops.notifications.triggers", []),
        "gitops.notifications.triggers",
        "must have at least 1 entry",
    ),
]


@pytest.mark.parametrize(("case", "file", "mutate", "field", "reason"), CASES, ids=[c[0] for c in CASES])
def test_bad_subscription_is_one_line_naming_file_field_and_reason(workspace, capsys, case, file, mutate, field, reason):
    environments, dist = workspace
    path = environments / file
    data = yaml.safe_load(path.read_text())
    mutate(data)
    path.write_text(yaml.safe_dump(data))
    before = snapshot(dist)
    code, err = run_main(environments, dist, capsys)
    assert_one_line_error(code, err, str(path), field, reason)
    assert snapshot(dist) == before


def test_an_environment_switches_service_by_nulling_the_other(workspace) -> None:
    environments, _ = workspace
    base = yaml.safe_load((environments / "base.yaml").read_text())
    base["gitops"]["notifications"]["webhook"] = {"url_secret_key": "shared-webhook-url"}  # pragma: allowlist secret (a key name)
    (environments / "base.yaml").write_text(yaml.safe_dump(base))
    prod = yaml.safe_load((environments / "prod.yaml").read_text())
    prod["gitops"]["notifications"]["webhook"] = None
    (environments / "prod.yaml").write_text(yaml.safe_dump(prod))
    notifications = load_environment("prod", environments).gitops.notifications
    assert (notifications.webhook, notifications.slack.channel) == (None, "platform-prod")
    staging = load_environment("staging", environments).gitops.notifications.webhook
    assert staging.url_secret_key == "staging-webhook-url"  # pragma: allowlist secret (a key name)


def test_a_webhook_environment_name_too_long_for_its_annotations_is_refused(workspace, capsys) -> None:
    environments, dist = workspace
    name = "staging-eu-west-1-blue-green-2"
    shutil.copy(environments / "staging.yaml", environments / f"{name}.yaml")
    code, err = run_main(environments, dist, capsys, name)
    assert_one_line_error(
        code, err, str(environments / f"{name}.yaml"), "gitops.notifications.webhook", "more than the 63 Kubernetes allows"
    )
