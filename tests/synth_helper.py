"""A small synth helper: build a construct in a fresh chart and get its objects as dicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cdk8s import Chart
from cdk8s import Testing as K8sTesting  # pytest would try to collect a class named Testing*

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
