"""Argo CD notifications: the Applications' subscriptions and the install file they depend on agree.

The annotations in dist/<env>/argocd/ name triggers and services that only exist once
install/argocd-notifications-cm-patch.yaml is merged into Argo CD's argocd-notifications-cm; a
subscription to anything the file lacks would never send a message and Argo CD would only log it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from cdk8s import Testing as K8sTesting

from charts import argocd_notifications as an
from charts.argocd_apps import ArgoCdApps
from config.loader import REPO_ROOT, available_environments, load_all, load_environment
from config.model import Environment
from config.notifications import SlackTarget, WebhookTarget

DIST = REPO_ROOT / "dist"
SUBSCRIBE = "notifications.argoproj.io/subscribe."


def install_data() -> dict[str, str]:
    return yaml.safe_load(an.INSTALL_PATCH.read_text())["data"]


def applications(env: str) -> list[dict[str, Any]]:
    docs = [yaml.safe_load(p.read_text()) for p in sorted((DIST / env / "argocd").glob("application_*.yaml"))]
    assert docs
    return docs


def subscriptions_of(app: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in app["metadata"].get("annotations", {}).items() if k.startswith(SUBSCRIBE)}


def rendered_apps(env: Environment) -> list[dict[str, Any]]:
    chart = ArgoCdApps(K8sTesting.app(), env, namespaced_kinds=[])
    return [o for o in K8sTesting.synth(chart) if o["kind"] == "Application"]


def test_install_file_is_generated_from_the_environments() -> None:
    assert an.INSTALL_PATCH.read_text() == an.install_patch(load_all()), "stale: run `make synth` and commit it"


def test_a_changed_subscription_makes_the_install_file_stale() -> None:
    staging = load_environment("staging")
    notifications = staging.gitops.notifications.model_copy(update={"webhook": WebhookTarget(url_secret_key="other-key")})
    changed = staging.model_copy(update={"gitops": staging.gitops.model_copy(update={"notifications": notifications})})
    text = an.install_patch([changed, load_environment("prod")])
    assert text != an.INSTALL_PATCH.read_text()
    assert "url: $other-key" in text


@pytest.mark.parametrize("env_name", available_environments())
def test_every_application_subscribes_to_what_the_install_file_defines(env_name: str) -> None:
    data = install_data()
    env = load_environment(env_name)
    want = {f"{an.trigger_name(t)}" for t in env.gitops.notifications.triggers}
    for app in applications(env_name):
        subs = subscriptions_of(app)
        assert {key.removeprefix(SUBSCRIBE).split(".")[0] for key in subs} == want, app["metadata"]["name"]
        for key, recipient in subs.items():
            # Argo CD refuses an annotation whose name (after the '/') is over 63 characters.
            assert len(key.split("/", 1)[1]) <= 63, key
            trigger, service = key.removeprefix(SUBSCRIBE).split(".")
            conditions = yaml.safe_load(data[f"trigger.{trigger}"])
            for condition in conditions:
                for template in condition["send"]:
                    assert f"template.{template}" in data, template
            if env.gitops.notifications.webhook:
                assert recipient == ""
                settings = yaml.safe_load(data[f"service.webhook.{service}"])
                assert settings["url"] == f"${env.gitops.notifications.webhook.url_secret_key}"
                # Without its own block in the template, Argo CD would GET the plain message.
                for condition in conditions:
                    body = yaml.safe_load(data[f"template.{condition['send'][0]}"])["webhook"][service]
                    assert body["method"] == "POST" and "toJson" in body["body"]
            else:
                assert recipient == env.gitops.notifications.slack.channel
                assert yaml.safe_load(data[f"service.{service}"]) == {"token": "$slack-token"}


def test_the_install_file_holds_no_secret_value() -> None:
    for key, value in install_data().items():
        if key.startswith("service."):
            settings = yaml.safe_load(value)
            secret = settings.get("url") or settings.get("token")
            assert secret.startswith("$") and "://" not in secret, (key, secret)


def test_messages_name_environment_application_revision_and_failing_objects() -> None:
    data = install_data()
    for trigger in an.TRIGGERS:
        template = yaml.safe_load(data[f"template.{an.trigger_name(trigger)}"])
        for text in (template["message"], *(w["body"] for w in template["webhook"].values())):
            assert 'index .app.metadata.labels "flask-platform.io/environment"' in text
            assert ".app.metadata.name" in text
            assert ".syncResult" in text and ".revision" in text
            assert "range $r := .resources" in text and "range $r := .app.status.resources" in text


def test_degraded_is_told_once_per_health_change_and_the_rest_once_per_revision() -> None:
    data = install_data()
    once_per = {t: yaml.safe_load(data[f"trigger.{an.trigger_name(t)}"])[0]["oncePer"] for t in an.TRIGGERS}
    assert once_per == {
        "sync-failed": "app.status.operationState?.syncResult?.revision",
        "health-degraded": "app.status.health?.lastTransitionTime",
        "deployed": "app.status.operationState?.syncResult?.revision",
    }


def test_slack_and_null_subscriptions_render_as_configured() -> None:
    staging = load_environment("staging")
    slack = staging.gitops.notifications.model_copy(update={"webhook": None, "slack": SlackTarget(channel="ops-alerts")})
    for app in rendered_apps(staging.model_copy(update={"gitops": staging.gitops.model_copy(update={"notifications": slack})})):
        assert subscriptions_of(app) == {
            f"{SUBSCRIBE}flask-sync-failed.slack": "ops-alerts",
            f"{SUBSCRIBE}flask-health-degraded.slack": "ops-alerts",
            f"{SUBSCRIBE}flask-deployed.slack": "ops-alerts",
        }
    silent = staging.model_copy(update={"gitops": staging.gitops.model_copy(update={"notifications": None})})
    assert all(subscriptions_of(app) == {} for app in rendered_apps(silent))


def test_write_refreshes_a_stale_file_and_the_check_fails_on_it(tmp_path: Path, monkeypatch) -> None:
    copy = tmp_path / "argocd-notifications-cm-patch.yaml"
    copy.write_text("data: {}\n")
    monkeypatch.setattr(an, "INSTALL_PATCH", copy)
    monkeypatch.setattr(an, "REPO_ROOT", tmp_path)
    assert an.main([]) == 1
    assert an.main(["--write"]) == 0
    assert copy.read_text() == an.install_patch(load_all())
    assert an.main([]) == 0


def test_make_synth_writes_the_install_file() -> None:
    proc = subprocess.run(["make", "-n", "synth"], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "-m charts.argocd_notifications --write" in proc.stdout
