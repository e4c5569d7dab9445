"""Check 1: every object validates strictly against its schema, in every supported minor."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubernetes_validate import utils as kv_utils
from packaging.version import Version

from manifests import CRDS, Manifest
from tests.support.dist_fixtures import ENVS, FixtureEnv, find, show
from verify import kept_results, schemas


def test_dist_has_environments() -> None:
    assert ENVS, "dist/ holds no environment directory: synthesize first (make synth)"


def test_pinned_crds_are_found() -> None:
    catalog = schemas.CrdCatalog.load(CRDS)
    assert ("external-secrets.io/v1", "ExternalSecret") in catalog.served
    assert ("argoproj.io/v1alpha1", "Application") in catalog.served


def test_minors_run_from_1_30_to_the_newest_shipped() -> None:
    newest = max((kv_utils.major_minor(v) for v in kv_utils.all_versions()), key=Version)
    minors = schemas.kubernetes_minors()
    assert minors[0] == "1.30"
    assert minors[-1] == newest
    assert len(minors) == Version(newest).minor - 30 + 1


def test_dist_validates(env: Path, env_manifests: list[Manifest]) -> None:
    report = schemas.check(env_manifests, CRDS)
    assert report.builtin and report.custom, "expected built-in objects and custom resources"
    assert not report.findings, show(report.findings)


# --- the check can fail ------------------------------------------------------------------


def _findings(fixture_env: FixtureEnv) -> list:
    return schemas.check(fixture_env.manifests(), CRDS).findings


def test_baseline_validates(fixture_env: FixtureEnv) -> None:
    assert not _findings(fixture_env)


def test_typo_field_in_builtin_object_fails_in_every_minor(fixture_env: FixtureEnv) -> None:
    def typo(docs: list[dict]) -> None:
        container = find(docs, "Deployment", "flask-app")["spec"]["template"]["spec"]["containers"][0]
        container["imagePullPolicyy"] = container.pop("imagePullPolicy")

    fixture_env.edit("backend/flask-app.yaml", typo)
    findings = _findings(fixture_env)
    assert {f.rule for f in findings} == {f"k8s-{m}" for m in schemas.kubernetes_minors()}
    assert all(f.obj == "Deployment backend/flask-app" and "imagePullPolicyy" in f.message for f in findings), show(findings)


def test_an_object_checked_before_is_judged_the_same_again(fixture_env: FixtureEnv) -> None:
    """Verdicts are kept per object and minor within a process: a broken object seen a second
    time is refused again, and the fixed object is judged afresh."""

    def typo(docs: list[dict]) -> None:
        container = find(docs, "Deployment", "flask-app")["spec"]["template"]["spec"]["containers"][0]
        container["imagePullPolicyy"] = container.pop("imagePullPolicy")

    fixture_env.edit("backend/flask-app.yaml", typo)
    first, again = _findings(fixture_env), _findings(fixture_env)
    assert first and again == first, show(again)

    def fix(docs: list[dict]) -> None:
        container = find(docs, "Deployment", "flask-app")["spec"]["template"]["spec"]["containers"][0]
        container["imagePullPolicy"] = container.pop("imagePullPolicyy")

    fixture_env.edit("backend/flask-app.yaml", fix)
    assert not _findings(fixture_env)


def _pull_policy_spelt(name: str):
    def edit(docs: list[dict]) -> None:
        container = find(docs, "Deployment", "flask-app")["spec"]["template"]["spec"]["containers"][0]
        container[name] = container.pop("imagePullPolicyy" if name == "imagePullPolicy" else "imagePullPolicy")

    return edit


def test_a_kept_verdict_is_what_the_check_gave_and_an_edited_object_is_judged_afresh(
    fixture_env: FixtureEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verdicts are kept on disk by the object's JSON (verify/kept_results.py): a later process
    gives the same findings without judging, and an edit is judged again."""
    monkeypatch.setattr(kept_results, "CACHE_ROOT", tmp_path / "cache")
    fixture_env.edit("backend/flask-app.yaml", _pull_policy_spelt("imagePullPolicyy"))
    first = _findings(fixture_env)
    assert first
    schemas._known_problem.cache_clear()  # as in a new process

    def judged(body: dict, minor: str) -> str | None:
        raise AssertionError(f"{body['kind']} judged again")

    monkeypatch.setattr(schemas, "_problem", judged)
    assert _findings(fixture_env) == first
    fixture_env.edit("backend/flask-app.yaml", _pull_policy_spelt("imagePullPolicy"))
    with pytest.raises(AssertionError, match="Deployment judged again"):
        _findings(fixture_env)


def test_typo_field_in_custom_resource_fails(fixture_env: FixtureEnv) -> None:
    def typo(docs: list[dict]) -> None:
        spec = find(docs, "ExternalSecret", "flask-app-db-credentials")["spec"]
        spec["refreshIntervall"] = spec.pop("refreshInterval")

    fixture_env.edit("backend/flask-app.yaml", typo)
    findings = _findings(fixture_env)
    assert [(f.rule, f.obj) for f in findings] == [("crd", "ExternalSecret backend/flask-app-db-credentials")], show(findings)
    assert "refreshIntervall" in findings[0].message


def test_typo_in_custom_resource_metadata_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit("platform/secret-store.yaml", lambda docs: docs[0]["metadata"].update(lables={"a": "b"}))
    findings = _findings(fixture_env)
    assert len(findings) == 1 and "lables" in findings[0].message, show(findings)


def test_unserved_crd_version_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: find(docs, "ExternalSecret", "flask-app-db-credentials").update(apiVersion="external-secrets.io/v1beta1"),
    )
    findings = _findings(fixture_env)
    assert len(findings) == 1 and "not served" in findings[0].message, show(findings)


def test_resource_without_any_schema_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.add("backend/unknown.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n")
    findings = _findings(fixture_env)
    assert findings and all(f.obj == "Widget w" for f in findings), show(findings)


def test_structural_schema_rules() -> None:
    schema = schemas.structural(
        {
            "type": "object",
            "properties": {
                "closed": {"type": "object", "properties": {"a": {"type": "string"}}},
                "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "map": {"type": "object", "additionalProperties": {"type": "string"}},
                "maybe": {"type": "string", "nullable": True},
            },
        }
    )
    assert schema["additionalProperties"] is False
    assert schema["properties"]["closed"]["additionalProperties"] is False
    assert "additionalProperties" not in schema["properties"]["open"]
    assert schema["properties"]["map"]["additionalProperties"] == {"type": "string"}
    assert schema["properties"]["maybe"]["type"] == ["string", "null"]
