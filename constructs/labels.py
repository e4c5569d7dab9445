"""Label sets: selector labels (immutable, minimal) apart from metadata labels (descriptive).

A Deployment's selector cannot change after creation, so selectors hold only the two labels
that identify a workload and never derive from construct paths: renaming or moving a construct
must not force a replace. Everything descriptive (component, version) lives in metadata labels.
"""

from __future__ import annotations

PART_OF = "flask-platform"
NAME_KEY = "app.kubernetes.io/name"
PART_OF_KEY = "app.kubernetes.io/part-of"
COMPONENT_KEY = "app.kubernetes.io/component"
VERSION_KEY = "app.kubernetes.io/version"
MANAGED_BY_KEY = "app.kubernetes.io/managed-by"
NAMESPACE_NAME_KEY = "kubernetes.io/metadata.name"  # set by the API server, cannot be spoofed


def selector_labels(name: str) -> dict[str, str]:
    """The labels a Service, PDB or NetworkPolicy uses to find a workload's pods."""
    return {NAME_KEY: name, PART_OF_KEY: PART_OF}


def metadata_labels(name: str, *, component: str, version: str | None = None) -> dict[str, str]:
    """Selector labels plus descriptive ones; safe to change between releases."""
    labels = {**selector_labels(name), COMPONENT_KEY: component}
    if version:
        labels[VERSION_KEY] = version[:63]
    return labels


SYNC_WAVE_ANNOTATION = "argocd.argoproj.io/sync-wave"


def sync_wave(wave: int) -> dict[str, str]:
    """The ArgoCD annotation that orders an object inside its Application's sync."""
    return {SYNC_WAVE_ANNOTATION: str(wave)}


def namespace_selector(namespace: str) -> dict[str, str]:
    """Match a namespace by the label the API server sets, never a hand-set `name=` label."""
    return {NAMESPACE_NAME_KEY: namespace}
