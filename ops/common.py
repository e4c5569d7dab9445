"""What every ops command shares: exit statuses, the one error type, and repository paths."""

from __future__ import annotations

from manifests import DIST, REPO_ROOT

__all__ = ["DIST", "REPO_ROOT", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_ERROR", "OpsError", "one_line"]

# One meaning per status across all commands, so CI and scripts can branch on it.
EXIT_OK = 0  # done; checks passed; no change
EXIT_FAILED = 1  # a check failed (validate) or dist/ would change (diff)
EXIT_USAGE = 2  # bad configuration or arguments (as argparse and the synth use 2)
EXIT_ERROR = 3  # could not do the work: AWS, git or the cluster refused or is unreachable


class OpsError(Exception):
    """A failure the user can act on. `str()` is the one-line message; never a secret value."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def one_line(text: object) -> str:
    """Collapse a (possibly multi-line) upstream message so every error stays on one line."""
    return " ".join(str(text).split())
