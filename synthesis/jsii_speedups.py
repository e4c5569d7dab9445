"""Faster jsii calls for synthesis, with byte-identical results.

Every typed object this project builds (a `k8s.DeploymentSpec`, an ExternalSecret spec, ...) is
a jsii struct that crosses to the Node process behind cdk8s. jsii's own serializer walks a
struct by calling every property getter of its class, set or not, and each generated getter
evaluates a `typing.cast(typing.Optional[...], ...)` expression whose parts miss typing's small
cache; unset fields then travel to Node as nulls that Node validates and throws away. That was
about 40 % of the time spent constructing charts (bench/README.md, "Where the time goes").

`install()` swaps in a serializer that reads the values the struct was constructed with (the
`_values` dict every generated struct keeps) and sends only the fields that are set, in the
same order. Everything else (references, enums, maps, lists, errors) still goes through jsii's
own code. The wire payload differs only in the omitted nulls; tests prove that on every struct
a full synth sends, and that dist/ is byte-identical with and without the speedup.

The serializer is a private jsii function, so the speedup is installed only on the jsii version
it was verified against (the one in requirements/dev.lock). On any other version synthesis
runs on stock jsii, just slower; a test fails on a lock bump until this module is re-verified.
`SYNTH_STOCK_JSII=1` turns it off, e.g. to rule it out when debugging.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import jsii
import jsii._kernel as jsii_kernel

VERIFIED_JSII_VERSION = "1.142.0"
OPT_OUT_VARIABLE = "SYNTH_STOCK_JSII"

_stock_serializer: Callable[[Any, Any], Any] = jsii_kernel._make_reference_for_native


_PLAIN = (str, int, float, bool, type(None))
_struct_fields_by_class: dict[type, Mapping[str, str] | None] = {}


def _generated_struct_fields(value: Any) -> tuple[Mapping[str, str], dict[str, Any]] | None:
    """(python name -> jsii name, set values) of a struct class jsii generated, else None.

    A Python subclass of a generated struct inherits the name mapping without owning it, and
    may compute fields in getters, so it keeps the stock path.
    """
    cls = type(value)
    try:
        mapping = _struct_fields_by_class[cls]
    except KeyError:
        owned = cls.__dict__.get("__jsii_name_mapping__")
        mapping = _struct_fields_by_class[cls] = owned if "__jsii_type__" in cls.__dict__ else None
    values = getattr(value, "_values", None) if mapping is not None else None
    if values is None or type(values) is not dict:
        return None
    return mapping, values


def serialize(kernel: Any, value: Any) -> Any:
    """jsii's argument serializer, reading struct values instead of calling getters."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {"$jsii.map": {key: serialize(kernel, item) for key, item in value.items()}}
    if kind is list:
        return [serialize(kernel, item) for item in value]
    fields = _generated_struct_fields(value)
    if fields is None:
        return _stock_serializer(kernel, value)
    mapping, values = fields
    data = {
        jsii_name: serialize(kernel, values[python_name])
        for python_name, jsii_name in mapping.items()
        if values.get(python_name) is not None
    }
    return {"$jsii.struct": {"fqn": kind.__jsii_type__, "data": data}}


def is_installed() -> bool:
    return jsii_kernel._make_reference_for_native is serialize


def install() -> bool:
    """Use the faster serializer when jsii is the verified version and nobody opted out."""
    if os.environ.get(OPT_OUT_VARIABLE) or jsii.__version__ != VERIFIED_JSII_VERSION:
        return False
    jsii_kernel._make_reference_for_native = serialize
    return True
