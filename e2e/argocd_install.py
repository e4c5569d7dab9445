"""Argo CD's in-cluster configuration, as its install manifests lay it out, plus the project's patch.

The tier runs the application controller and the repo server as processes; what a real
install puts into the cluster for them is created here: the namespace, argocd-cm (with the
health check the product ships in install/argocd-cm-patch.yaml, applied the way the
operations guide says), argocd-rbac-cm, argocd-secret, the repository Secret for the git
repository the Applications read, and the (empty) TLS, SSH and GPG ConfigMaps the repo server
reads; for the notifications controller, argocd-notifications-cm with the product's
install/argocd-notifications-cm-patch.yaml merged in, and argocd-notifications-secret with the
values the operator sets (the webhook URL under the environment's key).
"""

from __future__ import annotations

from typing import Any

import yaml

from e2e.kube import Kube
from manifests import REPO_ROOT

ARGOCD_CM_PATCH = REPO_ROOT / "install" / "argocd-cm-patch.yaml"
NOTIFICATIONS_CM_PATCH = REPO_ROOT / "install" / "argocd-notifications-cm-patch.yaml"
NOTIFICATIONS_CM = "argocd-notifications-cm"
NOTIFICATIONS_SECRET = "argocd-notifications-secret"  # pragma: allowlist secret (the Secret's name)
PART_OF = {"app.kubernetes.io/part-of": "argocd"}
SLACK_SERVICE = "service.slack"


def _configmap(namespace: str, name: str, data: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": PART_OF},
        "data": data,
    }


def install(
    kube: Kube, namespace: str, repo_url: str, notification_secrets: dict[str, str], slack_api_url: str | None = None
) -> None:
    """`notification_secrets`: what the operator puts into argocd-notifications-secret (docs/operations.md);
    `slack_api_url`: where the product's slack service sends instead of Slack (a stand-in)."""
    kube.ensure({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
    # The install's own argocd-cm and argocd-notifications-cm (empty), then the product's
    # patches merged into them, as the operations guide says.
    for name, patch_file in (("argocd-cm", ARGOCD_CM_PATCH), (NOTIFICATIONS_CM, NOTIFICATIONS_CM_PATCH)):
        patch = yaml.safe_load(patch_file.read_text())
        if name == NOTIFICATIONS_CM and slack_api_url:
            service = yaml.safe_load(patch["data"][SLACK_SERVICE])
            patch["data"][SLACK_SERVICE] = yaml.safe_dump({**service, "apiURL": slack_api_url}, sort_keys=False)
        kube.ensure(_configmap(namespace, name, {}))
        kube.merge_patch(f"/api/v1/namespaces/{namespace}/configmaps/{name}", patch)
    kube.ensure(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": NOTIFICATIONS_SECRET, "namespace": namespace, "labels": PART_OF},
            "stringData": notification_secrets,
        }
    )
    kube.ensure(_configmap(namespace, "argocd-rbac-cm", {"policy.default": "role:readonly"}))
    kube.ensure(_configmap(namespace, "argocd-cmd-params-cm", {}))
    for name in ("argocd-tls-certs-cm", "argocd-ssh-known-hosts-cm", "argocd-gpg-keys-cm"):
        kube.ensure(_configmap(namespace, name, {}))
    kube.ensure(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "argocd-secret", "namespace": namespace, "labels": PART_OF}}
    )
    kube.ensure(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": "flask-platform-repo",
                "namespace": namespace,
                "labels": {"argocd.argoproj.io/secret-type": "repository"},
            },
            "stringData": {"type": "git", "name": "flask-platform", "url": repo_url},
        }
    )
