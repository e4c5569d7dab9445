"""Services and what routes to them: selectors and target ports, Ingress and HTTPRoute backends."""

from __future__ import annotations

from collections.abc import Iterator

from verify.crossrefs.index import Index, exposes, finding, service_port
from verify.findings import Finding


def services(index: Index) -> Iterator[Finding]:
    for svc in index.of_kind("Service"):
        spec = svc.body.get("spec") or {}
        selector = spec.get("selector")
        if not selector:
            continue  # ExternalName or manually managed endpoints
        pods = index.pods(svc.namespace, selector, map_style=True)
        if not pods:
            yield finding("service-selector", svc, f"selector {selector} matches no pod template")
            continue
        for port in spec.get("ports") or []:
            target = port.get("targetPort", port.get("port"))
            protocol = port.get("protocol", "TCP")
            for pod in pods:
                if not exposes(pod.containers(), target, protocol):
                    yield finding(
                        "service-target-port", svc, f"targetPort {target}/{protocol} is not a container port of {pod.owner.ref}"
                    )


def ingresses(index: Index) -> Iterator[Finding]:
    for ing in index.of_kind("Ingress"):
        spec = ing.body.get("spec") or {}
        backends = [spec["defaultBackend"]] if "defaultBackend" in spec else []
        for rule in spec.get("rules") or []:
            backends += [p.get("backend") or {} for p in (rule.get("http") or {}).get("paths") or []]
        for backend in backends:
            service = backend.get("service")
            if not service:
                continue
            port = service.get("port") or {}
            problem = service_port(index, ing.namespace, service.get("name", ""), port.get("number", port.get("name")))
            if problem:
                yield finding("ingress-backend", ing, problem)
        annotations = ing.metadata.get("annotations") or {}
        issued = any(k.startswith("cert-manager.io/") and k.endswith("issuer") for k in annotations)
        certificates = {((c.body.get("spec") or {}).get("secretName"), c.namespace) for c in index.of_kind("Certificate")}
        for tls in spec.get("tls") or []:
            name = tls.get("secretName")
            if name and not issued and (ing.namespace, name) not in index.secrets and (name, ing.namespace) not in certificates:
                yield finding(
                    "ingress-tls",
                    ing,
                    f"TLS Secret {name} is neither rendered, produced by an ExternalSecret, nor issued by cert-manager",
                )


def http_routes(index: Index) -> Iterator[Finding]:
    for route in index.of_kind("HTTPRoute"):
        for rule in (route.body.get("spec") or {}).get("rules") or []:
            for ref in rule.get("backendRefs") or []:
                if ref.get("kind", "Service") != "Service" or ref.get("group", "") != "":
                    continue
                problem = service_port(index, ref.get("namespace", route.namespace), ref.get("name", ""), ref.get("port"))
                if problem:
                    yield finding("route-backend", route, problem)
