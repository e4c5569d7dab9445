"""Schema validation: built-in kinds with kubernetes-validate, custom resources with their CRDs.

Built-in objects are validated in strict mode (unknown fields are errors) against every
Kubernetes minor from MIN_MINOR to the newest that the installed kubernetes-validate ships,
so an API that is missing or changed in any supported minor is caught.

Custom resources are validated against the openAPIV3Schema of the pinned CRD of their group,
version and kind, with the API server's structural-schema rules: an object field that the
schema does not declare is pruned by the server, so here it is an error, unless the schema
says `x-kubernetes-preserve-unknown-fields`. `nullable` admits null. metadata is checked
against the ObjectMeta schema that kubernetes-validate ships. CEL rules
(`x-kubernetes-validations`) and string formats are not evaluated: no checker for them here.
"""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml
from kubernetes_validate import utils as kv_utils
from packaging.version import Version
from referencing import Registry, Resource

from manifests import YAML_LOADER, Manifest, yaml_files
from verify.findings import Finding
from verify.kept_results import KeptResults

# kubernetes-validate re-reads and re-parses the same schema files (the shared definitions
# are 1.8 MB) on every call; caching its file reader makes the checks ten times faster and
# changes nothing else.
kv_utils.schema_contents = functools.lru_cache(maxsize=None)(kv_utils.schema_contents)
# and it lists its schema folders twice per call to find the versions it ships (a third of a
# validation's time); they cannot change while the process runs.
kv_utils.all_versions = functools.lru_cache(maxsize=None)(kv_utils.all_versions)


MIN_MINOR = "1.30"  # admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy is GA from 1.30
K8S_DEFINITIONS_ID = "https://kubernetes.io/api/_definitions.json"
OBJECT_META = f"{K8S_DEFINITIONS_ID}#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def kubernetes_minors() -> list[str]:
    """Minors from MIN_MINOR to the newest schema set the installed package ships."""
    minors = {kv_utils.major_minor(v) for v in kv_utils.all_versions()}
    return sorted((m for m in minors if Version(m) >= Version(MIN_MINOR)), key=Version)


# --- custom resources -------------------------------------------------------------------


def structural(schema: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a CRD openAPIV3Schema into JSON Schema with the API server's semantics."""
    node = dict(schema)
    if node.get("nullable") is True and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
    if isinstance(node.get("properties"), dict):
        node["properties"] = {k: structural(v) for k, v in node["properties"].items()}
    if isinstance(node.get("items"), dict):
        node["items"] = structural(node["items"])
    if isinstance(node.get("additionalProperties"), dict):
        node["additionalProperties"] = structural(node["additionalProperties"])
    # anyOf/allOf/oneOf/not only add value checks in a structural schema; their branches do
    # not declare fields, so they are left as they are.
    if node.get("x-kubernetes-embedded-resource"):
        props = node.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"$ref": OBJECT_META})
    is_object = node.get("type") == "object" or (isinstance(node.get("type"), list) and "object" in node["type"])
    if is_object and "additionalProperties" not in node and not node.get("x-kubernetes-preserve-unknown-fields"):
        node["additionalProperties"] = False
    return node


@dataclass
class CrdCatalog:
    # (apiVersion, kind) -> JSON Schema of a served version
    served: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    # (apiVersion, kind) of versions a CRD declares but does not serve
    unserved: set[tuple[str, str]] = field(default_factory=set)
    files: list[Path] = field(default_factory=list)

    @classmethod
    @functools.lru_cache(maxsize=4)
    def load(cls, crd_dir: Path) -> CrdCatalog:
        catalog = cls()
        for path in yaml_files(crd_dir):
            for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=YAML_LOADER):
                if not doc or doc.get("kind") != "CustomResourceDefinition":
                    continue
                catalog.files.append(path)
                spec = doc["spec"]
                for version in spec["versions"]:
                    key = (f"{spec['group']}/{version['name']}", spec["names"]["kind"])
                    if not version.get("served", False):
                        catalog.unserved.add(key)
                        continue
                    catalog.served[key] = root_schema(version["schema"]["openAPIV3Schema"])
        return catalog

    def groups(self) -> set[str]:
        return {api.rpartition("/")[0] for api, _ in self.served | dict.fromkeys(self.unserved)}


