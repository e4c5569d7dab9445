"""Every name and port of the product, written once (brief §5).

Charts, constructs, tests and operations import these; nothing else spells them. Derived values
(the nginx upstream, the DB host in the Flask config) come from the rendered objects, not from
here, so a rename here flows everywhere.
"""

from __future__ import annotations

from constructs.pod_parts import ContainerPort

# Applications: one folder of dist/<env>/ and one ArgoCD Application each.
PLATFORM_APP = "platform"
BACKEND_APP = "backend"
FRONTEND_APP = "frontend"
ARGOCD_APP = "argocd"

BACKEND_NAMESPACE = "backend"
FRONTEND_NAMESPACE = "frontend"
WORKLOAD_NAMESPACES = (BACKEND_NAMESPACE, FRONTEND_NAMESPACE)

FLASK_APP = "flask-app"
FLASK_PORT = ContainerPort(name="http", number=5000)  # gunicorn binds here (defect 1)
FLASK_SERVICE_PORT = 8000
FLASK_UID = 1000
# The app serves Prometheus metrics here, never on FLASK_PORT (app contract, docs/operations.md).
FLASK_METRICS_PORT = ContainerPort(name="metrics", number=9200)
METRICS_PATH = "/metrics"

DATABASE = "flask-app-db"  # the MySQL StatefulSet and its client Service (defect 2)
DATABASE_PORT = 3306

# The database's life: the release's schema migration (an ArgoCD Sync hook Job) and the backups.
MIGRATION_JOB = "flask-app-migrate"
ROTATION_CRONJOB = "flask-secret-rotation"  # also its ServiceAccount; ConfigMaps <name>-env and <name>-files
BACKUP_CRONJOB = "flask-app-db-backup"  # also its ServiceAccount; ConfigMaps <name>-env and <name>-files (the scripts)
BINLOG_CRONJOB = f"{BACKUP_CRONJOB}-binlog"  # archives the binary logs; the backup's ServiceAccount, ConfigMaps and edges
RESTORE_JOB_PREFIX = "flask-app-db-restore"  # `ops restore` names each restore Job <prefix>-<timestamp>
HTTPS_PORT = 443  # the S3 and Secrets Manager endpoints

NGINX = "nginx-front"
NGINX_PORT = ContainerPort(name="http", number=8080)  # unprivileged: never 80 (defect 5)
NGINX_SERVICE_PORT = 80
NGINX_UID = 101
# The exporter sidecar serves nginx's metrics here; it reads stub_status from a loopback-only
# listener that no Service, Ingress or NetworkPolicy can reach.
NGINX_EXPORTER = "nginx-exporter"
NGINX_METRICS_PORT = ContainerPort(name="metrics", number=9113)
NGINX_STATUS_PORT = 8081

# Monitoring and admission objects.
METRICS_SERVICE_SUFFIX = "-metrics"  # a Service of the metrics port only; no route points at it
ALERT_RULES = "flask-platform-alerts"

# Secrets owned by ExternalSecrets (one owner per Secret, defect 3).
DATABASE_CREDENTIALS_SECRET = "flask-app-db-credentials"  # pragma: allowlist secret (a Secret name)
FLASK_SECRETS_SECRET = "flask-app-secrets"  # pragma: allowlist secret (a Secret name)
JWT_KEYS_SECRET = "flask-app-jwt"  # pragma: allowlist secret (a Secret name)

# Sync waves inside each Application: namespaces, then the store, then ExternalSecrets, then workloads.
WAVE_NAMESPACES = -3
WAVE_SECRET_STORE = -2
WAVE_EXTERNAL_SECRETS = -1
WAVE_WORKLOADS = 0
# The backend's release order inside the Sync phase: the database (and every Service, policy and
# ConfigMap) in wave 0, which ArgoCD waits on until healthy; then the migration Job, a Sync hook in
# wave 1, which must succeed; only then the API Deployment (wave 2). PreSync would run before the
# database exists on the first sync; a failed migration here fails the sync before wave 2, so the
# old API pods keep serving.
WAVE_DATABASE = WAVE_WORKLOADS
WAVE_MIGRATION = 1
WAVE_API = 2
