"""The reason of a validation error, in words a person understands.

pydantic describes a failure in its own terms ("Input should be a valid integer", "String
should match pattern '^[a-z0-9]...'"). Here each kind of failure becomes what the value must
be, what was given, and where possible a close valid value. No regular expression, Python
type name or pydantic wording reaches the user; a test feeds every kind through here.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from config import formats

MAX_SHOWN = 80


def shown(value: Any) -> str:
    """A value as the user wrote it in YAML, short and on one line."""
    if value is None:
        return "no value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        text = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
        if len(text) > MAX_SHOWN:
            text = text[: MAX_SHOWN - 20] + "..." + text[-10:]
        return f"'{text}'"
    if isinstance(value, list):
        return f"a list of {len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    if isinstance(value, dict):
        return "a mapping"
    return "a value of another kind"


def kind_of(value: Any) -> str:
    """What YAML made of a value: text, a number, true/false, a list, a mapping, nothing."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "another kind of value"


def _got(value: Any) -> str:
    return f"got {shown(value)}"


def _whole_number(value: Any) -> str:
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
        return f"must be a whole number without quotes (got the text {shown(value)}; write {value.strip()})"
    if isinstance(value, float) and value.is_integer():
        return f"must be a whole number (got {value}; write {int(value)})"
    return f"must be a whole number ({_got(value)})"


def _text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"must be text (YAML read {value} as a number; put it in quotes: '{value}')"
    if isinstance(value, bool):
        return f"must be text (YAML read {shown(value)} as true/false; put it in quotes)"
    return f"must be text ({_got(value)})"


def _bound(limit: Any, words: str, value: Any) -> str:
    extra = " (the largest number Kubernetes stores in this field)" if limit == 2**31 - 1 else ""
    return f"must be {words} {limit}{extra} ({_got(value)})"


def _choices(expected: str, value: Any) -> str:
    options = re.findall(r"'([^']*)'", expected) or re.findall(r"[A-Za-z0-9_.-]+", expected)
    listed = ", ".join(f"'{o}'" for o in options[:-1]) + (f" or '{options[-1]}'" if len(options) > 1 else f"'{options[0]}'")
    hint = ""
    if isinstance(value, str):
        close = difflib.get_close_matches(value.lower(), options, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"must be one of {listed} ({_got(value)}{hint})"


def _pattern(pattern: str, value: Any) -> str:
    fmt = formats.describe_pattern(pattern)
    if fmt is None:
        return f"is not in the form this setting needs ({_got(value)})"
    suggestion = fmt.suggestion(value)
    hint = f"; for example '{suggestion}'" if suggestion else ""
    return f"must be {fmt.description} ({_got(value)}{hint})"


def _length(value: Any, limit: int, longest: bool) -> str:
    if isinstance(value, str):
        if longest:
            return f"must be at most {limit} characters (got {len(value)})"
        return "must not be empty" if limit <= 1 else f"must be at least {limit} characters (got {len(value)})"
    what = "entry" if limit == 1 else "entries"
    count = len(value) if isinstance(value, (list, dict)) else 0
    if longest:
        return f"must have at most {limit} {what} (got {count})"
    return f"must have at least {limit} {what} (got {'none' if count == 0 else count})"


def reason(error: dict[str, Any]) -> str:
    """The human reason for one pydantic error (its type, ctx and input)."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _whole_number(value)
    if kind in {"string_type", "string_sub_type"}:
        return _text(value)
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false ({_got(value)})"
    if kind in {"float_type", "float_parsing"}:
        return f"must be a number ({_got(value)})"
    if kind in {"dict_type", "model_type", "model_attributes_type", "mapping_type"}:
        return f"must be a mapping of settings (key: value lines), not {kind_of(value)}"
    if kind in {"list_type", "tuple_type", "set_type"}:
        return f"must be a list (lines starting with '- '), not {kind_of(value)}"
    if kind == "greater_than_equal":
        return _bound(ctx.get("ge"), "at least", value)
    if kind == "greater_than":
        return _bound(ctx.get("gt"), "more than", value)
    if kind == "less_than_equal":
        return _bound(ctx.get("le"), "at most", value)
    if kind == "less_than":
        return _bound(ctx.get("lt"), "less than", value)
    if kind == "literal_error":
        return _choices(str(ctx.get("expected", "")), value)
    if kind == "string_pattern_mismatch":
        return _pattern(str(ctx.get("pattern", "")), value)
    if kind in {"string_too_short", "too_short"}:
        return _length(value, int(ctx.get("min_length", 1)), longest=False)
    if kind in {"string_too_long", "too_long"}:
        return _length(value, int(ctx.get("max_length", 0)), longest=True)
    if kind in {"value_error", "assertion_error"}:
        text = str(error.get("msg", ""))
        return text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "none_required":
        return f"must be left empty ({_got(value)})"
    return f"is not a value this setting accepts ({_got(value)})"
