"""The Helm setup's defects (docs/defects.md), planted where the product cannot produce them.

Each test writes the Helm setup's object (or the closest object a chart author could add by
hand beside the product's constructs) into a copy of dist/staging or into the rendered
output, and runs the verification suite's own entry points over it (crossrefs, schemas,
connectivity through NCA, checkov, the secrets scan, gixy), asserting the finding that CI
would report. test_seed_defects.py shows the same defects refused by the config and the
constructs.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from cdk8s import ApiObjectMetadata, App
from cdk8s_plus_27 import k8s

from charts import names
from charts.flask_backend import FlaskBackend
from config.loader import load_environment
from imports.io.external_secrets import (
    ExternalSecretV1Beta1,
    ExternalSecretV1Beta1Spec,
    ExternalSecretV1Beta1SpecSecretStoreRef,
    ExternalSecretV1Beta1SpecSecretStoreRefKind,
    ExternalSecretV1Beta1SpecTarget,
)
from manifests import CRDS, DIST, Manifest, load_env, load_texts
from synthesis.build import build_manifests
from synthesis.pipeline import render_files
from tests.support.rendered import Apps, container
from tests.support.synth import synth
from tests.support.tools import require_tool
from verify import checkov_check, connectivity, crossrefs, nginx_gixy, schemas, secrets_scan


def manifests_of(apps: Apps, env: str = "staging") -> list[Manifest]:
    """What verify/ reads from dist/<env>, for objects that were never written there."""
    return load_texts({path: text for app, docs in apps.items() for path, text in render_files(env, app, docs).items()})


def planted(tmp_path: Path, edits: dict[str, Callable[[dict[str, Any]], None] | None]) -> Path:
    """A copy of dist/staging with one object per file changed by hand (None deletes the file)."""
    target = tmp_path / "staging"
    shutil.copytree(DIST / "staging", target)
    for relpath, change in edits.items():
        file = target / relpath
        if change is None:
            file.unlink()
            continue
        (doc,) = [d for d in yaml.safe_load_all(file.read_text(encoding="utf-8")) if d]
        change(doc)
        file.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return target


def found(findings) -> list[str]:
    return sorted(str(f) for f in findings)


# --- 1: container port 8000, gunicorn on 5000 -----------------------------------------------


def test_1_the_helm_port_mismatch_is_found_by_verify(tmp_path):
    def helm_port(doc):
        container(doc)["ports"][0]["containerPort"] = 8000

    findings = crossrefs.check(load_env(planted(tmp_path, {"backend/deployment_backend_flask-app.yaml": helm_port})))
    assert sorted({(f.rule, f.obj) for f in findings}) == [
        ("netpol-port", "NetworkPolicy backend/flask-app-from-ingress-nginx"),
        ("netpol-port", "NetworkPolicy backend/flask-app-from-nginx-front"),
        ("netpol-port", "NetworkPolicy frontend/nginx-front-to-flask-app"),
        ("probe-port", "Deployment backend/flask-app"),
        ("service-target-port", "Service backend/flask-app"),
    ]
    assert (
        "[crossref] service-target-port Service backend/flask-app: targetPort 5000/TCP is not a container port of "
        "Deployment backend/flask-app"
    ) in found(findings)


# --- 2: nginx upstream, DB host and secret names typed twice ---------------------------------


def test_2_the_helm_names_are_found_by_verify(tmp_path):
    def helm_service(doc):
        doc["metadata"]["name"] = "flask-backend-flask-app"

    def helm_db_host(doc):
        doc["data"]["DB_HOST"] = "flask-backend-db.backend.svc.cluster.local"

    def helm_db_url(doc):
        data = doc["spec"]["target"]["template"]["data"]
        data["database-url"] = data["database-url"].replace("@flask-app-db.", "@flask-backend-db.")

    env = planted(
        tmp_path,
        {
            "backend/service_backend_flask-app.yaml": helm_service,
            "backend/configmap_backend_flask-app-env.yaml": helm_db_host,
            "backend/externalsecret_backend_flask-app-secrets.yaml": helm_db_url,
        },
    )
    assert found(crossrefs.check(load_env(env))) == [
        "[crossref] ingress-backend Ingress backend/flask-app: Service backend/flask-app is not rendered",
        "[crossref] nginx-upstream ConfigMap frontend/nginx-front-files: nginx.conf: upstream "
        "flask-app.backend.svc.cluster.local:8000: Service backend/flask-app is not rendered",
        "[crossref] service-dns-name ConfigMap backend/flask-app-env: flask-backend-db.backend.svc.cluster.local: "
        "Service backend/flask-backend-db is not rendered",
        "[crossref] service-dns-name ExternalSecret backend/flask-app-secrets: "
        "flask-backend-db.backend.svc.cluster.local:3306: Service backend/flask-backend-db is not rendered",
    ]


# --- 3: a Helm Secret and an ExternalSecret target of one name ------------------------------

HELM_DEFAULT = "chart-default"  # the kind of plaintext default the Helm chart shipped


def with_backend(extra: Callable[[FlaskBackend], Any]) -> Apps:
    """The staging environment, its backend chart built with `extra` added by hand."""
    env = load_environment("staging")
    chart = FlaskBackend(App(), env)
    extra(chart)
    return {**build_manifests(env), names.BACKEND_APP: chart.to_json()}


def test_3_a_helm_secret_beside_its_external_secret_is_found_by_verify():
    def helm_secret(chart):
        meta = k8s.ObjectMeta(name=names.FLASK_SECRETS_SECRET)
        k8s.KubeSecret(chart, "HelmSecret", metadata=meta, string_data={"secret-key": HELM_DEFAULT})

    assert found(crossrefs.check(manifests_of(with_backend(helm_secret)))) == [
        "[crossref] secret-owner Secret backend/flask-app-secrets: more than one owner: "
        "ExternalSecret backend/flask-app-secrets, Secret backend/flask-app-secrets",
        "[crossref] secret-value Secret backend/flask-app-secrets: a Secret with values is rendered; "
        "secrets come from the secret store through an ExternalSecret",
    ]


# --- 4: a configured host without a route ---------------------------------------------------


@pytest.fixture
def nca() -> Path:
    return Path(require_tool(str(connectivity.NCA), "make verify-tools"))


def test_4_a_route_without_its_network_policy_is_found_by_verify(tmp_path, nca):
    env = planted(tmp_path, {"backend/networkpolicy_backend_flask-app-from-ingress-nginx.yaml": None})
    assert found(connectivity.check("staging", load_env(env), nca).findings) == [
        "[connectivity] missing-edge connectivity.txt: intended but denied: ingress-nginx/ingress-nginx-controller[Pod] "
        "=> backend/flask-app[Deployment] : {protocols:TCP,dst_ports:5000}"
    ]


# --- 6: a PodDisruptionBudget with minAvailable 1 on one replica ----------------------------


def test_6_a_blocking_budget_in_dist_is_found_by_verify(tmp_path):
    def helm_budget(doc):
        del doc["spec"]["maxUnavailable"]
        doc["spec"]["minAvailable"] = 1

    env = planted(tmp_path, {"backend/poddisruptionbudget_backend_flask-app.yaml": helm_budget})
    assert found(crossrefs.check(load_env(env))) == [
        "[crossref] pdb-drain PodDisruptionBudget backend/flask-app: with 1 replica(s) of Deployment backend/flask-app "
        "no pod may be evicted: node drains block"
    ]


# --- 7: OR'ed peers, an "any source" rule, hand-set name= labels -----------------------------


def or_peers(doc):
    (peer,) = doc["spec"]["ingress"][0]["from"]
    doc["spec"]["ingress"][0]["from"] = [{"namespaceSelector": peer["namespaceSelector"]}, {"podSelector": peer["podSelector"]}]


def any_source(doc):
    del doc["spec"]["ingress"][0]["from"]


def name_label(doc):
    doc["spec"]["ingress"][0]["from"][0]["namespaceSelector"] = {"matchLabels": {"name": "backend"}}


@pytest.mark.parametrize(
    ("policy", "break_it", "finding"),
    [
        (
            "backend/networkpolicy_backend_flask-app-from-monitoring.yaml",
            or_peers,
            "extra-edge connectivity.txt: allowed but not intended: monitoring/grafana[Pod] => backend/flask-app[Deployment] "
            ": {protocols:TCP,dst_ports:9200}",
        ),
        (
            "frontend/networkpolicy_frontend_nginx-front-from-ingress-nginx.yaml",
            any_source,
            "extra-edge connectivity.txt: allowed but not intended: 0.0.0.0-255.255.255.255 => frontend/nginx-front[Deployment] "
            ": {protocols:TCP,dst_ports:8080}",
        ),
        (
            "backend/networkpolicy_backend_flask-app-db-from-flask-app.yaml",
            name_label,
            "missing-edge connectivity.txt: intended but denied: backend/flask-app[Deployment] => "
            "backend/flask-app-db[StatefulSet] : {protocols:TCP,dst_ports:3306}",
        ),
    ],
    ids=["or-peers", "any-source", "name-label"],
)
def test_7_the_helm_policies_are_found_by_verify(tmp_path, nca, policy, break_it, finding):
    report = connectivity.check("staging", load_env(planted(tmp_path, {policy: break_it})), nca)
    assert f"[connectivity] {finding}" in found(report.findings)


# --- 8: ExternalSecrets on v1beta1, no longer served -----------------------------------------


def test_8_a_v1beta1_external_secret_is_refused_by_the_schema_check():
    def legacy(chart):
        store = ExternalSecretV1Beta1SpecSecretStoreRef(
            kind=ExternalSecretV1Beta1SpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name="aws-secrets-manager"
        )
        spec = ExternalSecretV1Beta1Spec(secret_store_ref=store, target=ExternalSecretV1Beta1SpecTarget(name="flask-app-secrets"))
        ExternalSecretV1Beta1(chart, "Legacy", metadata=ApiObjectMetadata(name="flask-app-secrets"), spec=spec)

    docs = synth(legacy, namespace="backend")
    report = schemas.check(load_texts(render_files("staging", names.BACKEND_APP, docs)), CRDS)
    assert found(report.findings) == [
        "[schema] crd ExternalSecret backend/flask-app-secrets: external-secrets.io/v1beta1 is not served by the pinned CRD"
    ]


# --- 9: no seccomp, a writable root, mutable tags, committed key files ------------------------


@pytest.fixture
def checkov() -> Path:
    return Path(require_tool(str(checkov_check.CHECKOV), "make verify-tools"))


def test_9_the_helm_pod_is_found_by_checkov(tmp_path, checkov):
    def helm_pod(doc):
        pod = doc["spec"]["template"]["spec"]
        app = pod["containers"][0]
        for context in (pod["securityContext"], app["securityContext"]):
            del context["seccompProfile"]
            context.update(runAsUser=0, runAsNonRoot=False)
        app["securityContext"]["readOnlyRootFilesystem"] = False
        app["image"] = app["image"].rsplit(":", 1)[0] + ":latest"

    env = planted(tmp_path, {"backend/deployment_backend_flask-app.yaml": helm_pod})
    report = checkov_check.run(env, load_env(env), checkov)
    assert sorted((f.rule, f.obj) for f in report.findings) == [
        ("CKV_K8S_14", "Deployment.backend.flask-app"),  # image tag latest
        ("CKV_K8S_22", "Deployment.backend.flask-app"),  # writable root filesystem
        ("CKV_K8S_23", "Deployment.backend.flask-app"),  # root containers
        ("CKV_K8S_31", "Deployment.backend.flask-app"),  # no seccomp profile
    ]


def test_9_a_committed_key_file_is_found_by_the_secret_scan(tmp_path):
    env = planted(tmp_path, {})
    key = env / "backend" / "deploy-key.pem"
    # Assembled here so that this file holds no key header for the repository scan to flag.
    armour = "RSA " + "PRIVATE KEY-----"
    key.write_text(f"-----BEGIN {armour}\nMIIEpAIBAAKCAQEA{'q' * 60}\n-----END {armour}\n", encoding="utf-8")
    files = sorted(p for p in env.rglob("*") if p.is_file())
    assert found(secrets_scan.scan(files)) == [f"[secrets] Private Key {key.resolve()}:1: possible secret (value not shown)"]


# --- 10: an add_header in a location drops the server's security headers ----------------------


@pytest.fixture
def gixy() -> Path:
    return Path(require_tool(str(nginx_gixy.GIXY), "make verify-tools"))


def test_10_a_location_that_drops_the_security_headers_is_found_by_gixy(tmp_path, gixy):
    def helm_location(doc):
        conf = doc["data"]["nginx.conf"]
        block = re.search(r"location /assets/ \{.*?\n        \}", conf, re.DOTALL).group(0)
        kept = [line for line in block.splitlines() if "add_header" not in line or "Cache-Control" in line]
        doc["data"]["nginx.conf"] = conf.replace(block, "\n".join(kept))

    env = planted(tmp_path, {"frontend/configmap_frontend_nginx-front-files.yaml": helm_location})
    (finding,) = nginx_gixy.check(load_env(env), gixy).findings
    assert finding.rule == "add_header_redefinition" and finding.obj.startswith("ConfigMap frontend/nginx-front-files")
    assert finding.message == (
        'MEDIUM: Parent header(s) "content-security-policy", "cross-origin-opener-policy", "permissions-policy", '
        '"referrer-policy", "x-content-type-options", "x-frame-options" dropped in nested block'
    )
