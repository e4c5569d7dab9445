"""The one error type a user can cause; it always names the file, the field and the reason."""

from __future__ import annotations


class ConfigError(Exception):
    """Invalid configuration. `str()` is the one-line message shown to the user."""

    def __init__(self, file: str, field: str, reason: str) -> None:
        self.file = file
        self.field = field
        # One line whatever the reason says: the format is `error: <file>: <field>: <reason>`.
        self.reason = " ".join(reason.split())
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {self.reason}")


class FieldProblem(Exception):
    """A problem with one field of a validated environment, found by a check that does not
    know which file set the field; the loader turns it into a ConfigError naming that file."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")
