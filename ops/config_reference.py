"""ops docs: generate CONFIGURATION_REFERENCE.md and the connectivity documents.

CONFIGURATION_REFERENCE.md lists every key of the typed environment model (config/model.py)
as a dotted path with its type, default, description and the value each environment ends up
with (base.yaml merged with the environment file). docs/connectivity.md and a picture per
environment, docs/connectivity-<env>.svg, show the allowed connections of dist/
(ops/connectivity_docs.py). A test regenerates them all and fails while a committed copy is
stale.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import textwrap
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from config import formats
from config.loader import available_environments, load_environment
from config.model import Environment, EnvironmentSpec
from ops.common import DIST, EXIT_FAILED, EXIT_OK, REPO_ROOT
from ops.connectivity_docs import render_connectivity

REFERENCE_PATH = REPO_ROOT / "CONFIGURATION_REFERENCE.md"

HELP = "regenerate CONFIGURATION_REFERENCE.md, docs/connectivity.md and docs/connectivity-<env>.svg"
EPILOG = """\
The reference comes from config/model.py (field docstrings) and environments/*.yaml; the
connectivity documents from the NetworkPolicies in dist/<env>. --check writes nothing and
exits 1 when a committed document differs from a fresh generation.

Exit status: 0 written or up to date, 1 stale (--check), 2 configuration error.
"""

# Every pattern of the model has a name a reader knows (config/formats.py); an unnamed one
# would be shown as the regular expression.
NAMED_PATTERNS = {pattern: fmt.name for pattern, fmt in formats.FORMATS.items()}


# --- field docstrings ---------------------------------------------------------------------------


@cache
def attribute_docstrings(cls: type) -> dict[str, str]:
    """`field: T` followed by a string literal, for the class and its bases.

    pydantic also reads these (use_attribute_docstrings), but a `description` carried by an
    Annotated type alias (Hostname, CpuQuantity...) replaces the field's own docstring in
    `FieldInfo.description`; the reference wants the field's own words.
    """
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, BaseModel)) or klass.__module__ != cls.__module__:
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        body = ast.parse(source).body[0].body  # type: ignore[attr-defined]
        for node, following in zip(body, body[1:], strict=False):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[node.target.id] = inspect.cleandoc(following.value.value)
    return docs


def description(model: type[BaseModel], name: str) -> str:
    own = attribute_docstrings(model).get(name)
    return own or model.model_fields[name].description or ""


# --- types ------------------------------------------------------------------------------------


def _constraints(metadata: list[Any]) -> list[str]:
    parts = []
    bounds = {k: getattr(m, k) for m in metadata for k in ("ge", "gt", "le", "lt") if getattr(m, k, None) is not None}
    if "ge" in bounds and "le" in bounds:
        parts.append(f"{bounds['ge']}–{bounds['le']}")
    else:
        parts += [f"{sym} {bounds[k]}" for k, sym in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")) if k in bounds]
    for m in metadata:
        if getattr(m, "min_length", None):
            parts.append(f"at least {m.min_length}")
    return parts


def _pattern(metadata: list[Any]) -> str | None:
    for m in metadata:
        pattern = getattr(m, "pattern", None)
        if pattern:
            return NAMED_PATTERNS.get(pattern, f"matching `{pattern}`")
    return None


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """(bare type, constraint metadata) of a possibly Annotated type."""
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation = args[0]
        for extra in args[1:]:
            metadata.extend(getattr(extra, "metadata", None) or [extra])
    return annotation, metadata


def _optional_inner(annotation: Any) -> Any | None:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0]
    return None


def type_text(annotation: Any, metadata: list[Any]) -> str:
    annotation, inner_meta = _unwrap(annotation)
    metadata = [*metadata, *inner_meta]
    optional = _optional_inner(annotation)
    if optional is not None:
        return type_text(optional, metadata) + " or null"
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(f"`{v}`" for v in typing.get_args(annotation))
    if origin is list:
        (item,) = typing.get_args(annotation)
        extra = _constraints(metadata)
        return f"list of {type_text(item, [])}" + (f" ({', '.join(extra)})" if extra else "")
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"mapping of {type_text(key, [])} to {type_text(value, [])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    base = {bool: "boolean", int: "integer", str: "string"}.get(annotation, getattr(annotation, "__name__", str(annotation)))
    pattern = _pattern(metadata)
    if pattern and not pattern.startswith("matching"):
        base = pattern
    extra = _constraints(metadata) + ([pattern] if pattern and pattern.startswith("matching") else [])
    return base + (f" ({', '.join(extra)})" if extra else "")


def _model_in(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds, and whether it is a list of them."""
    annotation, _ = _unwrap(annotation)
    annotation = _optional_inner(annotation) or annotation
    if typing.get_origin(annotation) is list:
        item, _ = _unwrap(typing.get_args(annotation)[0])
        return (item, True) if isinstance(item, type) and issubclass(item, BaseModel) else (None, False)
    return (annotation, False) if isinstance(annotation, type) and issubclass(annotation, BaseModel) else (None, False)


# --- rows -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    path: str
    type: str
    default: str
    description: str
    values: dict[str, str]
    section: bool  # a mapping whose keys follow as their own rows


def _value_text(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if value is None:
        return "`null`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (int, str)):
        return f"`{value}`"
    return f"`{json.dumps(value, separators=(', ', ': '))}`"


_UNSET_PARENT = object()


def _value_at(env: Environment, path: list[str]) -> Any:
    node: Any = env
    for part in path:
        if node is None:
            return _UNSET_PARENT
        node = getattr(node, part)
    return node


def rows(
    model: type[BaseModel], envs: list[Environment], prefix: list[str] | None = None, in_list: bool = False
) -> Iterator[Row]:
    prefix = prefix or []
    for name, info in model.model_fields.items():
        path = [*prefix, name]
        dotted = ".".join(path)
        nested, is_list = _model_in(info.annotation)
        if info.is_required():
            default = "required"
        elif nested is not None and not is_list and info.default is not None:
            default = "see keys below"
        else:
            default = _value_text(info.default) if info.default is not PydanticUndefined else "required"
        values = {}
        for env in envs:
            if in_list:
                values[env.name] = "(per item)"
            else:
                value = _value_at(env, path)
                if value is _UNSET_PARENT:
                    values[env.name] = "(parent unset)"
                elif nested is not None and not is_list and value is not None:
                    values[env.name] = "(see keys below)"
                else:
                    values[env.name] = _value_text(value)
        yield Row(
            dotted, type_text(info.annotation, list(info.metadata)), default, description(model, name), values, nested is not None
        )
        if nested is not None:
            child_prefix = [*prefix, f"{name}[]"] if is_list else path
            yield from rows(nested, envs, child_prefix, in_list=in_list or is_list)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_reference(envs: list[Environment]) -> str:
    names = [env.name for env in envs]
    out = [
        "<!-- Generated by `python -m ops docs` from config/model.py and environments/*.yaml. Do not edit. -->",
        "# Configuration reference",
        "",
        "Every key of an environment's configuration. `environments/base.yaml` holds the defaults;",
        "each `environments/<env>.yaml` holds only what differs (mappings merge key by key, lists and",
        "scalars replace). The merged result is validated against the typed model in `config/model.py`:",
        "unknown keys, wrong types and values outside the constraints stop the synth with a message",
        "naming the file and the key. Editors get completion from `environments/environment.schema.json`.",
        "",
        "*Default* is the model's default when neither file sets the key; the environment columns show",
        "the value each environment is synthesized with. Keys of list items are written `list[].key`.",
        "The connections these settings allow are drawn in `docs/connectivity.md`.",
        "",
    ]
    top = list(EnvironmentSpec.model_fields)
    out.append("Sections: " + ", ".join(f"[`{name}`](#{name})" for name in top) + ".")
    all_rows = list(rows(EnvironmentSpec, envs))
    for section in top:
        section_rows = [r for r in all_rows if r.path == section or r.path.startswith(section + ".")]
        head = section_rows[0]
        out += ["", f"## {section}", "", _cell(head.description), ""]
        out.append("| Key | Description | Type | Default | " + " | ".join(names) + " |")
        out.append("|---|---|---|---|" + "---|" * len(names))
        for row in section_rows[1:]:
            cells = [f"`{row.path}`", row.description, row.type, row.default, *(row.values[n] for n in names)]
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(out) + "\n"


def generate(dist: Path = DIST) -> dict[Path, str]:
    envs = [load_environment(name) for name in available_environments()]
    return {REFERENCE_PATH: render_reference(envs), **render_connectivity(dist, [env.name for env in envs])}


def stale(documents: dict[Path, str]) -> list[Path]:
    return [path for path, text in documents.items() if not path.exists() or path.read_text(encoding="utf-8") != text]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a document is stale")
    parser.add_argument("--dist", type=Path, default=DIST, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    documents = generate(args.dist)
    outdated = stale(documents)
    shown = [str(p.relative_to(REPO_ROOT)) if p.is_relative_to(REPO_ROOT) else str(p) for p in outdated]
    if args.check:
        if outdated:
            print(f"stale: {', '.join(shown)} (run `make docs`)")
            return EXIT_FAILED
        print("documents up to date")
        return EXIT_OK
    for path in outdated:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(documents[path], encoding="utf-8")
    print(f"wrote {', '.join(shown)}" if outdated else "documents up to date")
    return EXIT_OK
