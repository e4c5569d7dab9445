"""Cross-references between objects: the bugs no schema and no scanner sees.

A name or port written in one object must point at something another object renders:
Service selectors and ports, probe ports, NetworkPolicy ports, ConfigMaps, Secrets and their
keys, ServiceAccounts, PVCs, the nginx upstream, Ingress and HTTPRoute backends, RBAC
bindings, disruption budgets. No tool checks these, so this is our own code; every rule is a
small function that yields findings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifests import Manifest, PodTemplate, pod_templates, selectors
from verify.findings import Finding

# Secret keys of an ExternalSecret target that cannot be listed (dataFrom, templateFrom).
ANY_KEY = None

# cdk8s appends an 8-hex-digit hash to generated names; a human name has no such segment.
HASHED_NAME = re.compile(r"-(?=[0-9a-f]*\d)[0-9a-f]{8,}$")
CONSTRUCT_LABEL = "cdk8s.io/"

CLUSTER_DNS = re.compile(
    r"\b(?P<svc>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\.(?P<ns>[a-z0-9]([-a-z0-9]*[a-z0-9])?)"
    r"\.svc(\.cluster\.local)?\b(:(?P<port>\d+))?"
)
BUILTIN_CLUSTER_ROLES = {"view", "edit", "admin", "cluster-admin"}


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


def check(manifests: list[Manifest], env_dir: Path | None = None) -> list[Finding]:
    index = build_index(manifests)
    rules = [
        services,
        probes,
        workload_refs,
        network_policies,
        external_secrets,
        nginx_upstreams,
        cluster_dns_names,
        ingresses,
        http_routes,
        rbac,
        disruption_budgets,
        autoscalers,
        names_and_selectors,
    ]
    findings = [f for rule in rules for f in rule(index)]
    if env_dir is not None:
        findings.extend(argocd_applications(index, env_dir.resolve().parent.parent))
    return sorted(set(findings))


def _f(rule: str, m: Manifest, message: str) -> Finding:
    return Finding("crossref", rule, m.ref, message)


# --- ports -------------------------------------------------------------------------------


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


# --- rules -------------------------------------------------------------------------------


def services(index: Index) -> Iterator[Finding]:
    for svc in index.of_kind("Service"):
        spec = svc.body.get("spec") or {}
        selector = spec.get("selector")
        if not selector:
            continue  # ExternalName or manually managed endpoints
        pods = index.pods(svc.namespace, selector, map_style=True)
        if not pods:
            yield _f("service-selector", svc, f"selector {selector} matches no pod template")
            continue
        for port in spec.get("ports") or []:
            target = port.get("targetPort", port.get("port"))
            protocol = port.get("protocol", "TCP")
            for pod in pods:
                if not exposes(pod.containers(), target, protocol):
                    yield _f(
                        "service-target-port", svc, f"targetPort {target}/{protocol} is not a container port of {pod.owner.ref}"
                    )


def probes(index: Index) -> Iterator[Finding]:
    for pod in index.templates:
        for container in pod.containers():
            for probe_name in ("readinessProbe", "livenessProbe", "startupProbe"):
                probe = container.get(probe_name) or {}
                for handler in ("httpGet", "tcpSocket", "grpc"):
                    if handler in probe and "port" in probe[handler]:
                        port = probe[handler]["port"]
                        if not exposes([container], port):
                            yield _f(
                                "probe-port", pod.owner, f"{container['name']} {probe_name} port {port} is not a container port"
                            )


def _volume_refs(pod: PodTemplate) -> Iterator[tuple[str, str, str | None, bool]]:
    """(kind, name, key or None, optional) for every ConfigMap/Secret a pod reads."""
    spec = pod.spec
    for volume in spec.get("volumes") or []:
        sources = [volume]
        sources += (volume.get("projected") or {}).get("sources") or []
        for source in sources:
            if "configMap" in source:
                ref = source["configMap"]
                yield from _with_items("ConfigMap", ref.get("name", ""), ref)
            if "secret" in source:
                ref = source["secret"]
                yield from _with_items("Secret", ref.get("secretName", ref.get("name", "")), ref)
    for container in pod.containers():
        for env in container.get("env") or []:
            value_from = env.get("valueFrom") or {}
            for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                if key in value_from:
                    ref = value_from[key]
                    yield kind, ref.get("name", ""), ref.get("key"), bool(ref.get("optional"))
        for env_from in container.get("envFrom") or []:
            for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                if key in env_from:
                    ref = env_from[key]
                    yield kind, ref.get("name", ""), None, bool(ref.get("optional"))
    for pull in spec.get("imagePullSecrets") or []:
        yield "Secret", pull.get("name", ""), None, False


def _with_items(kind: str, name: str, ref: dict) -> Iterator[tuple[str, str, str | None, bool]]:
    optional = bool(ref.get("optional"))
    yield kind, name, None, optional
    for item in ref.get("items") or []:
        yield kind, name, item.get("key"), optional


def workload_refs(index: Index) -> Iterator[Finding]:
    for pod in index.templates:
        ns, owner = pod.owner.namespace, pod.owner
        for kind, name, key, optional in _volume_refs(pod):
            note = " (optional)" if optional else ""
            if kind == "ConfigMap":
                cm = index.get("ConfigMap", ns, name)
                if cm is None:
                    yield _f("ref-configmap", owner, f"ConfigMap {ns}/{name}{note} is not rendered")
                elif key is not None and key not in {**(cm.body.get("data") or {}), **(cm.body.get("binaryData") or {})}:
                    yield _f("ref-key", owner, f"ConfigMap {ns}/{name} has no key {key}{note}")
            else:
                if (ns, name) not in index.secrets:
                    yield _f(
                        "ref-secret", owner, f"Secret {ns}/{name}{note} is neither rendered nor produced by an ExternalSecret"
                    )
                    continue
                keys = index.secrets[(ns, name)]
                if key is not None and keys is not ANY_KEY and key not in keys:
                    yield _f("ref-key", owner, f"Secret {ns}/{name} has no key {key}{note}")
        sa = pod.spec.get("serviceAccountName") or pod.spec.get("serviceAccount")
        if sa and index.get("ServiceAccount", ns, sa) is None:
            yield _f("ref-serviceaccount", owner, f"ServiceAccount {ns}/{sa} is not rendered")
        claim_templates = {
            (t.get("metadata") or {}).get("name") for t in (owner.body.get("spec") or {}).get("volumeClaimTemplates") or []
        }
        volumes = {v.get("name") for v in pod.spec.get("volumes") or []}
        for volume in pod.spec.get("volumes") or []:
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if claim and index.get("PersistentVolumeClaim", ns, claim) is None:
                yield _f("ref-pvc", owner, f"PersistentVolumeClaim {ns}/{claim} is not rendered")
        for container in pod.containers():
            for mount in container.get("volumeMounts") or []:
                if mount.get("name") not in volumes | claim_templates:
                    yield _f(
                        "ref-volume", owner, f"{container['name']} mounts {mount.get('name')}, which is no volume of the pod"
                    )
        if owner.kind == "StatefulSet":
            service = (owner.body.get("spec") or {}).get("serviceName")
            if service and index.get("Service", ns, service) is None:
                yield _f("ref-service", owner, f"serviceName {service} is not a rendered Service")
        selector = (owner.body.get("spec") or {}).get("selector")
        if owner.kind != "Pod" and owner.kind != "CronJob" and isinstance(selector, dict):
            if not selectors.matches(selector, pod.labels):
                yield _f("workload-selector", owner, "spec.selector does not match its own pod template labels")


def _peer_pods(index: Index, policy: Manifest, peer: dict) -> tuple[list[PodTemplate], bool]:
    """Pods in dist that a NetworkPolicy peer selects, and whether the peer can only select
    pods of namespaces that dist renders (so that finding none is an error)."""
    if "ipBlock" in peer:
        return [], False
    if "namespaceSelector" in peer:
        ns_selector = peer["namespaceSelector"]
        candidates = [ns for ns in index.namespaces if selectors.matches(ns_selector, _ns_labels(index, ns))]
        pinned = (ns_selector.get("matchLabels") or {}).get("kubernetes.io/metadata.name")
        only_ours = pinned is not None and pinned in index.namespaces
    else:
        candidates, only_ours = [policy.namespace], True
    pods = [t for ns in candidates for t in index.pods(ns, peer.get("podSelector"))]
    return pods, only_ours


def _ns_labels(index: Index, name: str) -> dict[str, str]:
    ns = index.get("Namespace", "", name)
    return selectors.namespace_labels(name, ns.metadata.get("labels") if ns else None)


def network_policies(index: Index) -> Iterator[Finding]:
    for policy in index.of_kind("NetworkPolicy"):
        spec = policy.body.get("spec") or {}
        pod_selector = spec.get("podSelector") or {}
        selected = index.pods(policy.namespace, pod_selector)
        if pod_selector and not selected:
            yield _f("netpol-selector", policy, f"podSelector {pod_selector} selects no pod")
        for direction, key in (("ingress", "from"), ("egress", "to")):
            for rule in spec.get(direction) or []:
                targets: list[PodTemplate] = []
                resolvable = direction == "ingress"
                if direction == "ingress":
                    targets = selected
                for peer in rule.get(key) or []:
                    pods, only_ours = _peer_pods(index, policy, peer)
                    if only_ours and not pods:
                        yield _f("netpol-peer", policy, f"{direction} peer {peer} selects no pod")
                    if direction == "egress" and only_ours:
                        targets, resolvable = targets + pods, True
                for port in rule.get("ports") or []:
                    if "port" not in port:
                        yield _f(
                            "netpol-port",
                            policy,
                            f"{direction} rule opens every {port.get('protocol', 'TCP')} port: no port number",
                        )
                if not resolvable or not targets:
                    continue
                for port in rule.get("ports") or []:
                    if "port" not in port:
                        continue
                    protocol = port.get("protocol", "TCP")
                    containers = [c for t in targets for c in t.containers()]
                    if not exposes(containers, port["port"], protocol, port.get("endPort")):
                        names = ", ".join(sorted({t.owner.ref for t in targets}))
                        yield _f(
                            "netpol-port", policy, f"{direction} port {port['port']}/{protocol} is not a pod port of {names}"
                        )


def external_secrets(index: Index) -> Iterator[Finding]:
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    for es in index.of_kind("ExternalSecret"):
        spec = es.body.get("spec") or {}
        store = spec.get("secretStoreRef") or {}
        store_kind = store.get("kind", "SecretStore")
        store_ns = "" if store_kind == "ClusterSecretStore" else es.namespace
        if index.get(store_kind, store_ns, store.get("name", "")) is None:
            yield _f("es-store", es, f"{store_kind} {store.get('name')} is not rendered")
        owners[(es.namespace, external_secret_target(es))].append(es.ref)
    for secret in index.of_kind("Secret"):
        owners[(secret.namespace, secret.name)].append(secret.ref)
        if secret.body.get("data") or secret.body.get("stringData"):
            yield _f(
                "secret-value",
                secret,
                "a Secret with values is rendered; secrets come from the secret store through an ExternalSecret",
            )
    for (ns, name), refs in sorted(owners.items()):
        if len(refs) > 1:
            yield Finding("crossref", "secret-owner", f"Secret {ns}/{name}", "more than one owner: " + ", ".join(sorted(refs)))


def _service_port(index: Index, namespace: str, name: str, port: int | str | None) -> str | None:
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
                    yield _f("nginx-upstream", cm, f"{key}: upstream {host}:{port} is not a cluster Service name")
                    continue
                problem = _service_port(index, *resolved, port)
                if problem:
                    yield _f("nginx-upstream", cm, f"{key}: upstream {host}:{port}: {problem}")


def cluster_dns_names(index: Index) -> Iterator[Finding]:
    """`<svc>.<ns>.svc[.cluster.local][:port]` in ConfigMap values and env values (nginx
    configs are left to nginx_upstreams, which knows their default ports)."""
    texts: list[tuple[Manifest, str]] = []
    for cm in index.of_kind("ConfigMap"):
        texts += [(cm, v) for v in (cm.body.get("data") or {}).values() if isinstance(v, str) and not NGINX_PROXY.search(v)]
    for pod in index.templates:
        for container in pod.containers():
            texts += [(pod.owner, str(e["value"])) for e in container.get("env") or [] if "value" in e]
    for owner, text in texts:
        for match in CLUSTER_DNS.finditer(text):
            port = int(match["port"]) if match["port"] else None
            problem = _service_port(index, match["ns"], match["svc"], port)
            if problem:
                yield _f("service-dns-name", owner, f"{match.group(0)}: {problem}")


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
            problem = _service_port(index, ing.namespace, service.get("name", ""), port.get("number", port.get("name")))
            if problem:
                yield _f("ingress-backend", ing, problem)
        annotations = ing.metadata.get("annotations") or {}
        issued = any(k.startswith("cert-manager.io/") and k.endswith("issuer") for k in annotations)
        certificates = {((c.body.get("spec") or {}).get("secretName"), c.namespace) for c in index.of_kind("Certificate")}
        for tls in spec.get("tls") or []:
            name = tls.get("secretName")
            if name and not issued and (ing.namespace, name) not in index.secrets and (name, ing.namespace) not in certificates:
                yield _f(
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
                problem = _service_port(index, ref.get("namespace", route.namespace), ref.get("name", ""), ref.get("port"))
                if problem:
                    yield _f("route-backend", route, problem)


def rbac(index: Index) -> Iterator[Finding]:
    for binding in index.of_kind("RoleBinding") + index.of_kind("ClusterRoleBinding"):
        role_ref = binding.body.get("roleRef") or {}
        kind, name = role_ref.get("kind"), role_ref.get("name", "")
        if kind == "Role" and index.get("Role", binding.namespace, name) is None:
            yield _f("rbac-role", binding, f"Role {binding.namespace}/{name} is not rendered")
        if (
            kind == "ClusterRole"
            and index.get("ClusterRole", "", name) is None
            and name not in BUILTIN_CLUSTER_ROLES
            and not name.startswith("system:")
        ):
            yield _f("rbac-role", binding, f"ClusterRole {name} is not rendered")
        for subject in binding.body.get("subjects") or []:
            if subject.get("kind") != "ServiceAccount":
                continue
            ns = subject.get("namespace") or binding.namespace
            if ns in index.namespaces and index.get("ServiceAccount", ns, subject["name"]) is None:
                yield _f("rbac-subject", binding, f"ServiceAccount {ns}/{subject['name']} is not rendered")
    resource_kinds = {f"{kind.lower()}s": kind for kind in ("ConfigMap", "Service", "ServiceAccount", "Secret")}
    for role in index.of_kind("Role"):
        for rule in role.body.get("rules") or []:
            for resource in rule.get("resources") or []:
                kind = resource_kinds.get(resource)
                for name in rule.get("resourceNames") or []:
                    if kind == "Secret":
                        missing = (role.namespace, name) not in index.secrets
                    elif kind:
                        missing = index.get(kind, role.namespace, name) is None
                    else:
                        continue
                    if missing:
                        yield _f("rbac-resource-name", role, f"{resource} {name} is not rendered")


def _replicas(index: Index, workload: Manifest) -> int:
    """The fewest replicas a workload runs with: the HPA's minimum if one scales it."""
    for hpa in index.of_kind("HorizontalPodAutoscaler"):
        target = (hpa.body.get("spec") or {}).get("scaleTargetRef") or {}
        if hpa.namespace == workload.namespace and target.get("kind") == workload.kind and target.get("name") == workload.name:
            return int((hpa.body.get("spec") or {}).get("minReplicas", 1))
    return int((workload.body.get("spec") or {}).get("replicas", 1))


