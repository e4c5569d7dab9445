"""Build every application of one environment and return its files, without touching disk."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from synthesis import jsii_tuning, kernel_pipeline

# Before cdk8s is imported, which would start Node: whatever renders through this module
# (main.py, ops diff, the benchmark) gets the same jsii and Node set-up.
jsii_tuning.install()

from cdk8s import App  # noqa: E402

from charts import names  # noqa: E402
from charts.argocd_apps import ArgoCdApps  # noqa: E402
from charts.flask_backend import FlaskBackend  # noqa: E402
from charts.nginx_frontend import NginxFrontend  # noqa: E402
from charts.platform_baseline import PlatformBaseline  # noqa: E402
from config.model import Environment  # noqa: E402
from constructs.secret_reload import reloaded_workloads  # noqa: E402
from synthesis.pipeline import render_files  # noqa: E402


def namespaced_kinds(documents: list[dict[str, Any]]) -> set[tuple[str, str]]:
    kinds = set()
    for document in documents:
        if document.get("metadata", {}).get("namespace"):
            group = document["apiVersion"].rpartition("/")[0]
            kinds.add((group, document["kind"]))
    return kinds


def build_manifests(env: Environment) -> dict[str, list[dict[str, Any]]]:
    """app name -> rendered objects, for the applications of one environment."""
    # Python prepares each object while Node builds the previous one (synthesis/kernel_pipeline.py).
    with kernel_pipeline.pipelined():
        app = App()
        platform = PlatformBaseline(app, env)
        backend = FlaskBackend(app, env)
        frontend = NginxFrontend(app, env, backend=backend.api_service)
        manifests = {chart.app_name: chart.to_json() for chart in (platform, backend, frontend)}
        everything = [doc for docs in manifests.values() for doc in docs]
        reloaded = {name: reloaded_workloads(docs) for name, docs in manifests.items()}
        argocd = ArgoCdApps(app, env, namespaced_kinds=namespaced_kinds(everything), reloaded=reloaded)
        manifests[names.ARGOCD_APP] = argocd.to_json()
    return manifests


def render_environment(env: Environment) -> dict[PurePosixPath, str]:
    """dist-relative path -> YAML text, for one environment (nothing is written)."""
    files: dict[PurePosixPath, str] = {}
    for app_name, documents in build_manifests(env).items():
        files.update(render_files(env.name, app_name, documents))
    return files
