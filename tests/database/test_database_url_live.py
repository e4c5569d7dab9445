"""prod's rendered database URL, as the API and its migration Job use it, against a real TLS server.

The URL is the External Secrets template of dist/prod (flask-app-secrets' `database-url`): its
user and password filled in as the template's `urlquery` does, and only the endpoint moved to the
test server (a MariaDB on loopback whose certificate a throw-away CA signed, the CA file standing
in for the pinned RDS bundle at the path the pods mount it). SQLAlchemy over PyMySQL, the app's
own client stack, opens it: the URL alone must make the driver require TLS and verify the
server's certificate and name.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from urllib.parse import quote_plus

import pytest
import sqlalchemy
import sqlalchemy.exc
import sqlalchemy.pool
import yaml

from charts import names
from config.loader import REPO_ROOT
from tests.support.database import APP_PASSWORD, APP_USER, DATABASE, MariaDb

SECRETS = REPO_ROOT / "dist" / "prod" / "backend" / f"externalsecret_backend_{names.FLASK_SECRETS_SECRET}.yaml"
# What ESO's template does with the two store values: Go's url.QueryEscape, as quote_plus.
STORE_VALUE = re.compile(r'\{\{ index \. "(database-username|database-password)" \| urlquery \}\}')


def rendered_template() -> str:
    (doc,) = yaml.safe_load_all(SECRETS.read_text())
    return str(doc["spec"]["target"]["template"]["data"]["database-url"])


def url_for(mariadb: MariaDb, ca: Path, host: str = "127.0.0.1") -> str:
    """The rendered URL with the store's values filled in, pointed at the test server and its CA."""
    template = rendered_template()
    filled = STORE_VALUE.sub(lambda m: quote_plus(APP_USER if m.group(1) == "database-username" else APP_PASSWORD), template)
    endpoint = re.search(r"@([^/]+)/(\w+)\?", filled)
    assert endpoint, filled
    ca_path = re.search(r"ssl_ca=([^&]+)", filled)
    assert ca_path, f"the rendered URL asks for no CA: {template}"
    return filled.replace(f"@{endpoint.group(1)}/{endpoint.group(2)}?", f"@{host}:{mariadb.port}/{DATABASE}?").replace(
        f"ssl_ca={ca_path.group(1)}", f"ssl_ca={ca}"
    )


def session_cipher(url: str) -> str:
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as connection:
            row = connection.execute(sqlalchemy.text("SHOW SESSION STATUS LIKE 'Ssl_cipher'")).one()
            return str(row[1])
    finally:
        engine.dispose()


def test_the_rendered_url_names_the_mounted_ca_and_checks_the_host_name() -> None:
    template = rendered_template()
    assert "ssl_ca=/etc/flask-platform/db-ca/rds-global-bundle.pem" in template
    assert "ssl_check_hostname=true" in template


def test_the_rendered_url_connects_over_verified_tls(mariadb: MariaDb, app_user_requires_tls: None) -> None:
    """The user may only log in over TLS (as with require_secure_transport), so a login is a TLS login."""
    assert session_cipher(url_for(mariadb, mariadb.tls_ca)), "the session is not encrypted"


def test_the_rendered_url_refuses_a_server_its_ca_did_not_sign(mariadb: MariaDb, foreign_ca: Path) -> None:
    with pytest.raises(sqlalchemy.exc.OperationalError, match="(?i)certificate"):
        session_cipher(url_for(mariadb, foreign_ca))


def test_the_rendered_url_refuses_a_certificate_for_another_host_name(mariadb: MariaDb) -> None:
    """The right CA, the wrong name: `localhost` reaches the server whose certificate names 127.0.0.1."""
    assert socket.gethostbyname("localhost") == "127.0.0.1", "this case needs localhost to be 127.0.0.1"
    with pytest.raises(sqlalchemy.exc.OperationalError, match="(?i)hostname|localhost"):
        session_cipher(url_for(mariadb, mariadb.tls_ca, host="localhost"))
