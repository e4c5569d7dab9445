"""What one environment renders, keyed for the rules' lookups, and the helpers the rules share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from manifests import Manifest, PodTemplate, pod_templates, selectors
from verify.findings import Finding

# Secret keys of an ExternalSecret target that cannot be listed (dataFrom, templateFrom).
ANY_KEY = None


@dataclass
class Index:
    """What dist/<env> renders, keyed for lookups."""

    objects: dict[tuple[str, str, str], Manifest] = field(default_factory=dict)
    templates: list[PodTemplate] = field(default_factory=list)
    # (namespace, secret name) -> keys, or ANY_KEY; includes ExternalSecret targets
    secrets: dict[tuple[str, str], set[str] | None] = field(default_factory=dict)
    namespaces: set[str] = field(default_factory=set)

    def get(self, kind: str, namespace: str, name: str) -> Manifest | None:
        return self.objects.get((kind, namespace, name))

    def of_kind(self, kind: str) -> list[Manifest]:
        return [m for (k, _, _), m in self.objects.items() if k == kind]

    def pods(self, namespace: str, selector: dict | None, *, map_style: bool = False) -> list[PodTemplate]:
        match = selectors.matches_map if map_style else selectors.matches
        return [t for t in self.templates if t.owner.namespace == namespace and match(selector, t.labels)]


def build_index(manifests: list[Manifest]) -> Index:
    index = Index(templates=pod_templates(manifests))
    for m in manifests:
        index.objects[(m.kind, m.namespace, m.name)] = m
        if m.namespace:
            index.namespaces.add(m.namespace)
        if m.kind == "Namespace":
            index.namespaces.add(m.name)
        if m.kind == "Secret":
            keys = {*(m.body.get("data") or {}), *(m.body.get("stringData") or {})}
            index.secrets[(m.namespace, m.name)] = keys
    for es in (m for m in manifests if m.kind == "ExternalSecret"):
        index.secrets[(es.namespace, external_secret_target(es))] = external_secret_keys(es)
    return index


def external_secret_target(es: Manifest) -> str:
    target = (es.body.get("spec") or {}).get("target") or {}
    return str(target.get("name") or es.name)


def external_secret_keys(es: Manifest) -> set[str] | None:
    spec = es.body.get("spec") or {}
    template = (spec.get("target") or {}).get("template") or {}
    if spec.get("dataFrom") or template.get("templateFrom"):
        return ANY_KEY
    data_keys = {d["secretKey"] for d in spec.get("data") or [] if "secretKey" in d}
    if template.get("data") is not None:
        template_keys = set(template["data"])
        return template_keys | data_keys if template.get("mergePolicy") == "Merge" else template_keys
    return data_keys


def finding(rule: str, m: Manifest, message: str) -> Finding:
    return Finding("crossref", rule, m.ref, message)


def container_ports(container: dict[str, Any]) -> list[dict[str, Any]]:
    return list(container.get("ports") or [])


def exposes(containers: list[dict[str, Any]], port: int | str, protocol: str = "TCP", end_port: int | None = None) -> bool:
    """True if some container declares the port (by number or by name) for the protocol."""
    for container in containers:
        for p in container_ports(container):
            if p.get("protocol", "TCP") != protocol:
                continue
            if isinstance(port, str) and not port.isdigit():
                if p.get("name") == port:
                    return True
            elif end_port is not None:
                if int(port) <= int(p["containerPort"]) <= int(end_port):
                    return True
            elif int(p["containerPort"]) == int(port):
                return True
    return False


def service_port(index: Index, namespace: str, name: str, port: int | str | None) -> str | None:
    """None if Service namespace/name renders the port, else what is wrong."""
    svc = index.get("Service", namespace, name)
    if svc is None:
        return f"Service {namespace}/{name} is not rendered"
    if port is None:
        return None
    ports = (svc.body.get("spec") or {}).get("ports") or []
    if any(p.get("port") == port or (p.get("name") and p.get("name") == port) for p in ports):
        return None
    return f"Service {namespace}/{name} has no port {port}"
