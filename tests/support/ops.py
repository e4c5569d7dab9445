"""Helpers shared by the ops tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def secret_json(client: Any, key: str, stage: str = "AWSCURRENT") -> dict[str, str]:
    value: dict[str, str] = json.loads(client.get_secret_value(SecretId=key, VersionStage=stage)["SecretString"])
    return value


def current_version(client: Any, key: str) -> str:
    return str(client.get_secret_value(SecretId=key)["VersionId"])


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def plan_rows(out: str) -> dict[str, tuple[str, str]]:
    """key -> (action, properties) from the table `ops bootstrap` prints."""
    rows = {}
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) >= 2 and "/" in parts[0] and parts[1] in {"create", "keep", "rotate", "complete"}:
            rows[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return rows


def write_kubeconfig(
    directory: Path, server: str, user: dict[str, Any] | None = None, cluster: dict[str, Any] | None = None
) -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "test",
        "clusters": [{"name": "c", "cluster": {"server": server, **(cluster or {})}}],
        "users": [{"name": "u", "user": user or {}}],
        "contexts": [{"name": "test", "context": {"cluster": "c", "user": "u"}}],
    }
    path = directory / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    return path


def job_containers(job: dict[str, Any]) -> list[dict[str, Any]]:
    """Every container of a Job's pod template, init containers first."""
    pod = job["spec"]["template"]["spec"]
    return [*pod["initContainers"], *pod["containers"]]
