"""python -m ops <command> ...: the operations entry point (also `make bootstrap|validate|diff|docs`)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from config.errors import ConfigError
from manifests import ManifestError
from ops.common import EXIT_USAGE, OpsError

# Command -> the module that defines it (HELP, EPILOG, add_arguments, run). A command imports
# only its own module: some pull in jsii and the Kubernetes client, half a second each.
COMMANDS = {
    "bootstrap": "ops.bootstrap",
    "validate": "ops.validate",
    "diff": "ops.diff",
    "restore": "ops.restore",
    "release": "ops.release",
    "promote": "ops.promote",
    "rollback": "ops.rollback",
    "rotate": "ops.rotate",
    "docs": "ops.config_reference",
}

DESCRIPTION = """\
Operations of the flask platform.

exit status (every command): 0 ok / no change, 1 a check failed or dist/ would change,
2 configuration or usage error, 3 AWS, git or the cluster refused or is unreachable;
release, promote and rollback refuse with 4-10 (see their --help).
"""


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser, or only the parser of command `only` (what parsing its arguments needs)."""
    root = argparse.ArgumentParser(
        prog="python -m ops", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = root.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = importlib.import_module(module_name)
        sub = commands.add_parser(
            name,
            help=module.HELP,
            description=module.HELP,
            epilog=module.EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The root takes no option but --help, so a known command comes first; anything else (help,
    # a typo, nothing) gets every command, for the list and for argparse's own error.
    args = parser(argv[0] if argv and argv[0] in COMMANDS else None).parse_args(argv)
    try:
        return int(args.run(args))
    except (ConfigError, ManifestError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OpsError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
