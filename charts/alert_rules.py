"""The alerts an on-call engineer of this service needs, as data: one AlertRule per page.

Each rule names the series it reads, its threshold (from the environment's monitoring config),
its severity, a one-line summary and the anchor of its runbook section in docs/operations.md.
The MonitoringRules chart renders them into a PrometheusRule; tests/charts/alert_rules feeds the same
rendered rules to `promtool check rules` and `promtool test rules`.

The series and the queries the dashboards share are in charts/series.py. The 5xx ratio is
measured at ingress-nginx's per-Ingress request counter: nginx's stub_status counts requests but
not their status codes, so the ratio is taken where every response of the frontend host passes.
"""

from __future__ import annotations

from dataclasses import dataclass

from charts import names, series
from charts.series import API_JOB, selector
from config.model import Environment

ALERT_GROUP = "flask-platform"
BACKUP_GROUP = "flask-platform-backup"
ROTATION_GROUP = "flask-platform-secret-rotation"
BINLOG_GROUP = "flask-platform-binlog"


@dataclass(frozen=True, kw_only=True)
class AlertRule:
    name: str
    expr: str
    pending: str
    severity: str  # critical pages at any hour; warning goes to the team's queue
    summary: str
    description: str

    @property
    def runbook_anchor(self) -> str:
        """The heading `### <name>` in docs/operations.md has this anchor."""
        return self.name.lower()


def _number(value: float) -> str:
    return f"{value:g}"


def core_rules(env: Environment) -> list[AlertRule]:
    alerts = env.monitoring.alerts
    pending = alerts.pending
    api = series.api()
    api_deployment = selector(namespace=names.BACKEND_NAMESPACE, deployment=names.FLASK_APP)
    workloads = "|".join(names.WORKLOAD_NAMESPACES)
    return [
        AlertRule(
            name="FlaskApiDown",
            # absent(... == 1): no API target answers a scrape, including when none is discovered.
            expr=f"absent(up{api} == 1)",
            pending=pending,
            severity="critical",
            summary="No Flask API pod answers its metrics scrape.",
            description=f"Prometheus has not scraped a healthy {API_JOB} target in namespace {names.BACKEND_NAMESPACE}.",
        ),
        AlertRule(
            name="FlaskApiNoReadyPods",
            expr=f"kube_deployment_status_replicas_available{api_deployment} < 1",
            pending=pending,
            severity="critical",
            summary="The Flask API Deployment has no ready pod.",
            description=f"Deployment {names.BACKEND_NAMESPACE}/{names.FLASK_APP} reports zero available replicas.",
        ),
        AlertRule(
            name="FrontendHigh5xxRatio",
            expr=f"{series.frontend_5xx_ratio(env.frontend.host)} > {_number(alerts.error_ratio)}",
            pending=pending,
            severity="critical",
            summary=f"More than {alerts.error_ratio:.0%} of responses for {env.frontend.host} are 5xx.",
            description="The 5xx share of the frontend host at the ingress is {{ $value | humanizePercentage }}.",
        ),
        AlertRule(
            name="FlaskApiHighLatency",
            expr=f"{series.api_latency_quantile(0.95)} > {_number(alerts.latency_p95_seconds)}",
            pending=pending,
            severity="warning",
            summary=f"95th percentile API latency is above {_number(alerts.latency_p95_seconds)}s.",
            description="The 95th percentile of Flask API request duration is {{ $value | humanizeDuration }}.",
        ),
        AlertRule(
            name="PodCrashLooping",
            expr=(
                f'increase(kube_pod_container_status_restarts_total{{namespace=~"{workloads}"}}[1h]) > {alerts.restarts_per_hour}'
            ),
            pending=pending,
            severity="warning",
            summary="A container of the product restarts repeatedly.",
            description=(
                "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} restarted "
                "{{ $value | humanize }} times in the last hour."
            ),
        ),
        AlertRule(
            name="ExternalSecretNotSynced",
            expr=(f"{series.EXTERNALSECRET_CONDITION}{series.ready_condition('False')} == 1"),
            pending=alerts.unsynced_for,
            severity="warning",
            summary="An ExternalSecret stopped syncing from AWS Secrets Manager.",
            description="ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} is not Ready; its Secret is not refreshed.",
        ),
    ]


def database_rules(env: Environment) -> list[AlertRule]:
    """Only for the in-cluster StatefulSet: an external database is watched by its provider."""
    if env.database.mode != "in-cluster":
        return []
    pending = env.monitoring.alerts.pending
    database = selector(namespace=names.BACKEND_NAMESPACE, statefulset=names.DATABASE)
    return [
        AlertRule(
            name="DatabaseNotReady",
            expr=f"kube_statefulset_status_replicas_ready{database} < kube_statefulset_replicas{database}",
            pending=pending,
            severity="critical",
            summary="The MySQL StatefulSet has fewer ready pods than it should.",
            description=f"StatefulSet {names.BACKEND_NAMESPACE}/{names.DATABASE} is not ready; the API has no database.",
        ),
    ]


