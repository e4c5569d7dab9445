"""database/rotate.sh for real: a MariaDB server and moto's Secrets Manager on loopback.

The steps run as the rotation Job's containers run them (`bash rotate.sh <step>`, one process
each, handing files over in one work directory), with Debian's mariadb client, openssl and AWS
CLI in place of the images'. Failures are injected between steps the way they happen in a
cluster: Secrets Manager unreachable, the database unreachable, a password changed under the
rotation's feet.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from charts import names
from manifests import DIST
from ops.bootstrap import rsa_key_pair
from tests.support.aws_cli_server import SOCKET_VARIABLE, AwsCliServer
from tests.support.database import DATABASE, MariaDb, free_port, fresh_moto_client
from tests.support.tools import require_tool

REPO = Path(__file__).resolve().parents[2]
ROTATE = REPO / "database" / "rotate.sh"
PREFIX = "test/backend"
STEPS = ("fetch", "generate", "create", "set", "test", "finish")
PENDING, CURRENT, PREVIOUS = "AWSPENDING", "AWSCURRENT", "AWSPREVIOUS"
# The stuck-rotation remedy of docs/operations.md, run as written there.
CLEAR_PENDING = (
    "aws secretsmanager update-secret-version-stage --secret-id {key} --version-stage AWSPENDING"
    " --remove-from-version-id {version}"
)

pytestmark = pytest.mark.slow
_users = itertools.count(1)


@dataclass
class Store:
    client: object
    env: dict[str, str]
    admin: str
    app_user: str

    def key(self, name: str) -> str:
        return f"{PREFIX}/{name}"

    def value(self, name: str, stage: str = CURRENT) -> dict[str, str]:
        return json.loads(self.client.get_secret_value(SecretId=self.key(name), VersionStage=stage)["SecretString"])

    def stages(self, name: str) -> dict[str, list[str]]:
        versions = self.client.list_secret_version_ids(SecretId=self.key(name))["Versions"]
        return {v["VersionId"]: sorted(v.get("VersionStages", [])) for v in versions}

    def pending_only(self, name: str) -> list[str]:
        return [vid for vid, stages in self.stages(name).items() if PENDING in stages and CURRENT not in stages]


def _tool_path(aws_cli: AwsCliServer) -> str:
    """The AWS CLI server's client as `aws` first, then the MariaDB client and openssl."""
    dirs = [os.path.dirname(require_tool(t, "Debian package mariadb-client")) for t in ("mariadb",)]
    require_tool("openssl", "Debian package openssl")
    return os.pathsep.join([str(aws_cli.bin), *dirs, os.environ.get("PATH", "")])


@pytest.fixture
def store(mariadb: MariaDb, moto_endpoint: str, aws_settings: dict[str, str], tmp_path: Path, aws_cli: AwsCliServer):
    """Fresh users (an application user with its schema grants, an administrative user) and the
    environment's three store keys holding their current values, as bootstrap writes them."""
    n = next(_users)
    app_user, admin = f"rot{n}", f"rot{n}_admin"
    # A quote, a backslash and a '#' exercise the JSON reader and the option files.
    app_password, admin_password = f"app-{n}-pw", f'adm"in\\#{n}'  # pragma: allowlist secret (throw-away)
    q = admin_password.replace("\\", "\\\\").replace('"', '\\"')
    mariadb.sql(
        f"CREATE USER '{app_user}'@'%' IDENTIFIED BY '{app_password}';"
        f"GRANT ALL ON {DATABASE}.* TO '{app_user}'@'%';"
        f"CREATE USER '{admin}'@'%' IDENTIFIED BY \"{q}\";"
        f"GRANT ALL PRIVILEGES ON *.* TO '{admin}'@'%' WITH GRANT OPTION;"
    )
    client = fresh_moto_client("secretsmanager", moto_endpoint, aws_settings)
    private, public = rsa_key_pair()
    initial = {
        "database": {"username": app_user, "password": app_password, "root-password": admin_password},
        "flask": {"secret-key": f"flask-key-{n}"},
        "jwt": {"private-key": private, "public-key": public},
    }
    for name, value in initial.items():
        client.create_secret(Name=f"{PREFIX}/{name}", SecretString=json.dumps(value, sort_keys=True))
    (tmp_path / "tmp").mkdir()
    env = {
        "PATH": _tool_path(aws_cli),
        SOCKET_VARIABLE: str(aws_cli.socket),
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path / "tmp"),
        **aws_settings,
        "ROTATE_KEYS": "database flask jwt",
        "KEY_PREFIX": PREFIX,
        "WORK_DIR": str(tmp_path / "work"),
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(mariadb.port),
        "DB_NAME": DATABASE,
        "APP_USER": app_user,
        "ROOT_USER": admin,
        "SM_ENDPOINT_URL": moto_endpoint,
    }
    yield Store(client, env, admin, app_user)
    mariadb.sql(f"DROP USER IF EXISTS '{app_user}'@'%', '{app_user}_clone'@'%', '{admin}'@'%';")


