"""Branch names Git accepts: the rules of `git check-ref-format --branch`, in Python.

Argo CD's targetRevision is a branch of the environment; a name Git refuses (`a..b`, `x.lock`,
`-x`) validates as a string but can never be created, pushed or tracked. The rules are Git's
(git-check-ref-format(1)); a test compares this function with the real command.
"""

from __future__ import annotations

FORBIDDEN_CHARACTERS = set(" ~^:?*[\\\x7f")


def branch_problem(name: str) -> str | None:
    """What Git objects to in `name` as a branch name, or None when Git accepts it."""
    if not name:
        return "is empty"
    if name == "@":
        return "is the single character '@'"
    if name == "HEAD":
        return "is HEAD, which names the current commit"
    if name.startswith("-"):
        return "starts with '-'"
    if any(ord(c) < 32 or c in FORBIDDEN_CHARACTERS for c in name):
        return "contains a space, a control character or one of ~ ^ : ? * [ \\"
    if ".." in name:
        return "contains '..'"
    if "@{" in name:
        return "contains '@{'"
    if name.startswith("/") or name.endswith("/") or "//" in name:
        return "starts or ends with '/' or contains '//'"
    if name.endswith("."):
        return "ends with '.'"
    for part in name.split("/"):
        if part.startswith("."):
            return f"has a part starting with '.' ({part!r})"
        if part.endswith(".lock"):
            return f"has a part ending with '.lock' ({part!r})"
    return None