def _blocks_drain(spec: dict[str, Any], replicas: int) -> bool:
    def value(v: int | str) -> float:
        return replicas * float(v[:-1]) / 100 if isinstance(v, str) and v.endswith("%") else float(v)

    if "minAvailable" in spec:
        return value(spec["minAvailable"]) >= replicas
    if "maxUnavailable" in spec:
        return value(spec["maxUnavailable"]) < 1
    return False


def disruption_budgets(index: Index) -> Iterator[Finding]:
    for pdb in index.of_kind("PodDisruptionBudget"):
        spec = pdb.body.get("spec") or {}
        pods = index.pods(pdb.namespace, spec.get("selector"))
        if not pods:
            yield _f("pdb-selector", pdb, "selector matches no pod template")
        for pod in pods:
            replicas = _replicas(index, pod.owner)
            if _blocks_drain(spec, replicas):
                yield _f(
                    "pdb-drain", pdb, f"with {replicas} replica(s) of {pod.owner.ref} no pod may be evicted: node drains block"
                )


def autoscalers(index: Index) -> Iterator[Finding]:
    for hpa in index.of_kind("HorizontalPodAutoscaler"):
        target = (hpa.body.get("spec") or {}).get("scaleTargetRef") or {}
        if index.get(target.get("kind", ""), hpa.namespace, target.get("name", "")) is None:
            yield _f("hpa-target", hpa, f"{target.get('kind')} {target.get('name')} is not rendered")


