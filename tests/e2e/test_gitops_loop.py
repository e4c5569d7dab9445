"""The GitOps loop, end to end: real Argo CD and External Secrets deploy dist/staging from its branch.

Bootstrap exactly as docs/operations.md says (tests/support/e2e_scenario.py), then every assertion is
on live objects. The day-two cases change the environment branch through git and run in file
order, each starting from the state the previous one left; the last ones are failure paths (a
release whose migration fails, a wave held by an Application that never turns Healthy), whose
steps live in tests/support/e2e_day_two.py. The release path (`ops promote` refused while
Degraded and within the soak, then accepted; `ops release`, then `ops rollback`) lives in
tests/support/e2e_release.py; the accepted promotion's prod branch is what test_prod_deploy.py deploys.
A rotation of the store's keys rolls the API through External Secrets and Reloader
(tests/support/e2e_rotation.py).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator

import pytest
import yaml

from e2e import notifications
from e2e.kube import condition, wait_for
from e2e.localrepo import git
from e2e.observe import secret_value
from tests.e2e.conftest import ENV, BackgroundDeploy, Deployed, PromotedProd, start_prod_from
from tests.support import e2e_day_two as day2
from tests.support import e2e_release as release
from tests.support import e2e_rotation as rotation
from tests.support import e2e_scenario as sc

DAY_TWO_TIMEOUT_S = sc.DAY_TWO_TIMEOUT_S


@contextlib.contextmanager
def _reverted_afterwards(d: Deployed, commit: str, what: str) -> Iterator[None]:
    """Revert `commit` when the case is done, passed or not, so the next case starts from a settled branch."""
    try:
        yield
    except BaseException:
        restored = d.repo.revert(commit)
        day2.terminate_retries_of(d, commit)
        with contextlib.suppress(AssertionError, TimeoutError):
            sc.wait_settled(d, what, revision=restored)
        raise
    restored = d.repo.revert(commit)
    day2.terminate_retries_of(d, commit)
    sc.wait_settled(d, what, revision=restored)


# -- bootstrap ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bootstrapped(deployed: Deployed) -> Deployed:
    return sc.bootstrap(deployed)


def test_every_application_synced_and_healthy(bootstrapped: Deployed) -> None:
    sc.check_every_application_synced_and_healthy(bootstrapped)


def test_workloads_available_on_kwok_nodes(bootstrapped: Deployed) -> None:
    sc.check_workloads_available_on_kwok_nodes(bootstrapped)


def test_external_secrets_ready_and_secrets_hold_exactly_the_mounted_keys(bootstrapped: Deployed) -> None:
    sc.check_external_secrets_ready_with_exactly_the_mounted_keys(bootstrapped)


def test_database_url_is_templated_from_the_rendered_database_service(bootstrapped: Deployed) -> None:
    d = bootstrapped
    db = d.env.database
    service = next(s for s in sc.dist_objects(d, "backend", "Service") if s["metadata"]["name"] == "flask-app-db")
    port = service["spec"]["ports"][0]["port"]
    secret = d.kube.get_object("/api/v1/namespaces/backend/secrets/flask-app-secrets")
    url = secret_value(secret, "database-url")
    host = f"{service['metadata']['name']}.{service['metadata']['namespace']}.svc.cluster.local:{port}"
    prefix = f"mysql+pymysql://{db.user}:"
    assert url.startswith(prefix) and f"@{host}/{db.name}?" in url, "database-url does not name the rendered DB Service"
    password = secret_value(d.kube.get_object("/api/v1/namespaces/backend/secrets/flask-app-db-credentials"), "password")
    from urllib.parse import quote

    assert url[len(prefix) :].split("@", 1)[0] == quote(password, safe=""), "database-url does not carry the database password"


def test_app_of_apps_waits_wave_by_wave(bootstrapped: Deployed) -> None:
    sc.check_app_of_apps_waits_wave_by_wave(bootstrapped)


def test_store_then_external_secrets_then_workloads(bootstrapped: Deployed) -> None:
    sc.check_store_then_external_secrets_then_workloads(bootstrapped)


def test_ops_validate_passes(bootstrapped: Deployed) -> None:
    sc.check_ops_validate_passes(bootstrapped)


# -- day two: every change goes through git on the environment branch -----------------------


@pytest.fixture(scope="module")
def tag_commit(bootstrapped: Deployed) -> tuple[str, str]:
    """A release: backend.image.tag bumped in the environment file, re-rendered and committed."""
    d = bootstrapped
    before = sc.deployment(d, "backend", "flask-app")
    day2.set_backend_tag(d, "stage-2")
    commit = d.repo.commit_all("Release stage-2 of the API")
    return commit, day2.tag_of(before, "flask-app")


def test_new_image_tag_rolls_the_deployment(bootstrapped: Deployed, tag_commit: tuple[str, str]) -> None:
    d = bootstrapped
    commit, _old = tag_commit
    before = sc.deployment(d, "backend", "flask-app")
    sc.wait_settled(d, "the release synced", revision=commit)
    rolled = wait_for(
        "flask-app rolled out with stage-2",
        lambda: (obj := sc.deployment(d, "backend", "flask-app"))
        and day2.tag_of(obj, "flask-app") == "stage-2"
        and day2.rolled_out(obj)
        and obj,
        DAY_TWO_TIMEOUT_S,
    )
    assert int(rolled["metadata"]["generation"]) > int(before["metadata"]["generation"])
    pods = day2.pods_of(d, rolled)
    assert pods and all(day2.tag_of({"spec": {"template": p}}, "flask-app") == "stage-2" for p in pods)


def test_revert_commit_rolls_back(bootstrapped: Deployed, tag_commit: tuple[str, str]) -> None:
    d = bootstrapped
    commit, old = tag_commit
    revert = d.repo.revert(commit)
    sc.wait_settled(d, "the revert synced", revision=revert)
    wait_for(
        f"flask-app rolled back to {old}",
        lambda: (obj := sc.deployment(d, "backend", "flask-app"))
        and day2.tag_of(obj, "flask-app") == old
        and day2.rolled_out(obj),
        DAY_TWO_TIMEOUT_S,
    )


def test_object_removed_from_dist_is_pruned(bootstrapped: Deployed) -> None:
    d = bootstrapped
    victim = next(p for p in sorted(d.repo.dist(ENV).joinpath("frontend").glob("poddisruptionbudget_*.yaml")))
    rendered = yaml.safe_load(victim.read_text())
    path = f"/apis/policy/v1/namespaces/{rendered['metadata']['namespace']}/poddisruptionbudgets/{rendered['metadata']['name']}"
    assert d.kube.get_object(path) is not None
    victim.unlink()
    commit = d.repo.commit_all("Drop the frontend PodDisruptionBudget")
    with _reverted_afterwards(d, commit, "the PodDisruptionBudget restored"):
        sc.wait_settled(d, "the removal synced", revision=commit)
        wait_for("the PodDisruptionBudget pruned", lambda: d.kube.get_object(path) is None, DAY_TWO_TIMEOUT_S)
    assert d.kube.get_object(path) is not None


def test_manual_scale_is_reverted_by_self_heal(bootstrapped: Deployed) -> None:
    d = bootstrapped
    path = "/apis/apps/v1/namespaces/frontend/deployments/nginx-front"
    want = int(sc.deployment(d, "frontend", "nginx-front")["spec"]["replicas"])
    d.kube.merge_patch(path, {"spec": {"replicas": want + 2}}, subresource="scale")
    assert int(sc.deployment(d, "frontend", "nginx-front")["spec"]["replicas"]) == want + 2
    wait_for(
        "selfHeal restores the replica count",
        lambda: int(sc.deployment(d, "frontend", "nginx-front")["spec"]["replicas"]) == want,
        DAY_TWO_TIMEOUT_S,
    )


def test_manual_configmap_edit_is_reverted_by_self_heal(bootstrapped: Deployed) -> None:
    d = bootstrapped
    rendered = sc.dist_objects(d, "backend", "ConfigMap")[0]
    meta = rendered["metadata"]
    path = f"/api/v1/namespaces/{meta['namespace']}/configmaps/{meta['name']}"
    key = sorted(rendered["data"])[0]
    d.kube.merge_patch(path, {"data": {key: "edited by hand"}})
    wait_for(
        "selfHeal restores the ConfigMap",
        lambda: (d.kube.get_object(path) or {}).get("data", {}).get(key) == rendered["data"][key],
        DAY_TWO_TIMEOUT_S,
    )


def test_kind_outside_the_app_project_is_refused(bootstrapped: Deployed) -> None:
    d = bootstrapped
    forbidden = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "e2e-not-in-the-project"},
        "rules": [],
    }
    d.repo.dist(ENV).joinpath("frontend", "clusterrole_e2e-not-in-the-project.yaml").write_text(yaml.safe_dump(forbidden))
    commit = d.repo.commit_all("A kind the AppProject does not allow")
    app = f"{ENV}-frontend"

    def refused():
        live = d.kube.get_object(f"/apis/argoproj.io/v1alpha1/namespaces/{sc.argocd_ns(d)}/applications/{app}") or {}
        status = live.get("status") or {}
        operation = status.get("operationState") or {}
        said = [operation.get("message", "")]
        said += [r.get("message", "") for r in (operation.get("syncResult") or {}).get("resources") or []]
        said += [c.get("message", "") for c in status.get("conditions") or []]
        # A refused sync has no result yet: the revision is the one the operation was asked to sync.
        asked = ((operation.get("operation") or {}).get("sync") or {}).get("revision")
        revision = asked or (operation.get("syncResult") or {}).get("revision") or (status.get("sync") or {}).get("revision")
        return revision == commit and any("not permitted in project" in text for text in said) and said

    with _reverted_afterwards(d, commit, "the refused kind removed"):
        state = wait_for("Argo CD refuses the ClusterRole", refused, DAY_TWO_TIMEOUT_S)
        assert d.kube.get_object("/apis/rbac.authorization.k8s.io/v1/clusterroles/e2e-not-in-the-project") is None, state


WRONG_KEY_SUBJECT = "An ExternalSecret with a wrong remote key, and a Deployment change in the later wave"


def test_wrong_remote_key_degrades_the_external_secret_and_spares_the_workloads(bootstrapped: Deployed) -> None:
    """One commit breaks an ExternalSecret (wave -1) and changes the Deployment (wave 0): the wave never comes."""
    d = bootstrapped
    es_file = d.repo.dist(ENV) / "backend" / "externalsecret_backend_flask-app-jwt.yaml"
    es = yaml.safe_load(es_file.read_text())
    for item in es["spec"]["data"]:
        item["remoteRef"]["key"] = f"{d.env.secrets.key_prefix}/does-not-exist"
    es_file.write_text(yaml.safe_dump(es, sort_keys=False))
    deployment_file = d.repo.dist(ENV) / "backend" / "deployment_backend_flask-app.yaml"
    deployment = yaml.safe_load(deployment_file.read_text())
    deployment["metadata"].setdefault("labels", {})["e2e.flask-platform.io/later-wave"] = "touched"
    deployment_file.write_text(yaml.safe_dump(deployment, sort_keys=False))
    before = sc.deployment(d, "backend", "flask-app")
    commit = d.repo.commit_all(WRONG_KEY_SUBJECT)
    es_path = "/apis/external-secrets.io/v1/namespaces/backend/externalsecrets/flask-app-jwt"

    def degraded():
        state = sc.apps(d)[f"{ENV}-backend"]
        live = d.kube.get_object(es_path)
        broken = condition(live, "Ready").get("status") == "False"
        return sc.deploys(d, state, commit) and state.health == "Degraded" and broken and state

    with _reverted_afterwards(d, commit, "the broken ExternalSecret reverted"):
        wait_for("the backend Application Degraded by its ExternalSecret", degraded, DAY_TWO_TIMEOUT_S)
        release.check_promotion_refused_while_degraded(d)
        # Long enough for a sync that did not stop at the broken wave to have reached the next one.
        time.sleep(20)
        after = sc.deployment(d, "backend", "flask-app")
        assert "e2e.flask-platform.io/later-wave" not in (after["metadata"].get("labels") or {})
        assert after["metadata"]["generation"] == before["metadata"]["generation"]
        assert day2.rolled_out(after), "the running pods were disturbed"


def test_promotion_waits_out_the_soak_then_ships_what_staging_runs(
    bootstrapped: Deployed, promoted_prod: PromotedProd, prod_in_background: BackgroundDeploy
) -> None:
    """After the wrong-remote-key case's fix: refused within the (tier's short) soak, then accepted.
    prod's cluster then starts from the branch it pushed, while staging's remaining cases run."""
    release.check_promotion_waits_out_the_soak_then_ships_what_staging_runs(bootstrapped, promoted_prod)
    start_prod_from(promoted_prod, prod_in_background, sc.bootstrap)


# -- notifications: what gitops.notifications subscribes people to, sent by Argo CD's controller --


def _commit_titled(d: Deployed, subject: str) -> str:
    """The newest commit of the branch whose subject is exactly `subject`."""
    for line in git(d.repo.path, "log", "--format=%H %s").splitlines():
        sha, _, title = line.partition(" ")
        if title == subject:
            return sha
    raise AssertionError(f"no commit {subject!r} on the branch: the wrong-remote-key case runs first (file order)")


def _told(d: Deployed, app: str, event: str, revision: str) -> list[dict]:
    return notifications.told(d.cluster.root, app, event, revision)


def test_wrong_remote_key_case_notifies_degraded_once_then_the_fix_deployed(bootstrapped: Deployed) -> None:
    """The webhook of gitops.notifications heard, from the real notifications controller, exactly once
    that the backend turned Degraded at the broken commit (naming the ExternalSecret), then that the
    revert was deployed."""
    d = bootstrapped
    app = f"{ENV}-backend"
    broken = _commit_titled(d, WRONG_KEY_SUBJECT)
    fix = _commit_titled(d, f'Revert "{WRONG_KEY_SUBJECT}"')
    deployed = wait_for(
        "the webhook told that the revert was deployed", lambda: _told(d, app, "deployed", fix), notifications.NOTIFIED_TIMEOUT_S
    )
    degraded = _told(d, app, "health-degraded", broken)
    print(f"\nwebhook received (health-degraded): {json.dumps(degraded)}\nwebhook received (deployed): {json.dumps(deployed)}")
    assert len(degraded) == 1, f"want exactly one Degraded message for {app} at {broken}: {degraded}"
    told = degraded[0]
    assert (told["environment"], told["health"]) == (ENV, "Degraded"), told
    es = "flask-app-jwt"
    assert any("ExternalSecret" in obj and f"backend/{es}" in obj for obj in told["failing"]), told["failing"]
    assert told["text"].startswith(f"[{ENV}] {app} health Degraded at revision {broken[:12]}"), told["text"]
    assert es in told["text"], told["text"]
    # Once per revision: the fix is reported deployed once, Healthy, with nothing failing;
    # the broken commit was never reported deployed, nor the fix Degraded.
    assert len(deployed) == 1, deployed
    assert (deployed[0]["environment"], deployed[0]["health"], deployed[0]["failing"]) == (ENV, "Healthy", []), deployed
    assert not _told(d, app, "deployed", broken)
    assert not _told(d, app, "health-degraded", fix)


def test_single_flask_pod_is_evictable_under_its_pdb(bootstrapped: Deployed) -> None:
    d = bootstrapped
    pdb_path = "/apis/policy/v1/namespaces/backend/poddisruptionbudgets/flask-app"

    def disruptions_allowed() -> int:
        return int(((d.kube.get_object(pdb_path) or {}).get("status") or {}).get("disruptionsAllowed") or 0)

    wait_for("the disruption controller allows one disruption", lambda: disruptions_allowed() >= 1, 60)
    deployment = sc.deployment(d, "backend", "flask-app")
    pods = day2.pods_of(d, deployment)
    assert len(pods) == 1, [p["metadata"]["name"] for p in pods]
    name = pods[0]["metadata"]["name"]
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name, "namespace": "backend"}}
    resp = d.kube.request("POST", f"/api/v1/namespaces/backend/pods/{name}/eviction", eviction)
    assert resp.status == 201, f"eviction refused: HTTP {resp.status}: {resp.message}"
    wait_for(
        "a replacement flask-app pod Ready",
        lambda: day2.rolled_out(sc.deployment(d, "backend", "flask-app"))
        and all(p["metadata"]["name"] != name for p in day2.pods_of(d, deployment)),
        DAY_TWO_TIMEOUT_S,
    )


def test_rotation_rolls_the_api_and_neither_the_frontend_nor_the_database(bootstrapped: Deployed) -> None:
    """Store -> External Secrets -> Reloader -> new API pods; Argo CD's reconciliations and a sync keep the roll."""
    timeline = rotation.check_rotation_rolls_the_api_and_nothing_else(bootstrapped)
    print(f"\n{ENV} {rotation.report(timeline)}")


def test_release_is_deployed_then_rolled_back(bootstrapped: Deployed) -> None:
    release.check_release_is_deployed_then_rolled_back(bootstrapped, tag="stage-4")


# -- failure paths: each starts from a settled environment and leaves one -------------------


def test_failed_migration_holds_the_release(bootstrapped: Deployed) -> None:
    day2.check_failed_migration_holds_the_release(bootstrapped, fixed_tag="stage-3")


def test_later_wave_waits_for_a_healthy_application(bootstrapped: Deployed) -> None:
    day2.check_later_wave_waits_for_a_healthy_application(bootstrapped)


# -- last: the harness itself held up through every case --------------------------------------


def test_kwok_kept_its_watches(bootstrapped: Deployed) -> None:
    sc.check_kwok_kept_its_watches(bootstrapped)
