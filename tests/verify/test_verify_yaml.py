"""Check 6: yamllint over dist/: no duplicate keys, one consistent style."""

from __future__ import annotations

from pathlib import Path

from tests.support.dist_fixtures import FixtureEnv, show
from verify import yaml_lint


def test_dist_lints_clean(env: Path) -> None:
    findings = yaml_lint.lint(env)
    assert not findings, show(findings)


# --- the check can fail ------------------------------------------------------------------


def test_baseline_passes(fixture_env: FixtureEnv) -> None:
    assert yaml_lint.lint(fixture_env.path) == []


def test_duplicate_key_is_found(fixture_env: FixtureEnv) -> None:
    file = fixture_env.path / "backend" / "flask-app.yaml"
    text = file.read_text(encoding="utf-8")
    # A second `replicas:` under the same mapping; a YAML loader keeps one silently.
    file.write_text(text.replace("  replicas: 1\n", "  replicas: 1\n  replicas: 3\n", 1), encoding="utf-8")
    findings = yaml_lint.lint(fixture_env.path)
    assert [(f.rule, f.obj.rsplit(":", 2)[0]) for f in findings] == [("key-duplicates", str(file))], show(findings)


def test_inconsistent_indentation_is_found(fixture_env: FixtureEnv) -> None:
    file = fixture_env.path / "backend" / "flask-app.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("  replicas: 1\n", "   replicas: 1\n", 1), encoding="utf-8")
    assert any(f.check == "yaml" for f in yaml_lint.lint(fixture_env.path))
