"""ops bootstrap against a local Secrets Manager (moto's server on loopback, real HTTP via boto3)."""

from __future__ import annotations

import json
import subprocess
import sys
from secrets import token_urlsafe
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from charts.secret_layout import store_keys
from config.loader import load_environment
from ops import bootstrap
from ops.__main__ import main
from ops.common import REPO_ROOT
from tests.support.ops import closed_port, current_version, plan_rows, secret_json

ENV = "staging"
LAYOUT = store_keys(load_environment(ENV).secrets.key_prefix)


def run_bootstrap(endpoint: str, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["bootstrap", ENV, "--endpoint-url", endpoint, *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def all_values(client: Any) -> list[str]:
    """Every property value stored under the layout's keys, in every version stage."""
    values = []
    for store_key in LAYOUT.values():
        for version in client.list_secret_version_ids(SecretId=store_key.key)["Versions"]:
            data = json.loads(client.get_secret_value(SecretId=store_key.key, VersionId=version["VersionId"])["SecretString"])
            # The user name is configuration (database.user), not a secret.
            values.extend(v for p, v in data.items() if isinstance(v, str) and p not in bootstrap.FROM_CONFIG)
    return values


def assert_no_value_printed(client: Any, text: str) -> None:
    for value in all_values(client):
        # PEM blocks are checked line by line: a single leaked line is a leak.
        for piece in [value, *(line for line in value.splitlines() if len(line) > 20 and "-----" not in line)]:
            assert piece not in text, "a stored secret value was printed"
    assert "PRIVATE KEY" not in text


def test_first_run_creates_exactly_the_layout(
    secrets_manager: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_bootstrap(moto_endpoint, capsys)
    assert (code, err) == (0, "")
    assert plan_rows(out) == {k.key: ("create", ", ".join(k.properties)) for k in LAYOUT.values()}
    names = sorted(s["Name"] for s in secrets_manager.list_secrets()["SecretList"])
    assert names == sorted(k.key for k in LAYOUT.values())
    for store_key in LAYOUT.values():
        data = secret_json(secrets_manager, store_key.key)
        assert sorted(data) == sorted(store_key.properties), store_key.key
        secrets = [v for p, v in data.items() if p not in bootstrap.FROM_CONFIG]
        assert all(isinstance(v, str) and len(v) >= 32 for v in secrets), store_key.key
    # DATABASE_URL is templated by External Secrets; no key or property may hold it.
    assert not any("url" in name.lower() for name in names)
    assert not any("url" in prop.lower() for k in LAYOUT.values() for prop in secret_json(secrets_manager, k.key))
    assert "not stored: DATABASE_URL" in out
    assert_no_value_printed(secrets_manager, out + err)


def test_passwords_are_distinct_and_url_safe(
    secrets_manager: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_bootstrap(moto_endpoint, capsys)[0] == 0
    db = secret_json(secrets_manager, LAYOUT["database"].key)
    flask = secret_json(secrets_manager, LAYOUT["flask"].key)
    secrets = [db["root-password"], db["password"], flask["secret-key"]]
    assert len(set(secrets)) == 3
    # The ESO template urlquotes the password, but a URL-safe value needs no quoting anywhere.
    assert all(set(s) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for s in secrets)


def test_jwt_key_pair_parses_and_matches(secrets_manager: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_bootstrap(moto_endpoint, capsys)[0] == 0
    jwt = secret_json(secrets_manager, LAYOUT["jwt"].key)
    private = serialization.load_pem_private_key(jwt["private-key"].encode(), password=None)
    public = serialization.load_pem_public_key(jwt["public-key"].encode())
    assert isinstance(private, rsa.RSAPrivateKey) and isinstance(public, rsa.RSAPublicKey)
    assert private.key_size >= 2048
    assert private.public_key().public_numbers() == public.public_numbers()
    signature = private.sign(b"token", padding.PKCS1v15(), hashes.SHA256())
    public.verify(signature, b"token", padding.PKCS1v15(), hashes.SHA256())  # raises on mismatch


def test_rerun_changes_nothing(secrets_manager: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_bootstrap(moto_endpoint, capsys)[0] == 0
    before = {k.key: current_version(secrets_manager, k.key) for k in LAYOUT.values()}
    code, out, _ = run_bootstrap(moto_endpoint, capsys)
    assert code == 0
    assert {key: action for key, (action, _) in plan_rows(out).items()} == dict.fromkeys(before, "keep")
    assert {k.key: current_version(secrets_manager, k.key) for k in LAYOUT.values()} == before
    assert all(len(secrets_manager.list_secret_version_ids(SecretId=key)["Versions"]) == 1 for key in before)
    assert "done: 3 keep" in out


def test_rotation_is_not_bootstraps_job(aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    # A new database password put here would lock the API out: rotation is `ops rotate`.
    with pytest.raises(SystemExit) as exit_info:
        run_bootstrap("http://127.0.0.1:9", capsys, "--rotate")
    assert exit_info.value.code == 2


def test_dry_run_writes_nothing_and_prints_no_values(
    secrets_manager: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_bootstrap(moto_endpoint, capsys, "--dry-run")
    assert code == 0
    assert secrets_manager.list_secrets()["SecretList"] == []
    assert {key: action for key, (action, _) in plan_rows(out).items()} == {k.key: "create" for k in LAYOUT.values()}
    assert "nothing written" in out


def test_partial_secrets_are_completed(secrets_manager: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    db_key, jwt_key = LAYOUT["database"].key, LAYOUT["jwt"].key
    private, _ = bootstrap.rsa_key_pair()
    kept = token_urlsafe(24)  # generated, so no credential-looking literal sits in the repository
    secrets_manager.create_secret(Name=db_key, SecretString=json.dumps({"password": kept, "extra": "x"}))
    secrets_manager.create_secret(Name=jwt_key, SecretString=json.dumps({"private-key": private}))
    code, out, err = run_bootstrap(moto_endpoint, capsys)
    assert code == 0, err
    db = secret_json(secrets_manager, db_key)
    assert db["password"] == kept
    assert db["extra"] == "x"  # properties bootstrap does not know are left alone
    assert db["root-password"] and db["root-password"] != db["password"]
    jwt = secret_json(secrets_manager, jwt_key)
    assert jwt["private-key"] == private  # the public key is derived, the private one kept
    assert jwt["public-key"] == bootstrap.public_pem_of(private)
    rows = plan_rows(out)
    assert db["username"] == load_environment(ENV).database.user
    assert jwt["previous-public-key"] == jwt["public-key"]  # no previous key yet: the current one
    assert rows[db_key] == ("complete", "add root-password, username (keep password)")
    assert rows[jwt_key] == ("complete", "add public-key, previous-public-key (keep private-key)")
    assert rows[LAYOUT["flask"].key] == ("create", "secret-key, previous-secret-key")


def test_a_lone_public_key_gets_a_new_pair(secrets_manager: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    jwt_key = LAYOUT["jwt"].key
    _, orphan_public = bootstrap.rsa_key_pair()
    secrets_manager.create_secret(Name=jwt_key, SecretString=json.dumps({"public-key": orphan_public}))
    code, out, _ = run_bootstrap(moto_endpoint, capsys)
    assert code == 0
    jwt = secret_json(secrets_manager, jwt_key)
    assert jwt["public-key"] != orphan_public
    assert bootstrap.public_pem_of(jwt["private-key"]) == jwt["public-key"]
    assert "key pair is regenerated" in out


def test_a_non_json_secret_is_refused_before_anything_is_written(
    secrets_manager: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    flask_key = LAYOUT["flask"].key
    plain = f"not-json-{token_urlsafe(12)}"
    secrets_manager.create_secret(Name=flask_key, SecretString=plain)
    code, out, err = run_bootstrap(moto_endpoint, capsys)
    assert code == 3
    assert err.count("\n") == 1 and flask_key in err and "not a JSON object" in err
    assert plain not in out + err
    assert [s["Name"] for s in secrets_manager.list_secrets()["SecretList"]] == [flask_key]


def test_a_secret_scheduled_for_deletion_is_reported(
    secrets_manager: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db_key = LAYOUT["database"].key
    secrets_manager.create_secret(Name=db_key, SecretString="{}")
    secrets_manager.delete_secret(SecretId=db_key, RecoveryWindowInDays=7)
    code, _, err = run_bootstrap(moto_endpoint, capsys)
    assert code == 3
    assert "scheduled for deletion" in err and "restore-secret" in err


def test_unreachable_endpoint_is_one_line(aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_bootstrap(f"http://127.0.0.1:{closed_port()}", capsys)
    assert code == 3
    assert err.startswith("error: cannot read ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_credentials_is_one_line(
    moto_endpoint: str, aws_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, _, err = run_bootstrap(moto_endpoint, capsys)
    assert code == 3
    assert "no AWS credentials" in err and err.count("\n") == 1


def test_unknown_only_name_is_a_usage_error(aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_bootstrap("http://127.0.0.1:9", capsys, "--only", "database-url")
    assert code == 2
    assert "--only database-url: not a store key" in err


def test_every_layout_property_has_a_generator() -> None:
    for store_key in LAYOUT.values():
        for prop in store_key.properties:
            rules = (bootstrap.SIMPLE_GENERATORS, bootstrap.KEY_PAIR, bootstrap.DERIVED, bootstrap.FROM_CONFIG)
            assert any(prop in rule for rule in rules), f"{store_key.key}: {prop}"


def test_help_says_database_url_is_not_stored() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ops", "bootstrap", "--help"], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0
    assert "DATABASE_URL is NOT stored" in proc.stdout
