"""What every ops command shares: exit statuses, the one error type, and repository paths."""

from __future__ import annotations

from manifests import DIST, REPO_ROOT

__all__ = [
    "DIST",
    "REPO_ROOT",
    "EXIT_OK",
    "EXIT_FAILED",
    "EXIT_USAGE",
    "EXIT_ERROR",
    "EXIT_DIRTY",
    "EXIT_NOT_SYNCED",
    "EXIT_NOT_HEALTHY",
    "EXIT_SOAKING",
    "EXIT_CHECKS_FAILED",
    "EXIT_NOT_FORWARD",
    "EXIT_NO_DIGEST",
    "OpsError",
    "one_line",
]

# One meaning per status across all commands, so CI and scripts can branch on it.
EXIT_OK = 0  # done; checks passed; no change
EXIT_FAILED = 1  # a check failed (validate) or dist/ would change (diff)
EXIT_USAGE = 2  # bad configuration or arguments (as argparse and the synth use 2)
EXIT_ERROR = 3  # could not do the work: AWS, git or the cluster refused or is unreachable
# Refusals of release, promote and rollback: one status per reason, so a pipeline can tell
# "wait and retry" (soak) from "something is broken" (health) without parsing the message.
EXIT_DIRTY = 4  # uncommitted changes where the command writes (dist/, the environment file)
EXIT_NOT_SYNCED = 5  # an Application is not Synced at the commit being promoted
EXIT_NOT_HEALTHY = 6  # an Application is not Healthy
EXIT_SOAKING = 7  # Synced and Healthy, but for less than the soak time
EXIT_CHECKS_FAILED = 8  # an ExternalSecret is failing or `ops validate` has a FAIL line
EXIT_NOT_FORWARD = 9  # the target branch would not move forward (never a force push)
EXIT_NO_DIGEST = 10  # a running pod reports no image digest, or its pods run different ones


class OpsError(Exception):
    """A failure the user can act on. `str()` is the one-line message; never a secret value."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def one_line(text: object) -> str:
    """Collapse a (possibly multi-line) upstream message so every error stays on one line."""
    return " ".join(str(text).split())
