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


# A message quotes what the user wrote and a value derived from it; those are the user's
# characters, not wording of ours, and are left out of the scan.
ECHOED_VALUE = re.compile(r"(got (the text )?|for example |did you mean |write |=)'.*?'(?=[;)]| |$)")


def forbidden_wording(message: str) -> list[str]:
    ours = ECHOED_VALUE.sub(r"\1<value>", message)
    return [m.group(0) for m in FORBIDDEN.finditer(ours)]
