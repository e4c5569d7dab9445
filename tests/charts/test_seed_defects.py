"""The Helm setup's defects (docs/defects.md), each tried through the product's public API.

For every defect N, tests `test_N_...` build the broken variant through the config or a
construct and assert the exact refusal: the one line a synth prints for an environment
overlay, or the error a construct, the nginx settings or synthesis raise. Where the product
has no way to express the defect, they build the nearest thing a user could write (the key
in an environment file, a construct given a conflicting value, the port or name moved at its
single source) and show what stops it or that everything follows. test_seed_defects_verify.py
plants each defect into a copy of dist/ for the verification suite to find;
test_seed_defects_output.py checks today's rendered output.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from cdk8s import App

import main
from charts import names
from charts.flask_backend import FlaskBackend
from charts.nginx_settings import NginxSiteSettings
from config.loader import REPO_ROOT, load_environment
from config.model import Autoscaling, Backend
from constructs.disruption_budget import DisruptionBudget
from constructs.external_secret_binding import ExternalSecretBinding, RemoteValue
from constructs.microsegmented_service import MicrosegmentedService
from constructs.pod_parts import BaselineError, ContainerPort, HttpCheck, Probes, Relaxation, RunAs
from constructs.secure_deployment import DeploymentProps, SecureDeployment
from synthesis.build import build_manifests
from synthesis.layout import LayoutError
from synthesis.pipeline import render_files
from tests.support.rendered import Apps, container, find, objects, routed_hosts
from tests.support.synth import small_resources, synth

# --- how a broken variant is built and refused ---------------------------------------------


def nested(field: str, value: Any) -> dict[str, Any]:
    """{'a': {'b': value}} for 'a.b': an environment overlay setting one field."""
    for key in reversed(field.split(".")):
        value = {key: value}
    return value


def synth_error(tmp_path: Path, capsys, overlay: dict[str, Any]) -> str:
    """`python main.py staging --overlay FILE`: the one line it prints for a refused overlay."""
    file = tmp_path / "overlay.yaml"
    file.write_text(yaml.safe_dump(overlay), encoding="utf-8")
    code = main.main(["staging", "--overlay", str(file), "--dist", str(tmp_path / "dist")])
    err = capsys.readouterr().err
    assert code == 2, f"expected a refusal, the synth exited {code}: {err}"
    assert not (tmp_path / "dist").exists()
    (line,) = err.splitlines()
    return line.replace(str(file), "overlay.yaml")


def assert_unknown_key(tmp_path: Path, capsys, field: str, value: Any) -> None:
    """The product has no such setting: an environment file that sets it stops the synth."""
    assert synth_error(tmp_path, capsys, nested(field, value)) == f"error: overlay.yaml: {field}: unknown key"


def with_overlay(tmp_path: Path, overlay: dict[str, Any]) -> Apps:
    file = tmp_path / "overlay.yaml"
    file.write_text(yaml.safe_dump(overlay), encoding="utf-8")
    return build_manifests(load_environment("staging", overlay=file))


def demo(chart, **overrides) -> SecureDeployment:
    """A workload built with SecureDeployment as a chart builds one, with one declared port (5000, named http)."""
    health = HttpCheck(path="/health", port="http")
    props: dict[str, Any] = dict(
        name="demo",
        component="api",
        image="registry.example.internal/demo:1.0.0",
        version="1.0.0",
        ports=[ContainerPort(name="http", number=5000)],
        probes=Probes(readiness=health, liveness=health, startup=health),
        resources=small_resources(),
        run_as=RunAs(uid=1000, gid=1000),
    )
    return SecureDeployment(chart, "Demo", DeploymentProps(**{**props, **overrides}))


# --- 1: container port 8000, gunicorn on 5000 -----------------------------------------------


def test_1_an_environment_file_cannot_set_a_container_port(tmp_path, capsys):
    assert_unknown_key(tmp_path, capsys, "backend.container_port", 8000)


def test_1_probes_and_services_can_only_name_a_declared_port():
    # The Helm chart's probes and Service named port 8000; here they can only name a declared port.
    legacy = HttpCheck(path="/health", port="legacy")
    undeclared = r"points at port 'legacy', which the container does not declare \(http\)$"
    with pytest.raises(BaselineError, match=rf"^readiness probe {undeclared}"):
        synth(lambda chart: demo(chart, probes=Probes(readiness=legacy, liveness=legacy, startup=legacy)))
    with pytest.raises(BaselineError, match=rf"^a reference to demo {undeclared}"):
        synth(lambda chart: MicrosegmentedService(chart, "Svc", workload=demo(chart), port=8000, target_port="legacy"))


def test_1_moving_the_port_moves_bind_probes_service_and_policies(monkeypatch):
    monkeypatch.setattr(names, "FLASK_PORT", ContainerPort(name="http", number=8001))
    apps = build_manifests(load_environment("staging"))
    api = container(find(apps, "Deployment", names.FLASK_APP))
    assert [p["containerPort"] for p in api["ports"]] == [8001, names.FLASK_METRICS_PORT.number]
    assert "--bind=0.0.0.0:8001" in api["args"]
    assert {api[p]["httpGet"]["port"] for p in ("readinessProbe", "livenessProbe", "startupProbe")} == {8001}
    assert find(apps, "Service", names.FLASK_APP)["spec"]["ports"][0]["targetPort"] == 8001
    # Every policy that admits a peer to the API's pods or lets a peer reach them: the app port
    # moved with the object (the metrics port stayed).
    edges = [
        p for p in objects(apps, "NetworkPolicy") if re.fullmatch(r"flask-app-from-.*|.*-to-flask-app", p["metadata"]["name"])
    ]
    rules = [r for p in edges for r in p["spec"].get("ingress", []) + p["spec"].get("egress", [])]
    assert {port["port"] for r in rules for port in r["ports"]} == {8001, names.FLASK_METRICS_PORT.number}


# --- 2: nginx upstream, DB host and secret names typed twice ---------------------------------


@pytest.mark.parametrize(("field", "value"), [("frontend.upstream", "flask-app"), ("database.host", "flask-backend-db")])
def test_2_an_environment_file_cannot_name_the_upstream_or_the_database_host(tmp_path, capsys, field, value):
    assert_unknown_key(tmp_path, capsys, field, value)


def test_2_renamed_services_are_followed_everywhere(monkeypatch):
    monkeypatch.setattr(names, "FLASK_APP", "flask-backend-flask-app")
    monkeypatch.setattr(names, "DATABASE", "flask-backend-db")
    apps = build_manifests(load_environment("staging"))
    conf = find(apps, "ConfigMap", f"{names.NGINX}-files")["data"]["nginx.conf"]
    assert "server flask-backend-flask-app.backend.svc.cluster.local:8000;" in conf
    settings = find(apps, "ConfigMap", "flask-backend-flask-app-env")["data"]
    assert settings["DB_HOST"] == "flask-backend-db.backend.svc.cluster.local"
    url = find(apps, "ExternalSecret", names.FLASK_SECRETS_SECRET)["spec"]["target"]["template"]["data"]["database-url"]
    assert "@flask-backend-db.backend.svc.cluster.local:3306/" in url
    assert routed_hosts(apps)[load_environment("staging").backend.host] == "flask-backend-flask-app"


# --- 3: a Helm Secret and an ExternalSecret target of one name ------------------------------


def test_3_a_second_binding_of_one_secret_cannot_be_written():
    chart = FlaskBackend(App(), load_environment("staging"))
    ExternalSecretBinding(
        chart,
        "Helm",
        name=names.FLASK_SECRETS_SECRET,
        store_name="aws-secrets-manager",
        refresh_interval="1h",
        values={"secret-key": RemoteValue(key="staging/backend/helm", property="secret-key")},
    )
    with pytest.raises(LayoutError, match=r"^staging/backend/externalsecret_backend_flask-app-secrets\.yaml: two objects render"):
        render_files("staging", names.BACKEND_APP, chart.to_json())


# --- 4: a configured host without a route ---------------------------------------------------

EXPOSURES = get_args(Backend.model_fields["exposure"].annotation)
GATEWAY = {"name": "public", "namespace": "gateway-system"}


@pytest.mark.parametrize("exposure", EXPOSURES)
def test_4_every_exposure_routes_the_api_host_and_admits_its_proxy(tmp_path, exposure):
    gateway = {"gateway": GATEWAY} if exposure == "gateway" else {}
    apps = with_overlay(tmp_path, {"backend": {"exposure": exposure, **gateway}})
    assert routed_hosts(apps)[load_environment("staging").backend.host] == names.FLASK_APP
    proxy_namespace = GATEWAY["namespace"] if gateway else "ingress-nginx"
    policy = find(apps, "NetworkPolicy", f"{names.FLASK_APP}-from-{proxy_namespace}")["spec"]["ingress"][0]
    assert policy["from"] == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": proxy_namespace}}}]
    assert policy["ports"] == [{"port": names.FLASK_PORT.number, "protocol": "TCP"}]


@pytest.mark.parametrize(
    ("overlay", "line"),
    [
        ({"backend": {"exposure": "none"}}, "backend.exposure: must be one of 'ingress' or 'gateway' (got 'none')"),
        ({"backend": {"exposure": "gateway"}}, "backend: exposure is 'gateway' but no gateway is set"),
    ],
)
def test_4_an_api_host_without_a_route_is_refused(tmp_path, capsys, overlay, line):
    assert synth_error(tmp_path, capsys, overlay) == f"error: overlay.yaml: {line}"


# --- 5: nginx as UID 101 on port 80 with the stock image -------------------------------------

SITE: dict[str, Any] = dict(
    listen_port=8080,
    upstream_host="flask-app.backend.svc.cluster.local",
    upstream_port=8000,
    server_names=("frontend-staging.example.internal",),
    client_max_body_size="10m",
    content_security_policy="default-src 'self'",
)
PORT_80 = (
    r"^nginx settings: listen_port: must be 1024 or above \(nginx runs as a non-root user and cannot bind "
    r"privileged ports\), got 80$"
)


def test_5_nginx_settings_refuse_a_privileged_port():
    with pytest.raises(ValueError, match=PORT_80):
        NginxSiteSettings(**{**SITE, "listen_port": 80})


def test_5_the_frontend_chart_refuses_port_80(monkeypatch):
    monkeypatch.setattr(names, "NGINX_PORT", ContainerPort(name="http", number=80))
    with pytest.raises(ValueError, match=PORT_80):
        build_manifests(load_environment("staging"))


@pytest.mark.parametrize(("field", "value"), [("frontend.port", 80), ("frontend.run_as_user", 0)])
def test_5_an_environment_file_cannot_set_the_proxy_port_or_user(tmp_path, capsys, field, value):
    assert_unknown_key(tmp_path, capsys, field, value)


# --- 6: a PodDisruptionBudget with minAvailable 1 on one replica ----------------------------


def test_6_a_budget_that_blocks_a_drain_is_refused_by_the_workload():
    blocking = DisruptionBudget(max_unavailable=None, min_available=1)
    with pytest.raises(BaselineError, match=r"^demo: PodDisruptionBudget min_available=1 with 1 replica\(s\) would block every"):
        synth(lambda chart: demo(chart, disruption=blocking))
    # An autoscaled workload is judged by its fewest replicas.
    scaled = dict(disruption=DisruptionBudget(max_unavailable=None, min_available=2), autoscaling=Autoscaling(enabled=True))
    with pytest.raises(BaselineError, match=r"^demo: PodDisruptionBudget min_available=2 with 2 replica\(s\) would block every"):
        synth(lambda chart: demo(chart, **scaled))
    with pytest.raises(BaselineError, match=r"^max_unavailable below 1 blocks every voluntary eviction$"):
        DisruptionBudget(max_unavailable=0)


def test_6_an_environment_file_cannot_set_a_budget(tmp_path, capsys):
    assert_unknown_key(tmp_path, capsys, "backend.pod_disruption_budget", {"min_available": 1})


# --- 7: OR'ed peers, an "any source" rule, hand-set name= labels -----------------------------


def test_7_the_constructs_build_no_peer_that_admits_everything():
    def empty_pod_labels(chart):
        MicrosegmentedService(chart, "Svc", workload=demo(chart), port=8000, target_port="http").allow_from_namespace(
            "ingress-nginx", pod_labels={}
        )

    def no_address_range(chart):
        MicrosegmentedService(chart, "Svc", workload=demo(chart), port=8000, target_port="http").allow_egress_to_cidrs(
            "anywhere", [], [443]
        )

    with pytest.raises(BaselineError, match=r"^demo: allow_from_namespace with empty pod labels; omit them to mean"):
        synth(empty_pod_labels)
    with pytest.raises(BaselineError, match=r"^demo: egress to anywhere names no address range$"):
        synth(no_address_range)


# --- 8: ExternalSecrets on v1beta1, no longer served -----------------------------------------


def test_8_no_product_code_uses_the_v1beta1_bindings():
    # imports/ holds bindings for every version the pinned CRD declares, served or not.
    product = [
        REPO_ROOT / "main.py",
        *(p for f in ("charts", "constructs", "synthesis", "config", "ops") for p in (REPO_ROOT / f).rglob("*.py")),
    ]
    users = [
        str(p.relative_to(REPO_ROOT)) for p in product if re.search(r"SecretStoreV1Beta1|ExternalSecretV1Beta1", p.read_text())
    ]
    assert users == []


# --- 9: no seccomp, a writable root, mutable tags, committed key files ------------------------


def image_fields(node: Any, path: str = "") -> list[str]:
    """Dotted paths of every image (repository + tag) an environment sets."""
    if not isinstance(node, dict):
        return []
    here = [path] if {"repository", "tag"} <= set(node) else []
    return here + [p for key, value in node.items() for p in image_fields(value, f"{path}.{key}".lstrip("."))]


def test_9_no_image_of_an_environment_takes_a_moving_tag(tmp_path, capsys):
    fields = image_fields(load_environment("staging").model_dump())
    assert {"backend.image", "frontend.image", "database.image"} <= set(fields)
    for field in fields:
        for tag in ("latest", "LATEST"):
            line = synth_error(tmp_path, capsys, nested(f"{field}.tag", tag))
            assert (
                line
                == f"error: overlay.yaml: {field}.tag: must be a release tag, not the moving tag 'latest' (for example 1.4.2)"
            )


def test_9_root_and_a_writable_root_are_refused_by_the_baseline():
    with pytest.raises(BaselineError, match=r"^run_as uid/gid must be non-root \(got 0/0\)$"):
        RunAs(uid=0, gid=0)
    with pytest.raises(BaselineError, match=r"^relaxing read_only_root_filesystem needs a written reason \(got ''\)$"):
        Relaxation(item="read_only_root_filesystem", reason="")


# --- 10: an add_header in a location drops the server's security headers ----------------------

INJECTED = "default-src 'self'\"; add_header X-Debug \"1"
HEADER = r"must be printable ASCII without '\"', '\\' or '\$', got "
PATH = r"must be a path that starts and ends with '/' and names at least one segment"


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("content_security_policy", INJECTED, HEADER),
        ("permissions_policy", INJECTED, HEADER),
        ("strict_transport_security", INJECTED, HEADER),
        ("api_prefix", "/api/ { add_header X-Debug 1; }", PATH),
        ("immutable_asset_prefixes.0", ("/assets/;add_header X-Debug 1;/",), PATH),
        ("client_max_body_size", "1m; add_header X-Debug 1", r"must be a positive nginx size such as '10m'"),
    ],
)
def test_10_no_site_setting_can_inject_an_add_header(field, value, problem):
    with pytest.raises(ValueError, match=rf"^nginx settings: {re.escape(field)}: {problem}"):
        NginxSiteSettings(**{**SITE, field.split(".")[0]: value})


def test_10_an_environment_file_cannot_inject_an_add_header(tmp_path, capsys):
    line = synth_error(tmp_path, capsys, {"frontend": {"content_security_policy": INJECTED}})
    assert line.startswith(
        "error: overlay.yaml: frontend.content_security_policy: must be a header value: printable ASCII characters on one "
        "line, without double quotes, backslashes or dollar signs"
    )
