"""data: the database's backups and schema migrations, from kube-state-metrics.

The backup age is the DatabaseBackupOverdue alert's own query, drawn against its threshold, and
the age of the last binary log archive (point-in-time recovery) DatabaseBinlogArchiveLagging's,
against its. The cluster records each run's duration and whether it failed; the size of the dump
is what the upload step pushes to the Pushgateway (monitoring.pushgateway), drawn beside the size
a day before, so a dump that suddenly shrank stands out.
"""

from __future__ import annotations

from charts import series
from charts.alert_rules import binlog_lag_limit_seconds
from charts.dashboards.panels import Query, board, graph
from config.model import Environment

KEY = "data"
TITLE = "Database backups and migrations"


def _backup_panels(env: Environment) -> list:
    jobs = series.backup_jobs()
    hours = env.monitoring.alerts.backup_max_age_hours
    return [
        graph(
            "Time since the last successful backup",
            f"Seconds since the backup CronJob last succeeded; the red line is backup_max_age_hours ({hours}h).",
            "s",
            [Query(ref="backup_age", expr=series.backup_age(), legend="since last success")],
            limit=hours * 3600,
        ),
        graph(
            "Backup run duration",
            "Start to completion of each backup Job the CronJob keeps in its history.",
            "s",
            [
                Query(
                    ref="backup_duration",
                    expr=f"max by (job_name) ({series.JOB_COMPLETION}{jobs} - {series.JOB_START}{jobs})",
                    legend="{{job_name}}",
                )
            ],
        ),
        graph(
            "Failed backup runs",
            "Backup Jobs in the CronJob's history with a failed pod (0 when none).",
            "short",
            [
                Query(
                    ref="backup_failed_runs",
                    expr=f"count(max by (job_name) ({series.JOB_FAILED}{jobs}) > 0) or vector(0)",
                    legend="failed runs",
                )
            ],
        ),
    ]


def _size_panel():
    return graph(
        "Size of the last backup",
        "Compressed size of the last dump uploaded to S3, as its upload step reported it to the Pushgateway, "
        "and the size a day before: a dump much smaller than the last one deserves a look before it is needed.",
        "bytes",
        [
            Query(ref="backup_size", expr=series.backup_size(), legend="last dump"),
            Query(ref="backup_size_day_before", expr=series.backup_size(offset="1d"), legend="a day before"),
        ],
    )


def _binlog_panel(env: Environment):
    limit = binlog_lag_limit_seconds(env)
    return graph(
        "Time since the last binary log archive",
        "Seconds since the binary log archive CronJob last succeeded: the writes a lost database volume would cost "
        f"now. The red line is DatabaseBinlogArchiveLagging's threshold ({limit // 60} minutes).",
        "s",
        [Query(ref="binlog_age", expr=series.binlog_age(), legend="since last archive")],
        limit=limit,
    )


def build(env: Environment) -> dict:
    migration = series.migration_job()
    panels = _backup_panels(env) if env.data.backup.enabled else []
    if env.data.backup.enabled and env.monitoring.pushgateway is not None:
        panels.append(_size_panel())
    if env.archives_binlogs:
        panels.append(_binlog_panel(env))
    panels.append(
        graph(
            "Migration runs",
            "Pods of the release's migration hook Job that succeeded and that failed (the Job is recreated on every sync).",
            "short",
            [
                Query(ref="migration_succeeded", expr=f"sum({series.JOB_SUCCEEDED}{migration})", legend="succeeded"),
                Query(ref="migration_failed", expr=f"sum({series.JOB_FAILED}{migration})", legend="failed"),
            ],
        )
    )
    return board(
        env,
        key=KEY,
        title=TITLE,
        description="Backups of the in-cluster database and the release's schema migrations.",
        panels=panels,
    )
