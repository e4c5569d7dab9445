"""Load environments/base.yaml + environments/<env>.yaml into a validated `Environment`.

The environment files are deep-merged over base.yaml: mappings merge key by key, lists and
scalars replace. Every problem becomes a `ConfigError` naming the file that holds the bad
value, the dotted field path and the reason; nothing here prints or exits.
"""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from config import consistency, formats, messages
from config.errors import ConfigError, FieldProblem
from config.model import Environment, EnvironmentSpec
from manifests import REPO_ROOT

ENVIRONMENTS_DIR = REPO_ROOT / "environments"
BASE_FILE_NAME = "base.yaml"
NAME_PATTERN_HINT = "lower-case letters, digits and '-'"


# libyaml's parser when present (an order of magnitude faster on large files); same semantics.
_SafeLoaderBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoaderBase):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses duplicate keys, which plain PyYAML silently overwrites."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@functools.lru_cache(maxsize=32)
def _parsed(text: str) -> Any:
    """The YAML of `text`, parsed once per process: an environment is loaded many times over
    (every command and check loads base.yaml with each environment), and a parse costs about
    20 times a copy. A text that fails to parse is parsed, and fails, every time."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - _StrictLoader is a SafeLoader


def _copied(value: Any) -> Any:
    """A copy of what the safe loader builds: new mappings, lists and sets (!!set); the rest
    (text, numbers, booleans, dates, bytes, the pairs of !!omap) cannot change. A third of
    copy.deepcopy's time, which handles any object."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    if isinstance(value, set):
        return set(value)
    return value


