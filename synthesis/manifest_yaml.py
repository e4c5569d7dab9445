"""YAML text of one Kubernetes object, byte-stable across runs and machines.

Key order is the one cdk8s renders (stable); multi-line strings (nginx.conf, my.cnf) are written
as literal blocks so a config change reads as a normal line diff in review.
"""

from __future__ import annotations

from typing import Any

import yaml

_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _ManifestDumper(_Base):  # type: ignore[misc, valid-type]
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


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
