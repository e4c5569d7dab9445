"""Check 4: names and ports written in one object point at what another object renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifests import Manifest
from tests.support.dist_fixtures import FixtureEnv, find, show
from verify import crossrefs


def test_dist_crossrefs(env: Path, env_manifests: list[Manifest]) -> None:
    findings = crossrefs.check(env_manifests, env)
    assert not findings, show(findings)


# --- the check can fail ------------------------------------------------------------------


def _rules(fixture_env: FixtureEnv) -> list[tuple[str, str]]:
    return [(f.rule, f.obj) for f in crossrefs.check(fixture_env.manifests(), fixture_env.path)]


def test_baseline_passes(fixture_env: FixtureEnv) -> None:
    assert _rules(fixture_env) == []


def _flask(docs: list[dict]) -> dict:
    return find(docs, "Deployment", "flask-app")["spec"]["template"]["spec"]


def test_dangling_secret_reference_fails(fixture_env: FixtureEnv) -> None:
    # The seed's bug: the app read a Secret named after a database that does not exist.
    dangling = "flask-backend-db-credentials"
    fixture_env.edit("backend/flask-app.yaml", lambda docs: _flask(docs)["volumes"][1]["secret"].update({"secretName": dangling}))
    assert _rules(fixture_env) == [("ref-secret", "Deployment backend/flask-app")]


def test_missing_secret_key_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml", lambda docs: _flask(docs)["volumes"][1]["secret"]["items"][0].update(key="DB_PASS")
    )
    assert _rules(fixture_env) == [("ref-key", "Deployment backend/flask-app")]


def test_missing_configmap_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: _flask(docs)["containers"][0]["envFrom"][0]["configMapRef"].update(name="flask-config"),
    )
    assert _rules(fixture_env) == [("ref-configmap", "Deployment backend/flask-app")]


def test_missing_service_account_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit("backend/flask-app.yaml", lambda docs: _flask(docs).update(serviceAccountName="flask"))
    assert _rules(fixture_env) == [("ref-serviceaccount", "Deployment backend/flask-app")]


def test_service_target_port_that_no_container_opens_fails(fixture_env: FixtureEnv) -> None:
    # The seed's bug: container port 8000 while gunicorn listens on 5000.
    fixture_env.edit(
        "backend/flask-app.yaml", lambda docs: find(docs, "Service", "flask-app")["spec"]["ports"][0].update(targetPort=8000)
    )
    assert _rules(fixture_env) == [("service-target-port", "Service backend/flask-app")]


def test_service_selector_that_matches_nothing_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: find(docs, "Service", "flask-app")["spec"].update(selector={"app.kubernetes.io/name": "flask-backend"}),
    )
    assert _rules(fixture_env) == [("service-selector", "Service backend/flask-app")]


def test_probe_on_undeclared_port_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml", lambda docs: _flask(docs)["containers"][0]["livenessProbe"]["httpGet"].update(port=8000)
    )
    assert _rules(fixture_env) == [("probe-port", "Deployment backend/flask-app")]


def test_network_policy_on_service_port_fails(fixture_env: FixtureEnv) -> None:
    # NetworkPolicies see pod ports: 8000 is the Service port, the pod listens on 5000.
    fixture_env.edit(
        "frontend/nginx-front.yaml",
        lambda docs: find(docs, "NetworkPolicy", "nginx-front")["spec"]["egress"][0]["ports"][0].update(port=8000),
    )
    assert _rules(fixture_env) == [("netpol-port", "NetworkPolicy frontend/nginx-front")]


def test_network_policy_port_without_number_fails(fixture_env: FixtureEnv) -> None:
    # A port entry with only a protocol opens every port of that protocol.
    fixture_env.edit(
        "frontend/nginx-front.yaml",
        lambda docs: find(docs, "NetworkPolicy", "nginx-front")["spec"]["ingress"][0]["ports"][0].pop("port"),
    )
    assert _rules(fixture_env) == [("netpol-port", "NetworkPolicy frontend/nginx-front")]


def test_nginx_upstream_that_is_no_service_fails(fixture_env: FixtureEnv) -> None:
    # The seed's bug: nginx proxied to a name the Service did not have.
    def rename(docs: list[dict]) -> None:
        cm = find(docs, "ConfigMap", "nginx-front")
        cm["data"]["nginx.conf"] = cm["data"]["nginx.conf"].replace("flask-app.backend", "flask-backend-flask-app.backend")

    fixture_env.edit("frontend/nginx-front.yaml", rename)
    assert _rules(fixture_env) == [("nginx-upstream", "ConfigMap frontend/nginx-front")]


def test_nginx_upstream_on_pod_port_fails(fixture_env: FixtureEnv) -> None:
    def port(docs: list[dict]) -> None:
        cm = find(docs, "ConfigMap", "nginx-front")
        cm["data"]["nginx.conf"] = cm["data"]["nginx.conf"].replace(":8000", ":5000")

    fixture_env.edit("frontend/nginx-front.yaml", port)
    assert _rules(fixture_env) == [("nginx-upstream", "ConfigMap frontend/nginx-front")]


def test_database_host_that_is_no_service_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: find(docs, "ConfigMap", "flask-app-config")["data"].update(
            DB_HOST="flask-backend-db.backend.svc.cluster.local"
        ),
    )
    assert _rules(fixture_env) == [("service-dns-name", "ConfigMap backend/flask-app-config")]


def _database_url(host: str):
    """An ExternalSecret template that builds the app's DATABASE_URL around the password."""

    def change(docs: list[dict]) -> None:
        url = f"mysql+pymysql://flask:{{{{ .DB_PASSWORD }}}}@{host}:3306/flask?charset=utf8mb4"
        target = find(docs, "ExternalSecret", "flask-app-db-credentials")["spec"]["target"]
        target["template"] = {"data": {"DB_PASSWORD": "{{ .DB_PASSWORD }}", "database-url": url}}

    return change


