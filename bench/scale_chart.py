"""BenchServices: N backend-like services in one chart, built from the project's constructs.

Each service is what charts/flask_backend.py builds for the API: an ExternalSecretBinding, a
SecureDeployment that reads it as files and a MicrosegmentedService that admits the ingress
controller and the previous service (so allow_from is exercised on every service but the
first). Importing this module loads cdk8s and starts jsii's Node process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdk8s import App
from cdk8s_plus_27 import k8s

from charts.platform_chart import PlatformChart
from constructs.external_secret_binding import ExternalSecretBinding, RemoteValue
from constructs.microsegmented_service import MicrosegmentedService
from constructs.pod_parts import (
    ContainerPort,
    HttpCheck,
    Probes,
    RunAs,
    WritablePath,
)
from constructs.secure_deployment import DeploymentProps, SecureDeployment

if TYPE_CHECKING:
    from bench.scale import BenchEnvironment

BENCH_APP = "bench"
BENCH_NAMESPACE = "bench"
SERVICE_PORT = 8000
HTTP = ContainerPort(name="http", number=5000)
SECRET_KEYS = ("api-key", "signing-key")
SECRETS_DIR = "/var/run/secrets/app"


class BenchServices(PlatformChart):
    def __init__(self, scope: App, env: BenchEnvironment) -> None:
        super().__init__(scope, BENCH_APP, environment=env.name, namespace=BENCH_NAMESPACE)
        store = env.secrets
        check = HttpCheck(path="/health", port=HTTP.name)
        previous: MicrosegmentedService | None = None
        for svc in env.services:
            secrets = ExternalSecretBinding(
                self,
                f"{svc.name}-secrets",
                name=f"{svc.name}-secrets",
                store_name=store.name,
                refresh_interval=store.refresh_interval,
                values={key: RemoteValue(key=f"{store.key_prefix}/{svc.name}", property=key) for key in SECRET_KEYS},
            )
            workload = SecureDeployment(
                self,
                svc.name,
                DeploymentProps(
                    name=svc.name,
                    component="api",
                    image=svc.image.reference,
                    version=svc.image.tag,
                    ports=[HTTP],
                    args=["gunicorn", f"--bind=0.0.0.0:{HTTP.number}", "--worker-tmp-dir=/tmp", "wsgi:app"],
                    probes=Probes(readiness=check, liveness=check, startup=check),
                    resources=svc.resources,
                    run_as=RunAs(uid=1000, gid=1000),
                    writable_paths=[WritablePath(volume="tmp", path="/tmp", size_limit="64Mi", in_memory=True)],
                    config_env={
                        "ENVIRONMENT": env.name,
                        "SERVICE_NAME": svc.name,
                        "LOG_LEVEL": "info",
                        "UPSTREAM": previous.dns_name if previous else "",
                        **{f"{key.upper().replace('-', '_')}_FILE": f"{SECRETS_DIR}/{key}" for key in SECRET_KEYS},
                    },
                    volumes=[secrets.volume("secrets", list(SECRET_KEYS))],
                    mounts=[k8s.VolumeMount(name="secrets", mount_path=SECRETS_DIR, read_only=True)],
                    readable_secrets=[secrets.secret_name],
                    replicas=svc.replicas,
                    autoscaling=svc.autoscaling,
                ),
            )
            service = MicrosegmentedService(
                self, f"{svc.name}-service", workload=workload, port=SERVICE_PORT, target_port=HTTP.name
            )
            service.allow_from_namespace(env.cluster.ingress_controller_namespace)
            if previous is not None:
                service.allow_from(previous)
            previous = service
