"""The end-to-end tier's own logic, without a cluster: isolation, sync order, mounted keys, stages, identities, stand-ins."""

from __future__ import annotations

import base64
import contextlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import trustme
import yaml
from cryptography import x509

from cluster import pki
from cluster.server import _spawn
from config.loader import load_environment
from e2e import argocd_install, identities, metrics_api, notifications, stand_ins, tls_check, tls_issuer
from e2e.argocd_install import REPO_ROOT
from e2e.cluster import KWOK_METRICS, KWOK_STAGES, MIGRATION_FAILS_TAG, NEVER_READY_TAG
from e2e.localrepo import LocalRepo, git, overlay_settings
from e2e.netns import interfaces, only_loopback
from e2e.observe import Step, application_step, mounted_secret_keys, out_of_order
from tests.e2e import conftest as e2e_conftest

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
    assert mounted["flask-app-secrets"] == {"database-url", "secret-key", "previous-secret-key"}
    spec["containers"][0].setdefault("env", []).append(
        {"name": "X", "valueFrom": {"secretKeyRef": {"name": "other", "key": "url"}}}
    )
    assert mounted_secret_keys(spec)["other"] == {"url"}


def _stages() -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in yaml.safe_load_all(KWOK_STAGES.read_text())}


def test_kwok_stages_cover_the_lifecycles_the_scenarios_need() -> None:
    stages = _stages()
    assert set(stages) == {"node-ready", "node-heartbeat", "pod-ready", "pod-complete", "pod-not-ready", "pod-fail", "pod-delete"}
    assert stages["pod-delete"]["spec"]["next"]["delete"] is True
    # A heartbeat slower than the node lifecycle controller's 40 s grace period would taint the nodes.
    delay = stages["node-heartbeat"]["spec"]["delay"]
    assert delay["durationMilliseconds"] + delay["jitterDurationMilliseconds"] < 40_000


@pytest.mark.parametrize(
    ("healthy", "broken", "tag"),
    [("pod-ready", "pod-not-ready", NEVER_READY_TAG), ("pod-complete", "pod-fail", MIGRATION_FAILS_TAG)],
)
def test_a_broken_image_stage_replaces_its_healthy_stage_for_exactly_its_tag(healthy: str, broken: str, tag: str) -> None:
    """KWOK picks at random among stages that match together: the pair must split every pod between them."""
    stages = _stages()
    ok, bad = (stages[name]["spec"]["selector"]["matchExpressions"] for name in (healthy, broken))
    ok_rest, bad_rest = ([e for e in exprs if tag not in e["key"]] for exprs in (ok, bad))
    assert ok_rest == bad_rest, "the two stages must select the same pods apart from the image tag"
    (ok_tag,) = [e for e in ok if tag in e["key"]]
    (bad_tag,) = [e for e in bad if tag in e["key"]]
    assert ok_tag["key"] == bad_tag["key"] and f'endswith(":{tag}")' in ok_tag["key"]
    assert (ok_tag["operator"], bad_tag["operator"], ok_tag["values"], bad_tag["values"]) == ("NotIn", "In", ["true"], ["true"])


def test_broken_stages_do_what_their_failure_needs() -> None:
    stages = _stages()
    failed = stages["pod-fail"]["spec"]["next"]["statusTemplate"]
    # The Job controller counts a pod toward backoffLimit once it failed.
    assert "\nphase: Failed\n" in failed and "exitCode: 1" in failed
    not_ready = stages["pod-not-ready"]["spec"]["next"]["statusTemplate"]
    assert "\nphase: Running\n" in not_ready and "ready: true" not in not_ready
    assert '{{ range list "ContainersReady" "Ready" }}\n- type: {{ . }}\n  status: "False"' in not_ready


