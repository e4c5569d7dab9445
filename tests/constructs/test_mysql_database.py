"""MysqlDatabase: baseline StatefulSet with persistent data, file credentials, utf8mb4."""

from __future__ import annotations

import pytest

from constructs.external_secret_binding import BindingError, ExternalSecretBinding, RemoteValue
from constructs.mysql_database import MysqlDatabase, MysqlDatabaseProps
from tests.support.synth import one, small_resources, synth


def database(chart, keys=("root-password", "username", "password")):
    creds = ExternalSecretBinding(
        chart,
        "Creds",
        name="db-credentials",
        store_name="store",
        refresh_interval="1h",
        values={k: RemoteValue(key="env/db", property=k) for k in keys},
    )
    return MysqlDatabase(
        chart,
        "Db",
        MysqlDatabaseProps(
            name="db",
            image="docker.io/library/mysql:8.0.35",
            version="8.0.35",
            database="app",
            credentials=creds,
            storage="1Gi",
            storage_class="gp3",
            resources=small_resources(),
        ),
    )


def test_minimal_props_snapshot(snapshot):
    assert synth(database) == snapshot


def test_statefulset_baseline_and_storage():
    objects = synth(database)
    sts = one(objects, "StatefulSet", "db")
    pod = sts["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "docker.io/library/mysql:8.0.35"
    assert pod["securityContext"]["runAsUser"] == 999 and pod["securityContext"]["fsGroup"] == 999
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {"/var/run/mysqld", "/tmp", "/var/lib/mysql", "/etc/mysql/conf.d/utf8mb4.cnf"} <= mounts
    claim = sts["spec"]["volumeClaimTemplates"][0]
    assert claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
    assert claim["spec"]["storageClassName"] == "gp3"
    assert sts["spec"]["serviceName"] == "db-headless"
    assert all("mysqladmin" in container[p]["exec"]["command"] for p in ("readinessProbe", "livenessProbe", "startupProbe"))
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["MYSQL_ROOT_PASSWORD_FILE"].startswith("/var/run/secrets/mysql/")
    # The application user is the store's current one (it alternates at each rotation).
    assert "MYSQL_USER" not in env and env["MYSQL_USER_FILE"] == "/var/run/secrets/mysql/username"
    assert "MYSQL_USER" not in one(objects, "ConfigMap", "db-env")["data"]
    assert "utf8mb4" in one(objects, "ConfigMap", "db-files")["data"]["utf8mb4.cnf"]
    assert one(objects, "PodDisruptionBudget")["spec"]["maxUnavailable"] == 1


def test_credentials_binding_must_provide_the_passwords():
    with pytest.raises(BindingError, match="has no key 'root-password'"):
        synth(lambda c: database(c, keys=("password",)))
