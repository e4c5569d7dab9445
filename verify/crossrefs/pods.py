"""What a pod template points at: probe ports, ConfigMaps, Secrets and their keys,
ServiceAccounts, claims, volumes, a StatefulSet's Service and the workload's own selector."""

from __future__ import annotations

from collections.abc import Iterator

from manifests import PodTemplate, selectors
from verify.crossrefs.index import ANY_KEY, Index, exposes, finding
from verify.findings import Finding


def probes(index: Index) -> Iterator[Finding]:
    for pod in index.templates:
        for container in pod.containers():
            for probe_name in ("readinessProbe", "livenessProbe", "startupProbe"):
                probe = container.get(probe_name) or {}
                for handler in ("httpGet", "tcpSocket", "grpc"):
                    if handler in probe and "port" in probe[handler]:
                        port = probe[handler]["port"]
                        if not exposes([container], port):
                            yield finding(
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
                    yield finding("ref-configmap", owner, f"ConfigMap {ns}/{name}{note} is not rendered")
                elif key is not None and key not in {**(cm.body.get("data") or {}), **(cm.body.get("binaryData") or {})}:
                    yield finding("ref-key", owner, f"ConfigMap {ns}/{name} has no key {key}{note}")
            else:
                if (ns, name) not in index.secrets:
                    yield finding(
                        "ref-secret", owner, f"Secret {ns}/{name}{note} is neither rendered nor produced by an ExternalSecret"
                    )
                    continue
                keys = index.secrets[(ns, name)]
                if key is not None and keys is not ANY_KEY and key not in keys:
                    yield finding("ref-key", owner, f"Secret {ns}/{name} has no key {key}{note}")
        sa = pod.spec.get("serviceAccountName") or pod.spec.get("serviceAccount")
        if sa and index.get("ServiceAccount", ns, sa) is None:
            yield finding("ref-serviceaccount", owner, f"ServiceAccount {ns}/{sa} is not rendered")
        claim_templates = {
            (t.get("metadata") or {}).get("name") for t in (owner.body.get("spec") or {}).get("volumeClaimTemplates") or []
        }
        volumes = {v.get("name") for v in pod.spec.get("volumes") or []}
        for volume in pod.spec.get("volumes") or []:
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if claim and index.get("PersistentVolumeClaim", ns, claim) is None:
                yield finding("ref-pvc", owner, f"PersistentVolumeClaim {ns}/{claim} is not rendered")
        for container in pod.containers():
            for mount in container.get("volumeMounts") or []:
                if mount.get("name") not in volumes | claim_templates:
                    yield finding(
                        "ref-volume", owner, f"{container['name']} mounts {mount.get('name')}, which is no volume of the pod"
                    )
        if owner.kind == "StatefulSet":
            service = (owner.body.get("spec") or {}).get("serviceName")
            if service and index.get("Service", ns, service) is None:
                yield finding("ref-service", owner, f"serviceName {service} is not a rendered Service")
        selector = (owner.body.get("spec") or {}).get("selector")
        if owner.kind != "Pod" and owner.kind != "CronJob" and isinstance(selector, dict):
            if not selectors.matches(selector, pod.labels):
                yield finding("workload-selector", owner, "spec.selector does not match its own pod template labels")