def test_overlay_points_at_the_clone_and_adds_a_case_s_settings(tmp_path: Path) -> None:
    url = f"file://{tmp_path}/flask-platform"
    refresh = {"secrets": {"refresh_interval": "10s"}}
    assert overlay_settings(url, {}) == {"gitops": {"repo_url": url}, **refresh}
    broken = overlay_settings(url, {"backend": {"image": {"tag": MIGRATION_FAILS_TAG}}, "gitops": {"branch": "x"}})
    assert broken == {"gitops": {"repo_url": url, "branch": "x"}, **refresh, "backend": {"image": {"tag": MIGRATION_FAILS_TAG}}}
    with pytest.raises(ValueError, match="owns gitops.repo_url"):
        overlay_settings(url, {"gitops": {"repo_url": "https://github.com/elsewhere.git"}})


def test_each_commit_and_revert_asks_argo_cd_to_refresh_its_applications(tmp_path: Path) -> None:
    """The tier's stand-in for a git host's webhook (LocalRepo.refresh_on_push)."""
    calls = tmp_path / "kubectl-calls"
    kubectl = tmp_path / "kubectl"
    kubectl.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    kubectl.chmod(0o755)
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "staging")
    repo = LocalRepo(path, "staging", tmp_path / "overlay.yaml")
    repo.refresh_on_push(str(kubectl), tmp_path / "kubeconfig", "argocd")
    (path / "a.yaml").write_text("a: 1\n")
    first = repo.commit_all("first")
    repo.revert(first)
    want = (
        f"--kubeconfig={tmp_path / 'kubeconfig'} -n argocd annotate applications.argoproj.io --all "
        "argocd.argoproj.io/refresh=normal --overwrite"
    )
    assert calls.read_text().splitlines() == [want, want]