def test_database_host_in_an_external_secret_template_is_checked(fixture_env: FixtureEnv) -> None:
    # Defect 2 through ExternalSecretBinding's templates: the URL named flask-backend-db.
    fixture_env.edit("backend/flask-app.yaml", _database_url("flask-app-db.backend.svc.cluster.local"))
    assert _rules(fixture_env) == []
    fixture_env.edit("backend/flask-app.yaml", _database_url("flask-backend-db.backend.svc.cluster.local"))
    findings = crossrefs.check(fixture_env.manifests(), fixture_env.path)
    assert [str(f) for f in findings] == [
        "[crossref] service-dns-name ExternalSecret backend/flask-app-db-credentials: "
        "flask-backend-db.backend.svc.cluster.local:3306: Service backend/flask-backend-db is not rendered"
    ]


def test_ingress_backend_port_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "frontend/nginx-front.yaml",
        lambda docs: find(docs, "Ingress", "nginx-front")["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"].update(
            port={"number": 8080}
        ),
    )
    assert _rules(fixture_env) == [("ingress-backend", "Ingress frontend/nginx-front")]


RBAC = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: flask-app
  namespace: backend
rules:
  - apiGroups: [""]
    resources: [configmaps]
    resourceNames: [flask-app-config]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: flask-app
  namespace: backend
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: flask-app
subjects:
  - kind: ServiceAccount
    name: flask-app
    namespace: backend
"""


@pytest.mark.parametrize(
    ("old", "new", "rule", "obj"),
    [
        ("  kind: Role\n  name: flask-app\n", "  kind: Role\n  name: flask\n", "rbac-role", "RoleBinding backend/flask-app"),
        ("    name: flask-app\n    namespace", "    name: flask\n    namespace", "rbac-subject", "RoleBinding backend/flask-app"),
        ("[flask-app-config]", "[flask-config]", "rbac-resource-name", "Role backend/flask-app"),
    ],
)
def test_rbac_reference_fails(fixture_env: FixtureEnv, old: str, new: str, rule: str, obj: str) -> None:
    fixture_env.add("backend/rbac.yaml", RBAC)
    assert _rules(fixture_env) == []
    fixture_env.add("backend/rbac.yaml", RBAC.replace(old, new))
    assert _rules(fixture_env) == [(rule, obj)]


PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: flask-app
  namespace: backend
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: flask-app
"""


def test_pdb_that_blocks_drains_fails(fixture_env: FixtureEnv) -> None:
    # The seed's bug: minAvailable 1 with 1 replica.
    fixture_env.add("backend/pdb.yaml", PDB)
    assert _rules(fixture_env) == [("pdb-drain", "PodDisruptionBudget backend/flask-app")]
    fixture_env.add("backend/pdb.yaml", PDB.replace("minAvailable: 1", "maxUnavailable: 1"))
    assert _rules(fixture_env) == []


def test_hashed_name_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: find(docs, "ConfigMap", "flask-app-config")["metadata"].update(name="flask-app-config-c8f3a2b1"),
    )
    assert ("name-hash", "ConfigMap backend/flask-app-config-c8f3a2b1") in _rules(fixture_env)


def test_second_owner_of_a_secret_fails(fixture_env: FixtureEnv) -> None:
    # The seed's bug: a chart Secret and an ExternalSecret target with the same name.
    fixture_env.add(
        "backend/secret.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n"
        "  name: flask-app-db-credentials\n  namespace: backend\n"
        "stringData:\n  DB_PASSWORD: changeme\n",
    )
    assert _rules(fixture_env) == [
        ("secret-owner", "Secret backend/flask-app-db-credentials"),
        ("secret-value", "Secret backend/flask-app-db-credentials"),
    ]


def test_missing_secret_store_fails(fixture_env: FixtureEnv) -> None:
    (fixture_env.path / "platform" / "secret-store.yaml").unlink()
    assert _rules(fixture_env) == [("es-store", "ExternalSecret backend/flask-app-db-credentials")]


def test_mount_of_undeclared_volume_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml", lambda docs: _flask(docs)["containers"][0]["volumeMounts"][0].update(name="scratch")
    )
    assert _rules(fixture_env) == [("ref-volume", "Deployment backend/flask-app")]