def root_schema(openapi: dict[str, Any]) -> dict[str, Any]:
    schema = structural(copy.deepcopy(openapi))
    props = schema.setdefault("properties", {})
    props["apiVersion"] = {"type": "string"}
    props["kind"] = {"type": "string"}
    props["metadata"] = {"$ref": OBJECT_META}
    schema["additionalProperties"] = False
    return schema


def _definitions_registry() -> Registry:
    newest = kv_utils.all_versions()[-1]
    defs = kv_utils.schema_contents(f"kubernetes-json-schema/v{newest}-local-strict/_definitions.json", newest)
    return Resource.from_contents(defs) @ Registry()


def _error_text(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"


# --- the check --------------------------------------------------------------------------


@dataclass
class SchemaReport:
    findings: list[Finding] = field(default_factory=list)
    minors: list[str] = field(default_factory=list)
    builtin: int = 0
    custom: int = 0


def check(manifests: list[Manifest], crd_dir: Path) -> SchemaReport:
    catalog = CrdCatalog.load(crd_dir)
    report = SchemaReport(minors=kubernetes_minors())
    registry = _definitions_registry()
    crd_groups = catalog.groups()
    # Verdicts kept by the object's JSON, the minors and the kubernetes-validate release, whose
    # schemas decide (verify/kept_results.py).
    verdicts = KeptResults("schemas", [metadata.version("kubernetes-validate"), report.minors])
    for m in manifests:
        key = (m.api_version, m.kind)
        if key in catalog.served:
            report.custom += 1
            validator = jsonschema.Draft202012Validator(catalog.served[key], registry=registry)
            for error in sorted(validator.iter_errors(m.body), key=lambda e: list(e.path)):
                report.findings.append(Finding("schema", "crd", m.ref, _error_text(error)))
        elif key in catalog.unserved:
            report.findings.append(Finding("schema", "crd", m.ref, f"{m.api_version} is not served by the pinned CRD"))
        elif m.group in crd_groups:
            report.findings.append(Finding("schema", "crd", m.ref, f"no pinned CRD serves {m.api_version} {m.kind}"))
        else:
            report.builtin += 1
            report.findings.extend(_builtin(m, report.minors, verdicts))
    return report


def _builtin(m: Manifest, minors: list[str], verdicts: KeptResults) -> list[Finding]:
    try:
        body = json.dumps(m.body, sort_keys=True)
    except TypeError:  # a value JSON has no type for (a YAML timestamp): checked as it is
        problems = [_problem(m.body, minor) for minor in minors]
    else:
        # The object's problem in each minor, as a check of it gave before.
        entry = verdicts.key([("object", body.encode())])
        problems = verdicts.result(entry, lambda: [_known_problem(body, minor) for minor in minors])
    return [Finding("schema", f"k8s-{minor}", m.ref, problem) for minor, problem in zip(minors, problems, strict=True) if problem]


# The same objects come back again and again in one process: the generated-environment tests
# check a hundred synths that each differ from the committed output in an object or two.
@functools.lru_cache(maxsize=16384)
def _known_problem(body: str, minor: str) -> str | None:
    return _problem(json.loads(body), minor)


def _problem(body: dict[str, Any], minor: str) -> str | None:
    """Why the built-in object `body` is not valid in Kubernetes `minor`, or None when it is."""
    try:
        kubernetes_validate.validate(body, minor, strict=True)
    except kubernetes_validate.ValidationError as error:
        return _error_text(error)
    except kubernetes_validate.SchemaNotFoundError:
        return f"{body.get('apiVersion')} {body.get('kind')} does not exist in {minor}"
    return None
