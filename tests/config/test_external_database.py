"""database.mode external: every inconsistent combination is refused at synth time with one line
naming the file, the field and the reason; exit 2; dist/ untouched. And what a valid external
environment renders instead of the StatefulSet."""

from __future__ import annotations

import pytest
import yaml

from charts import names
from config.loader import load_environment
from synthesis.build import build_manifests
from tests.support.bad_input import assert_refused_before_writing, delete_field, set_field
from tests.support.rendered import find, objects

EXTERNAL = {
    "host": "db.cluster-example.eu-west-1.rds.amazonaws.com",
    "cidrs": ["10.50.0.0/24"],
    "ca_bundle": "rds-global-bundle.pem",
}

# (id, file to edit, mutation, field, reason fragment)
CASES = [
    ("no-endpoint", "staging.yaml", set_field("database.mode", "external"), "database", "no external endpoint"),
    ("no-host", "prod.yaml", delete_field("database.external.host"), "database.external.host", "required field is missing"),
    ("no-cidrs", "prod.yaml", delete_field("database.external.cidrs"), "database.external.cidrs", "required field is missing"),
    ("empty-cidrs", "prod.yaml", set_field("database.external.cidrs", []), "database.external.cidrs", "at least 1"),
    ("no-ca", "prod.yaml", delete_field("database.external.ca_bundle"), "database.external.ca_bundle", "field is missing"),
    (
        "ca-not-pinned",
        "prod.yaml",
        set_field("database.external.ca_bundle", "invented.pem"),
        "database.external.ca_bundle",
        "must name a CA bundle pinned in database/ca/ (pinned: rds-global-bundle.pem",
    ),
    (
        "cidr-with-host-bits",
        "prod.yaml",
        set_field("database.external.cidrs", ["10.40.32.7/24"]),
        "database.external.cidrs[0]",
        "has host bits set, the network is 10.40.32.0/24",
    ),
    ("cidr-not-ipv4", "prod.yaml", set_field("database.external.cidrs", ["10.40.300.0/24"]), "database.external.cidrs[0]", "255"),
    ("storage", "prod.yaml", set_field("database.storage", "20Gi"), "database.storage", "must not be set while database.mode"),
    (
        "storage-class",
        "prod.yaml",
        set_field("database.storage_class", "gp3"),
        "database.storage_class",
        "must not be set while database.mode",
    ),
    (
        "server-resources",
        "prod.yaml",
        set_field("database.resources", {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}}),
        "database.resources",
        "must not be set while database.mode",
    ),
    (
        "external-but-in-cluster",
        "staging.yaml",
        set_field("database.external", EXTERNAL),
        "database.external",
        "is set but database.mode is 'in-cluster'",
    ),
    (
        "in-cluster-without-storage-class",
        "staging.yaml",
        delete_field("database.storage_class"),
        "database",
        "no storage_class is set",
    ),
    (
        "binlog-archive-of-an-external-database",
        "prod.yaml",
        set_field("data.backup.binlog.enabled", True),
        "data.backup.binlog.enabled",
        "must be false while database.mode is 'external'",
    ),
    (
        "managed-without-secret",
        "prod.yaml",
        set_field("database.external.credentials", "managed"),
        "database.external",
        "no master_user_secret is set",
    ),
    (
        "secret-without-managed",
        "prod.yaml",
        set_field("database.external.master_user_secret", "rds!cluster-1234"),
        "database.external",
        "never reads it",
    ),
    (
        # the database key's rotation alternates users through the server's root login
        "rotation-of-an-external-database",
        "prod.yaml",
        set_field("secrets.rotation.keys", ["database", "flask", "jwt"]),
        "secrets.rotation.keys",
        "must not include 'database' while database.mode is 'external'",
    ),
]


@pytest.mark.parametrize(("case", "edit", "mutate", "field", "reason"), CASES, ids=[c[0] for c in CASES])
def test_inconsistent_external_database_is_refused(workspace, capsys, case, edit, mutate, field, reason):
    assert_refused_before_writing(workspace, capsys, edit, mutate, edit, field, reason)


IN_CLUSTER_ONLY = {
    ("StatefulSet", names.DATABASE),
    ("Service", names.DATABASE),
    ("Service", f"{names.DATABASE}-headless"),
    ("PodDisruptionBudget", names.DATABASE),
    ("ServiceAccount", names.DATABASE),
    ("Role", names.DATABASE),
    ("RoleBinding", names.DATABASE),
    ("ConfigMap", f"{names.DATABASE}-env"),
    ("ConfigMap", f"{names.DATABASE}-files"),
}


def _backend(env_name: str, **database):
    env = load_environment(env_name)
    env = env.model_copy(update={"database": env.database.model_copy(update=database)})
    return env, build_manifests(env)


def test_external_mode_renders_nothing_of_the_in_cluster_database() -> None:
    _, staging = _backend("staging")
    _, prod = _backend("prod")
    refs = {(o["kind"], o["metadata"]["name"]) for o in objects(prod)}
    assert IN_CLUSTER_ONLY <= {(o["kind"], o["metadata"]["name"]) for o in objects(staging)}
    assert not IN_CLUSTER_ONLY & refs
    # No NetworkPolicy selects or admits database pods: there are none.
    selectors = [o["spec"]["podSelector"] for o in objects(prod, "NetworkPolicy")]
    selected = [selector.get("matchLabels", {}).get("app.kubernetes.io/name") for selector in selectors]
    assert names.DATABASE not in selected
    assert "StatefulSet" not in str(find(prod, "AppProject", "flask-platform-prod")["spec"])


