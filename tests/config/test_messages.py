"""Messages a person understands: one test per message family, and a scan of every message the
loader produces for every field and every kind of wrong value."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import formats, messages
from config.errors import ConfigError
from config.loader import ENVIRONMENTS_DIR, load_environment
from config.schema import build_schema
from tests.support.wording import forbidden_wording


def _error_for(tmp_path: Path, field: str, value: Any, file: str = "staging.yaml") -> ConfigError:
    environments = tmp_path / "environments"
    if not environments.exists():
        shutil.copytree(ENVIRONMENTS_DIR, environments)
    path = environments / file
    original = path.read_text()
    data = yaml.safe_load(original)
    node = data
    keys = field.split(".")
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    try:
        with pytest.raises(ConfigError) as caught:
            load_environment(file.removesuffix(".yaml"), environments)
    finally:
        path.write_text(original)
    return caught.value


# (family, field, wrong value, the whole reason expected)
FAMILIES = [
    ("whole number", "backend.replicas", "two", "must be a whole number (got 'two')"),
    ("whole number, quoted", "backend.replicas", "3", "must be a whole number without quotes (got the text '3'; write 3)"),
    ("whole number, decimal", "backend.replicas", 2.0, "must be a whole number (got 2.0; write 2)"),
    ("no value", "backend.replicas", None, "must be a whole number (got no value)"),
    ("text", "backend.image.tag", 8.1, "must be text (YAML read 8.1 as a number; put it in quotes: '8.1')"),
    ("true or false", "backend.debug", "yes", "must be true or false (got 'yes')"),
    ("mapping", "backend.jwt", ["RS256"], "must be a mapping of settings (key: value lines), not a list"),
    ("list", "backend.cors_origins", "https://a.example.com", "must be a list (lines starting with '- '), not text"),
    ("at least", "backend.replicas", 0, "must be at least 1 (got 0)"),
    ("at most", "backend.gunicorn_workers", 65, "must be at most 64 (got 65)"),
    (
        "int32",
        "backend.replicas",
        2**31,
        "must be at most 2147483647 (the largest number Kubernetes stores in this field) (got 2147483648)",
    ),
    (
        "one of",
        "backend.log_level",
        "warn",
        "must be one of 'debug', 'info', 'warning' or 'error' (got 'warn'; did you mean 'warning'?)",
    ),
    ("empty text", "backend.jwt.issuer", "", "must not be empty"),
    ("too few entries", "backend.cors_origins", [], "must have at least 1 entry (got none)"),
    ("too long", "frontend.host", "a." * 127 + "com", "must be at most 253 characters (got 257)"),
    (
        "duplicate",
        "backend.cors_origins",
        ["https://a.example.com"] * 2,
        "must not list the same entry twice (got 'https://a.example.com' twice)",
    ),
    ("own rule", "backend.image.tag", "latest", "must be a release tag, not the moving tag 'latest' (for example 1.4.2)"),
    ("unknown key", "backend.replica", 1, "unknown key (did you mean 'replicas'?)"),
]


@pytest.mark.parametrize(("family", "field", "value", "expected"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_message_family(tmp_path, family, field, value, expected):
    error = _error_for(tmp_path, field, value)
    assert error.field == field
    assert error.reason == expected


# One wrong value per format, and the suggestion the message offers.
FORMAT_CASES = [
    ("backend.host", "-api.example.internal", "api.example.internal"),
    ("backend.host", "API_Staging.example.internal", "api-staging.example.internal"),
    ("backend.cors_origins", ["frontend-staging.example.internal/"], "https://frontend-staging.example.internal"),
    ("backend.resources.limits.memory", "512MB", "512Mi"),
    ("backend.resources.limits.memory", "1.5Gi", "1536Mi"),
    ("backend.resources.requests.cpu", "100 millicores", "100m"),
    ("backend.image.repository", "Registry.example.internal/Flask", "registry.example.internal/flask"),
    ("secrets.refresh_interval", "1 H", "1h"),
    ("frontend.client_max_body_size", "10 MB", "10M"),
    ("cluster.pod_security_version", "1.30.2", "v1.30"),
    ("cluster.ingress_class", "Nginx_Public", "nginx-public"),
]


@pytest.mark.parametrize(("field", "value", "suggested"), FORMAT_CASES, ids=[f"{c[0]}={c[1]}" for c in FORMAT_CASES])
def test_format_message_says_what_and_suggests(tmp_path, field, value, suggested):
    error = _error_for(tmp_path, field, value)
    assert f"for example '{suggested}'" in error.reason
    assert error.reason.startswith("must be ")
    assert not forbidden_wording(str(error))


def test_every_pattern_of_the_model_has_words():
    """A pattern without a format would reach the user as a regular expression."""
    patterns: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "pattern" in node:
                patterns.append(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(build_schema())
    assert patterns
    assert [p for p in patterns if formats.describe_pattern(p) is None] == []


def test_schema_carries_the_same_words():
    schema = build_schema()
    host = schema["$defs"]["Backend"]["properties"]["host"]
    assert host["patternErrorMessage"] == f"Must be {formats.HOSTNAME.description}."
    assert host["description"].endswith(f"Must be {formats.HOSTNAME.description}.")


def test_suggestions_are_valid_values():
    for fmt in formats.FORMATS.values():
        for wrong in (" x ", "UPPER_case value", "a..b", "-x-", "1.5Gi", "x/"):
            suggestion = fmt.suggestion(wrong)
            assert suggestion is None or fmt.matches(suggestion), (fmt.name, wrong, suggestion)


# --- the scan -------------------------------------------------------------------------------

# libyaml's emitter: the scan writes the environment file over two thousand times.
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
WRONG_VALUES: list[Any] = ["text with spaces", "", "x" * 300, 1.5, -1, 0, 2**70, True, None, [], {}, ["a", "a"], {"k": 1}]


def _leaf_fields(schema: dict[str, Any]) -> list[str]:
    defs = schema["$defs"]
    fields: list[str] = []

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in node:
            return defs[node["$ref"].rsplit("/", 1)[1]]
        for branch in node.get("anyOf", []):
            if "$ref" in branch:
                return defs[branch["$ref"].rsplit("/", 1)[1]]
        return node

    def walk(node: dict[str, Any], path: str) -> None:
        node = resolve(node)
        if "properties" in node:
            for name, prop in node["properties"].items():
                walk(prop, f"{path}.{name}" if path else name)
        else:
            fields.append(path)

    walk(schema, "")
    return fields


def test_scan_every_message_the_loader_produces(tmp_path):
    """Every field x every kind of wrong value: the message names the field and has no
    regular expression, Python type name or pydantic wording."""
    environments = tmp_path / "environments"
    shutil.copytree(ENVIRONMENTS_DIR, environments)
    staging = environments / "staging.yaml"
    original = yaml.safe_load(staging.read_text())
    fields = _leaf_fields(build_schema())
    assert len(fields) > 60
    seen: dict[str, str] = {}
    for field in fields:
        for value in WRONG_VALUES:
            data = copy.deepcopy(original)
            node = data
            keys = field.split(".")
            for key in keys[:-1]:
                node = node.setdefault(key, {}) if isinstance(node.get(key, {}), dict) else {}
            node[keys[-1]] = value
            staging.write_text(yaml.dump(data, Dumper=DUMPER, sort_keys=False))
            try:
                load_environment("staging", environments)
            except ConfigError as error:
                message = str(error)
                assert "\n" not in message
                assert error.field, message
                assert not forbidden_wording(message), message
                seen.setdefault(error.reason.split(" (")[0], message)
    # Dozens of distinct reasons, not one generic fallback.
    assert len(seen) > 40, sorted(seen)
    assert not any(reason.startswith("is not a value this setting accepts") for reason in seen), seen


def test_shown_values_are_yaml_not_python():
    assert messages.shown(None) == "no value"
    assert messages.shown(True) == "true"
    assert messages.shown(["a"]) == "a list of 1 entry"
    assert messages.shown({"a": 1}) == "a mapping"
    assert messages.shown("a\nb") == "'a\\nb'"
    assert len(messages.shown("x" * 500)) < 90


def test_forbidden_wording_detector_catches_the_old_messages():
    """The scan is only as good as its detector: every old message family trips it."""
    old = [
        "backend.host: String should match pattern '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?' (got 'x')",
        "backend.replicas: Input should be a valid integer (got '1')",
        "backend.jwt: Input should be a valid dictionary or instance of Jwt",
        "x: Value error, duplicate entry",
        "top level must be a mapping, not NoneType",
    ]
    for message in old:
        assert forbidden_wording(message), message


def test_the_users_own_characters_are_not_wording():
    message = "x: must be a CPU quantity: millicores such as 250m (got '50m$'; for example '50m$x')"
    assert forbidden_wording(message) == []
    assert forbidden_wording("x: must match '^[a-z]+$' (got 'a')") != []
