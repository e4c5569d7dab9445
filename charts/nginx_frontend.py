"""NginxFrontend: the single-page app and the /api reverse proxy, as UID 101 on port 8080.

dist/<env>/frontend/: Deployment, Service 80 -> 8080 and ServiceAccount `nginx-front`, the
nginx.conf ConfigMap, least RBAC, NetworkPolicies, PDB, HPA where enabled, and the Ingress of
the frontend host. The /api upstream is read off the backend's Service object (defect 2).
"""

from __future__ import annotations

from cdk8s import App

from charts import names
from charts.exposure import expose
from charts.metrics import scrape
from charts.nginx_conf import CACHE_DIR, CONFIG_PATH, LOOPBACK, RUN_DIR, render_nginx_conf
from charts.nginx_settings import NginxSiteSettings
from charts.platform_chart import PlatformChart
from config.model import Environment
from constructs.microsegmented_service import MicrosegmentedService
from constructs.pod_parts import ConfigFile, HttpCheck, Probes, RunAs, Sidecar, WritablePath
from constructs.secure_deployment import DeploymentProps, SecureDeployment

HSTS = "max-age=31536000; includeSubDomains"


def site_settings(env: Environment, backend: MicrosegmentedService) -> NginxSiteSettings:
    cfg = env.frontend
    return NginxSiteSettings(
        listen_port=names.NGINX_PORT.number,
        upstream_host=backend.dns_name,
        upstream_port=backend.port,
        server_names=(cfg.host,),
        client_max_body_size=cfg.client_max_body_size,
        content_security_policy=cfg.content_security_policy,
        strict_transport_security=HSTS if env.tls.enabled else "",
        status_port=names.NGINX_STATUS_PORT,
    )


def metrics_exporter(env: Environment, settings: NginxSiteSettings) -> Sidecar:
    """nginx-prometheus-exporter, reading stub_status from nginx's loopback-only listener."""
    exporter = env.monitoring.nginx_exporter
    metrics = HttpCheck(path=names.METRICS_PATH, port=names.NGINX_METRICS_PORT.name)
    return Sidecar(
        name=names.NGINX_EXPORTER,
        image=exporter.image.reference,
        ports=[names.NGINX_METRICS_PORT],
        probes=Probes(readiness=metrics, liveness=metrics, startup=metrics),
        resources=exporter.resources,
        args=[
            f"--nginx.scrape-uri=http://{LOOPBACK}:{settings.status_port}{settings.status_path}",
            f"--web.listen-address=:{names.NGINX_METRICS_PORT.number}",
            f"--web.telemetry-path={names.METRICS_PATH}",
        ],
    )


class NginxFrontend(PlatformChart):
    def __init__(self, scope: App, env: Environment, *, backend: MicrosegmentedService) -> None:
        """
        :param env: the environment.
        :param backend: the Flask API's Service; /api is proxied to it and it admits nginx.
        """
        super().__init__(scope, names.FRONTEND_APP, environment=env.name, namespace=names.FRONTEND_NAMESPACE)
        cfg = env.frontend
        self.settings = site_settings(env, backend)
        health = HttpCheck(path=self.settings.health_path, port=names.NGINX_PORT.name)
        self.proxy = SecureDeployment(
            self,
            "Proxy",
            DeploymentProps(
                name=names.NGINX,
                component="proxy",
                image=cfg.image.reference,
                version=cfg.image.tag,
                ports=[names.NGINX_PORT],
                probes=Probes(readiness=health, liveness=health, startup=health),
                resources=cfg.resources,
                run_as=RunAs(uid=names.NGINX_UID, gid=names.NGINX_UID),
                # pid file and temp paths live here; the root filesystem stays read-only (defect 5)
                writable_paths=[
                    WritablePath(volume="tmp", path=RUN_DIR, size_limit="64Mi"),
                    WritablePath(volume="cache", path=CACHE_DIR, size_limit="256Mi"),
                ],
                config_files=[ConfigFile(key="nginx.conf", mount_path=CONFIG_PATH, content=render_nginx_conf(self.settings))],
                sidecars=[metrics_exporter(env, self.settings)],
                replicas=cfg.replicas,
                autoscaling=cfg.autoscaling,
                sync_wave=names.WAVE_WORKLOADS,
            ),
        )
        self.service = MicrosegmentedService(
            self, "ProxyService", workload=self.proxy, port=names.NGINX_SERVICE_PORT, target_port=names.NGINX_PORT.name
        )
        backend.allow_from(self.service)
        for rule in cfg.egress_allow:
            self.service.allow_egress_to_cidr(rule.name, rule.cidr, rule.ports)
        self.metrics_service = scrape(self, monitoring=env.monitoring, workload=self.proxy, port=names.NGINX_METRICS_PORT.name)
        expose(self, env=env, service=self.service, host=cfg.host)
