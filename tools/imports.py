"""Regenerate imports/ from the pinned CRDs in crds/, offline.

`cdk8s import` writes one Python module per API group. Files of the same group are combined
into one multi-document YAML first, because two unnamed imports of one group overwrite each
other. The External Secrets store CRD is imported from a derived copy without the field
`spec.provider.keepersecurity.getByTitleFallback`: jsii refuses property names that look like
getters (JSII5000), and nothing here uses that provider. The pinned files stay untouched.

Built-in APIs newer than cdk8s-plus-27's `k8s` module (ValidatingAdmissionPolicy and its binding)
are imported the same way, from a CRD-shaped document derived in a scratch folder from the
pinned Kubernetes OpenAPI file in openapi/: each kind's schema with every `$ref` inlined. That
document is only an input of `cdk8s import`; it is never installed or validated against.

Usage: python -m tools.imports [--check]   (--check: exit 1 if imports/ differs from a fresh import)

A fresh import takes half a minute of Node and TypeScript compilation; `--check` keeps the one it
made under ~/.cache/flask-platform-imports/<key>/, where the key hashes everything the output is
a function of: the CRD-shaped sources as `cdk8s import` reads them, the npm lock (the CLI and
its compiler), the Node version and this file. A later check with the same key compares the
committed imports/ with that kept output; any change to an input is a new key and a new import.
`--no-cache` always imports afresh.
"""

from __future__ import annotations

import argparse
import filecmp
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from manifests import REPO_ROOT

CRDS_DIR = REPO_ROOT / "crds"
OPENAPI_DIR = REPO_ROOT / "openapi"
IMPORTS_DIR = REPO_ROOT / "imports"
CDK8S_CLI = REPO_ROOT / "node_modules" / "cdk8s-cli" / "bin" / "cdk8s"
NODE = REPO_ROOT / ".venv" / "bin" / "node"
CACHE_ROOT = Path(os.environ.get("FLASK_PLATFORM_IMPORTS_CACHE", Path.home() / ".cache" / "flask-platform-imports"))

# group module -> the pinned CRD files it is generated from
GROUPS: dict[str, tuple[str, ...]] = {
    "external-secrets.io": (
        "external-secrets.io_externalsecrets.yaml",
        "external-secrets.io_clustersecretstores.yaml",
    ),
    "argoproj.io": ("argoproj.io_applications.yaml", "argoproj.io_appprojects.yaml"),
    "gateway.networking.k8s.io": ("gateway.networking.k8s.io_httproutes.yaml",),
    "monitoring.coreos.com": ("monitoring.coreos.com_servicemonitors.yaml", "monitoring.coreos.com_prometheusrules.yaml"),
}

# group module -> (pinned OpenAPI file, version, kinds) of built-in APIs imported like CRDs
OPENAPI_GROUPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "admissionregistration.k8s.io": (
        "apis__admissionregistration.k8s.io__v1_openapi.json",
        "v1",
        ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"),
    ),
}

_JSII_GETTER_FIELDS = (("keepersecurity", "getByTitleFallback"),)


def _strip_getter_fields(crd: dict) -> dict:
    """Drop provider fields whose names jsii cannot generate (see module docstring)."""
    for version in crd["spec"]["versions"]:
        provider = (
            version.get("schema", {})
            .get("openAPIV3Schema", {})
            .get("properties", {})
            .get("spec", {})
            .get("properties", {})
            .get("provider", {})
            .get("properties", {})
        )
        for provider_name, field in _JSII_GETTER_FIELDS:
            provider.get(provider_name, {}).get("properties", {}).pop(field, None)
    return crd


def _inline_refs(node: object, schemas: dict[str, dict]) -> object:
    """The schema with every `$ref` (and the `allOf: [$ref]` wrapper OpenAPI v3 uses) inlined."""
    if isinstance(node, list):
        return [_inline_refs(item, schemas) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    all_of = node.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and "$ref" in all_of[0]:
        node.pop("allOf")
        node = {**all_of[0], **node}
    if "$ref" in node:
        target = schemas[node.pop("$ref").rsplit("/", 1)[-1]]
        node = {**target, **node}
    return {key: _inline_refs(value, schemas) for key, value in node.items()}


def openapi_crd(document: dict, group: str, version: str, kind: str) -> dict:
    """A CRD-shaped description of a built-in kind, for `cdk8s import` only."""
    schemas = document["components"]["schemas"]
    name = next(
        key for key, value in schemas.items() if key.endswith(f".{version}.{kind}") and "x-kubernetes-group-version-kind" in value
    )
    schema = _inline_refs(schemas[name], schemas)
    assert isinstance(schema, dict)
    # cdk8s supplies apiVersion, kind and metadata; status is written by the server.
    properties = {
        key: value for key, value in schema["properties"].items() if key not in {"apiVersion", "kind", "metadata", "status"}
    }
    plural = kind.lower() + "s"
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "names": {"kind": kind, "plural": plural, "singular": kind.lower()},
            "scope": "Cluster",
            "versions": [
                {
                    "name": version,
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "description": schema.get("description", ""),
                            "properties": properties,
                        }
                    },
                }
            ],
        },
    }


