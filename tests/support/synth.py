"""Synthesis for tests: a construct in a fresh chart as dicts, or the real entry point into a folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cdk8s import Chart
from cdk8s import Testing as K8sTesting  # pytest would try to collect a class named Testing*

from config.loader import REPO_ROOT
from config.types import ResourceAmounts, Resources


def small_resources() -> Resources:
    return Resources(requests=ResourceAmounts(cpu="50m", memory="64Mi"), limits=ResourceAmounts(cpu="100m", memory="128Mi"))


def synth(build: Callable[[Chart], Any], namespace: str = "demo") -> list[dict[str, Any]]:
    app = K8sTesting.app()
    chart = Chart(app, "test", namespace=namespace, disable_resource_name_hashes=True)
    build(chart)
    return K8sTesting.synth(chart)


def by_kind(objects: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def one(objects: list[dict[str, Any]], kind: str, name: str | None = None) -> dict[str, Any]:
    matches = [o for o in by_kind(objects, kind) if name is None or o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind} {name or ''}, got {len(matches)}"
    return matches[0]


def synth_into(target: Path, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real entry point (new process, with -O, as `make synth` does) into `target`."""
    return subprocess.run(
        [sys.executable, "-O", "main.py", "--dist", str(target)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        env={**os.environ, **(extra_env or {})},
    )
