"""FlaskBackend: the Flask API (gunicorn on 5000), its MySQL database, and how it is reached.

dist/<env>/backend/: Deployment, Service 8000 -> 5000 and ServiceAccount `flask-app`; the
MySQL StatefulSet `flask-app-db`; ExternalSecrets for every secret; ConfigMaps; least RBAC;
NetworkPolicies; PDBs; the HPA where enabled; and the API Ingress (or HTTPRoute) for the API host.
"""

from __future__ import annotations

from cdk8s import App
from cdk8s_plus_27 import k8s

from charts import database_endpoint, names, secret_layout
from charts.exposure import expose
from charts.metrics import push_to_pushgateway, pushgateway_url, scrape
from charts.platform_chart import PlatformChart
from config.model import Environment
from constructs.database_backup import DatabaseBackup, DatabaseBackupProps
from constructs.external_database import ExternalDatabase
from constructs.external_secret_binding import ExternalSecretBinding
from constructs.microsegmented_service import ClientSegment, MicrosegmentedService
from constructs.mysql_database import MYSQL_RUN_AS, ROOT_PASSWORD_KEY, USER_NAME_KEY, USER_PASSWORD_KEY
from constructs.pod_parts import HttpCheck, Probes, RunAs, WritablePath
from constructs.schema_migration import SchemaMigration, SchemaMigrationProps
from constructs.secret_rotation import SecretRotation, SecretRotationProps
from constructs.secure_deployment import DeploymentProps, SecureDeployment

SECRETS_DIR = "/var/run/secrets/flask"
FLASK_RUN_AS = RunAs(uid=names.FLASK_UID, gid=names.FLASK_UID)
HEALTH_PATH = "/health"


