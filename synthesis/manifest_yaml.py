"""YAML text of one Kubernetes object, byte-stable across runs and machines.

Key order is the one cdk8s renders (stable); multi-line strings (nginx.conf, my.cnf) are written
as literal blocks so a config change reads as a normal line diff in review.

Objects arrive as decoded JSON (dicts, lists, strings, numbers, booleans, nulls), so the dumper
builds their nodes directly instead of going through PyYAML's general representer (type
dispatch through the MRO, alias bookkeeping for shared objects, which decoded JSON never has),
and remembers which tag each scalar resolves to: libyaml's emitter asks the resolver twice per
scalar, for the same few hundred keys and values over and over. Anything else (floats, and
types JSON cannot produce) still goes through PyYAML's own code. The text is exactly what
PyYAML's safe dumper writes with the options in `to_yaml`; tests/synthesis compares the two.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

_RESOLVED_SCALARS: dict[tuple[str, Any], str] = {}
_RESOLVED_LIMIT = 200_000  # distinct scalars remembered; beyond that, start over


def _string_style(value: str) -> str | None:
    """Multi-line strings as literal blocks, the rest as PyYAML chooses."""
    return "|" if "\n" in value else None


class _ManifestDumper(_Base):  # type: ignore[misc, valid-type]
    def represent_data(self, data: Any) -> yaml.Node:
        kind = type(data)
        if kind is str:
            return ScalarNode(_STR, data, style=_string_style(data))
        if kind is dict:
            items = [(self.represent_data(key), self.represent_data(value)) for key, value in data.items()]
            return MappingNode(_MAP, items, flow_style=False)
        if kind is list:
            return SequenceNode(_SEQ, [self.represent_data(item) for item in data], flow_style=False)
        if kind is bool:
            return ScalarNode(_BOOL, "true" if data else "false")
        if kind is int:
            return ScalarNode(_INT, str(data))
        if data is None:
            return ScalarNode(_NULL, "null")
        return super().represent_data(data)

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is not ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED_SCALARS.get(key)
        if tag is None:
            if len(_RESOLVED_SCALARS) >= _RESOLVED_LIMIT:
                _RESOLVED_SCALARS.clear()
            tag = _RESOLVED_SCALARS[key] = super().resolve(kind, value, implicit)
        return tag


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """The same rule for strings PyYAML's own dispatch reaches (str subclasses)."""
    return dumper.represent_scalar(_STR, value, style=_string_style(value))


_ManifestDumper.add_representer(str, _represent_str)


def to_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(
        document,
        Dumper=_ManifestDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=4096,
        explicit_start=True,
    )
