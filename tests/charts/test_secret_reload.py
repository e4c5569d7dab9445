"""Which workloads a Secret change rolls (Reloader's annotation), and that Argo CD keeps the roll.

tests/e2e/test_gitops_loop.py proves the same with the real Reloader and Argo CD; these tests
pin what dist/ says, for every environment.
"""

from __future__ import annotations

import pytest

from charts import names
from constructs.secret_reload import (
    RELOAD_ANNOTATION,
    RELOADED_FROM_ANNOTATION,
    RELOADED_FROM_POINTER,
    RESPECT_IGNORE_DIFFERENCES,
    reload_annotations,
    reloaded_workloads,
)
from e2e.observe import mounted_secret_keys
from manifests import DIST, load_env

ENVS = sorted(p.name for p in DIST.iterdir() if p.is_dir())
LONG_RUNNING = {"Deployment", "StatefulSet", "DaemonSet"}
# Long-running workloads that read a Secret and are not rolled when it changes, and why.
NOT_ROLLED = {
    # mysqld reads the passwords only when it initialises an empty data directory; a rotation
    # changes them in the server (ALTER USER), so a restart would only interrupt the API.
    ("StatefulSet", names.DATABASE): "read only at initialisation",
}


def _documents(env: str) -> list[dict]:
    return [m.body for app in (names.PLATFORM_APP, names.BACKEND_APP, names.FRONTEND_APP) for m in load_env(DIST / env / app)]


def _application(env: str, app: str) -> dict:
    (found,) = [m.body for m in load_env(DIST / env / names.ARGOCD_APP) if m.kind == "Application" and m.name == f"{env}-{app}"]
    return found


@pytest.mark.parametrize("env", ENVS)
def test_a_long_running_workload_is_rolled_by_exactly_the_secrets_it_reads(env: str) -> None:
    checked = 0
    for doc in _documents(env):
        if doc["kind"] not in LONG_RUNNING:
            continue
        read = set(mounted_secret_keys(doc["spec"]["template"]["spec"]))
        named = (doc["metadata"].get("annotations") or {}).get(RELOAD_ANNOTATION)
        key = (doc["kind"], doc["metadata"]["name"])
        if key in NOT_ROLLED or not read:
            assert named is None, f"{key} is rolled by {named} but {NOT_ROLLED.get(key, 'reads no Secret')}"
            continue
        assert named is not None and set(named.split(",")) == read, f"{key} reads {sorted(read)}, rolled by {named}"
        checked += 1
    assert checked >= 1, "no workload is rolled by a Secret change"


@pytest.mark.parametrize("env", ENVS)
def test_the_api_is_rolled_by_its_key_its_jwt_keys_and_its_database_url(env: str) -> None:
    (api,) = [d for d in _documents(env) if d["kind"] == "Deployment" and d["metadata"]["name"] == names.FLASK_APP]
    # A roll keeps every ready pod until its replacement is ready (docs/operations.md).
    assert api["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert api["metadata"]["annotations"][RELOAD_ANNOTATION] == ",".join(
        sorted([names.FLASK_SECRETS_SECRET, names.JWT_KEYS_SECRET])
    )


@pytest.mark.parametrize("env", ENVS)
def test_applications_ignore_the_roll_of_exactly_their_reloaded_workloads(env: str) -> None:
    for app in (names.PLATFORM_APP, names.BACKEND_APP, names.FRONTEND_APP):
        rolled = reloaded_workloads(m.body for m in load_env(DIST / env / app))
        spec = _application(env, app)["spec"]
        ignored = spec.get("ignoreDifferences", [])
        assert [(i["group"], i["kind"], i["namespace"], i["name"]) for i in ignored] == rolled, app
        assert all(i["jsonPointers"] == [RELOADED_FROM_POINTER] for i in ignored), app
        # A sync keeps the live annotation only when told to respect ignoreDifferences.
        respected = RESPECT_IGNORE_DIFFERENCES in spec["syncPolicy"]["syncOptions"]
        assert respected == bool(rolled), app
    assert reloaded_workloads(m.body for m in load_env(DIST / env / names.BACKEND_APP)), "the backend rolls nothing"


def test_the_ignored_pointer_is_the_annotation_reloader_writes_on_the_pod_template() -> None:
    segments = [s.replace("~1", "/").replace("~0", "~") for s in RELOADED_FROM_POINTER.split("/")[1:]]
    assert segments == ["spec", "template", "metadata", "annotations", RELOADED_FROM_ANNOTATION]


def test_a_secret_named_twice_for_a_reload_is_refused() -> None:
    assert reload_annotations([]) == {}
    assert reload_annotations(["b", "a"]) == {RELOAD_ANNOTATION: "a,b"}
    with pytest.raises(ValueError, match="named twice"):
        reload_annotations(["a", "a"])


def test_only_annotated_workloads_of_the_rolled_kinds_are_found() -> None:
    def workload(kind: str, name: str, annotations: dict | None = None) -> dict:
        meta = {"name": name, "namespace": "ns", "annotations": annotations or {}}
        return {"apiVersion": "apps/v1" if kind != "CronJob" else "batch/v1", "kind": kind, "metadata": meta}

    docs = [
        workload("Deployment", "b", {RELOAD_ANNOTATION: "s"}),
        workload("Deployment", "plain"),
        workload("StatefulSet", "a", {RELOAD_ANNOTATION: "s,t"}),
        workload("CronJob", "job", {RELOAD_ANNOTATION: "s"}),
        workload("Deployment", "empty", {RELOAD_ANNOTATION: ""}),
    ]
    assert reloaded_workloads(docs) == [("apps", "Deployment", "ns", "b"), ("apps", "StatefulSet", "ns", "a")]
