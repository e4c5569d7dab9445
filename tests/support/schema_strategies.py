"""hypothesis strategies drawn from environments/environment.schema.json.

`value_for(node)` draws a value that the node of the published schema accepts (patterns,
bounds, enums, lists, objects, nullable branches); `leaf_nodes()` lists every settable field
with its schema node. Only the JSON Schema features the generated schema uses are read.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from hypothesis import strategies as st

from config.schema import SCHEMA_PATH

MAX_TEXT = 40


@functools.cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema()["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _text(node: dict[str, Any]) -> st.SearchStrategy[str]:
    longest = node.get("maxLength", 253)
    shortest = node.get("minLength", 0)
    if "pattern" in node:
        base = st.from_regex(node["pattern"], fullmatch=True)
    else:
        base = st.text(st.characters(codec="ascii", categories=("L", "N", "P", "Zs")), max_size=MAX_TEXT)
    return base.filter(lambda s: shortest <= len(s) <= longest)


def value_for(node: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    node = resolve(node)
    if "anyOf" in node:
        return st.one_of([value_for(branch, depth) for branch in node["anyOf"]])
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low, high = node.get("minimum"), node.get("maximum")
        # Mostly small numbers, sometimes the bounds themselves.
        # (a setting whose minimum is above 40, such as a deadline, starts its range there).
        floor = low if low is not None else -5
        cap = max(floor, 40)
        small = st.integers(min_value=floor, max_value=min(high, cap) if high is not None else cap)
        edges = st.sampled_from([v for v in (low, high) if v is not None] or [0])
        return st.one_of(small, small, edges)
    if kind == "string":
        return _text(node)
    if kind == "array":
        unique = node.get("uniqueItems", False)
        return st.lists(value_for(node.get("items", {}), depth + 1), min_size=node.get("minItems", 0), max_size=3, unique=unique)
    if kind == "object" or "properties" in node:
        properties = node.get("properties") or {}
        if not properties:
            keys = value_for(node.get("propertyNames", {"type": "string"}), depth + 1)
            values = value_for(node.get("additionalProperties") or {"type": "string"}, depth + 1)
            return st.dictionaries(keys, values, max_size=2)
        return st.fixed_dictionaries({}, optional={name: value_for(prop, depth + 1) for name, prop in properties.items()})
    return st.none()


@functools.cache
def leaf_nodes() -> tuple[tuple[str, dict[str, Any]], ...]:
    """(dotted field, schema node) of every field that holds a value rather than a section."""
    found: list[tuple[str, dict[str, Any]]] = []

    def walk(node: dict[str, Any], path: str) -> None:
        node = resolve(node)
        section = next((resolve(b) for b in node.get("anyOf", []) if "properties" in resolve(b)), None)
        if "properties" in node or section is not None:
            if path:
                found.append((path, node))  # a whole section can be generated too
            for name, prop in (section or node)["properties"].items():
                walk(prop, f"{path}.{name}" if path else name)
        else:
            found.append((path, node))

    walk(schema(), "")
    return tuple(found)
