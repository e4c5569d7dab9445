"""CONFIGURATION_REFERENCE.md covers every key of the typed model, with its own description."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from config.loader import available_environments, load_environment
from config.model import Backend, EnvironmentSpec
from ops.config_reference import _model_in, attribute_docstrings, render_reference, rows

ENVS = [load_environment(name) for name in available_environments()]
REFERENCE = render_reference(ENVS)


def leaf_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    paths = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        nested, is_list = _model_in(info.annotation)
        paths.append(path)
        if nested is not None:
            paths += leaf_paths(nested, f"{path}[]." if is_list else f"{path}.")
    return paths


def row_of(path: str) -> list[str]:
    line = next(line for line in REFERENCE.splitlines() if line.startswith(f"| `{path}` |"))
    return [cell.strip() for cell in line.strip("|").split(" | ")]


@pytest.mark.parametrize("path", [p for p in leaf_paths(EnvironmentSpec) if "." in p])
def test_every_key_has_a_described_row(path: str) -> None:
    cells = row_of(path)
    assert cells[1], f"{path}: no description (add a docstring under the field in config/model.py)"
    assert len(cells) == 4 + len(ENVS)


def test_every_section_has_a_heading() -> None:
    for name in EnvironmentSpec.model_fields:
        assert f"\n## {name}\n" in REFERENCE


def test_the_field_docstring_wins_over_the_type_alias_description() -> None:
    # Backend.host is typed Hostname, whose alias carries a generic description.
    assert attribute_docstrings(Backend)["host"].startswith("Public API host name")
    assert row_of("backend.host")[1] == attribute_docstrings(Backend)["host"]


def columns() -> dict[str, int]:
    header = next(line for line in REFERENCE.splitlines() if line.startswith("| Key |"))
    cells = [c.strip() for c in header.strip("|").split(" | ")]
    return {name: cells.index(name) for name in cells}


@pytest.mark.parametrize("env", ENVS, ids=lambda e: e.name)
def test_environment_columns_hold_the_merged_values(env: Any) -> None:
    index = columns()
    assert row_of("backend.image.tag")[index[env.name]] == f"`{env.backend.image.tag}`"
    assert row_of("secrets.key_prefix")[index[env.name]] == f"`{env.secrets.key_prefix}`"
    assert row_of("gitops.branch")[index[env.name]] == f"`{env.gitops.branch}`"


def test_types_and_defaults_are_readable() -> None:
    assert row_of("backend.log_level")[2:4] == ["one of `debug`, `info`, `warning`, `error`", "`info`"]
    assert row_of("backend.replicas")[2:4] == ["integer (1–2147483647)", "`1`"]
    assert row_of("gitops.repo_url")[3] == "required"
    assert row_of("tls.cluster_issuer")[2] == "DNS label or null"


def test_every_row_is_generated_from_the_model() -> None:
    generated = {row.path for row in rows(EnvironmentSpec, ENVS)}
    assert generated == set(leaf_paths(EnvironmentSpec))