@functools.lru_cache(maxsize=16)
def _group_source(crd_texts: tuple[str, ...]) -> str:
    """One group's import source from its CRD files' texts (parsing and writing 3 MB of CRDs
    takes about a second; a process that checks more than once does it once)."""
    documents = [_strip_getter_fields(yaml.load(text, Loader=yaml.CSafeLoader)) for text in crd_texts]
    return yaml.dump_all(documents, Dumper=yaml.CSafeDumper, sort_keys=False)


def write_group_sources(workdir: Path) -> list[Path]:
    sources = []
    for group, files in GROUPS.items():
        target = workdir / f"{group}.yaml"
        texts = tuple((CRDS_DIR / name).read_text(encoding="utf-8") for name in files)
        target.write_text(_group_source(texts), encoding="utf-8")
        sources.append(target)
    for group, (file, version, kinds) in OPENAPI_GROUPS.items():
        document = json.loads((OPENAPI_DIR / file).read_text(encoding="utf-8"))
        target = workdir / f"{group}.yaml"
        crds = [openapi_crd(document, group, version, kind) for kind in kinds]
        target.write_text(yaml.dump_all(crds, Dumper=yaml.CSafeDumper, sort_keys=False), encoding="utf-8")
        sources.append(target)
    return sources


def input_key(sources: list[Path]) -> str:
    """The hash of everything a fresh import is a function of (see the module docstring)."""
    digest = hashlib.sha256()
    node_version = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=True).stdout
    parts = [(source.name, source.read_bytes()) for source in sorted(sources)]
    parts += [("package-lock.json", (REPO_ROOT / "package-lock.json").read_bytes()), ("node", node_version.encode())]
    parts += [("tools/imports.py", Path(__file__).read_bytes())]
    for name, content in parts:
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:24]


def generate(output: Path, cache: bool = False) -> None:
    """Run `cdk8s import` for every group into `output` (a fresh directory); with `cache`, reuse
    (and keep) the output of the same inputs."""
    with tempfile.TemporaryDirectory(prefix="crd-sources-") as tmp:
        sources = write_group_sources(Path(tmp))
        kept = CACHE_ROOT / input_key(sources) if cache else None
        if kept is not None and kept.is_dir():
            shutil.copytree(kept, output)
            return
        env = {
            **os.environ,
            "CDK8S_CHECK_UPGRADE": "false",
            "NODE_OPTIONS": "--no-deprecation",  # the CLI's own shell-args notice is not ours to fix
            "PATH": f"{NODE.parent}:{os.environ['PATH']}",
        }
        for source in sources:
            subprocess.run(
                [str(NODE), str(CDK8S_CLI), "import", "--language", "python", "--output", str(output), str(source)],
                cwd=tmp,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        (output / "__init__.py").write_text('"""Bindings generated by `make imports` from crds/ and openapi/; do not edit."""\n')
        if kept is not None:
            # Copied under a temporary name and renamed: a kept output is whole or absent.
            partial = kept.with_name(kept.name + f".partial-{os.getpid()}")
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(output, partial)
            try:
                partial.rename(kept)
            except OSError:  # another check kept the same output first
                shutil.rmtree(partial)


def diff_trees(left: Path, right: Path) -> list[str]:
    """Relative paths that are added, removed or changed between two trees."""
    differences = []
    comparison = filecmp.dircmp(left, right, ignore=["__pycache__"])

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        differences.extend(f"only in committed: {prefix}{name}" for name in cmp.left_only)
        differences.extend(f"only in fresh: {prefix}{name}" for name in cmp.right_only)
        for name in cmp.common_files:
            if (Path(cmp.left) / name).read_bytes() != (Path(cmp.right) / name).read_bytes():
                differences.append(f"changed: {prefix}{name}")
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, "")
    return sorted(differences)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate imports/ from the pinned CRDs.")
    parser.add_argument("--check", action="store_true", help="compare with a fresh import, change nothing")
    parser.add_argument("--no-cache", action="store_true", help="--check: import afresh, even for inputs imported before")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="imports-", dir=REPO_ROOT) as tmp:
        fresh = Path(tmp) / "imports"
        generate(fresh, cache=args.check and not args.no_cache)
        if args.check:
            differences = diff_trees(IMPORTS_DIR, fresh)
            for line in differences:
                print(line)
            return 1 if differences else 0
        shutil.rmtree(IMPORTS_DIR, ignore_errors=True)
        shutil.move(str(fresh), IMPORTS_DIR)
    return 0


if __name__ == "__main__":
    sys.exit(main())
