"""ops restore ENV --backup NAME|latest: the Job that restores a backup, for `kubectl create`.

The Job is built by the same construct as the backup CronJob (constructs/database_backup.py):
same ServiceAccount (IRSA), scripts, settings and pod labels, hence exactly the backup's
network edges. It is printed, never applied by ArgoCD (dist/ does not hold it: every sync
would run it again), so a human reviews it and starts it with one command. Its steps: fetch
the named or newest complete backup from S3 and verify its checksum, then verify again (and the
gzip stream and mysqldump's completion line) and replace the database. The runbook is
docs/operations.md, "Restore".
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
  kubectl -n backend logs -f job/<printed name> --all-containers

Exit status: 0 printed, 2 bad environment, backup name, or backups disabled for ENV.
"""

BACKUP_NAME = re.compile(r"^(latest|[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\.sql\.gz)$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("env", metavar="ENV", help="environment name")
    parser.add_argument("--backup", required=True, metavar="NAME", help="`latest` or a dump's name or S3 key")
    parser.add_argument("--output", "-o", type=Path, help="write the Job to this file instead of stdout")


def job_name(now: datetime) -> str:
    from charts import names

    return f"{names.RESTORE_JOB_PREFIX}-{now.strftime('%Y%m%d-%H%M%S')}"


def restore_manifest(env_name: str, backup: str, *, now: datetime | None = None, environments: Path | None = None) -> str:
    """The restore Job of ENV as YAML (one document)."""
    if not BACKUP_NAME.match(backup):
        raise OpsError(f"--backup {backup!r}: expected `latest` or a dump name ending in .sql.gz", EXIT_USAGE)
    from config.loader import ENVIRONMENTS_DIR, load_environment

    env = load_environment(env_name, environments or ENVIRONMENTS_DIR)
    if not env.data.backup.enabled:
        raise OpsError(f"environment {env_name}: data.backup.enabled is false, so there are no backups to restore", EXIT_USAGE)

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
    backend.backup.restore_job(chart, "Restore", job_name=job_name(now or datetime.now(UTC)), backup_key=backup)
    return "".join(to_yaml(doc) for doc in chart.to_json())


def run(args: argparse.Namespace) -> int:
    text = restore_manifest(args.env, args.backup)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK
