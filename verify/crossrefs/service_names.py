"""Service names written into configuration text: nginx upstreams and cluster DNS names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from config.formats import DNS_LABEL_REGEX
from manifests import Manifest, selectors
from verify.crossrefs.index import Index, finding, service_port
from verify.findings import Finding

CLUSTER_DNS = re.compile(
    rf"\b(?P<svc>{DNS_LABEL_REGEX})\.(?P<ns>{DNS_LABEL_REGEX})"
    r"\.svc(\.cluster\.local)?\b(:(?P<port>\d+))?"
)

# nginx: `proxy_pass http://host:port/...;`, `server host:port ...;` inside upstream blocks,
# and `set $var value;` for the resolver pattern that keeps the name out of proxy_pass.
NGINX_SET = re.compile(r"\bset\s+\$(\w+)\s+\"?([^\";\s]+)\"?\s*;")
NGINX_PROXY = re.compile(r"\b(?:proxy_pass|grpc_pass)\s+([^;\s]+)\s*;")
NGINX_UPSTREAM = re.compile(r"\bupstream\s+([\w.-]+)\s*\{([^}]*)\}", re.S)
NGINX_SERVER = re.compile(r"\bserver\s+([^;\s]+)[^;]*;")


def nginx_targets(conf: str) -> list[tuple[str, int | None]]:
    """(host, port) of every upstream an nginx config proxies to."""
    variables = dict(NGINX_SET.findall(conf))
    upstreams = {name: [s for s in NGINX_SERVER.findall(body)] for name, body in NGINX_UPSTREAM.findall(conf)}
    targets = []
    for raw in NGINX_PROXY.findall(conf):
        url = re.sub(r"\$(\w+)", lambda m: variables.get(m.group(1), m.group(0)), raw)
        match = re.match(r"^(?:(\w+)://)?([^/:$]+)(?::(\d+))?", url)
        if not match:
            continue
        scheme, host, port = match.groups()
        if host in upstreams:
            for server in upstreams[host]:
                h, _, p = server.partition(":")
                targets.append((h, int(p) if p else 80))
            continue
        default = 443 if scheme in ("https", "grpcs") else 80
        targets.append((host, int(port) if port else default))
    return targets


def _resolve_host(host: str, own_ns: str) -> tuple[str, str] | None:
    """(namespace, service) for a cluster-internal host name, None for anything else."""
    parts = host.rstrip(".").split(".")
    if len(parts) == 1:
        return own_ns, parts[0]
    if len(parts) in (2, 3, 5) and (len(parts) == 2 or parts[2] == "svc"):
        if len(parts) == 5 and parts[3:] != ["cluster", "local"]:
            return None
        return parts[1], parts[0]
    return None


def nginx_upstreams(index: Index) -> Iterator[Finding]:
    for cm in index.of_kind("ConfigMap"):
        for key, conf in (cm.body.get("data") or {}).items():
            if not isinstance(conf, str) or not NGINX_PROXY.search(conf):
                continue
            for host, port in nginx_targets(conf):
                resolved = _resolve_host(host, cm.namespace)
                if resolved is None:
                    yield finding("nginx-upstream", cm, f"{key}: upstream {host}:{port} is not a cluster Service name")
                    continue
                problem = service_port(index, *resolved, port)
                if problem:
                    yield finding("nginx-upstream", cm, f"{key}: upstream {host}:{port}: {problem}")


def cluster_dns_names(index: Index) -> Iterator[Finding]:
    """`<svc>.<ns>.svc[.cluster.local][:port]` in ConfigMap values, env values and the templates
    of ExternalSecrets (a connection URL assembled around a password names its host there)
    (nginx configs are left to nginx_upstreams, which knows their default ports). In a namespace
    the product renders the Service must be rendered with that port; in another, some
    NetworkPolicy must let pods reach that namespace."""
    texts: list[tuple[Manifest, str]] = []
    for cm in index.of_kind("ConfigMap"):
        texts += [(cm, v) for v in (cm.body.get("data") or {}).values() if isinstance(v, str) and not NGINX_PROXY.search(v)]
    for es in index.of_kind("ExternalSecret"):
        template = ((es.body.get("spec") or {}).get("target") or {}).get("template") or {}
        texts += [(es, v) for v in (template.get("data") or {}).values() if isinstance(v, str)]
    for pod in index.templates:
        for container in pod.containers():
            texts += [(pod.owner, str(e["value"])) for e in container.get("env") or [] if "value" in e]
    reached = egress_namespaces(index)
    for owner, text in texts:
        for match in CLUSTER_DNS.finditer(text):
            # A Service of a namespace the product does not render (the monitoring stack's
            # Pushgateway) cannot be looked up here; it must at least be in a namespace that a
            # NetworkPolicy of ours lets pods reach, or no connection to it could succeed.
            if match["ns"] not in index.namespaces and match["ns"] in reached:
                continue
            port = int(match["port"]) if match["port"] else None
            problem = service_port(index, match["ns"], match["svc"], port)
            if problem:
                yield finding("service-dns-name", owner, f"{match.group(0)}: {problem}")


def egress_namespaces(index: Index) -> set[str]:
    """Namespaces named (by their metadata.name label) as an egress destination of some NetworkPolicy."""
    return {
        pinned
        for policy in index.of_kind("NetworkPolicy")
        for rule in (policy.body.get("spec") or {}).get("egress") or []
        for peer in rule.get("to") or []
        if (pinned := selectors.pinned_namespace(peer.get("namespaceSelector"))) is not None
    }
