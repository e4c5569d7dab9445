"""The bytes jsii writes for a request to its kernel, without walking the payload twice.

jsii's send turns a request into JSON in two passes: cattrs rebuilds the whole request as plain
dicts and lists (unstructure), then json.dumps writes them. The payload of a create is already
plain data by then (synthesis/jsii_tuning.py's serializer made it), apart from a few objects
cattrs knows how to write: object references, overrides, enum members. `encode` hands the
request's fields to json.dumps directly and lets it ask cattrs about exactly those objects, so
the bytes are the same (tests compare them on every request of a synth) for a fraction of the
work. Requests of other kinds keep jsii's two passes.
"""

from __future__ import annotations

import enum
import json
from typing import Any

import attr
from jsii._kernel.providers import process as jsii_process
from jsii._kernel.types import CreateRequest, GetRequest, InvokeRequest, StaticInvokeRequest

API_NAMES: dict[type, str] = {
    CreateRequest: "create",
    InvokeRequest: "invoke",
    StaticInvokeRequest: "sinvoke",
    GetRequest: "get",
}
"""The `api` key jsii's send adds per request class (jsii's _with_api_key registrations)."""

_FIELDS = {kind: tuple(field.name for field in attr.fields(kind)) for kind in API_NAMES}


def stock_data(node: Any, request: Any) -> Any:
    """What jsii's send makes of `request` before json.dumps."""
    return node._serializer.unstructure(request)


def data(node: Any, request: Any) -> Any:
    """`request` as json.dumps needs it: its fields, then the api name, as cattrs orders them."""
    names = _FIELDS.get(type(request))
    if names is None:
        return stock_data(node, request)
    fields = {name: getattr(request, name) for name in names}
    fields["api"] = API_NAMES[type(request)]
    return fields


def encode(node: Any, payload: Any) -> bytes:
    """JSON of `payload` (from `data`), with what json cannot write itself written as cattrs does."""
    unstructure = node._serializer.unstructure

    def leaf(value: Any) -> Any:
        if attr.has(type(value)) or isinstance(value, enum.Enum):
            return unstructure(value)
        return jsii_process.jdefault(value)

    return json.dumps(payload, default=leaf).encode("utf8")
