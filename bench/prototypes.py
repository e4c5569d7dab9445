"""Candidate optimisations, prototyped as monkeypatches so they can be measured before the
product code changes. Each must leave the rendered YAML byte-identical (the report compares
output digests); each docstring names the product change it stands in for.

A child applies them with `apply(names)` before its task runs; `-O` is an interpreter flag,
not a patch (see runner.Variant).
"""

from __future__ import annotations

import functools
import importlib
import typing
from collections.abc import Callable, Iterable
from typing import Any

from manifests import REPO_ROOT


def memo_values() -> None:
    """`k8s.IntOrString.from_number/from_string` and `k8s.Quantity.from_string/from_number` are
    one Node round trip each and return immutable value objects, so equal arguments can share
    one object. Product change: a cached helper (functools.cache) used by pod_baseline,
    secure_deployment, microsegmented_service and platform_baseline instead of the raw calls.
    """
    from cdk8s_plus_27 import k8s

    for cls in (k8s.IntOrString, k8s.Quantity):
        for name in ("from_number", "from_string"):
            bound = getattr(cls, name)  # classmethod, already bound to cls
            setattr(cls, name, staticmethod(functools.cache(bound)))


class _ChartView:
    """What `Chart.of(c)` returns under known_namespace: the chart, with `namespace` read once."""

    def __init__(self, chart: Any) -> None:
        self._chart = chart
        self.namespace = chart.namespace

    def __getattr__(self, name: str) -> Any:
        return getattr(self._chart, name)


def known_namespace() -> None:
    """`Chart.of(self).namespace` is two round trips (a static call and a property read) per
    SecureDeployment, WorkloadIdentity and MysqlDatabase, for a value the Python side already
    knows. Product change: SecureDeployment reads it once and hands it to WorkloadIdentity
    (`namespace=`), and the charts keep the namespace they were created with as a plain Python
    attribute. Prototype: remember each construct's scope on the Python side and read a
    chart's namespace once per chart.
    """
    import cdk8s

    import constructs as constructs_lib

    original_init = constructs_lib.Construct.__init__

    def init(self: Any, scope: Any, id: str) -> None:
        self.__dict__["_bench_scope"] = scope
        original_init(self, scope, id)

    constructs_lib.Construct.__init__ = init  # type: ignore[method-assign]
    views: dict[int, _ChartView] = {}

    class ChartOf:
        def __getattr__(self, name: str) -> Any:
            return getattr(cdk8s.Chart, name)

        @staticmethod
        def of(construct: Any) -> Any:
            node = construct
            while not isinstance(node, cdk8s.Chart):
                node = node.__dict__.get("_bench_scope")
                if node is None:
                    return cdk8s.Chart.of(construct)
            if id(node) not in views:
                views[id(node)] = _ChartView(node)
            return views[id(node)]

    for module in _product_construct_modules():
        if getattr(module, "Chart", None) is cdk8s.Chart:
            module.Chart = ChartOf()


def python_names() -> None:
    """WorkloadConfig reads `config_map.name` (a property read over the jsii pipe) for names it
    has just built itself (`<name>-env`, `<name>-files`). Product change: use the f-string it
    already has. Prototype: KubeConfigMap answers `.name` from the metadata it was given.
    """
    import cdk8s
    from cdk8s_plus_27 import k8s

    original_init = k8s.KubeConfigMap.__init__
    jsii_name = cdk8s.ApiObject.name.fget

    @functools.wraps(original_init)
    def init(self: Any, scope: Any, id: str, *, metadata: Any = None, **kwargs: Any) -> None:
        original_init(self, scope, id, metadata=metadata, **kwargs)
        if metadata is not None and metadata.name:
            self.__dict__["_bench_name"] = metadata.name

    k8s.KubeConfigMap.__init__ = init  # type: ignore[method-assign]
    k8s.KubeConfigMap.name = property(lambda self: self.__dict__.get("_bench_name") or jsii_name(self))  # type: ignore[assignment]


def cached_type_hints() -> None:
    """With assertions on, every jsii-generated method and struct evaluates
    `typing.get_type_hints(<stub>)` on each call before typeguard checks the arguments; the
    hints of a stub never change. Keeps the checks, caches the hints. (`-O` removes both.)
    """
    original = typing.get_type_hints
    cache: dict[tuple[Any, bool], Any] = {}

    def get_type_hints(obj: Any, globalns: Any = None, localns: Any = None, include_extras: bool = False) -> Any:
        if globalns is None and localns is None and getattr(obj, "__name__", "").startswith("_typecheckingstub__"):
            key = (obj, include_extras)
            hints = cache.get(key)
            if hints is None:
                hints = cache[key] = original(obj, include_extras=include_extras)
            return hints
        return original(obj, globalns, localns, include_extras)

    typing.get_type_hints = get_type_hints  # type: ignore[assignment]


def c_yaml_loader() -> None:
    """config.loader parses environment files with the pure-Python SafeLoader. Product change:
    base `_StrictLoader` on yaml.CSafeLoader when libyaml is present (as manifest_yaml already
    does for the dumper); the duplicate-key constructor works unchanged.
    """
    import yaml

    import config.loader as loader

    if not hasattr(yaml, "CSafeLoader"):
        return

    class CStrictLoader(yaml.CSafeLoader):  # type: ignore[misc, valid-type]
        pass

    CStrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, loader._construct_mapping)
    loader._StrictLoader = CStrictLoader  # type: ignore[misc]


def python_yaml_dumper() -> None:
    """Control, not a proposal: PyYAML's pure-Python safe dumper instead of the product's (libyaml's
    emitter plus synthesis.manifest_yaml's shortcuts for decoded JSON), to show what both are worth."""
    import yaml

    import synthesis.manifest_yaml as manifest_yaml

    class PyManifestDumper(yaml.SafeDumper):
        pass

    PyManifestDumper.add_representer(str, manifest_yaml._represent_str)
    manifest_yaml._ManifestDumper = PyManifestDumper  # type: ignore[misc]


PATCHES: dict[str, Callable[[], None]] = {
    "memo-values": memo_values,
    "known-namespace": known_namespace,
    "python-names": python_names,
    "cached-type-hints": cached_type_hints,
    "c-yaml-loader": c_yaml_loader,
    "py-yaml-dumper": python_yaml_dumper,
}

# The proposals that combine (cached-type-hints is an alternative to -O, the dumper a control).
ALL_PROPOSALS = ("memo-values", "known-namespace", "python-names", "c-yaml-loader")
# Patches that touch neither jsii nor generated bindings: the only ones a parallel parent
# applies itself, so that it never starts a Node process of its own.
JSII_FREE = frozenset({"c-yaml-loader", "py-yaml-dumper"})
REQUESTED: list[str] = []
"""What this process was asked to apply; parallel workers apply the same in their initializer."""


def _product_construct_modules() -> list[Any]:
    """The project's constructs/*.py modules (the folder merges into the `constructs` library)."""
    return [importlib.import_module(f"constructs.{path.stem}") for path in sorted((REPO_ROOT / "constructs").glob("*.py"))]


def apply(names: Iterable[str], *, jsii: bool = True) -> None:
    """Apply the named patches (with jsii=False, only those in JSII_FREE)."""
    names = list(names)
    REQUESTED[:] = names
    for name in names:
        if jsii or name in JSII_FREE:
            PATCHES[name]()
