"""The Prometheus series the alerts and the dashboards read, named once.

A metric or label renamed here changes every alert and every panel together; the promtool tests
(tests/charts/alert_rules, tests/charts/dashboards) feed hand-written series that spell the
names as their exporters do, so a rename that leaves the exporters behind fails them.

Sources: the API's own metrics (the app contract in docs/operations.md), nginx-prometheus-exporter
(stub_status), ingress-nginx's per-Ingress request counter, kube-state-metrics, External Secrets
Operator's and Argo CD's controller metrics, and what the backup pushes to the Pushgateway.
"""

from __future__ import annotations

from charts import names

API_JOB = f"{names.FLASK_APP}{names.METRICS_SERVICE_SUFFIX}"
NGINX_JOB = f"{names.NGINX}{names.METRICS_SERVICE_SUFFIX}"

# The app contract: prometheus-flask-exporter's request histogram, grouped by the Flask route
# template (group_by="url_rule"), so each route class is one label value however many ids it serves.
API_REQUEST_DURATION = "flask_http_request_duration_seconds"
API_ROUTE_LABEL = "url_rule"
API_STATUS_LABEL = "status"

NGINX_REQUESTS = "nginx_http_requests_total"
NGINX_ACTIVE_CONNECTIONS = "nginx_connections_active"
INGRESS_REQUESTS = "nginx_ingress_controller_requests"

CRONJOB_LAST_SUCCESS = "kube_cronjob_status_last_successful_time"
CRONJOB_CREATED = "kube_cronjob_created"
CRONJOB_LAST_SCHEDULE = "kube_cronjob_status_last_schedule_time"
JOB_START = "kube_job_status_start_time"
JOB_COMPLETION = "kube_job_status_completion_time"
JOB_SUCCEEDED = "kube_job_status_succeeded"
JOB_FAILED = "kube_job_status_failed"
EXTERNALSECRET_CONDITION = "externalsecret_status_condition"  # pragma: allowlist secret (a metric name)
ARGOCD_APP_INFO = "argocd_app_info"
# Pushed by the backup's upload step to the Pushgateway (database/backup.sh's SIZE_METRIC).
BACKUP_SIZE = "flask_platform_backup_size_bytes"

SERVER_ERRORS = '"5.."'
"""The status regular expression of 5xx responses (used with =~)."""


def selector(**labels: str) -> str:
    """`{key="value", ...}`; a value `~"regex"` matches a regular expression, `!value` excludes one value."""

    def matcher(key: str, value: str) -> str:
        if value.startswith("~"):
            return f"{key}=~{value[1:]}"
        if value.startswith("!"):
            return f'{key}!="{value[1:]}"'
        return f'{key}="{value}"'

    return "{" + ", ".join(matcher(key, value) for key, value in labels.items()) + "}"


def api(**extra: str) -> str:
    return selector(namespace=names.BACKEND_NAMESPACE, job=API_JOB, **extra)


def nginx() -> str:
    return selector(namespace=names.FRONTEND_NAMESPACE, job=NGINX_JOB)


def frontend_requests(host: str, **extra: str) -> str:
    """The frontend host's requests at the ingress (ingress-nginx labels by Ingress and host)."""
    return selector(ingress=names.NGINX, host=host, **extra)


def backup_cronjob() -> str:
    return selector(namespace=names.BACKEND_NAMESPACE, cronjob=names.BACKUP_CRONJOB)


def binlog_cronjob() -> str:
    """The CronJob archiving the binary logs (data.backup.binlog), `<backup CronJob>-binlog`."""
    return selector(namespace=names.BACKEND_NAMESPACE, cronjob=names.BINLOG_CRONJOB)


def backup_pushes() -> str:
    """The backup's group on the Pushgateway (scraped with honor_labels: the pushed job and namespace)."""
    return selector(namespace=names.BACKEND_NAMESPACE, job=names.BACKUP_CRONJOB)


def backup_jobs() -> str:
    """The Jobs the backup CronJob creates (named `<cronjob>-<scheduled time>`)."""
    return selector(namespace=names.BACKEND_NAMESPACE, job_name=f'~"{names.BACKUP_CRONJOB}-[0-9]+"')


def rotation_cronjob() -> str:
    return selector(namespace=names.BACKEND_NAMESPACE, cronjob=names.ROTATION_CRONJOB)


def rotation_jobs() -> str:
    """The rotation Jobs: the CronJob's (`<cronjob>-<scheduled time>`) and `ops rotate --now`'s."""
    return selector(namespace=names.BACKEND_NAMESPACE, job_name=f'~"{names.ROTATION_CRONJOB}-.+"')


def migration_job() -> str:
    """The release's migration hook Job, recreated under the same name on every sync."""
    return selector(namespace=names.BACKEND_NAMESPACE, job_name=names.MIGRATION_JOB)


def ready_condition(status: str) -> str:
    """ESO sets the series of the condition's current status to 1 and the other to 0."""
    return selector(namespace=names.BACKEND_NAMESPACE, condition="Ready", status=status)


def frontend_5xx_ratio(host: str, window: str = "5m") -> str:
    """The 5xx share of the frontend host's responses at the ingress (an alert and a panel)."""
    errors = frontend_requests(host, status="~" + SERVER_ERRORS)
    return f"sum(rate({INGRESS_REQUESTS}{errors}[{window}])) / sum(rate({INGRESS_REQUESTS}{frontend_requests(host)}[{window}]))"


def api_latency_quantile(quantile: float, *, by: str = "", window: str = "5m") -> str:
    """A quantile of API request duration, over all routes or per `by` label."""
    group = ", ".join(label for label in ("le", by) if label)
    return f"histogram_quantile({quantile:g}, sum by ({group}) (rate({API_REQUEST_DURATION}_bucket{api()}[{window}])))"


def backup_age() -> str:
    """Seconds since the backup CronJob last succeeded."""
    return f"time() - max({CRONJOB_LAST_SUCCESS}{backup_cronjob()})"


def backup_size(offset: str = "") -> str:
    """Compressed size of the last uploaded dump (`offset`: as it stood that long ago)."""
    return f"max({BACKUP_SIZE}{backup_pushes()}{f' offset {offset}' if offset else ''})"


def binlog_age() -> str:
    """Seconds since the binary log archive CronJob last succeeded: the writes a lost volume would cost now."""
    return f"time() - max({CRONJOB_LAST_SUCCESS}{binlog_cronjob()})"


def rotation_age() -> str:
    """Seconds since a rotation of every key last succeeded; while none ever has, since the
    CronJob was created. No exporter reports the age of a Secrets Manager version, so the
    CronJob's last success stands for the age of the keys it rotates."""
    last = f"max({CRONJOB_LAST_SUCCESS}{rotation_cronjob()})"
    return f"(time() - {last}) or (time() - max({CRONJOB_CREATED}{rotation_cronjob()}) unless on() {last})"


def rotation_failed_since_success() -> str:
    """The start time of the newest failed rotation Job, kept only when no success came after it."""
    failed = f"max({JOB_START}{rotation_jobs()} and on(namespace, job_name) ({JOB_FAILED}{rotation_jobs()} > 0))"
    return f"{failed} > (max({CRONJOB_LAST_SUCCESS}{rotation_cronjob()}) or on() vector(0))"
