"""Today's rendered output, per environment, against each defect of the Helm setup (docs/defects.md).

test_seed_defects.py and test_seed_defects_verify.py show that each defect cannot be produced
or does not go unnoticed; these check that what the environments render now is the fixed
shape, so a regression shows up by defect number.
"""

from __future__ import annotations

import re

import pytest

from charts import names
from config.loader import REPO_ROOT, available_environments, load_environment
from synthesis.build import build_manifests
from tests.support.rendered import Apps, container, find, objects, routed_hosts

ENV_LABEL = "flask-platform.io/environment"


@pytest.fixture(scope="module", params=available_environments())
def rendered(request) -> Apps:
    return build_manifests(load_environment(request.param))


def test_1_gunicorn_port_probes_and_service_agree(rendered):
    api = container(find(rendered, "Deployment", names.FLASK_APP))
    port = api["ports"][0]["containerPort"]
    assert port == 5000
    assert f"--bind=0.0.0.0:{port}" in api["args"]
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert api[probe]["httpGet"]["port"] == port
    service = find(rendered, "Service", names.FLASK_APP)
    assert service["spec"]["ports"][0]["targetPort"] == port and service["spec"]["ports"][0]["port"] == 8000


def test_2_names_are_derived_from_the_rendered_objects(rendered):
    backend_service = find(rendered, "Service", names.FLASK_APP)
    nginx_conf = find(rendered, "ConfigMap", f"{names.NGINX}-files")["data"]["nginx.conf"]
    assert f"{backend_service['metadata']['name']}.backend.svc.cluster.local:8000" in nginx_conf
    settings = find(rendered, "ConfigMap", f"{names.FLASK_APP}-env")["data"]
    external = load_environment(find(rendered, "Deployment", names.FLASK_APP)["metadata"]["labels"][ENV_LABEL]).database.external
    if external is None:
        db_service = find(rendered, "Service", names.DATABASE)
        assert settings["DB_HOST"] == f"{db_service['metadata']['name']}.backend.svc.cluster.local"
        assert settings["DB_PORT"] == str(db_service["spec"]["ports"][0]["port"])
    else:  # a managed database: its endpoint, from database.external only
        assert (settings["DB_HOST"], settings["DB_PORT"]) == (external.host, str(external.port))
    url = find(rendered, "ExternalSecret", names.FLASK_SECRETS_SECRET)["spec"]["target"]["template"]["data"]["database-url"]
    assert f"@{settings['DB_HOST']}:{settings['DB_PORT']}/" in url
    assert not any("flask-backend" in str(o) for o in objects(rendered))


def test_3_every_secret_has_exactly_one_owner(rendered):
    assert objects(rendered, "Secret") == []
    targets = [e["spec"]["target"]["name"] for e in objects(rendered, "ExternalSecret")]
    assert len(targets) == len(set(targets))
    assert all(e["spec"]["target"]["creationPolicy"] == "Owner" for e in objects(rendered, "ExternalSecret"))


def test_4_every_configured_host_is_routed(rendered):
    env = load_environment(find(rendered, "Deployment", names.FLASK_APP)["metadata"]["labels"][ENV_LABEL])
    assert routed_hosts(rendered) == {env.backend.host: names.FLASK_APP, env.frontend.host: names.NGINX}


def test_5_nginx_runs_unprivileged_with_writable_dirs(rendered):
    c = container(find(rendered, "Deployment", names.NGINX))
    assert c["securityContext"]["runAsUser"] == 101
    assert c["ports"][0]["containerPort"] == 8080
    conf = find(rendered, "ConfigMap", f"{names.NGINX}-files")["data"]["nginx.conf"]
    assert re.search(r"listen\s+8080", conf) and not re.search(r"listen\s+80;", conf)
    assert "pid /tmp/nginx.pid" in conf
    assert {"/tmp", "/var/cache/nginx"} <= {m["mountPath"] for m in c["volumeMounts"]}


def test_6_no_pdb_blocks_a_drain(rendered):
    for pdb in objects(rendered, "PodDisruptionBudget"):
        assert pdb["spec"].get("maxUnavailable", 0) >= 1 and "minAvailable" not in pdb["spec"]


def test_7_network_peers_are_and_and_match_metadata_name(rendered):
    for policy in objects(rendered, "NetworkPolicy"):
        for rule in policy["spec"].get("ingress", []) + policy["spec"].get("egress", []):
            peers = rule.get("from", rule.get("to"))
            assert peers, f"{policy['metadata']['name']}: a rule without peers admits any source"
            for peer in peers:
                if "namespaceSelector" in peer:
                    assert list(peer["namespaceSelector"]["matchLabels"]) == ["kubernetes.io/metadata.name"]
                assert peer != {"podSelector": {}} and peer != {"namespaceSelector": {}}
            # pod ports only: never a Service port of this product
            for port in rule.get("ports", []):
                assert port["port"] not in (8000, 80), policy["metadata"]["name"]


def test_8_external_secrets_use_the_served_v1(rendered):
    for obj in objects(rendered):
        if obj["apiVersion"].startswith("external-secrets.io"):
            assert obj["apiVersion"] == "external-secrets.io/v1"


def test_9_seccomp_readonly_root_pinned_tags(rendered):
    for workload in objects(rendered, "Deployment") + objects(rendered, "StatefulSet"):
        pod = workload["spec"]["template"]["spec"]
        c = container(workload)
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        assert not c["image"].endswith(":latest") and ":" in c["image"].rsplit("/", 1)[-1]


def test_10_security_headers_survive_locations_with_own_headers(rendered):
    conf = find(rendered, "ConfigMap", f"{names.NGINX}-files")["data"]["nginx.conf"]
    blocks = re.findall(r"location[^{]*\{[^}]*\}", conf)
    with_headers = [b for b in blocks if "add_header" in b]
    assert with_headers
    for block in with_headers:
        for header in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"):
            assert header in block, f"{header} missing in {block[:60]}"


def test_9_no_key_material_in_dist_or_environments():
    for folder in ("dist", "environments"):
        for path in (REPO_ROOT / folder).rglob("*"):
            if path.is_file():
                assert "PRIVATE KEY" not in path.read_text(), path
