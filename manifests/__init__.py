"""Kubernetes objects as files hold them: where dist/ is, how its YAML is read, and the few
Kubernetes rules every reader needs (label selectors, pod templates, workload kinds).

Verification, operations and the API server tier all read dist/ through this package. It knows
Kubernetes, not the charts that produced the files, so what checks the output stays independent
of what made it. It needs only the standard library and PyYAML.
"""

from manifests.loader import YAML_LOADER, ManifestError, load_env, load_file, load_texts, parse_documents, yaml_files
from manifests.objects import Manifest, ObjectView, of_kind
from manifests.paths import CRDS, DIST, REPO_ROOT, environments
from manifests.selectors import SelectorError, matches, matches_map, namespace_labels
from manifests.workloads import WORKLOAD_KINDS, PodTemplate, is_workload, pod_template, pod_templates, workloads

__all__ = [
    "CRDS",
    "DIST",
    "REPO_ROOT",
    "WORKLOAD_KINDS",
    "YAML_LOADER",
    "Manifest",
    "ManifestError",
    "ObjectView",
    "PodTemplate",
    "SelectorError",
    "environments",
    "is_workload",
    "load_env",
    "load_file",
    "load_texts",
    "matches",
    "matches_map",
    "namespace_labels",
    "of_kind",
    "parse_documents",
    "pod_template",
    "pod_templates",
    "workloads",
    "yaml_files",
]
