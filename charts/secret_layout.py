"""Where each secret value lives in AWS Secrets Manager, and which Secret it lands in.

One place for the store layout: the backend chart binds these, and `ops bootstrap` creates
exactly these keys. Each store key is a JSON object; the properties are its fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from charts import names
from constructs.external_secret_binding import RemoteValue

DATABASE_STORE_KEY = "database"
FLASK_STORE_KEY = "flask"
JWT_STORE_KEY = "jwt"


@dataclass(frozen=True)
class StoreKey:
    """A JSON secret in the store and the properties it must hold."""

    key: str
    properties: tuple[str, ...]


def store_keys(prefix: str) -> dict[str, StoreKey]:
    """The store keys of one environment (prefix e.g. staging/backend)."""
    return {
        DATABASE_STORE_KEY: StoreKey(f"{prefix}/{DATABASE_STORE_KEY}", ("root-password", "password")),
        FLASK_STORE_KEY: StoreKey(f"{prefix}/{FLASK_STORE_KEY}", ("secret-key",)),
        JWT_STORE_KEY: StoreKey(f"{prefix}/{JWT_STORE_KEY}", ("private-key", "public-key")),
    }


def database_credentials(prefix: str) -> dict[str, RemoteValue]:
    key = store_keys(prefix)[DATABASE_STORE_KEY].key
    return {
        "root-password": RemoteValue(key=key, property="root-password"),
        "password": RemoteValue(key=key, property="password"),
    }


def flask_secrets(prefix: str) -> dict[str, RemoteValue]:
    keys = store_keys(prefix)
    return {"secret-key": RemoteValue(key=keys[FLASK_STORE_KEY].key, property="secret-key")}


def database_url_inputs(prefix: str) -> dict[str, RemoteValue]:
    """What database_url_template reads; fetched for the template only, not kept in the Secret."""
    keys = store_keys(prefix)
    return {"database-password": RemoteValue(key=keys[DATABASE_STORE_KEY].key, property="password")}


def _external_password(prefix: str, master_user_secret: str | None) -> RemoteValue:
    """An external database's password: the environment's own key, or the secret RDS manages
    for the master user (a JSON object with `username` and `password`, rotated by RDS)."""
    key = master_user_secret or store_keys(prefix)[DATABASE_STORE_KEY].key
    return RemoteValue(key=key, property="password")


def external_database_credentials(prefix: str, master_user_secret: str | None) -> dict[str, RemoteValue]:
    """No root password: nothing in the cluster administers an external server."""
    return {"password": _external_password(prefix, master_user_secret)}


def external_database_url_inputs(prefix: str, master_user_secret: str | None) -> dict[str, RemoteValue]:
    return {"database-password": _external_password(prefix, master_user_secret)}


def jwt_keys(prefix: str) -> dict[str, RemoteValue]:
    key = store_keys(prefix)[JWT_STORE_KEY].key
    return {
        "private-key": RemoteValue(key=key, property="private-key"),
        "public-key": RemoteValue(key=key, property="public-key"),
    }


def database_url_template(*, user: str, host: str, port: int, database: str, ssl_ca: str | None = None) -> str:
    """ESO template for DATABASE_URL: only the password comes from the store, so the URL can
    never point at a host or database other than the rendered ones (defect 2). With `ssl_ca`
    (an external database) the driver requires TLS and verifies the certificate and host name
    against that CA file: PyMySQL does both once a CA is given, check_hostname made explicit."""
    password = '{{ index . "database-password" | urlquery }}'
    tls = f"&ssl_ca={ssl_ca}&ssl_check_hostname=true" if ssl_ca else ""
    return f"mysql+pymysql://{user}:{password}@{host}:{port}/{database}?charset=utf8mb4{tls}"


SECRET_NAMES = (names.DATABASE_CREDENTIALS_SECRET, names.FLASK_SECRETS_SECRET, names.JWT_KEYS_SECRET)
