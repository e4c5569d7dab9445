"""Who hears about an environment's Applications: the Argo CD notifications subscription.

A sub-model of `gitops:` (`gitops.notifications`). Exactly one service receives the messages:
a webhook whose URL is a key of Argo CD's `argocd-notifications-secret` (the URL carries a
token, so it never enters this repository), or a Slack channel. `triggers` chooses which of the
product's triggers (charts/argocd_notifications.py) the Applications subscribe to.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from config.formats import Format, register
from config.types import Model, _unique

# Argo CD replaces `$key` in a service's settings by the secret's value, reading the key as the
# longest run of letters, digits, '_' and '-': a '.' would cut the reference short.
NOTIFICATION_SECRET_KEY = register(
    Format(
        "notifications secret key",
        r"^[A-Za-z0-9_-]{1,253}$",
        "a key of argocd-notifications-secret: letters, digits, '_' or '-'"
        " (Argo CD's $key reference stops at any other character)",
        repairs=(lambda v: v.strip().lstrip("$").replace(".", "-"),),
    )
)
# Slack's own rule for channel names (lowercase, no spaces, at most 80), or a channel ID.
SLACK_CHANNEL = register(
    Format(
        "Slack channel",
        r"^([a-z0-9][a-z0-9_-]{0,79}|[CG][A-Z0-9]{8,})$",
        "a Slack channel name without '#' (lowercase letters, digits, '-' or '_', at most 80) or a channel ID such as C0123ABCD",
        repairs=(lambda v: v.strip().lstrip("#").lower().replace(" ", "-"),),
    )
)

Trigger = Literal["sync-failed", "health-degraded", "deployed"]
ALL_TRIGGERS: tuple[Trigger, ...] = ("sync-failed", "health-degraded", "deployed")

ANNOTATION_PREFIX = "notifications.argoproj.io"
# Argo CD's names for the product's triggers, templates and webhook services: prefixed, so they
# never replace an entry of Argo CD's catalog or of another team in the same ConfigMap, and
# short, because a subscription annotation's name (after the '/') may have 63 characters.
PRODUCT = "flask"
SLACK_SERVICE = "slack"
ANNOTATION_NAME_MAX = 63


class WebhookTarget(Model):
    url_secret_key: NOTIFICATION_SECRET_KEY.type()
    """Key of argocd-notifications-secret whose value is the webhook URL (set it there; see docs/operations.md)."""


class SlackTarget(Model):
    channel: SLACK_CHANNEL.type()
    """Slack channel the messages go to; the bot token is the key `slack-token` of argocd-notifications-secret."""


class Notifications(Model):
    triggers: Annotated[list[Trigger], Field(min_length=1), AfterValidator(_unique)] = list(ALL_TRIGGERS)
    """Events the Applications send a message for: a failed sync, Degraded health, a revision deployed and Healthy."""
    webhook: WebhookTarget | None = None
    """Send each message as a JSON POST to a webhook (exactly one of webhook and slack)."""
    slack: SlackTarget | None = None
    """Send each message to a Slack channel (exactly one of webhook and slack)."""

    @model_validator(mode="after")
    def _exactly_one_service(self) -> Notifications:
        if self.webhook is not None and self.slack is not None:
            raise ValueError("sets both webhook and slack: choose one service (set the other to null in this file)")
        if self.webhook is None and self.slack is None:
            raise ValueError("names no service: set webhook.url_secret_key or slack.channel")
        return self


def trigger_name(trigger: Trigger) -> str:
    return f"{PRODUCT}-{trigger}"


def webhook_service(env_name: str) -> str:
    """One webhook service per environment: each reads its own key of the notifications Secret."""
    return f"{PRODUCT}-{env_name}"


def subscription_annotations(env_name: str, notifications: Notifications | None) -> dict[str, str]:
    """Argo CD's `subscribe.<trigger>.<service>` annotations of the environment's Applications."""
    if notifications is None:
        return {}
    if notifications.webhook is not None:
        # A webhook has one URL and no recipients: the subscription's value is empty.
        service, recipient = webhook_service(env_name), ""
    else:
        assert notifications.slack is not None  # the model requires exactly one service
        service, recipient = SLACK_SERVICE, notifications.slack.channel
    return {f"{ANNOTATION_PREFIX}/subscribe.{trigger_name(t)}.{service}": recipient for t in notifications.triggers}


def annotation_too_long(env_name: str, notifications: Notifications | None) -> str | None:
    """Why the API server would refuse the subscriptions (an annotation name over 63 characters), or None."""
    for key in subscription_annotations(env_name, notifications):
        name = key.split("/", 1)[1]
        if len(name) > ANNOTATION_NAME_MAX:
            return (
                f"the webhook subscription annotation {name!r} would have {len(name)} characters, more than the "
                f"{ANNOTATION_NAME_MAX} Kubernetes allows: the environment name is part of it, so use slack or a "
                f"shorter environment name"
            )
    return None