def test_missing_pvc_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: _flask(docs)["volumes"][0].update({"emptyDir": None, "persistentVolumeClaim": {"claimName": "flask-data"}}),
    )
    assert _rules(fixture_env) == [("ref-pvc", "Deployment backend/flask-app")]


def test_workload_selector_that_misses_its_pods_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: find(docs, "Deployment", "flask-app")["spec"]["selector"]["matchLabels"].update({"tier": "api"}),
    )
    assert ("workload-selector", "Deployment backend/flask-app") in _rules(fixture_env)


def test_statefulset_service_name_fails(fixture_env: FixtureEnv) -> None:
    fixture_env.edit(
        "backend/flask-app-db.yaml",
        lambda docs: find(docs, "StatefulSet", "flask-app-db")["spec"].update(serviceName="flask-backend-db"),
    )
    assert _rules(fixture_env) == [("ref-service", "StatefulSet backend/flask-app-db")]


def test_network_policy_selectors_that_select_nothing_fail(fixture_env: FixtureEnv) -> None:
    def miss(docs: list[dict]) -> None:
        spec = find(docs, "NetworkPolicy", "flask-app-db")["spec"]
        spec["podSelector"]["matchLabels"]["app.kubernetes.io/name"] = "mysql"
        spec["ingress"][0]["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] = "api"

    fixture_env.edit("backend/flask-app-db.yaml", miss)
    assert _rules(fixture_env) == [
        ("netpol-peer", "NetworkPolicy backend/flask-app-db"),
        ("netpol-selector", "NetworkPolicy backend/flask-app-db"),
    ]


def test_construct_path_label_in_selector_fails(fixture_env: FixtureEnv) -> None:
    def label(docs: list[dict]) -> None:
        svc = find(docs, "Service", "flask-app")
        svc["spec"]["selector"]["cdk8s.io/metadata.addr"] = "backend-flask-app-c8a1b2c3"
        find(docs, "Deployment", "flask-app")["spec"]["template"]["metadata"]["labels"]["cdk8s.io/metadata.addr"] = (
            "backend-flask-app-c8a1b2c3"
        )

    fixture_env.edit("backend/flask-app.yaml", label)
    assert _rules(fixture_env) == [("selector-construct-label", "Service backend/flask-app")]


HPA_AND_ROUTE = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: flask-app
  namespace: backend
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: flask-backend
  minReplicas: 2
  maxReplicas: 4
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: flask-app
  namespace: backend
spec:
  rules:
    - backendRefs:
        - name: flask-app
          port: 5000
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  namespace: backend
spec:
  tls:
    - secretName: api-tls
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: flask-app
                port:
                  name: http
"""


def test_autoscaler_route_and_tls_references_fail(fixture_env: FixtureEnv) -> None:
    fixture_env.add("backend/extra.yaml", HPA_AND_ROUTE)
    assert _rules(fixture_env) == [
        ("hpa-target", "HorizontalPodAutoscaler backend/flask-app"),
        ("ingress-tls", "Ingress backend/api"),
        ("route-backend", "HTTPRoute backend/flask-app"),
    ]


APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: backend
  namespace: argocd
spec:
  project: {project}
  source:
    repoURL: https://git.example.internal/platform.git
    path: {path}
  destination:
    server: https://kubernetes.default.svc
    namespace: backend
"""


def test_argocd_application_references_fail(fixture_env: FixtureEnv) -> None:
    # Paths are relative to the repository root, two levels above an environment (dist/<env>).
    here = fixture_env.path
    fixture_env.add("backend/app.yaml", APPLICATION.format(project="default", path=f"{here.parent.name}/{here.name}/backend"))
    assert _rules(fixture_env) == []
    fixture_env.add("backend/app.yaml", APPLICATION.format(project="flask", path="dist/x/backend"))
    assert _rules(fixture_env) == [
        ("argocd-path", "Application argocd/backend"),
        ("argocd-project", "Application argocd/backend"),
    ]


EGRESS_TO_LOGGING = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: flask-app-to-logging
  namespace: backend
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: flask-app
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: logging
      ports:
        - {protocol: TCP, port: 3100}
"""


def test_a_service_of_another_namespace_needs_an_egress_policy_to_that_namespace(fixture_env: FixtureEnv) -> None:
    # A service of a stack the product does not render (here a log store; the monitoring stack's
    # Pushgateway is the real case, already reached by the backup's policy): the check can only
    # ask that some policy of the product lets pods reach its namespace.
    fixture_env.edit(
        "backend/flask-app.yaml",
        lambda docs: find(docs, "ConfigMap", "flask-app-config")["data"].update(
            LOG_STORE_URL="http://loki.logging.svc.cluster.local:3100"
        ),
    )
    findings = crossrefs.check(fixture_env.manifests(), fixture_env.path)
    assert [str(f) for f in findings] == [
        "[crossref] service-dns-name ConfigMap backend/flask-app-config: loki.logging.svc.cluster.local:3100: "
        "Service logging/loki is not rendered"
    ]
    fixture_env.add("backend/to-logging.yaml", EGRESS_TO_LOGGING)
    assert _rules(fixture_env) == []
