"""The secret rotation as rendered: the CronJob's protocol steps, its identity and edges, and the
Secrets and app settings that make a rotation harmless to running pods (alternating database
users read from the store, previous Flask and JWT values beside the current ones)."""

from __future__ import annotations

import pytest
import yaml

from charts import names
from config.loader import load_environment
from constructs.secret_rotation import IRSA_ROLE_ANNOTATION, SCRIPTS_DIR
from manifests import DIST, Manifest, load_env
from synthesis.build import build_manifests
from tests.support.rendered import find
from tests.support.rendered import objects as objects_of

ENVS = sorted(p.name for p in DIST.iterdir() if p.is_dir())
SM_STEPS = {"fetch", "create", "finish"}  # the steps that talk to Secrets Manager


def objects(env: str) -> dict[tuple[str, str], Manifest]:
    return {(m.kind, m.name): m for m in load_env(DIST / env / names.BACKEND_APP)}


@pytest.mark.parametrize("env", ENVS)
def test_the_cronjob_runs_the_protocol_in_order_one_run_at_a_time(env: str) -> None:
    config = load_environment(env)
    rotation = config.secrets.rotation
    backend = objects(env)
    cron = backend[("CronJob", names.ROTATION_CRONJOB)].body["spec"]
    assert cron["schedule"] == rotation.schedule and cron["suspend"] is False
    # A second run would meet the first's AWSPENDING version and refuse; never start one.
    assert cron["concurrencyPolicy"] == "Forbid"
    job = cron["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 0 and job["activeDeadlineSeconds"] == rotation.deadline_seconds
    pod = job["template"]["spec"]
    steps = [*pod["initContainers"], *pod["containers"]]
    # setSecret changes the database's copy only: without the database key there is no `set`.
    rotates_database = "database" in rotation.keys
    assert [c["name"] for c in steps] == ["fetch", "generate", "create", *(["set"] if rotates_database else []), "test", "finish"]
    for step in steps:
        assert step["command"][-2:] == ["/opt/flask-platform/rotation/rotate.sh", step["name"]]
        expected = rotation.aws_cli_image.reference if step["name"] in SM_STEPS else config.database.image.reference
        assert step["image"] == expected, step["name"]
    work = next(v for v in pod["volumes"] if v["name"] == "work")
    assert work["emptyDir"]["medium"] == "Memory", "pending values must never touch a disk"
    assert not [v for v in pod["volumes"] if "secret" in v], "the rotation reads AWSCURRENT from the store, not a Secret"
    account = backend[("ServiceAccount", names.ROTATION_CRONJOB)]
    assert account.metadata["annotations"][IRSA_ROLE_ANNOTATION] == rotation.role_arn
    settings = backend[("ConfigMap", f"{names.ROTATION_CRONJOB}-env")].body["data"]
    assert settings["KEY_PREFIX"] == config.secrets.key_prefix and settings["ROTATE_KEYS"].split() == rotation.keys
    if rotates_database:
        assert settings["APP_USER"] == config.database.user and settings["DB_NAME"] == config.database.name
    else:
        assert not {"APP_USER", "DB_HOST", "DB_PORT", "DB_NAME"} & set(settings)


@pytest.mark.parametrize("env", ENVS)
def test_its_only_egress_is_the_database_and_the_secrets_manager_ranges(env: str) -> None:
    rotation = load_environment(env).secrets.rotation
    policies = [m for m in objects(env).values() if m.kind == "NetworkPolicy" and m.name.startswith(names.ROTATION_CRONJOB)]
    peers = sorted(str(peer) for p in policies for rule in p.body["spec"].get("egress") or [] for peer in rule["to"])
    database = {
        "podSelector": {"matchLabels": {"app.kubernetes.io/name": names.DATABASE}},
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": names.BACKEND_NAMESPACE}},
    }
    expected = sorted(
        ([str(database)] if "database" in rotation.keys else [])
        + [str({"ipBlock": {"cidr": cidr}}) for cidr in rotation.endpoint_cidrs]
    )
    assert len(peers) == len(expected)
    assert {p for p in peers if "ipBlock" in p} == {p for p in expected if "ipBlock" in p}


def test_without_the_database_key_nothing_of_the_database_is_rendered() -> None:
    # staging's in-cluster database, with its key left out: no step, setting or edge reaches it.
    env = load_environment("staging")
    rotation = env.secrets.rotation.model_copy(update={"keys": ["flask", "jwt"]})
    env = env.model_copy(update={"secrets": env.secrets.model_copy(update={"rotation": rotation})})
    rendered = build_manifests(env)
    pod = find(rendered, "CronJob", names.ROTATION_CRONJOB)["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert [c["name"] for c in [*pod["initContainers"], *pod["containers"]]] == ["fetch", "generate", "create", "test", "finish"]
    assert not [v for v in pod["volumes"] if "secret" in v]
    settings = find(rendered, "ConfigMap", f"{names.ROTATION_CRONJOB}-env")["data"]
    assert settings["ROTATE_KEYS"] == "flask jwt"
    assert not {"APP_USER", "DB_HOST", "DB_PORT", "DB_NAME"} & set(settings)
    policies = objects_of(rendered, "NetworkPolicy")
    rotation_policies = [o for o in policies if o["metadata"]["name"].startswith(names.ROTATION_CRONJOB)]
    assert rotation_policies, "the Secrets Manager egress stays"
    assert names.DATABASE not in str(rotation_policies)
    # Nor does the database admit the rotation's pods.
    admitted = [o for o in policies if o["metadata"]["name"].startswith(f"{names.DATABASE}-from-")]
    assert admitted and names.ROTATION_CRONJOB not in str(admitted)


def test_the_configmap_ships_the_repository_script() -> None:
    files = yaml.safe_load(
        (DIST / ENVS[0] / names.BACKEND_APP / f"configmap_backend_{names.ROTATION_CRONJOB}-files.yaml").read_text()
    )
    for script in ("rotate.sh", "common.sh"):
        assert files["data"][script] == (SCRIPTS_DIR / script).read_text()


def test_disabled_rotation_suspends_the_schedule_and_keeps_the_cronjob() -> None:
    env = load_environment("staging")
    rotation = env.secrets.rotation.model_copy(update={"enabled": False})
    env = env.model_copy(update={"secrets": env.secrets.model_copy(update={"rotation": rotation})})
    cron = find(build_manifests(env), "CronJob", names.ROTATION_CRONJOB)
    # `ops rotate --now` creates its Job from this CronJob, so it stays, suspended.
    assert cron["spec"]["suspend"] is True


@pytest.mark.parametrize("env", ENVS)
def test_secrets_carry_current_and_previous_values(env: str) -> None:
    backend = objects(env)

    def remote(name: str) -> dict[str, str]:
        spec = backend[("ExternalSecret", name)].body["spec"]
        return {d["secretKey"]: d["remoteRef"]["property"] for d in spec["data"]}

    assert remote(names.JWT_KEYS_SECRET) == {
        "private-key": "private-key",
        "public-key": "public-key",
        "previous-public-key": "previous-public-key",
    }
    app = backend[("ExternalSecret", names.FLASK_SECRETS_SECRET)].body["spec"]
    assert remote(names.FLASK_SECRETS_SECRET)["previous-secret-key"] == "previous-secret-key"
    # The user of the URL is the store's (it alternates), never a rendered name.
    url = app["target"]["template"]["data"]["database-url"]
    assert url.startswith('mysql+pymysql://{{ index . "database-username" | urlquery }}:')
    assert load_environment(env).database.user + ":" not in url
    assert remote(names.DATABASE_CREDENTIALS_SECRET)["username"] == "username"


@pytest.mark.parametrize("env", ENVS)
def test_the_app_contract_names_current_and_previous_files(env: str) -> None:
    backend = objects(env)
    settings = backend[("ConfigMap", f"{names.FLASK_APP}-env")].body["data"]
    pod = backend[("Deployment", names.FLASK_APP)].body["spec"]["template"]["spec"]
    mounted = {
        f"{m['mountPath']}/{item['path']}"
        for m in pod["containers"][0]["volumeMounts"]
        for v in pod["volumes"]
        if v["name"] == m["name"] and "secret" in v
        for item in v["secret"]["items"]
    }
    for variable in ("SECRET_KEY_FILE", "SECRET_KEY_FALLBACKS_FILE", "JWT_PUBLIC_KEY_FILE", "JWT_PREVIOUS_PUBLIC_KEY_FILE"):
        assert settings[variable] in mounted, variable
    assert "DB_USER" not in settings, "the database user alternates; it is in DATABASE_URL only"
