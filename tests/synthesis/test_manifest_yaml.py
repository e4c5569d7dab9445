"""The manifest writer's fast paths write exactly what PyYAML's safe dumper writes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from synthesis import manifest_yaml

TRICKY_STRINGS = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "1",
    "1.0",
    "0x1f",
    "0o17",
    "+1",
    "1e3",
    ".inf",
    ".nan",
    "null",
    "~",
    "",
    " leading",
    "trailing ",
    "a: b",
    "- x",
    "#c",
    "'q'",
    '"d"',
    "é ü 中",
    "\ttab",
    "true",
    "False",
    "2001-12-14",
    "12:30",
    "<<",
    "=",
    "multi\nline\n",
    "multi\nno end",
    "trailing spaces \nline",
    "\n",
]


class _StockDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """PyYAML's safe dumper with only the literal-block rule for multi-line strings."""


_StockDumper.add_representer(str, manifest_yaml._represent_str)


def stock_yaml(document: object) -> str:
    return yaml.dump(
        document,
        Dumper=_StockDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=4096,
        explicit_start=True,
    )


def tricky_document() -> dict:
    return {
        "strings": TRICKY_STRINGS,
        "as keys": {value: index for index, value in enumerate(TRICKY_STRINGS)},
        "numbers": [0, -7, 10**30, 1.5, -0.0, 1e20, float("inf")],
        "flags": [True, False, None],
        "empties": [{}, [], [[]], {"": None}, {"k": {}}],
    }


def test_tricky_values_render_as_pyyaml_renders_them():
    assert manifest_yaml.to_yaml(tricky_document()) == stock_yaml(tricky_document())


def test_every_object_of_a_fresh_synth_renders_as_pyyaml_renders_it(fresh_dist: Path):
    paths = sorted(fresh_dist.rglob("*.yaml"))
    assert len(paths) > 90
    for path in paths:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert manifest_yaml.to_yaml(document) == stock_yaml(document), path


def test_remembered_tags_are_the_resolvers_own(monkeypatch):
    monkeypatch.setattr(manifest_yaml, "_RESOLVED_SCALARS", {})
    monkeypatch.setattr(manifest_yaml, "_RESOLVED_LIMIT", 5)
    first = manifest_yaml.to_yaml(tricky_document())  # overflows the limit many times over
    assert first == manifest_yaml.to_yaml(tricky_document()) == stock_yaml(tricky_document())
    assert len(manifest_yaml._RESOLVED_SCALARS) <= 5


@pytest.mark.parametrize("value", ["yes", "1.0", "null", ""])
def test_strings_that_read_as_other_types_stay_quoted(value: str):
    assert yaml.safe_load(manifest_yaml.to_yaml({"v": value})) == {"v": value}
