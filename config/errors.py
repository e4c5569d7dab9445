"""The one error type a user can cause; it always names the file, the field and the reason."""

from __future__ import annotations


class ConfigError(Exception):
    """Invalid configuration. `str()` is the one-line message shown to the user."""

    def __init__(self, file: str, field: str, reason: str) -> None:
        self.file = file
        self.field = field
        self.reason = reason
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {reason}")
