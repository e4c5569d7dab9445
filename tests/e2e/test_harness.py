"""The end-to-end tier's own logic, without a cluster: isolation check, sync order, mounted keys, stages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from e2e.argocd_install import ARGOCD_CM_PATCH, REPO_ROOT
from e2e.cluster import KWOK_STAGES
from e2e.netns import interfaces, only_loopback
from e2e.observe import Step, application_step, mounted_secret_keys, out_of_order

HEADER = "Inter-|   Receive\n face |bytes    packets\n"


def _net_dev(tmp_path: Path, names: list[str]) -> Path:
    path = tmp_path / "dev"
    path.write_text(HEADER + "".join(f"  {n}: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n" for n in names))
    return path


def test_only_loopback_refuses_a_namespace_with_a_real_interface(tmp_path: Path) -> None:
    assert interfaces(_net_dev(tmp_path, ["lo", "eth0"])) == {"lo", "eth0"}
    assert not only_loopback(_net_dev(tmp_path, ["lo", "eth0"]))
    assert only_loopback(_net_dev(tmp_path, ["lo"]))
    assert not only_loopback(tmp_path / "missing")


T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _step(what: str, start: int, done: int) -> Step:
    return Step(what, T0 + timedelta(seconds=start), T0 + timedelta(seconds=done))


def test_out_of_order_names_a_step_that_did_not_wait() -> None:
    assert out_of_order([_step("platform", 0, 5), _step("backend", 5, 9), _step("frontend", 12, 14)]) == []
    problems = out_of_order([_step("platform", 0, 5), _step("backend", 1, 9), _step("frontend", 12, 14)])
    assert len(problems) == 1 and problems[0].startswith("backend started")


def test_application_step_spans_creation_to_its_sync_finishing() -> None:
    app = {
        "metadata": {"name": "staging-backend", "creationTimestamp": "2026-01-01T00:00:03Z"},
        "status": {
            # The latest sync is not the first one; the first one is what the next wave waited for.
            "operationState": {"finishedAt": "2026-01-01T00:05:00Z"},
            "history": [{"id": 2, "deployedAt": "2026-01-01T00:04:59Z"}, {"id": 1, "deployedAt": "2026-01-01T00:00:09Z"}],
        },
    }
    step = application_step(app)
    assert (step.started - T0).seconds == 3 and (step.done - T0).seconds == 9
    del app["status"]["history"]
    with pytest.raises(ValueError, match="never synced"):
        application_step(app)


def test_mounted_secret_keys_reads_volume_items_and_env_refs() -> None:
    deployment = yaml.safe_load((REPO_ROOT / "dist" / "staging" / "backend" / "deployment_backend_flask-app.yaml").read_text())
    spec = deployment["spec"]["template"]["spec"]
    mounted = mounted_secret_keys(spec)
    assert mounted["flask-app-secrets"] == {"database-url", "secret-key"}
    spec["containers"][0].setdefault("env", []).append(
        {"name": "X", "valueFrom": {"secretKeyRef": {"name": "other", "key": "url"}}}
    )
    assert mounted_secret_keys(spec)["other"] == {"url"}


def test_kwok_stages_cover_the_lifecycles_the_scenarios_need() -> None:
    stages = {doc["metadata"]["name"]: doc for doc in yaml.safe_load_all(KWOK_STAGES.read_text())}
    assert set(stages) == {"node-ready", "node-heartbeat", "pod-ready", "pod-complete", "pod-delete"}
    assert stages["pod-delete"]["spec"]["next"]["delete"] is True
    # A heartbeat slower than the node lifecycle controller's 40 s grace period would taint the nodes.
    delay = stages["node-heartbeat"]["spec"]["delay"]
    assert delay["durationMilliseconds"] + delay["jitterDurationMilliseconds"] < 40_000


def test_shipped_argocd_cm_patch_makes_application_health_follow_its_status() -> None:
    patch = yaml.safe_load(ARGOCD_CM_PATCH.read_text())
    lua = patch["data"]["resource.customizations.health.argoproj.io_Application"]
    assert "obj.status.health.status" in lua and "Progressing" in lua
    assert set(patch) == {"data"}, "a merge patch of argocd-cm carries data only"
