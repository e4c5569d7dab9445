"""Argo CD's notifications controller in the end-to-end tier, and the webhook it reports to.

The controller is the `argocd-notifications` process of the same Argo CD build as the
application controller and the repo server (cluster/build.py links all three into one binary),
run as its install runs it: its own ServiceAccount identity (e2e/identities.py), the
argocd-notifications-cm that install/argocd-notifications-cm-patch.yaml fills, and
argocd-notifications-secret holding the webhook URL under the key the environment names
(e2e/argocd_install.py). The URL is the loopback webhook receiver (e2e/webhook_receiver.py),
which records every body it is sent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from cluster.server import free_port
from e2e.components import Service, component_env, http_ok, start_process
from e2e.webhook_receiver import SLACK_POST_MESSAGE, received
from manifests import REPO_ROOT

RECORD_NAME = "webhook-received.jsonl"
# How long the controller may take to tell an event the scenarios caused (it reacts to the
# Application's update within seconds; a send is retried).
NOTIFIED_TIMEOUT_S = 90.0
# What the operator puts into argocd-notifications-secret under `slack-token` for Slack; in the
# tier, a stand-in value the Slack stand-in records (never a real token's shape).
SLACK_TOKEN = "e2e-stand-in-slack-token"  # pragma: allowlist secret (a fixed stand-in value)
SLACK_TOKEN_KEY = "slack-token"  # pragma: allowlist secret (the key's name)


def slack_api_url(receiver: Service) -> str:
    """The `apiURL` of the slack service in the tier: the receiver, as Slack's Web API."""
    return f"{receiver.address}slack/"


def webhook_receiver(workdir: Path) -> Service:
    """The receiver on a loopback port; its address is the URL the notifications Secret holds."""
    port = free_port()
    record = workdir / RECORD_NAME
    argv = [sys.executable, "-m", "e2e.webhook_receiver", f"--port={port}", f"--record={record}"]
    url = f"http://127.0.0.1:{port}/"
    process = start_process("webhook-receiver", argv, workdir, lambda: http_ok(url), env=component_env(PYTHONPATH=str(REPO_ROOT)))
    return Service(process, url)


def controller(binary: str, kubeconfig: Path, repo_server: str, workdir: Path) -> Service:
    """`argocd-notifications` in Argo CD's namespace (the kubeconfig's context namespace)."""
    metrics_port = free_port()
    argv = [
        binary,
        # Template functions that read git (.repo) ask the repo server; plaintext like the controller's.
        f"--argocd-repo-server={repo_server}",
        "--argocd-repo-server-plaintext",
        f"--metrics-port={metrics_port}",
        "--logformat=text",
        "--loglevel=info",
    ]
    env = component_env(ARGOCD_BINARY_NAME="argocd-notifications", KUBECONFIG=str(kubeconfig), HOME=str(workdir))
    ready = lambda: http_ok(f"http://127.0.0.1:{metrics_port}/metrics")  # noqa: E731
    return Service(start_process("argocd-notifications-controller", argv, workdir, ready, env=env), "")


def messages(workdir: Path) -> list[dict[str, Any]]:
    """The JSON bodies the webhook received, oldest first (a body that is not JSON fails the caller's
    test); the Slack stand-in's posts are `slack_posts`."""
    entries = received(workdir / RECORD_NAME)
    return [json.loads(entry["body"]) for entry in entries if not entry["path"].endswith(SLACK_POST_MESSAGE)]


def told(workdir: Path, application: str, event: str, revision: str) -> list[dict[str, Any]]:
    """The messages the webhook received about one event of one Application at one revision."""
    return [m for m in messages(workdir) if (m["application"], m["event"], m["revision"]) == (application, event, revision)]


def slack_posts(workdir: Path) -> list[dict[str, str]]:
    """The chat.postMessage calls the Slack stand-in received, oldest first, as their form fields."""
    return [
        {key: values[0] for key, values in parse_qs(entry["body"]).items()}
        for entry in received(workdir / RECORD_NAME)
        if entry["path"].endswith(SLACK_POST_MESSAGE)
    ]