def display_path(path: Path) -> str:
    """The path as the user should see it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Parse one YAML file that must hold a mapping; errors name the file and the line."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(shown, "", "file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(shown, "", "not UTF-8 text") from None
    try:
        data = _copied(_parsed(text))  # the caller's own copy: merges and checks may change it
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = error.problem or error.context or "invalid YAML"
        raise ConfigError(shown, "", f"YAML error at {where}{problem}") from None
    except yaml.YAMLError as error:
        raise ConfigError(shown, "", f"YAML error: {' '.join(str(error).split())}") from None
    if data is None:
        raise ConfigError(shown, "", "file is empty (expected a mapping of settings)")
    if not isinstance(data, dict):
        raise ConfigError(shown, "", f"top level must be a mapping of settings (key: value lines), not {messages.kind_of(data)}")
    for key in data:
        if not isinstance(key, str):
            raise ConfigError(shown, str(key), "keys must be text (put the key in quotes)")
    return data


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; any other value in `override` replaces the base value."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def available_environments(directory: Path = ENVIRONMENTS_DIR) -> list[str]:
    """Every `<name>.yaml` beside base.yaml is an environment: adding one is adding a file."""
    return sorted(
        path.stem for path in directory.glob("*.yaml") if path.name != BASE_FILE_NAME and not path.name.startswith((".", "_"))
    )


def load_environment(name: str, directory: Path = ENVIRONMENTS_DIR, overlay: Path | None = None) -> Environment:
    """base.yaml, then <name>.yaml, then (when given) an overlay file merged over every environment.

    The overlay is for renderings the repository does not keep, such as a local cluster whose
    Argo CD reads another repository URL; it is validated like the environment files, and an
    error in it names it.
    """
    env_file = directory / f"{name}.yaml"
    base_file = directory / BASE_FILE_NAME
    known = available_environments(directory)
    if name not in known:
        choices = ", ".join(known) or "none"
        raise ConfigError(display_path(env_file), "", f"unknown environment '{name}' (known: {choices})")
    if not _valid_name(name):
        raise ConfigError(display_path(env_file), "", f"environment name '{name}' must use {NAME_PATTERN_HINT}")

    base = read_yaml_mapping(base_file)
    override = read_yaml_mapping(env_file)
    layers = [(base_file, base), (env_file, override)]
    if overlay is not None:
        layers.append((overlay, read_yaml_mapping(overlay)))
    for source, data in layers:
        if "name" in data:
            raise ConfigError(display_path(source), "name", "not a setting: the environment name is the file name")

    merged = deep_merge(base, override)
    if overlay is not None:
        merged = deep_merge(merged, layers[2][1])
    try:
        env = Environment.model_validate({**merged, "name": name})
    except ValidationError as error:
        if overlay is not None and _path_touched(layers[2][1], _error_loc(error)):
            raise _to_config_error(error, base_file, overlay, layers[2][1]) from None
        raise _to_config_error(error, base_file, env_file, override) from None
    try:
        consistency.check(env)
    except FieldProblem as problem:
        raise locate(problem, name, directory) from None
    return env


def locate(problem: FieldProblem, name: str, directory: Path = ENVIRONMENTS_DIR) -> ConfigError:
    """The ConfigError for a problem found after validation: blamed on the file that sets the field."""
    env_file = directory / f"{name}.yaml"
    loc = _parse_field(problem.field)
    override = read_yaml_mapping(env_file)
    base_file = directory / BASE_FILE_NAME
    in_base = bool(loc) and _path_touched(read_yaml_mapping(base_file), loc)
    # base.yaml only when it sets the field and the environment file does not; a default
    # or a rendered object is fixed in the environment file.
    file = base_file if in_base and not _path_touched(override, loc) else env_file
    return ConfigError(display_path(file), problem.field, problem.reason)


def _parse_field(field: str) -> list[Any]:
    """'backend.cors_origins[0]' -> ['backend', 'cors_origins', 0]."""
    loc: list[Any] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field):
        loc.append(int(part[1:-1]) if part.startswith("[") else part)
    return loc


def _error_loc(error: ValidationError) -> list[Any]:
    return [part for part in error.errors(include_url=False)[0]["loc"] if not _is_validator_tag(part)]


def load_all(directory: Path = ENVIRONMENTS_DIR) -> list[Environment]:
    """Load and validate every environment; the first invalid one raises."""
    return [load_environment(name, directory) for name in available_environments(directory)]


def _valid_name(name: str) -> bool:
    return formats.DNS_LABEL.matches(name)


def _to_config_error(error: ValidationError, base_file: Path, env_file: Path, override: dict[str, Any]) -> ConfigError:
    first = error.errors(include_url=False)[0]
    loc = [part for part in first["loc"] if not _is_validator_tag(part)]
    field = _format_loc(loc)
    file = env_file if _path_touched(override, loc) else base_file
    kind = first["type"]
    if kind == "extra_forbidden":
        reason = "unknown key" + _suggestion(loc)
    elif kind == "missing":
        reason = f"required field is missing (set it in {BASE_FILE_NAME} or {env_file.name})"
        file = env_file
    else:
        reason = messages.reason(first)
    extra = error.error_count() - 1
    if extra:
        reason += f" (and {extra} more problem{'s' if extra > 1 else ''})"
    return ConfigError(display_path(file), field, reason)


def _is_validator_tag(part: Any) -> bool:
    # pydantic inserts tags such as 'function-after[...]' into locations of annotated fields.
    return isinstance(part, str) and ("[" in part and part.endswith("]"))


def _format_loc(loc: list[Any]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _path_touched(override: dict[str, Any], loc: list[Any]) -> bool:
    """True when the environment file sets the field or one of its parents/children."""
    node: Any = override
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return node is not override and not isinstance(node, dict)
    return True


def _suggestion(loc: list[Any]) -> str:
    """' (did you mean X?)' when the unknown key is a near miss of a real field."""
    model: type[BaseModel] | None = EnvironmentSpec
    for part in loc[:-1]:
        if model is None or isinstance(part, int):
            continue
        annotation = model.model_fields.get(part)
        model = _model_of(annotation.annotation) if annotation else None
    if model is None or not loc:
        return ""
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _model_of(annotation: Any) -> type[BaseModel] | None:
    candidates = [annotation, *getattr(annotation, "__args__", ())]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        for inner in getattr(candidate, "__args__", ()):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None
