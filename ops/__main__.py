"""python -m ops <command> ...: the operations entry point (also `make bootstrap|validate|diff|docs`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from config.errors import ConfigError
from manifests import ManifestError
from ops import bootstrap, config_reference, diff, promote, release, restore, rollback, rotate, validate
from ops.common import EXIT_USAGE, OpsError

COMMANDS = {
    "bootstrap": bootstrap,
    "validate": validate,
    "diff": diff,
    "restore": restore,
    "release": release,
    "promote": promote,
    "rollback": rollback,
    "rotate": rotate,
    "docs": config_reference,
}

DESCRIPTION = """\
Operations of the flask platform.

exit status (every command): 0 ok / no change, 1 a check failed or dist/ would change,
2 configuration or usage error, 3 AWS, git or the cluster refused or is unreachable;
release, promote and rollback refuse with 4-10 (see their --help).
"""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m ops", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = root.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in COMMANDS.items():
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
    args = parser().parse_args(argv)
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