class FlaskBackend(PlatformChart):
    def __init__(self, scope: App, env: Environment) -> None:
        super().__init__(scope, names.BACKEND_APP, environment=env.name, namespace=names.BACKEND_NAMESPACE)
        cfg = env.backend
        store = env.secrets
        self.environment = env

        def binding(id: str, name: str, values, templates=None, template_inputs=None) -> ExternalSecretBinding:
            return ExternalSecretBinding(
                self,
                id,
                name=name,
                store_name=store.name,
                refresh_interval=store.refresh_interval,
                values=values,
                templates=templates,
                template_inputs=template_inputs,
                sync_wave=names.WAVE_EXTERNAL_SECRETS,
            )

        db_credentials = binding("DatabaseCredentials", names.DATABASE_CREDENTIALS_SECRET, database_endpoint.credentials(env))
        # The StatefulSet and its Service, or a managed database outside the cluster (database.mode).
        self.database, self.database_service = database_endpoint.render(self, env, db_credentials)
        tls = self.database if isinstance(self.database, ExternalDatabase) else None

        app_secrets = binding(
            "AppSecrets",
            names.FLASK_SECRETS_SECRET,
            secret_layout.flask_secrets(store.key_prefix),
            templates={
                "database-url": secret_layout.database_url_template(
                    host=self.database_service.dns_name,
                    port=self.database_service.port,
                    database=env.database.name,
                    ssl_ca=tls.ca_file if tls else None,
                )
            },
            template_inputs=database_endpoint.url_inputs(env),
        )
        jwt_keys = binding("JwtKeys", names.JWT_KEYS_SECRET, secret_layout.jwt_keys(store.key_prefix))

        # Secrets reach the app as files, never as environment variables (no leak through
        # /proc/<pid>/environ, crash dumps or `env` in a debug shell); the app is told the paths.
        app_dir, jwt_dir = f"{SECRETS_DIR}/app", f"{SECRETS_DIR}/jwt"
        volumes = [
            app_secrets.volume("app-secrets", ["secret-key", "previous-secret-key", "database-url"]),
            jwt_keys.volume("jwt-keys", ["private-key", "public-key", "previous-public-key"]),
            *([tls.ca_volume()] if tls else []),
        ]
        mounts = [
            k8s.VolumeMount(name="app-secrets", mount_path=app_dir, read_only=True),
            k8s.VolumeMount(name="jwt-keys", mount_path=jwt_dir, read_only=True),
            *([tls.ca_mount()] if tls else []),
        ]
        file_paths = {
            "SECRET_KEY_FILE": f"{app_dir}/secret-key",
            # The key before the last rotation: Flask's SECRET_KEY_FALLBACKS, so sessions signed
            # with it stay valid until the next rotation.
            "SECRET_KEY_FALLBACKS_FILE": f"{app_dir}/previous-secret-key",
            "DATABASE_URL_FILE": f"{app_dir}/database-url",
            "JWT_PRIVATE_KEY_FILE": f"{jwt_dir}/private-key",
            "JWT_PUBLIC_KEY_FILE": f"{jwt_dir}/public-key",
            # Verifies tokens signed before the last rotation (kept one rotation interval, which is
            # at least the refresh token's lifetime: config/consistency.py).
            "JWT_PREVIOUS_PUBLIC_KEY_FILE": f"{jwt_dir}/previous-public-key",
        }

        settings = {
            "ENVIRONMENT": env.name,
            "DEBUG": "true" if cfg.debug else "false",
            "LOG_LEVEL": cfg.log_level,
            "BACKEND_PORT": str(names.FLASK_PORT.number),
            # The app contract: Prometheus metrics on their own port, never on BACKEND_PORT.
            "METRICS_PORT": str(names.FLASK_METRICS_PORT.number),
            "METRICS_PATH": names.METRICS_PATH,
            "GUNICORN_WORKERS": str(cfg.gunicorn_workers),
            "GUNICORN_TIMEOUT": str(cfg.gunicorn_timeout_seconds),
            "CORS_ORIGINS": ",".join(cfg.cors_origins),
            "JWT_ALGORITHM": cfg.jwt.algorithm,
            "JWT_ACCESS_TOKEN_EXPIRES_MINUTES": str(cfg.jwt.access_token_expires_minutes),
            "JWT_REFRESH_TOKEN_EXPIRES_DAYS": str(cfg.jwt.refresh_token_expires_days),
            "JWT_ISSUER": cfg.jwt.issuer,
            "JWT_AUDIENCE": cfg.jwt.audience,
            # Derived from the database objects, never typed twice (defect 2).
            "DB_HOST": self.database_service.dns_name,
            "DB_PORT": str(self.database_service.port),
            "DB_NAME": self.database.database,
            # An external database: TLS required, verified against this CA bundle.
            **({"DB_SSL_CA_FILE": tls.ca_file} if tls else {}),
            **file_paths,
        }
        # gunicorn's worker heartbeat files: memory-backed, as its docs advise.
        writable_tmp = WritablePath(volume="tmp", path="/tmp", size_limit="64Mi", in_memory=True)
        self.api = SecureDeployment(
            self,
            "Api",
            DeploymentProps(
                name=names.FLASK_APP,
                component="api",
                image=cfg.image.reference,
                version=cfg.image.tag,
                ports=[names.FLASK_PORT, names.FLASK_METRICS_PORT],
                # The bind address comes from the same port object as the Service and the probes.
                args=[
                    "gunicorn",
                    f"--bind=0.0.0.0:{names.FLASK_PORT.number}",
                    f"--workers={cfg.gunicorn_workers}",
                    f"--timeout={cfg.gunicorn_timeout_seconds}",
                    "--worker-tmp-dir=/tmp",
                    "--access-logfile=-",
                    cfg.wsgi_app,
                ],
                probes=Probes(
                    readiness=HttpCheck(path=HEALTH_PATH, port=names.FLASK_PORT.name),
                    liveness=HttpCheck(path=HEALTH_PATH, port=names.FLASK_PORT.name),
                    startup=HttpCheck(path=HEALTH_PATH, port=names.FLASK_PORT.name),
                ),
                resources=cfg.resources,
                run_as=FLASK_RUN_AS,
                writable_paths=[writable_tmp],
                config_env=settings,
                volumes=volumes,
                mounts=mounts,
                readable_secrets=[app_secrets.secret_name, jwt_keys.secret_name],
                # gunicorn's app reads its key, the JWT keys and the database URL once, at start.
                reload_on_secrets=[app_secrets.secret_name, jwt_keys.secret_name],
                replicas=cfg.replicas,
                autoscaling=cfg.autoscaling,
                # After the migration Job (names.WAVE_MIGRATION): new pods only meet a migrated schema.
                sync_wave=names.WAVE_API,
            ),
        )
        self.api_service = MicrosegmentedService(
            self, "ApiService", workload=self.api, port=names.FLASK_SERVICE_PORT, target_port=names.FLASK_PORT.name
        )
        self.database_service.allow_from(self.api_service)
        for rule in cfg.egress_allow:
            self.api_service.allow_egress_to_cidr(rule.name, rule.cidr, rule.ports)

        self.metrics_service = scrape(self, monitoring=env.monitoring, workload=self.api, port=names.FLASK_METRICS_PORT.name)
        self._database_lifecycle(env, db_credentials)
        self._secret_rotation(env)

        expose(self, env=env, service=self.api_service, host=cfg.host, gateway=cfg.gateway if cfg.exposure == "gateway" else None)

    def _secret_rotation(self, env: Environment) -> None:
        """The rotation CronJob (database/rotate.sh) and its edges: Secrets Manager, and the database
        when its key is rotated (never an external one: config/consistency.py)."""
        rotation = env.secrets.rotation
        rotation_props = SecretRotationProps(
            name=names.ROTATION_CRONJOB,
            image=env.database.image.reference,
            version=env.database.image.tag,
            rotation=rotation,
            key_prefix=env.secrets.key_prefix,
            region=env.secrets.region,
            database_host=self.database_service.dns_name,
            database_port=self.database_service.port,
            database=self.database.database,
            app_user=env.database.user,
            run_as=MYSQL_RUN_AS,
        )
        self.rotation = SecretRotation(self, "SecretRotation", rotation_props)
        network = ClientSegment(self, "SecretRotationNetwork", workload=self.rotation)
        if rotation_props.rotates_database:
            self.database_service.allow_from(network)
        network.allow_egress_to_cidrs("secrets-manager", rotation.endpoint_cidrs, [names.HTTPS_PORT])

    def _database_lifecycle(self, env: Environment, db_credentials: ExternalSecretBinding) -> None:
        """The migration Job of the release and the backup CronJob, and their network edges."""
        data = env.data
        # The API's own pod, minus the server: same image and tag, UID, settings and secret files.
        api = self.api.props
        self.migration = SchemaMigration(
            self,
            "Migration",
            SchemaMigrationProps(
                name=names.MIGRATION_JOB,
                image=api.image,
                version=api.version,
                command=data.migration.command,
                resources=data.migration.resources,
                run_as=api.run_as,
                env_from=self.api.config.env_from,
                volumes=api.volumes,
                mounts=api.mounts,
                writable_paths=api.writable_paths,
                deadline_seconds=data.migration.deadline_seconds,
                retries=data.migration.retries,
                sync_wave=names.WAVE_MIGRATION,
            ),
        )
        self.database_service.allow_from(ClientSegment(self, "MigrationNetwork", workload=self.migration))

        self.backup = None
        if not data.backup.enabled:
            return
        self.backup = DatabaseBackup(
            self,
            "Backup",
            DatabaseBackupProps(
                name=names.BACKUP_CRONJOB,
                backup=data.backup,
                image=env.database.image.reference,
                version=env.database.image.tag,
                database_host=self.database_service.dns_name,
                database_port=self.database_service.port,
                database=self.database.database,
                credentials=db_credentials,
                user_key=USER_NAME_KEY,
                password_key=USER_PASSWORD_KEY,
                run_as=MYSQL_RUN_AS,
                tls=self.database if isinstance(self.database, ExternalDatabase) else None,
                root_password_key=None if isinstance(self.database, ExternalDatabase) else ROOT_PASSWORD_KEY,
                binlog_name=names.BINLOG_CRONJOB,
                pushgateway_url=pushgateway_url(env.monitoring),
            ),
        )
        backup_network = ClientSegment(self, "BackupNetwork", workload=self.backup)
        self.database_service.allow_from(backup_network)
        backup_network.allow_egress_to_cidrs("s3", data.backup.s3.endpoint_cidrs, [names.HTTPS_PORT])
        push_to_pushgateway(backup_network, env.monitoring)