def test_external_mode_clients_use_the_endpoint_with_verified_tls() -> None:
    env, prod = _backend("prod")
    external = env.database.external
    assert external is not None
    settings = find(prod, "ConfigMap", f"{names.FLASK_APP}-env")["data"]
    backup = find(prod, "ConfigMap", f"{names.BACKUP_CRONJOB}-env")["data"]
    ca_file = f"/etc/flask-platform/db-ca/{external.ca_bundle}"
    assert (settings["DB_HOST"], settings["DB_PORT"], settings["DB_SSL_CA_FILE"]) == (external.host, "3306", ca_file)
    assert (backup["DB_HOST"], backup["DB_PORT"], backup["DB_SSL_CA"]) == (external.host, "3306", ca_file)
    url = find(prod, "ExternalSecret", names.FLASK_SECRETS_SECRET)["spec"]["target"]["template"]["data"]["database-url"]
    assert url.endswith(f"@{external.host}:3306/{env.database.name}?charset=utf8mb4&ssl_ca={ca_file}&ssl_check_hostname=true")
    # Every pod that talks to the database mounts the bundle where its settings say it is.
    for kind, name in (("Deployment", names.FLASK_APP), ("Job", names.MIGRATION_JOB), ("CronJob", names.BACKUP_CRONJOB)):
        body = find(prod, kind, name)
        pod = (body["spec"]["jobTemplate"]["spec"] if kind == "CronJob" else body["spec"])["template"]["spec"]
        (volume,) = [v for v in pod["volumes"] if v.get("configMap", {}).get("name") == f"{names.DATABASE}-ca"]
        talking = [c for c in pod.get("initContainers", []) + pod["containers"] if c["name"] not in ("upload",)]
        mount = {"name": volume["name"], "mountPath": "/etc/flask-platform/db-ca", "readOnly": True}
        assert all(mount in container["volumeMounts"] for container in talking), name


def test_external_mode_egress_reaches_the_database_ranges_from_exactly_its_clients() -> None:
    env, prod = _backend("prod")
    external = env.database.external
    assert external is not None

    def reaches_database(policy) -> bool:
        peers = [peer for rule in policy["spec"].get("egress", []) for peer in rule["to"]]
        return any(peer.get("ipBlock", {}).get("cidr") in external.cidrs for peer in peers)

    to_database = {
        o["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]: o["spec"]["egress"]
        for o in objects(prod, "NetworkPolicy")
        if reaches_database(o)
    }
    assert set(to_database) == {names.FLASK_APP, names.MIGRATION_JOB, names.BACKUP_CRONJOB}
    expected = [{"to": [{"ipBlock": {"cidr": c}} for c in external.cidrs], "ports": [{"port": 3306, "protocol": "TCP"}]}]
    assert all(egress == expected for egress in to_database.values())


def test_credentials_come_from_the_store_or_from_the_secret_rds_manages() -> None:
    env, stored = _backend("prod")
    secret = "rds!cluster-3b5c7e1a-0f2d-4c1e-9a8b-1234567890ab"  # pragma: allowlist secret (a secret's name)
    assert env.database.external is not None
    managed_external = env.database.external.model_copy(update={"credentials": "managed", "master_user_secret": secret})
    _, managed = _backend("prod", external=managed_external)
    for rendered, key in ((stored, f"{env.secrets.key_prefix}/database"), (managed, secret)):
        # The user travels with its password (both in the key's JSON, as in RDS's own secret).
        user = {"key": key, "property": "username"}
        remote = {"key": key, "property": "password"}  # pragma: allowlist secret (a property name)
        credentials = find(rendered, "ExternalSecret", names.DATABASE_CREDENTIALS_SECRET)["spec"]["data"]
        assert credentials == [
            {"secretKey": "password", "remoteRef": remote},  # pragma: allowlist secret (a key name)
            {"secretKey": "username", "remoteRef": user},  # pragma: allowlist secret (a key name)
        ]
        url_inputs = find(rendered, "ExternalSecret", names.FLASK_SECRETS_SECRET)["spec"]["data"]
        assert {"secretKey": "database-username", "remoteRef": user} in url_inputs  # pragma: allowlist secret (a key name)
        assert {"secretKey": "database-password", "remoteRef": remote} in url_inputs  # pragma: allowlist secret (a key name)
        assert "DB_USER" not in find(rendered, "ConfigMap", f"{names.FLASK_APP}-env")["data"]


def test_external_mode_drops_the_alerts_of_the_in_cluster_server_only() -> None:
    def alerts(rendered) -> set[str]:
        rules = find(rendered, "PrometheusRule", names.ALERT_RULES)["spec"]["groups"]
        return {rule["alert"] for group in rules for rule in group["rules"]}

    _, staging = _backend("staging")
    _, prod = _backend("prod")
    in_cluster = {"DatabaseNotReady", "DatabaseBinlogArchiveLagging", "DatabaseBinlogArchiveFailing"}
    assert alerts(staging) - alerts(prod) == in_cluster


def test_the_restore_job_of_an_external_database_verifies_it_too() -> None:
    from ops.restore import restore_manifest

    (job,) = [d for d in yaml.safe_load_all(restore_manifest("prod", "latest")) if d]
    pod = job["spec"]["template"]["spec"]
    (load,) = [c for c in pod["initContainers"] + pod["containers"] if c["name"] == "load"]
    assert {"name": "db-ca", "mountPath": "/etc/flask-platform/db-ca", "readOnly": True} in load["volumeMounts"]
    assert {
        "configMap": {
            "name": f"{names.DATABASE}-ca",
            "items": [{"key": "rds-global-bundle.pem", "path": "rds-global-bundle.pem"}],
        },
        "name": "db-ca",
    } in pod["volumes"]
