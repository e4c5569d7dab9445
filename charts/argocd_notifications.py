"""Argo CD notifications: the product's triggers and templates, and who subscribes to them.

Two halves that must agree, both derived from here:

- what each environment's Applications carry (`subscriptions`): the
  `notifications.argoproj.io/subscribe.<trigger>.<service>` annotations ArgoCdApps renders into
  dist/<env>/argocd/, from `gitops.notifications` of the environment;
- what Argo CD's own install must hold (`install_patch`): the entries of its
  `argocd-notifications-cm` (the services those annotations name, the triggers and their
  templates), written to install/argocd-notifications-cm-patch.yaml by `make synth`
  (`python -m charts.argocd_notifications --write`); a test fails while the file is stale.

Each trigger fires once (`oncePer`): a failed sync and a deployed revision once per synced
revision, Degraded health once per time the application turned Degraded, so an application
Argo CD keeps retrying, and the sync of its fix, report it once. Every message names the
environment (the Application's environment label), the Application, the revision, and the
objects that failed: those whose sync failed (operationState.syncResult.resources), those whose
health is Degraded or Missing (status.resources, when Argo CD persists resource health), else
the causes Argo CD names in the application's health message.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

import yaml

from charts.platform_chart import ENVIRONMENT_KEY
from config.model import Environment
from config.notifications import SLACK_SERVICE, Trigger, subscription_annotations, trigger_name, webhook_service
from manifests import REPO_ROOT

INSTALL_PATCH = REPO_ROOT / "install" / "argocd-notifications-cm-patch.yaml"
SLACK_TOKEN_KEY = "slack-token"

# What makes a message new. A sync result is counted once per revision it synced, like Argo
# CD's catalog does. Health is counted once per time it turned Degraded (its transition time):
# keyed on the revision, the end-to-end tier received the wrong-remote-key case's Degraded twice
# (once before the sync operation had recorded its revision, once after), and the sync of a fix
# starts while the health still reads the broken revision's Degraded.
PER_REVISION = "app.status.operationState?.syncResult?.revision"
PER_HEALTH_CHANGE = "app.status.health?.lastTransitionTime"

# trigger -> (what happened, in the message; when it fires, an expression over the Application;
# what counts as new).
TRIGGERS: dict[Trigger, tuple[str, str, str]] = {
    "sync-failed": ("sync failed", "app.status.operationState?.phase in ['Error', 'Failed']", PER_REVISION),
    "health-degraded": ("health Degraded", "app.status.health?.status == 'Degraded'", PER_HEALTH_CHANGE),
    "deployed": (
        "deployed, Synced and Healthy",
        "app.status.operationState?.phase == 'Succeeded' and app.status.health?.status == 'Healthy'",
        PER_REVISION,
    ),
}

# Shared by the message and the webhook body: each is its own Go template, so each starts with
# these variables. The failing objects: those the sync result marks failed (a sync waits for
# each wave to be Healthy and fails a Degraded one with its health message), those whose health
# Argo CD persisted as Degraded or Missing (only with controller.resource.health.persist), and
# else the causes Argo CD names in the application's own health message.
_FACTS = """\
{{- $env := index .app.metadata.labels "@LABEL@" -}}
{{- $revision := "" -}}{{- $phase := "" -}}{{- $said := "" -}}{{- $health := "" -}}{{- $cause := "" -}}
{{- with .app.status.sync -}}{{- $revision = toString (default "" .revision) -}}{{- end -}}
{{- with .app.status.health -}}
{{- $health = toString (default "" .status) -}}{{- $cause = toString (default "" .message) -}}
{{- end -}}
{{- $failing := list -}}{{- $seen := dict -}}
{{- with .app.status.operationState -}}
{{- $phase = toString (default "" .phase) -}}{{- $said = toString (default "" .message) -}}
{{- with .syncResult -}}
{{- if .revision -}}{{- $revision = toString .revision -}}{{- end -}}
{{- range $r := .resources -}}
{{- if or (eq (toString $r.status) "SyncFailed") (eq (toString $r.hookPhase) "Failed" "Error") -}}
{{- $key := printf "%s %s/%s" $r.kind (default "" $r.namespace) $r.name -}}{{- $_ := set $seen $key true -}}
{{- $failing = append $failing (printf "%s: %s" $key (default (toString $r.hookPhase) $r.message)) -}}
{{- end -}}{{- end -}}{{- end -}}{{- end -}}
{{- range $r := .app.status.resources -}}{{- if $r.health -}}
{{- $key := printf "%s %s/%s" $r.kind (default "" $r.namespace) $r.name -}}
{{- if and (eq (toString $r.health.status) "Degraded" "Missing") (not (hasKey $seen $key)) -}}
{{- $failing = append $failing (printf "%s: %s %s" $key $r.health.status (default "" $r.health.message)) -}}
{{- end -}}{{- end -}}{{- end -}}
{{- if and (not $failing) (ne $health "Healthy") $cause -}}{{- $failing = append $failing $cause -}}{{- end -}}
{{- $text := printf "[%s] %s @HAPPENED@ at revision %s" $env .app.metadata.name (trunc 12 $revision) -}}
{{- range $failing -}}{{- $text = printf "%s\\n- %s" $text . -}}{{- end -}}
"""


class _LiteralDumper(yaml.SafeDumper):
    """Multi-line values as YAML block literals, so the templates read as they are."""


_LiteralDumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None),
)


def subscriptions(env: Environment) -> dict[str, str]:
    """The annotations that subscribe an Application of `env` to its triggers."""
    return subscription_annotations(env.name, env.gitops.notifications)


def _template(trigger: Trigger, webhooks: list[str]) -> str:
    happened = TRIGGERS[trigger][0]
    facts = _FACTS.replace("@LABEL@", ENVIRONMENT_KEY).replace("@HAPPENED@", happened)
    fields = f'"event" "{trigger}" "environment" $env "application" .app.metadata.name "revision" $revision'
    fields += ' "health" $health "phase" $phase "message" $said "failing" $failing "text" $text'
    body = "{{ dict " + fields + " | toJson }}\n"
    spec: dict = {"message": facts + "{{ $text }}\n"}
    if webhooks:
        spec["webhook"] = {name: {"method": "POST", "body": facts + body} for name in webhooks}
    return yaml.dump(spec, Dumper=_LiteralDumper, sort_keys=False, width=10_000)


def install_patch_data(environments: Iterable[Environment]) -> dict[str, str]:
    """The argocd-notifications-cm entries every environment's subscriptions need."""
    envs = [env for env in environments if env.gitops.notifications is not None]
    webhooks = {webhook_service(env.name): env.gitops.notifications.webhook for env in envs if env.gitops.notifications.webhook}
    data: dict[str, str] = {}
    for name, webhook in sorted(webhooks.items()):
        data[f"service.webhook.{name}"] = yaml.safe_dump(
            {"url": f"${webhook.url_secret_key}", "headers": [{"name": "Content-Type", "value": "application/json"}]},
            sort_keys=False,
        )
    if any(env.gitops.notifications.slack for env in envs):
        data[f"service.{SLACK_SERVICE}"] = yaml.safe_dump({"token": f"${SLACK_TOKEN_KEY}"})
    used = sorted({t for env in envs for t in env.gitops.notifications.triggers}, key=list(TRIGGERS).index)
    for trigger in used:
        happened, when, once_per = TRIGGERS[trigger]
        per = "synced revision" if once_per == PER_REVISION else "change of health"
        condition = {
            "description": f"flask-platform: {happened}, once per {per}",
            "when": when,
            "oncePer": once_per,
            "send": [trigger_name(trigger)],
        }
        data[f"trigger.{trigger_name(trigger)}"] = yaml.safe_dump([condition], sort_keys=False, width=10_000)
        data[f"template.{trigger_name(trigger)}"] = _template(trigger, sorted(webhooks))
    return data


