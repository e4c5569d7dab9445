"""Check 5: detect-secrets finds nothing in dist/ or anywhere in the repository."""

from __future__ import annotations

import base64
import os
import random
import string
from pathlib import Path

from manifests import yaml_files
from tests.support.dist_fixtures import FixtureEnv, find, show
from verify import kept_results, secrets_scan


def test_dist_has_no_secret(env: Path) -> None:
    findings = secrets_scan.scan(yaml_files(env))
    assert not findings, show(findings)


def test_repository_has_no_secret() -> None:
    files = secrets_scan.repo_files()
    assert any(f.name == "secrets_scan.py" for f in files)
    # The pinned CA bundles are left out by pattern; the record of their hashes is scanned.
    scanned = {f.relative_to(secrets_scan.REPO_ROOT).as_posix() for f in files}
    assert "database/ca/SOURCES.md" in scanned and "database/ca/rds-global-bundle.pem" not in scanned
    findings = secrets_scan.scan(files)
    assert not findings, show(findings)


# --- the check can fail ------------------------------------------------------------------
# The planted values are made at run time, so that no file of the repository holds one.


def _private_key() -> str:
    marker = " ".join(["RSA", "PRIVATE", "KEY"])
    body = base64.encodebytes(os.urandom(256)).decode()
    return f"-----BEGIN {marker}-----\n{body}-----END {marker}-----\n"


def _access_key_id() -> str:
    return "AKIA" + "".join(random.choices(string.ascii_uppercase + string.digits, k=16))


def test_baseline_passes(fixture_env: FixtureEnv) -> None:
    assert secrets_scan.scan(yaml_files(fixture_env.path)) == []


def test_planted_private_key_is_found(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: find(docs, "ConfigMap", "flask-app-config")["data"].update({"tls.key": _private_key()}),
    )
    findings = secrets_scan.scan(yaml_files(fixture_env.path))
    assert [f.rule for f in findings] == ["Private Key"], show(findings)
    assert findings[0].obj.startswith(str(fixture_env.path / "backend" / "flask-app.yaml"))


def test_planted_access_key_is_found_even_in_a_reference_field(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: find(docs, "ExternalSecret", "flask-app-db-credentials")["spec"]["data"][0].update(
            secretKey=_access_key_id()
        ),
    )
    findings = secrets_scan.scan(yaml_files(fixture_env.path))
    assert "AWS Access Key" in {f.rule for f in findings}, show(findings)


def test_planted_password_is_found(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: find(docs, "ConfigMap", "flask-app-config")["data"].update(
            DB_PASSWORD="".join(random.choices(string.ascii_letters + string.digits, k=20))
        ),
    )
    findings = secrets_scan.scan(yaml_files(fixture_env.path))
    assert [f.rule for f in findings] == ["Secret Keyword"], show(findings)


# --- earlier scans kept (verify/kept_results.py) ----------------------------------


def test_a_secret_planted_in_a_file_scanned_clean_before_is_found(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(kept_results, "CACHE_ROOT", tmp_path / "cache")
    config = tmp_path / "config.yaml"
    config.write_text("name: flask-app\nport: 5000\n")
    assert secrets_scan.scan([config]) == []
    assert list((tmp_path / "cache").rglob("*")), "the clean scan was not kept"
    config.write_text("name: flask-app\nport: 5000\nkey: |\n  " + _private_key().replace("\n", "\n  "))
    assert [f.rule for f in secrets_scan.scan([config])] == ["Private Key"]


def test_an_unchanged_file_is_not_scanned_again(tmp_path: Path, monkeypatch) -> None:
    """What is kept for a file's key is what the scan reports: here an entry no scan of this clean
    file would make, so only a reused entry can report it."""
    monkeypatch.setattr(kept_results, "CACHE_ROOT", tmp_path / "cache")
    config = tmp_path / "config.yaml"
    config.write_text("name: flask-app\n")
    assert secrets_scan.scan([config]) == []
    cache = secrets_scan.kept_scans()
    cache.put(cache.key([(str(config.resolve()), config.resolve())]), [("Kept Entry", 1)])
    assert [(f.rule, f.obj) for f in secrets_scan.scan([config])] == [("Kept Entry", f"{config.resolve()}:1")]


def test_the_key_follows_the_bytes_the_names_and_the_settings(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("x: 1\n")
    second.write_text("x: 1\n")
    kept = kept_results.KeptResults("tool", ["--exclude-lines", "^a$"], root=tmp_path / "cache")
    key = kept.key([("a.yaml", first)])
    assert kept.key([("b.yaml", second)]) != key
    assert kept.key([("a.yaml", second)]) == key  # the same bytes under the same name
    assert kept_results.KeptResults("tool", ["--exclude-lines", "^b$"], root=tmp_path / "cache").key([("a.yaml", first)]) != key
    # where one file ends and the next begins is part of the key
    (tmp_path / "long").write_text("x: 1\ny")
    (tmp_path / "short").write_text("x: 1\n")
    (tmp_path / "y").write_text("y")
    (tmp_path / "none").write_text("")
    assert kept.key([("a", tmp_path / "long"), ("b", tmp_path / "none")]) != kept.key(
        [("a", tmp_path / "short"), ("b", tmp_path / "y")]
    )
    first.write_text("x: 2\n")
    assert kept.key([("a.yaml", first)]) != key
