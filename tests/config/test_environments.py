"""Environment files: merge semantics, the seed values, the published schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from config.errors import ConfigError
from config.loader import ENVIRONMENTS_DIR, REPO_ROOT, available_environments, deep_merge, load_environment, read_yaml_mapping
from config.schema import SCHEMA_PATH, render_schema


def test_every_yaml_beside_base_is_an_environment(tmp_path: Path):
    for name in ("base.yaml", "staging.yaml", "qa.yaml", "_partial.yaml"):
        (tmp_path / name).write_text("a: 1\n")
    assert available_environments(tmp_path) == ["qa", "staging"]


def test_adding_an_environment_is_adding_a_file(tmp_path: Path):
    for path in ENVIRONMENTS_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "qa.yaml").write_text((ENVIRONMENTS_DIR / "staging.yaml").read_text().replace("branch: staging", "branch: qa"))
    env = load_environment("qa", tmp_path)
    assert env.name == "qa"
    assert env.gitops.branch == "qa"


def test_deep_merge_merges_mappings_and_replaces_lists():
    base = {"a": {"x": 1, "y": [1, 2]}, "b": 1}
    override = {"a": {"y": [3]}, "c": 2}
    assert deep_merge(base, override) == {"a": {"x": 1, "y": [3]}, "b": 1, "c": 2}
    assert base == {"a": {"x": 1, "y": [1, 2]}, "b": 1}  # inputs untouched


def test_a_file_read_again_is_its_current_text_and_a_copy_of_its_own(tmp_path: Path):
    """Parses are kept per text (config/loader.py): an edit is read, and a caller that changes
    what it got changes nothing another caller gets."""
    path = tmp_path / "settings.yaml"
    path.write_text("a:\n  b: [1]\n  c: !!set {x}\n")
    first = read_yaml_mapping(path)
    first["a"]["b"].append(2)
    first["a"]["c"].add("y")
    assert read_yaml_mapping(path) == {"a": {"b": [1], "c": {"x"}}}
    path.write_text("a:\n  b: [3]\n")
    assert read_yaml_mapping(path) == {"a": {"b": [3]}}
    path.write_text("a: 1\na: 2\n")
    for _ in range(2):  # a failed parse fails again
        with pytest.raises(ConfigError, match="duplicate key"):
            read_yaml_mapping(path)


def test_staging_seed_values():
    env = load_environment("staging")
    assert env.backend.image.tag == "stage-1"
    assert env.frontend.image.tag == "stage-1"
    assert env.database.name == "flask_staging"
    assert env.backend.host == "api-staging.example.internal"
    assert env.frontend.host == "frontend-staging.example.internal"
    assert env.backend.replicas == 1 and not env.backend.autoscaling.enabled
    assert env.backend.gunicorn_workers == 2
    assert (env.backend.resources.requests.cpu, env.backend.resources.requests.memory) == ("100m", "256Mi")
    assert env.backend.cors_origins == ["https://frontend-staging.example.internal"]
    assert env.cluster.ingress_class == "nginx"
    assert env.secrets.key_prefix == "staging/backend"
    assert env.gitops.branch == "staging"
    assert not env.tls.enabled


def test_prod_seed_values():
    env = load_environment("prod")
    assert env.backend.image.tag == "stable-1"
    assert env.database.name == "flask_prod"
    assert env.backend.host == "api.example.com"
    assert env.tls.enabled
    assert env.backend.autoscaling.enabled and env.backend.autoscaling.min_replicas >= 3
    assert env.secrets.key_prefix == "prod/backend"
    assert env.database.image.reference.endswith("mysql:8.0.35")


def test_committed_schema_is_in_sync_with_the_model():
    assert SCHEMA_PATH.read_text() == render_schema(), "run `make schema` and commit environments/environment.schema.json"


def test_every_environment_file_validates_against_the_schema_and_points_at_it():
    schema = json.loads(SCHEMA_PATH.read_text())
    for path in sorted(ENVIRONMENTS_DIR.glob("*.yaml")):
        assert path.read_text().startswith("# yaml-language-server: $schema=./environment.schema.json"), path
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)


def test_schema_rejects_a_typo_like_synth_does():
    schema = json.loads(SCHEMA_PATH.read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors({"backend": {"replica": 2}}))
    assert errors and "replica" in errors[0].message


@pytest.mark.parametrize("module", ["config.monitoring", "config.admission", "config.model"])
def test_each_config_module_imports_on_its_own(module: str) -> None:
    # The sub-models and config.model import each other; any of them may be imported first.
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
