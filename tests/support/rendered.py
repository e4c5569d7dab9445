"""Reading the objects of an in-memory synth (`synthesis.build.build_manifests`: app -> objects)."""

from __future__ import annotations

from typing import Any

Apps = dict[str, list[dict[str, Any]]]


def objects(apps: Apps, kind: str | None = None) -> list[dict[str, Any]]:
    return [o for docs in apps.values() for o in docs if kind is None or o["kind"] == kind]


def find(apps: Apps, kind: str, name: str) -> dict[str, Any]:
    (match,) = [o for o in objects(apps, kind) if o["metadata"]["name"] == name]
    return match


def container(workload: dict[str, Any]) -> dict[str, Any]:
    return workload["spec"]["template"]["spec"]["containers"][0]


def routed_hosts(apps: Apps) -> dict[str, str]:
    """host -> the Service its route sends to, over Ingresses and HTTPRoutes."""
    hosts = {
        r["host"]: r["http"]["paths"][0]["backend"]["service"]["name"]
        for i in objects(apps, "Ingress")
        for r in i["spec"]["rules"]
    }
    for route in objects(apps, "HTTPRoute"):
        hosts |= {host: route["spec"]["rules"][0]["backendRefs"][0]["name"] for host in route["spec"]["hostnames"]}
    return hosts