def names_and_selectors(index: Index) -> Iterator[Finding]:
    for m in index.objects.values():
        if HASHED_NAME.search(m.name):
            yield _f("name-hash", m, f"name {m.name} ends in a hash")
        spec = m.body.get("spec") or {}
        used = [spec.get("selector")] if m.kind == "Service" else []
        if isinstance(spec.get("selector"), dict) and m.kind != "Service":
            used.append(spec["selector"].get("matchLabels") or {})
        if m.kind == "NetworkPolicy":
            used.append((spec.get("podSelector") or {}).get("matchLabels") or {})
        for labels in used:
            for key in labels or {}:
                if key.startswith(CONSTRUCT_LABEL):
                    yield _f("selector-construct-label", m, f"selector uses {key}, which changes when a construct is renamed")


def argocd_applications(index: Index, repo_root: Path) -> Iterator[Finding]:
    for app in index.of_kind("Application"):
        spec = app.body.get("spec") or {}
        project = spec.get("project", "default")
        if project != "default" and not any(p.name == project for p in index.of_kind("AppProject")):
            yield _f("argocd-project", app, f"AppProject {project} is not rendered")
        sources = [spec["source"]] if "source" in spec else list(spec.get("sources") or [])
        for source in sources:
            path = source.get("path")
            if path and not (repo_root / path).is_dir():
                yield _f("argocd-path", app, f"source path {path} does not exist")
