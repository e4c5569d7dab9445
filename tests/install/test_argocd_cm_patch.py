"""install/argocd-cm-patch.yaml: the Application and ExternalSecret health checks, run as Argo CD runs them.

Argo CD evaluates a resource health script with gopher-lua (Lua 5.1): the live object is the
global `obj`, and the chunk returns a table with `status` and `message`. The same script runs
here in Lua 5.1 (lupa) over Applications in each state the root app's waves meet, and over
ExternalSecrets before and after External Secrets has reconciled a new spec.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from lupa import lua51

from manifests import REPO_ROOT

PATCH = REPO_ROOT / "install" / "argocd-cm-patch.yaml"
KEY = "resource.customizations.health.argoproj.io_Application"
EXTERNAL_SECRET_KEY = "resource.customizations.health.external-secrets.io_ExternalSecret"  # pragma: allowlist secret


def _script(key: str = KEY) -> str:
    return yaml.safe_load(PATCH.read_text())["data"][key]


# Argo CD opens only the base, package, table and (a safe) os library for a health check: no
# string library, and so no string methods either. The same here, or a script that calls one
# would pass these tests and fail in Argo CD on every object it checks.
ARGO_CD_SANDBOX = "debug.setmetatable('', nil); string, math, io, coroutine, debug = nil, nil, nil, nil, nil"


def verdict(app: dict[str, Any], script: str | None = None) -> tuple[str, str]:
    """(status, message) the health check gives `app`."""
    lua = lua51.LuaRuntime(unpack_returned_tuples=True)
    lua.execute(ARGO_CD_SANDBOX)
    lua.globals().obj = lua.table_from(app, recursive=True)
    result = lua.execute(script or _script())
    return result["status"], result["message"]


def application(sync: str | None, health: str | None, phase: str | None = None, root: bool = False) -> dict[str, Any]:
    labels = {"flask-platform.io/bootstrap": "true"} if root else {"app.kubernetes.io/managed-by": "cdk8s"}
    app: dict[str, Any] = {"metadata": {"name": "staging-backend", "labels": labels}}
    status: dict[str, Any] = {}
    if sync:
        status["sync"] = {"status": sync, "revision": "0123abcd"}
    if health:
        status["health"] = {"status": health, "message": f"resources are {health}"}
    if phase:
        status["operationState"] = {"phase": phase, "message": "sync operation"}
    if status:
        app["status"] = status
    return app


# What the root app's sync must see from a child at each point of its life: only a child that
# finished its sync, is Synced and whose resources are Healthy lets the next wave start, and
# a Degraded one stops the sync.
CHILD_STATES = [
    ("just created, no status", application(None, None), "Progressing"),
    ("synced and healthy", application("Synced", "Healthy", "Succeeded"), "Healthy"),
    ("its resources progressing", application("Synced", "Progressing"), "Progressing"),
    ("its resources degraded", application("Synced", "Degraded", "Succeeded"), "Degraded"),
    ("synced, its Deployment not yet available", application("Synced", "Progressing", "Succeeded"), "Progressing"),
    ("out of sync, resources healthy", application("OutOfSync", "Healthy", "Succeeded"), "Progressing"),
    ("its sync still running, resources healthy", application("Synced", "Healthy", "Running"), "Progressing"),
    ("a failed sync retrying", application("OutOfSync", "Healthy", "Running"), "Progressing"),
]


@pytest.mark.parametrize(("app", "want"), [(app, want) for _, app, want in CHILD_STATES], ids=[s[0] for s in CHILD_STATES])
def test_child_application_health(app: dict[str, Any], want: str) -> None:
    status, message = verdict(app)
    assert status == want, message
    assert message, "a verdict without a message leaves the operator guessing"


def test_the_root_app_is_not_held_by_its_own_sync() -> None:
    # The root app manages itself (wave -1): waiting for its own sync would wait forever.
    assert verdict(application("OutOfSync", "Healthy", "Running", root=True))[0] == "Healthy"
    assert verdict(application("Synced", "Degraded", "Succeeded", root=True))[0] == "Degraded"


def test_a_check_that_waits_only_for_the_sync_is_told_apart() -> None:
    # The weaker check the end-to-end tier must catch too (tests/e2e, the later-wave case).
    sync_only = """
      local hs = {status = "Progressing", message = "syncing"}
      if obj.status ~= nil and obj.status.sync ~= nil and obj.status.sync.status == "Synced" then
        hs.status = "Healthy"
        hs.message = "synced"
      end
      return hs
    """
    app = application("Synced", "Progressing", "Succeeded")
    assert verdict(app, sync_only)[0] == "Healthy"
    assert verdict(app)[0] == "Progressing"


def test_the_tests_run_without_the_string_library_as_argo_cd_does() -> None:
    uses_it = 'return {status = string.upper("healthy"), message = ("x"):rep(2)}'
    with pytest.raises(lua51.LuaError, match="global 'string'"):
        verdict({}, uses_it)


def test_the_patch_is_a_merge_patch_of_data_only() -> None:
    patch = yaml.safe_load(PATCH.read_text())
    assert set(patch) == {"data"} and set(patch["data"]) == {KEY, EXTERNAL_SECRET_KEY}


def external_secret(generation: int, ready: str | None, synced_generation: int | None) -> dict[str, Any]:
    es: dict[str, Any] = {"metadata": {"name": "flask-app-jwt", "namespace": "backend", "generation": generation}}
    if ready is not None:
        es["status"] = {"conditions": [{"type": "Ready", "status": ready, "reason": "r", "message": f"Ready is {ready}"}]}
        if synced_generation is not None:
            es["status"]["syncedResourceVersion"] = f"{synced_generation}-0a1b2c3d"
    return es


# What a sync wave holding an ExternalSecret must see: Healthy only once External Secrets has
# synced the spec the sync applied; the Ready=True written for the previous spec is not enough.
EXTERNAL_SECRET_STATES = [
    ("just created, no status", external_secret(1, None, None), "Progressing"),
    ("synced at its generation", external_secret(3, "True", 3), "Healthy"),
    ("a new spec, Ready still from the previous one", external_secret(4, "True", 3), "Progressing"),
    ("generation 1 against a synced 10", external_secret(1, "True", 10), "Progressing"),
    ("Ready without a synced version", external_secret(2, "True", None), "Progressing"),
    ("the new spec failed", external_secret(4, "False", 3), "Degraded"),
]


@pytest.mark.parametrize(
    ("es", "want"), [(es, want) for _, es, want in EXTERNAL_SECRET_STATES], ids=[s[0] for s in EXTERNAL_SECRET_STATES]
)
def test_external_secret_health(es: dict[str, Any], want: str) -> None:
    status, message = verdict(es, _script(EXTERNAL_SECRET_KEY))
    assert status == want, message
    assert message


def test_the_stock_external_secret_check_is_told_apart() -> None:
    # Argo CD's built-in check reads the Ready condition alone: Healthy on the stale one.
    stock = """
      local hs = {status = "Progressing", message = "Waiting for ExternalSecret"}
      if obj.status ~= nil and obj.status.conditions ~= nil then
        for _, condition in ipairs(obj.status.conditions) do
          if condition.type == "Ready" then
            hs.status = condition.status == "True" and "Healthy" or "Degraded"
            hs.message = condition.message
          end
        end
      end
      return hs
    """
    stale = external_secret(4, "True", 3)
    assert verdict(stale, stock)[0] == "Healthy"
    assert verdict(stale, _script(EXTERNAL_SECRET_KEY))[0] == "Progressing"