HEADER = """\
# Generated from environments/ by `make synth` (python -m charts.argocd_notifications --write):
# do not edit. Merge into the argocd-notifications-cm ConfigMap of the Argo CD that deploys
# this project:
#
#   kubectl -n argocd patch configmap argocd-notifications-cm --type merge \\
#     --patch-file install/argocd-notifications-cm-patch.yaml
#
# The services the Applications subscribe to (gitops.notifications of each environment), the
# product's triggers (sync failed and deployed once per synced revision, health Degraded once
# per time it turned Degraded) and their templates. Secrets are references ($key) into argocd-notifications-secret, which
# the operator fills (docs/operations.md, "Notifications"); no URL or token is in this file.
"""


def install_patch(environments: Iterable[Environment]) -> str:
    body = yaml.dump({"data": install_patch_data(environments)}, Dumper=_LiteralDumper, sort_keys=False, width=10_000)
    return HEADER + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="write install/argocd-notifications-cm-patch.yaml from environments/")
    parser.add_argument("--write", action="store_true", help="write the file (default: exit 1 when it is stale)")
    args = parser.parse_args(argv)
    from config.errors import ConfigError
    from config.loader import load_all

    try:
        text = install_patch(load_all())
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    path = Path(INSTALL_PATCH)
    if args.write:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        return 0
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        print(f"{path.relative_to(REPO_ROOT)} is stale: run `make synth`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
