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
        # username: the rotation alternates two application users (database/rotate.sh), so the
        # user name travels with its password and the API takes both from the store.
        DATABASE_STORE_KEY: StoreKey(f"{prefix}/{DATABASE_STORE_KEY}", ("root-password", "username", "password")),
        # previous-*: the value before the last rotation, still accepted until the next one.
        FLASK_STORE_KEY: StoreKey(f"{prefix}/{FLASK_STORE_KEY}", ("secret-key", "previous-secret-key")),
        JWT_STORE_KEY: StoreKey(f"{prefix}/{JWT_STORE_KEY}", ("private-key", "public-key", "previous-public-key")),
    }


def database_credentials(prefix: str) -> dict[str, RemoteValue]:
    key = store_keys(prefix)[DATABASE_STORE_KEY].key
    return {
        "root-password": RemoteValue(key=key, property="root-password"),
        "username": RemoteValue(key=key, property="username"),
        "password": RemoteValue(key=key, property="password"),
    }


def flask_secrets(prefix: str) -> dict[str, RemoteValue]:
    keys = store_keys(prefix)
    key = keys[FLASK_STORE_KEY].key
    return {
        "secret-key": RemoteValue(key=key, property="secret-key"),
        "previous-secret-key": RemoteValue(key=key, property="previous-secret-key"),
    }


def database_url_inputs(prefix: str) -> dict[str, RemoteValue]:
    """What database_url_template reads; fetched for the template only, not kept in the Secret."""
    keys = store_keys(prefix)
    key = keys[DATABASE_STORE_KEY].key
    return {
        "database-username": RemoteValue(key=key, property="username"),
        "database-password": RemoteValue(key=key, property="password"),
    }


def _external_key(prefix: str, master_user_secret: str | None) -> str:
    """An external database's login: the environment's own key, or the secret RDS manages for
    the master user (a JSON object with `username` and `password`, rotated by RDS). Either way
    the user travels with its password, as in-cluster where the rotation alternates users."""
    return master_user_secret or store_keys(prefix)[DATABASE_STORE_KEY].key


def external_database_credentials(prefix: str, master_user_secret: str | None) -> dict[str, RemoteValue]:
    """No root password: nothing in the cluster administers an external server."""
    key = _external_key(prefix, master_user_secret)
    return {"username": RemoteValue(key=key, property="username"), "password": RemoteValue(key=key, property="password")}


def external_database_url_inputs(prefix: str, master_user_secret: str | None) -> dict[str, RemoteValue]:
    key = _external_key(prefix, master_user_secret)
    return {
        "database-username": RemoteValue(key=key, property="username"),
        "database-password": RemoteValue(key=key, property="password"),
    }


def jwt_keys(prefix: str) -> dict[str, RemoteValue]:
    key = store_keys(prefix)[JWT_STORE_KEY].key
    return {
        "private-key": RemoteValue(key=key, property="private-key"),
        "public-key": RemoteValue(key=key, property="public-key"),
        "previous-public-key": RemoteValue(key=key, property="previous-public-key"),
    }


def database_url_template(*, host: str, port: int, database: str, ssl_ca: str | None = None) -> str:
    """ESO template for DATABASE_URL: only the user and its password come from the store (they
    change together at a rotation), so the URL can never point at a host or database other
    than the rendered ones (defect 2). With `ssl_ca` (an external database) the driver requires
    TLS and verifies the certificate and host name against that CA file: PyMySQL does both once
    a CA is given, check_hostname made explicit."""
    user = '{{ index . "database-username" | urlquery }}'
    password = '{{ index . "database-password" | urlquery }}'
    tls = f"&ssl_ca={ssl_ca}&ssl_check_hostname=true" if ssl_ca else ""
    return f"mysql+pymysql://{user}:{password}@{host}:{port}/{database}?charset=utf8mb4{tls}"


SECRET_NAMES = (names.DATABASE_CREDENTIALS_SECRET, names.FLASK_SECRETS_SECRET, names.JWT_KEYS_SECRET)
