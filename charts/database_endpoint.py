"""The backend's database in either mode (database.mode), as the one thing its clients see.

`in-cluster`: the MySQL StatefulSet with its headless and client Services; `external`: a
managed database, of which only the CA ConfigMap is rendered. Both answer the same questions
for the API, the migration and the backup (host, port, schema, how to admit a client's pods),
so the chart composes its clients once, whatever the mode.
"""

from __future__ import annotations

from typing import Protocol

from charts import names, secret_layout
from config.external_database import CA_BUNDLES_DIR
from config.model import Environment
from constructs import Construct
from constructs.external_database import ExternalDatabase, ExternalDatabaseProps
from constructs.external_secret_binding import ExternalSecretBinding, RemoteValue
from constructs.labels import metadata_labels
from constructs.microsegmented_service import MicrosegmentedService, NetworkSegment
from constructs.mysql_database import MysqlDatabase, MysqlDatabaseProps

Database = MysqlDatabase | ExternalDatabase


class DatabaseEndpoint(Protocol):
    """What a client of the database needs from it."""

    @property
    def dns_name(self) -> str: ...

    port: int

    def allow_from(self, client: NetworkSegment) -> None: ...


def credentials(env: Environment) -> dict[str, RemoteValue]:
    """The values of the database credentials Secret: the server's own passwords in-cluster,
    the client's password only for an external database."""
    external = env.database.external
    if env.database.mode == "external" and external is not None:
        return secret_layout.external_database_credentials(env.secrets.key_prefix, external.master_user_secret)
    return secret_layout.database_credentials(env.secrets.key_prefix)


def url_inputs(env: Environment) -> dict[str, RemoteValue]:
    """What the API's DATABASE_URL template reads: the same password the credentials hold."""
    external = env.database.external
    if env.database.mode == "external" and external is not None:
        return secret_layout.external_database_url_inputs(env.secrets.key_prefix, external.master_user_secret)
    return secret_layout.database_url_inputs(env.secrets.key_prefix)


def render(scope: Construct, env: Environment, db_credentials: ExternalSecretBinding) -> tuple[Database, DatabaseEndpoint]:
    """(the database, the endpoint its clients connect to): the StatefulSet and its client
    Service, or the external database (both at once)."""
    db = env.database
    if db.mode == "external" and db.external is not None:
        external = ExternalDatabase(
            scope,
            "ExternalDatabase",
            ExternalDatabaseProps(
                name=names.DATABASE,
                host=db.external.host,
                port=db.external.port,
                database=db.name,
                cidrs=db.external.cidrs,
                ca_bundle=CA_BUNDLES_DIR / db.external.ca_bundle,
                labels=metadata_labels(names.DATABASE, component="database"),
                sync_wave=names.WAVE_DATABASE,
            ),
        )
        return external, external
    assert db.storage_class is not None and db.resources is not None  # the model requires both in-cluster
    database = MysqlDatabase(
        scope,
        "Database",
        MysqlDatabaseProps(
            name=names.DATABASE,
            image=db.image.reference,
            version=db.image.tag,
            database=db.name,
            credentials=db_credentials,
            storage=db.storage,
            storage_class=db.storage_class,
            resources=db.resources,
            sync_wave=names.WAVE_DATABASE,
        ),
    )
    MicrosegmentedService(
        scope,
        "DatabaseHeadless",
        workload=database,
        port=names.DATABASE_PORT,
        target_port="mysql",
        name=database.headless_service_name,
        headless=True,
    )
    service = MicrosegmentedService(scope, "DatabaseService", workload=database, port=names.DATABASE_PORT, target_port="mysql")
    return database, service
