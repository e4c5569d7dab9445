"""What a user-facing message must never contain: regular expressions, Python type names,
pydantic's own phrases. Shared by the message tests and the generated-environment test."""

from __future__ import annotations

import re

FORBIDDEN = re.compile(
    r"\^\[|\]\{|\$'|\[a-z|\[A-Z|\[0-9|\\[sdw.]|\(\?|\{0,"  # pieces of regular expressions
    r"|Input should|String should|should match pattern|should be a valid|Value error|Assertion failed"  # pydantic
    r"|pydantic|ValidationError|errors\.pydantic\.dev|type=|input_value"
    r"|\b(dict|str|int|float|bool|NoneType|list\[|tuple|Decimal|KeyError|TypeError|ValueError|Traceback)\b",
)


def forbidden_wording(message: str) -> list[str]:
    return [m.group(0) for m in FORBIDDEN.finditer(message)]