def test_the_overlay_chooses_the_broken_tag_through_the_product_s_own_rendering(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(yaml.safe_dump(overlay_settings("file:///tmp/clone", {"backend": {"image": {"tag": NEVER_READY_TAG}}})))
    env = load_environment("staging", overlay=overlay)
    assert env.backend.image.tag == NEVER_READY_TAG and env.gitops.repo_url == "file:///tmp/clone"
    assert env.secrets.refresh_interval == "10s", "the tier's External Secrets refresh often (rotation case)"
    assert env.frontend.image.tag == load_environment("staging").frontend.image.tag


def test_kwok_serves_the_five_series_metrics_server_reads_and_nodes_say_where() -> None:
    docs = {doc["kind"]: doc for doc in yaml.safe_load_all(KWOK_METRICS.read_text())}
    metric = docs["Metric"]["spec"]
    # The series metrics-server v0.8 decodes from a kubelet's /metrics/resource.
    assert {m["name"] for m in metric["metrics"]} == {
        "node_cpu_usage_seconds_total",
        "node_memory_working_set_bytes",
        "container_cpu_usage_seconds_total",
        "container_memory_working_set_bytes",
        "container_start_time_seconds",
    }
    node = stand_ins.node("kwok-node-0", "eu-west-1a")
    annotated = node["metadata"]["annotations"][stand_ins.RESOURCE_METRICS_PATH_ANNOTATION]
    assert annotated == metric["path"].replace("{nodeName}", "kwok-node-0")
    usage = docs["ClusterResourceUsage"]["spec"]["usages"][0]["usage"]
    assert set(usage) == {"cpu", "memory"}
    template = _stages()["node-ready"]["spec"]["next"]["statusTemplate"]
    assert "daemonEndpoints:\n  kubeletEndpoint:\n    Port: {{ NodePort }}" in template


def _identities(tmp_path: Path) -> identities.Identities:
    return identities.issue(pki.generate(tmp_path), "argocd", ("external-secrets", "external-secrets"))


def test_controller_rbac_binds_the_install_subjects_and_never_the_admin_group(tmp_path: Path) -> None:
    ids = _identities(tmp_path)
    objects = identities.rbac_objects(ids)
    bindings = [o for o in objects if o["kind"].endswith("Binding")]
    subjects = {(b["metadata"]["name"], s["kind"], s.get("namespace", ""), s["name"]) for b in bindings for s in b["subjects"]}
    assert ("external-secrets-controller", "ServiceAccount", "external-secrets", "external-secrets") in subjects
    assert ("argocd-application-controller", "ServiceAccount", "argocd", "argocd-application-controller") in subjects
    assert ("system:metrics-server", "ServiceAccount", "kube-system", "metrics-server") in subjects
    # Argo CD's repo server gets no Kubernetes access, like its install; the kube-* users only
    # what the API server's bootstrap policy already grants them.
    bound = {s[3] for s in subjects}
    assert "argocd-repo-server" not in bound and not any(name.startswith("system:kube-") for name in bound)
    assert all(not o.get("roleRef", {}).get("name") == "cluster-admin" for o in bindings)
    for identity in (ids.kube_controller_manager, ids.kube_scheduler, ids.kwok, ids.external_secrets, ids.metrics_server):
        assert "system:masters" not in identity.groups
    assert ids.external_secrets.user == "system:serviceaccount:external-secrets:external-secrets"
    assert ids.kube_controller_manager.user == "system:kube-controller-manager"
    # Bindings only name roles the tier defines or the API server ships.
    defined = {(o["kind"], o["metadata"]["name"]) for o in objects if o["kind"] in ("ClusterRole", "Role")}
    shipped = {("ClusterRole", "system:auth-delegator"), ("Role", "extension-apiserver-authentication-reader")}
    assert {(b["roleRef"]["kind"], b["roleRef"]["name"]) for b in bindings} <= defined | shipped


def test_notifications_controller_gets_its_install_role_in_argocd_only(tmp_path: Path) -> None:
    """Like its install: a Role in Argo CD's namespace, never a ClusterRole, and only its own ConfigMap and Secret by name."""
    ids = _identities(tmp_path)
    assert ids.argocd_notifications_controller.user == "system:serviceaccount:argocd:argocd-notifications-controller"
    objects = identities.rbac_objects(ids)
    bound = [
        o
        for o in objects
        if o["kind"].endswith("Binding") and any(s["name"] == "argocd-notifications-controller" for s in o["subjects"])
    ]
    placed = [(b["kind"], b["metadata"].get("namespace"), b["roleRef"]["kind"]) for b in bound]
    assert placed == [("RoleBinding", "argocd", "Role")]
    role = next(o for o in objects if o["kind"] == "Role" and o["metadata"]["name"] == bound[0]["roleRef"]["name"])
    assert role["metadata"]["namespace"] == "argocd"
    rules = role["rules"]
    named_gets = {(r["resources"][0], tuple(r["resourceNames"])) for r in rules if "get" in r["verbs"] and "resourceNames" in r}
    assert named_gets == {("configmaps", ("argocd-notifications-cm",)), ("secrets", ("argocd-notifications-secret",))}
    apps = next(r for r in role["rules"] if "applications" in r["resources"])
    # It records what it sent in an annotation of each Application; it never creates or deletes one.
    assert {"patch", "update"} <= set(apps["verbs"]) and not {"create", "delete", "*"} & set(apps["verbs"])
    # Any other ConfigMap or Secret of the namespace: listed and watched, never read one by one.
    plain = [r for r in rules if set(r["resources"]) & {"configmaps", "secrets"} and "resourceNames" not in r]
    assert all("get" not in r["verbs"] for r in plain)


def test_reloader_may_roll_workloads_and_only_read_secrets(tmp_path: Path) -> None:
    """Like its chart: it reads Secrets and ConfigMaps and updates workloads' templates; it never writes a Secret."""
    ids = _identities(tmp_path)
    assert ids.reloader.user == "system:serviceaccount:reloader:reloader-reloader"
    verbs: dict[str, set[str]] = {}
    for rule in identities.RELOADER_RULES:
        for resource in rule["resources"]:
            verbs.setdefault(resource, set()).update(rule["verbs"])
    assert verbs["secrets"] == {"get", "list", "watch"}
    assert {"update", "patch"} <= verbs["deployments"] and "delete" not in verbs["deployments"]
    assert "*" not in {verb for granted in verbs.values() for verb in granted}
    bound = [
        o
        for o in identities.rbac_objects(ids)
        if o["kind"].endswith("Binding")
        and o["subjects"] == [{"kind": "ServiceAccount", "name": "reloader-reloader", "namespace": "reloader"}]
    ]
    assert [b["roleRef"]["name"] for b in bound] == ["reloader-reloader-role"]


def test_eso_rbac_allows_the_token_request_of_the_irsa_store() -> None:
    granted = [r for r in identities.ESO_RULES if "serviceaccounts/token" in r["resources"]]
    assert granted and granted[0]["verbs"] == ["create"]


def test_metrics_api_registration_verifies_the_serving_certificate(tmp_path: Path) -> None:
    issued = pki.generate(tmp_path)
    service, api_service = metrics_api.objects(8443, issued.ca_cert)
    assert service["spec"] == {"type": "ExternalName", "externalName": "localhost", "ports": [{"name": "https", "port": 8443}]}
    spec = api_service["spec"]
    assert "insecureSkipTLSVerify" not in spec and spec["service"]["port"] == 8443
    assert spec["caBundle"] == base64.b64encode(issued.ca_cert.read_bytes()).decode()
    assert f"{service['metadata']['name']}.{service['metadata']['namespace']}.svc" in metrics_api.SERVING_NAMES


def test_tls_issuer_issues_for_annotated_tls_entries_only() -> None:
    ingress = yaml.safe_load((REPO_ROOT / "dist" / "prod" / "backend" / "ingress_backend_flask-app.yaml").read_text())
    wanted = tls_issuer.wanted_secrets(ingress)
    assert wanted == [("flask-app-tls", ["api.example.com"], "letsencrypt-prod")]
    ca = trustme.CA()
    secret = tls_issuer.tls_secret(ca, "backend", *wanted[0])
    cert = x509.load_pem_x509_certificate(base64.b64decode(secret["data"]["tls.crt"]))
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["api.example.com"] and secret["type"] == "kubernetes.io/tls"
    # No issuer annotation (staging), or a TLS entry without a Secret: nothing to issue.
    del ingress["metadata"]["annotations"][tls_issuer.ISSUER_ANNOTATION]
    assert tls_issuer.wanted_secrets(ingress) == []
    staging = yaml.safe_load((REPO_ROOT / "dist" / "staging" / "backend" / "ingress_backend_flask-app.yaml").read_text())
    assert tls_issuer.wanted_secrets(staging) == []


def test_webhook_receiver_records_every_body_in_order_and_answers_200(tmp_path: Path) -> None:
    receiver = notifications.webhook_receiver(tmp_path)
    try:
        for body in ({"event": "health-degraded", "n": 1}, {"event": "deployed", "n": 2}):
            request = urllib.request.Request(receiver.address, data=json.dumps(body).encode(), method="POST")
            with urllib.request.urlopen(request, timeout=5) as resp:
                assert resp.status == 200
        assert notifications.messages(tmp_path) == [{"event": "health-degraded", "n": 1}, {"event": "deployed", "n": 2}]
        # A body Argo CD rendered wrong (not JSON) fails whoever reads the messages.
        urllib.request.urlopen(urllib.request.Request(receiver.address, data=b"[staging] not json", method="POST"), timeout=5)
        with pytest.raises(json.JSONDecodeError):
            notifications.messages(tmp_path)
    finally:
        receiver.stop()


def test_slack_stand_in_answers_post_message_as_slack_does_and_keeps_its_fields(tmp_path: Path) -> None:
    receiver = notifications.webhook_receiver(tmp_path)
    try:
        fields = {"token": notifications.SLACK_TOKEN, "channel": "platform-prod", "text": "[prod] x"}
        form = urllib.parse.urlencode(fields)
        url = notifications.slack_api_url(receiver) + "chat.postMessage"
        with urllib.request.urlopen(urllib.request.Request(url, data=form.encode(), method="POST"), timeout=5) as resp:
            answer = json.loads(resp.read())
        # Argo CD's Slack client reads `ok` (false is a failed send) and the channel it posted to.
        assert answer["ok"] is True and answer["channel"] == "platform-prod" and answer["ts"], answer
        assert notifications.slack_posts(tmp_path) == [
            {"token": notifications.SLACK_TOKEN, "channel": "platform-prod", "text": "[prod] x"}
        ]
        # A webhook reader is not handed Slack's form bodies.
        assert notifications.messages(tmp_path) == []
    finally:
        receiver.stop()


def test_the_tier_points_only_the_slack_service_s_api_url_at_the_stand_in() -> None:
    class Recorder:
        def __init__(self) -> None:
            self.patches: dict[str, dict] = {}

        def ensure(self, obj: dict) -> None:
            pass

        def merge_patch(self, path: str, patch: dict) -> None:
            self.patches[path.rsplit("/", 1)[-1]] = patch

    kube = Recorder()
    argocd_install.install(kube, "argocd", "file:///repo", {}, slack_api_url="http://127.0.0.1:1/slack/")
    product = yaml.safe_load(argocd_install.NOTIFICATIONS_CM_PATCH.read_text())["data"]
    installed = kube.patches[argocd_install.NOTIFICATIONS_CM]["data"]
    assert yaml.safe_load(installed["service.slack"]) == {
        **yaml.safe_load(product["service.slack"]),
        "apiURL": "http://127.0.0.1:1/slack/",
    }
    assert {k: v for k, v in installed.items() if k != "service.slack"} == {
        k: v for k, v in product.items() if k != "service.slack"
    }


def _prod_ingress() -> dict:
    return yaml.safe_load((REPO_ROOT / "dist" / "prod" / "backend" / "ingress_backend_flask-app.yaml").read_text())


def test_tls_coverage_comes_from_the_rules_and_reports_an_uncovered_host() -> None:
    ingress = _prod_ingress()
    served = tls_check.served_hosts([ingress])
    assert served == [tls_check.Served("api.example.com", "Ingress backend/flask-app", "backend", "flask-app-tls")]
    assert tls_check.uncovered(served) == []
    # A rule host the TLS entries do not name: reported, whatever the issuer was asked for.
    ingress["spec"]["rules"].append({"host": "admin.example.com", "http": ingress["spec"]["rules"][0]["http"]})
    assert tls_check.uncovered(tls_check.served_hosts([ingress])) == [
        "Ingress backend/flask-app: host admin.example.com is covered by no TLS entry"
    ]
    # A wildcard entry covers one label, not two.
    ingress["spec"]["tls"][0]["hosts"] = ["*.example.com"]
    ingress["spec"]["rules"].append({"host": "a.b.example.com"})
    assert [s.host for s in tls_check.served_hosts([ingress]) if s.secret is None] == ["a.b.example.com"]
    # An HTTPRoute's TLS is on a Gateway that dist/ does not hold: its hosts cannot be shown covered.
    meta = {"name": "flask-app", "namespace": "backend"}
    route = {"kind": "HTTPRoute", "metadata": meta, "spec": {"hostnames": ["api.example.com"]}}
    assert tls_check.uncovered(tls_check.served_hosts([route])) == [
        "HTTPRoute backend/flask-app: host api.example.com is covered by no TLS entry"
    ]


def test_handshake_accepts_only_the_host_the_ca_and_the_key_of_the_certificate() -> None:
    ca, other_ca = trustme.CA(), trustme.CA()
    secret = tls_issuer.tls_secret(ca, "backend", "flask-app-tls", ["api.example.com"], "letsencrypt-prod")
    chain, key = (base64.b64decode(secret["data"][k]) for k in ("tls.crt", "tls.key"))
    ca_pem = ca.cert_pem.bytes()
    assert tls_check.handshake_problem(chain, key, ca_pem, "api.example.com") is None
    assert "Hostname mismatch" in (tls_check.handshake_problem(chain, key, ca_pem, "www.example.com") or "")
    assert "local issuer" in (tls_check.handshake_problem(chain, key, other_ca.cert_pem.bytes(), "api.example.com") or "")
    foreign_key = ca.issue_cert("api.example.com").private_key_pem.bytes()
    assert "do not load" in (tls_check.handshake_problem(chain, foreign_key, ca_pem, "api.example.com") or "")


class _FakeCluster:
    """What BackgroundDeploy touches of a cluster, with one real process started on its thread."""

    def __init__(self, tmp_path: Path) -> None:
        self.process = _spawn("sleeper", ["sleep", "120"], tmp_path / "sleeper.log")
        self.services: dict[str, object] = {}
        self.reloader_starts = 0

    def start_reloader(self) -> None:
        self.reloader_starts += 1
        self.services["reloader"] = object()

    def log_tails(self) -> str:
        return "== sleeper ==\nlast words"


def _fake_deploys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seen: list) -> None:
    @contextlib.contextmanager
    def fake_deploy_cluster(env_name: str, source: Path, ref: str, *, reloader: bool = True):
        assert reloader is False, "a cluster started beside another must leave Reloader out"
        cluster = _FakeCluster(tmp_path)
        seen.append(cluster)
        try:
            yield SimpleNamespace(name=env_name, cluster=cluster)
        finally:
            cluster.process.stop()

    monkeypatch.setattr(e2e_conftest, "deploy_cluster", fake_deploy_cluster)