def step(store: Store, name: str, work: str | None = None, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**store.env, **({"WORK_DIR": work} if work else {}), **extra}
    return subprocess.run(["bash", str(ROTATE), name], env=env, capture_output=True, text=True, timeout=300)


def ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, f"exit {proc.returncode}:\n{proc.stderr}"
    return proc


def failed(proc: subprocess.CompletedProcess[str], reason: str) -> None:
    assert proc.returncode != 0, proc.stderr
    assert reason in proc.stderr, proc.stderr


def rotate(store: Store, **extra: str) -> None:
    for name in STEPS:
        ok(step(store, name, **extra))


def app_login(mariadb: MariaDb, credentials: dict[str, str]) -> bool:
    statement = "CREATE TABLE IF NOT EXISTS rotation_probe (id INT); SELECT COUNT(*) FROM rotation_probe"
    return mariadb.run_as(credentials["username"], credentials["password"], statement, DATABASE).returncode == 0


def admin_login(mariadb: MariaDb, store: Store, credentials: dict[str, str]) -> bool:
    return mariadb.run_as(store.admin, credentials["root-password"], "SELECT 1").returncode == 0


def test_two_rotations_alternate_users_and_keep_the_previous_login(mariadb: MariaDb, store: Store) -> None:
    first = store.value("database")
    for name in STEPS[:4]:  # up to setSecret: the swap is prepared, not made
        ok(step(store, name, ROTATE_KEYS="database"))
    pending = store.value("database", PENDING)
    assert pending["username"] == f"{store.app_user}_clone"
    assert store.value("database") == first, "AWSCURRENT moved before finishSecret"
    assert app_login(mariadb, first) and app_login(mariadb, pending), "both users must work across the swap"
    for name in STEPS[4:]:
        ok(step(store, name, ROTATE_KEYS="database"))

    second = store.value("database")
    assert second == pending
    assert store.value("database", PREVIOUS) == first
    assert store.pending_only("database") == [] and all(PENDING not in s for s in store.stages("database").values())
    assert app_login(mariadb, second) and app_login(mariadb, first), "the previous connection string must keep working"
    assert admin_login(mariadb, store, second) and not admin_login(mariadb, store, first)

    ok(step(store, "fetch", work=str(Path(store.env["WORK_DIR"]) / "again"), ROTATE_KEYS="database"))
    rotate(store, WORK_DIR=str(Path(store.env["WORK_DIR"]) / "again"), ROTATE_KEYS="database")
    third = store.value("database")
    assert third["username"] == store.app_user and third["password"] != first["password"]
    assert app_login(mariadb, third) and app_login(mariadb, second)
    assert not app_login(mariadb, first), "the user that was previous two rotations ago has a new password"


def test_flask_and_jwt_keep_the_previous_value(store: Store) -> None:
    flask, jwt = store.value("flask"), store.value("jwt")
    rotate(store, ROTATE_KEYS="flask jwt")
    new_flask, new_jwt = store.value("flask"), store.value("jwt")
    assert new_flask["previous-secret-key"] == flask["secret-key"] != new_flask["secret-key"]
    assert new_jwt["previous-public-key"] == jwt["public-key"] != new_jwt["public-key"]
    from ops.bootstrap import public_pem_of

    assert public_pem_of(new_jwt["private-key"]) == new_jwt["public-key"]
    assert list(store.stages("database").values()) == [[CURRENT]], "the database key was not rotated"