def backup_rules(env: Environment) -> list[AlertRule]:
    """Only when the backup CronJob is rendered (data.backup.enabled): otherwise it would always fire."""
    hours = env.monitoring.alerts.backup_max_age_hours
    cronjob = series.backup_cronjob()
    return [
        AlertRule(
            name="DatabaseBackupOverdue",
            expr=f"{series.backup_age()} > {hours * 3600}",
            pending=env.monitoring.alerts.pending,
            severity="critical",
            summary=f"The database backup has not succeeded in the last {hours}h.",
            description=(
                f"CronJob {names.BACKEND_NAMESPACE}/{names.BACKUP_CRONJOB} last succeeded "
                "{{ $value | humanizeDuration }} ago."
            ),
        ),
        AlertRule(
            name="DatabaseBackupNeverSucceeded",
            # A CronJob that has never succeeded has no last-success series at all.
            expr=f"absent({series.CRONJOB_LAST_SUCCESS}{cronjob})",
            pending=f"{hours}h",
            severity="critical",
            summary=f"No successful database backup has been recorded for {hours}h.",
            description=f"CronJob {names.BACKEND_NAMESPACE}/{names.BACKUP_CRONJOB} has no successful run.",
        ),
    ]


def rotation_rules(env: Environment) -> list[AlertRule]:
    """Only while the rotation runs on its schedule (secrets.rotation.enabled): a suspended
    CronJob would page as overdue forever. A stopped ExternalSecret is ExternalSecretNotSynced."""
    rotation = env.secrets.rotation
    limit = rotation.interval_days * 86400 + rotation.grace_hours * 3600
    cronjob = f"CronJob {names.BACKEND_NAMESPACE}/{names.ROTATION_CRONJOB}"
    return [
        AlertRule(
            name="SecretRotationFailed",
            expr=series.rotation_failed_since_success(),
            pending="0m",
            severity="critical",
            summary="A secret rotation failed; the next rotation is refused until someone looks.",
            description=(
                f"The newest Job of {cronjob} failed and none succeeded since: its AWSPENDING version blocks "
                "the next rotation. AWSCURRENT is still valid."
            ),
        ),
        AlertRule(
            name="SecretRotationOverdue",
            expr=f"({series.rotation_age()}) > {limit}",
            pending=env.monitoring.alerts.pending,
            severity="warning",
            summary=(
                f"The secrets have not been rotated in {rotation.interval_days} days plus {rotation.grace_hours}h of grace."
            ),
            description=f"{cronjob} last rotated every key " + "{{ $value | humanizeDuration }} ago (or never).",
        ),
    ]


def binlog_lag_limit_seconds(env: Environment) -> int:
    """How old the last archive may be before DatabaseBinlogArchiveLagging fires: three intervals."""
    return 3 * env.data.backup.binlog.interval_minutes * 60


def binlog_rules(env: Environment) -> list[AlertRule]:
    """Only when the binary log archive runs (in-cluster, data.backup.binlog): its delay is the
    recovery point a lost volume would cost."""
    interval = env.data.backup.binlog.interval_minutes
    limit_minutes = binlog_lag_limit_seconds(env) // 60
    cronjob = series.binlog_cronjob()
    last_success = f"max({series.CRONJOB_LAST_SUCCESS}{cronjob})"
    return [
        AlertRule(
            name="DatabaseBinlogArchiveLagging",
            # absent: a CronJob that never succeeded has no last-success series at all.
            expr=f"{series.binlog_age()} > {binlog_lag_limit_seconds(env)} or absent({series.CRONJOB_LAST_SUCCESS}{cronjob})",
            pending=env.monitoring.alerts.pending,
            severity="critical",
            summary=f"The binary logs have not been archived for more than {limit_minutes} minutes.",
            description=(
                f"CronJob {names.BACKEND_NAMESPACE}/{names.BINLOG_CRONJOB} has no recent success: a lost database "
                "volume would now lose more than the recovery point objective."
            ),
        ),
        AlertRule(
            name="DatabaseBinlogArchiveFailing",
            # A run was scheduled well after the last success: at least one run since has failed.
            expr=f"max({series.CRONJOB_LAST_SCHEDULE}{cronjob}) - {last_success} > {interval * 90}",
            pending="1m",
            severity="warning",
            summary="The last binary log archive runs failed.",
            description=(
                f"CronJob {names.BACKEND_NAMESPACE}/{names.BINLOG_CRONJOB} was scheduled "
                "{{ $value | humanizeDuration }} after its last success."
            ),
        ),
    ]


def rule_groups(env: Environment) -> dict[str, list[AlertRule]]:
    groups = {ALERT_GROUP: core_rules(env) + database_rules(env)}
    if env.data.backup.enabled:
        groups[BACKUP_GROUP] = backup_rules(env)
        if env.archives_binlogs:
            groups[BINLOG_GROUP] = binlog_rules(env)
    if env.secrets.rotation.enabled:
        groups[ROTATION_GROUP] = rotation_rules(env)
    return groups


def runbook_url(env: Environment, rule: AlertRule) -> str:
    return f"{env.monitoring.runbook_base_url}#{rule.runbook_anchor}"