def test_a_background_cluster_outlives_its_start_until_stopped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[_FakeCluster] = []
    _fake_deploys(monkeypatch, tmp_path, seen)
    launch = e2e_conftest.BackgroundDeploy()
    assert not launch.started
    launch.start("prod", tmp_path, "HEAD", lambda d: d)
    with pytest.raises(RuntimeError, match="already started"):
        launch.start("prod", tmp_path, "HEAD", lambda d: d)
    deployed = launch.take()
    # The kernel kills a child when the thread that started it ends: the thread must still be there.
    time.sleep(0.5)
    assert deployed.cluster.process.alive(), "the background cluster died with the end of its start"
    assert deployed.cluster.reloader_starts == 1
    assert launch.take() is deployed and deployed.cluster.reloader_starts == 1
    launch.stop()
    assert not seen[0].process.alive()


def test_a_failed_background_bootstrap_is_raised_by_take_with_the_logs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[_FakeCluster] = []
    _fake_deploys(monkeypatch, tmp_path, seen)

    def failing_bootstrap(d):
        raise AssertionError("backend never became Healthy")

    launch = e2e_conftest.BackgroundDeploy()
    launch.start("prod", tmp_path, "HEAD", failing_bootstrap)
    with pytest.raises(RuntimeError, match="(?s)backend never became Healthy.*last words"):
        launch.take()
    assert seen[0].reloader_starts == 0
    assert not seen[0].process.alive(), "a failed cluster is stopped at once"
    launch.stop()


def test_kill_stops_a_process_that_would_drain_first(tmp_path: Path) -> None:
    """What the tier's cluster does to its API server at the end (ControlPlanes.close(graceful=False))."""
    ready = tmp_path / "ready"
    script = f"trap 'sleep 30' TERM; touch {ready}; while :; do sleep 0.1; done"
    process = _spawn("drainer", ["bash", "-c", script], tmp_path / "drainer.log")
    deadline = time.monotonic() + 10
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.terminate()
    time.sleep(0.5)
    assert process.alive(), "the stand-in should still be draining after SIGTERM"
    process.kill()
    # Not Process.wait: on a timeout it kills the process itself.
    process.popen.wait(timeout=5)