def test_without_the_database_key_the_rendered_steps_never_need_the_database(store: Store) -> None:
    # prod's CronJob (an external database): the steps it renders, with only the settings its
    # ConfigMap holds; no DB_* or APP_USER reaches rotate.sh, and the database key stays as it was.
    cron = yaml.safe_load((DIST / "prod" / names.BACKEND_APP / f"cronjob_backend_{names.ROTATION_CRONJOB}.yaml").read_text())
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    rendered = [c["name"] for c in [*pod["initContainers"], *pod["containers"]]]
    settings = yaml.safe_load(
        (DIST / "prod" / names.BACKEND_APP / f"configmap_backend_{names.ROTATION_CRONJOB}-env.yaml").read_text()
    )
    assert "set" not in rendered and settings["data"]["ROTATE_KEYS"] == "flask jwt"
    env = {k: v for k, v in store.env.items() if k not in ("DB_HOST", "DB_PORT", "DB_NAME", "APP_USER", "ROOT_USER")}
    env["ROTATE_KEYS"] = settings["data"]["ROTATE_KEYS"]
    flask = store.value("flask")
    for name in rendered:
        ok(subprocess.run(["bash", str(ROTATE), name], env=env, capture_output=True, text=True, timeout=300))
    assert store.value("flask")["previous-secret-key"] == flask["secret-key"]
    assert list(store.stages("database").values()) == [[CURRENT]], "the database key was not rotated"


def _unreachable() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest.mark.parametrize("failing", ["create", "set", "test", "finish"])
def test_a_failure_at_any_step_leaves_awscurrent_valid(mariadb: MariaDb, store: Store, failing: str) -> None:
    before = store.value("database")
    for name in STEPS[: STEPS.index(failing)]:
        ok(step(store, name, ROTATE_KEYS="database"))
    if failing in ("create", "finish"):
        proc = step(store, failing, ROTATE_KEYS="database", SM_ENDPOINT_URL=_unreachable())
    elif failing == "set":
        proc = step(store, failing, ROTATE_KEYS="database", DB_PORT=str(free_port()))
    else:  # someone changes the pending user's password between setSecret and testSecret
        pending = store.value("database", PENDING)
        mariadb.sql(f"ALTER USER '{pending['username']}'@'%' IDENTIFIED BY 'changed-by-hand'")
        proc = step(store, failing, ROTATE_KEYS="database")
    assert proc.returncode != 0, proc.stderr

    assert store.value("database") == before, "AWSCURRENT changed"
    assert app_login(mariadb, before), "the current application user lost its login"
    if failing == "finish":
        # Single-user: the administrative password is the pending version's until finishSecret runs.
        assert admin_login(mariadb, store, store.value("database", PENDING))
    else:
        assert admin_login(mariadb, store, before), "the current administrative password lost its login"

    stuck = store.pending_only("database")
    if failing == "create":
        assert stuck == []
        rotate(store, ROTATE_KEYS="database", WORK_DIR=store.env["WORK_DIR"] + "-retry")
        return
    assert len(stuck) == 1
    failed(step(store, "fetch", ROTATE_KEYS="database", WORK_DIR=store.env["WORK_DIR"] + "-next"), "staged AWSPENDING")
    clear = CLEAR_PENDING.format(key=store.key("database"), version=stuck[0]).split()
    endpoint = ["--endpoint-url", store.env["SM_ENDPOINT_URL"]]
    subprocess.run([*clear[:1], *endpoint, *clear[1:]], env=store.env, check=True, capture_output=True)
    if failing == "finish":  # the stage is cleared; the administrative password is put back by hand (docs)
        return
    rotate(store, ROTATE_KEYS="database", WORK_DIR=store.env["WORK_DIR"] + "-retry")
    assert app_login(mariadb, store.value("database")) and app_login(mariadb, before)


def test_a_second_rotation_is_refused_while_one_runs(mariadb: MariaDb, store: Store) -> None:
    work = Path(store.env["WORK_DIR"])
    first, second = str(work / "first"), str(work / "second")
    for name in ("fetch", "generate"):
        ok(step(store, name, work=first, ROTATE_KEYS="database"))
        ok(step(store, name, work=second, ROTATE_KEYS="database"))
    ok(step(store, "create", work=first, ROTATE_KEYS="database"))
    failed(step(store, "create", work=second, ROTATE_KEYS="database"), "another rotation is running or failed")
    failed(step(store, "fetch", work=str(work / "third"), ROTATE_KEYS="database"), "another rotation is running or failed")
    for name in STEPS[3:]:
        ok(step(store, name, work=first, ROTATE_KEYS="database"))
    assert app_login(mariadb, store.value("database"))
