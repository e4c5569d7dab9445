"""jsii set up for synthesis: faster struct passing and a leaner Node process, same bytes.

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

`install()` also starts the Node process, if it is not running yet, with a young generation of
at most 8 MB (`--max-semi-space-size`, through NODE_OPTIONS for that start only). With V8's
default the kernel process holding thousands of objects peaked about 120 MB higher, for no
measurable speed (bench/README.md).

The serializer is a private jsii function, so the speedup is installed only on the jsii version
it was verified against (the one in requirements/runtime.lock). On any other version synthesis
runs on stock jsii, just slower; a test fails on a lock bump until this module is re-verified.
`SYNTH_STOCK_JSII=1` turns all of it off, e.g. to rule it out when debugging.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import jsii
import jsii._kernel as jsii_kernel

from synthesis import kernel_channel, kernel_pipeline

VERIFIED_JSII_VERSION = "1.142.0"
OPT_OUT_VARIABLE = "SYNTH_STOCK_JSII"
NODE_FLAGS = "--max-semi-space-size=8"

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


def start_node(flags: str = NODE_FLAGS) -> None:
    """Start jsii's Node process now, with `flags` added to NODE_OPTIONS for it alone.

    jsii starts Node when the first jsii library is imported; when that already happened, this
    changes nothing. Both of jsii's Node processes (a relay and the kernel) inherit the flags.
    """
    previous = os.environ.get("NODE_OPTIONS")
    os.environ["NODE_OPTIONS"] = f"{previous} {flags}" if previous else flags
    try:
        import constructs  # noqa: F401 - the first jsii library: loading it starts Node
    finally:
        if previous is None:
            del os.environ["NODE_OPTIONS"]
        else:
            os.environ["NODE_OPTIONS"] = previous


def install() -> bool:
    """Start Node lean and use the faster serializer, when jsii is the verified version and
    nobody opted out. Call it before importing cdk8s, or only the serializer applies."""
    if os.environ.get(OPT_OUT_VARIABLE) or jsii.__version__ != VERIFIED_JSII_VERSION:
        return False
    kernel_channel.install()
    kernel_pipeline.install()
    start_node()
    jsii_kernel._make_reference_for_native = serialize
    return True
