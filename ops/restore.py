"""ops restore ENV --backup NAME|latest | --to-time TIME: the Job that restores a backup, for `kubectl create`.

The Job is built by the same construct as the backup CronJob (constructs/database_backup.py):
same ServiceAccount (IRSA), scripts, settings and pod labels, hence exactly the backup's
network edges. It is printed, never applied by ArgoCD (dist/ does not hold it: every sync
would run it again), so a human reviews it and starts it with one command. Its steps: fetch
the named or newest complete backup from S3 and verify its checksum, then verify again (and the
gzip stream and mysqldump's completion line) and replace the database. With --to-time (an
in-cluster database whose binary logs are archived, data.backup.binlog) the steps take the
newest dump before the time and the archived logs after it, verify both, load the dump and
replay the logs up to the time, as the server's root user. The runbooks are
docs/operations.md, "Restore to a point" and "Restore to a time".
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from ops.common import EXIT_OK, EXIT_USAGE, OpsError

HELP = "print the Job that restores a backup of ENV's database (pipe it to `kubectl create -f -`)"
EPILOG = """\
--backup is `latest` (the newest backup whose checksum object exists) or the name of a dump as
the backup CronJob wrote it, e.g. flask_staging-20261201T021700Z.sql.gz (or its full S3 key).
The Job replaces the database: scale the API to zero first (docs/operations.md, "Restore").

  python -m ops restore staging --backup latest | kubectl create -f -
  python -m ops restore staging --to-time 2026-12-01T14:03:27Z | kubectl create -f -
  kubectl -n backend logs -f job/<printed name> --all-containers

--to-time (UTC, whole seconds, ending in Z) keeps every write made before that second: the
newest dump taken at least a minute before it, then the archived binary logs up to it.

Exit status: 0 printed, 2 bad environment, backup name or time, backups disabled for ENV, or
--to-time without the binary log archive.
"""

BACKUP_NAME = re.compile(r"^(latest|[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\.sql\.gz)$")
TO_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("env", metavar="ENV", help="environment name")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--backup", metavar="NAME", help="`latest` or a dump's name or S3 key")
    what.add_argument("--to-time", metavar="TIME", help="a UTC time such as 2026-12-01T14:03:27Z (point-in-time recovery)")
    parser.add_argument("--output", "-o", type=Path, help="write the Job to this file instead of stdout")


def job_name(now: datetime) -> str:
    from charts import names

    return f"{names.RESTORE_JOB_PREFIX}-{now.strftime('%Y%m%d-%H%M%S')}"


def _target_time(to_time: str, now: datetime) -> str:
    if not TO_TIME.match(to_time):
        raise OpsError(f"--to-time {to_time!r}: expected a UTC time such as 2026-12-01T14:03:27Z", EXIT_USAGE)
    try:
        when = datetime.strptime(to_time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise OpsError(f"--to-time {to_time!r}: not a date and time of the calendar", EXIT_USAGE) from None
    if when > now:
        raise OpsError(f"--to-time {to_time}: is in the future (now {now:%Y-%m-%dT%H:%M:%SZ})", EXIT_USAGE)
    return to_time


def restore_manifest(
    env_name: str,
    backup: str | None,
    *,
    to_time: str | None = None,
    now: datetime | None = None,
    environments: Path | None = None,
) -> str:
    """The restore Job of ENV as YAML (one document): of a backup, or to a time."""
    now = now or datetime.now(UTC)
    if to_time is not None:
        to_time = _target_time(to_time, now)
    elif backup is None or not BACKUP_NAME.match(backup):
        raise OpsError(f"--backup {backup!r}: expected `latest` or a dump name ending in .sql.gz", EXIT_USAGE)
    from config.loader import ENVIRONMENTS_DIR, load_environment

    env = load_environment(env_name, environments or ENVIRONMENTS_DIR)
    if not env.data.backup.enabled:
        raise OpsError(f"environment {env_name}: data.backup.enabled is false, so there are no backups to restore", EXIT_USAGE)
    if to_time is not None and not env.archives_binlogs:
        raise OpsError(
            f"environment {env_name}: --to-time needs the archive of the in-cluster database's binary logs "
            "(data.backup.binlog.enabled); an external database restores to a time with its provider's tools",
            EXIT_USAGE,
        )

    # Imported here: cdk8s starts Node, which the other ops commands do not need.
    from cdk8s import App, Chart

    from charts import names
    from charts.flask_backend import FlaskBackend
    from synthesis import build  # noqa: F401  (sets up jsii before cdk8s is imported)
    from synthesis.manifest_yaml import to_yaml

    app = App()
    backend = FlaskBackend(app, env)
    assert backend.backup is not None
    chart = Chart(
        app,
        "restore",
        namespace=names.BACKEND_NAMESPACE,
        disable_resource_name_hashes=True,
        labels={"app.kubernetes.io/managed-by": "ops-restore", "flask-platform.io/environment": env.name},
    )
    backend.backup.restore_job(chart, "Restore", job_name=job_name(now), backup_key=backup or "before-time", to_time=to_time)
    return "".join(to_yaml(doc) for doc in chart.to_json())


def run(args: argparse.Namespace) -> int:
    text = restore_manifest(args.env, args.backup, to_time=args.to_time)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
