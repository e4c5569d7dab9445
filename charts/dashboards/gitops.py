"""GitOps: sync and health of the environment's Argo CD Applications, and ExternalSecret sync.

argocd_app_info has one series per Application with its sync and health status as labels; the
environment's Applications are those of its AppProject. ExternalSecrets report their Ready
condition as ESO does for the ExternalSecretNotSynced alert.
"""

from __future__ import annotations

from charts import series
from charts.argocd_apps import project_name
from charts.dashboards.panels import Query, board, graph, single
from config.model import Environment

KEY = "gitops"
TITLE = "GitOps"


def build(env: Environment) -> dict:
    project = project_name(env)
    info = f"{series.ARGOCD_APP_INFO}{series.selector(project=project)}"
    # `or` keeps one series per Application, so one both OutOfSync and Degraded counts once.
    attention = (
        f"{series.ARGOCD_APP_INFO}{series.selector(project=project, sync_status='!Synced')}"
        f" or {series.ARGOCD_APP_INFO}{series.selector(project=project, health_status='!Healthy')}"
    )
    return board(
        env,
        key=KEY,
        title=TITLE,
        description=f"The Applications of the Argo CD project {project} and the ExternalSecrets they deploy.",
        panels=[
            single(
                "Applications not Synced or not Healthy",
                "The environment's Applications that are not Synced or not Healthy, each counted once.",
                "short",
                [Query(ref="apps_attention", expr=f"count({attention}) or vector(0)", legend="applications")],
                limit=1,
            ),
            graph(
                "Applications by sync status",
                "How many of the environment's Applications are in each sync status.",
                "short",
                [Query(ref="apps_by_sync", expr=f"count by (sync_status) ({info})", legend="{{sync_status}}")],
            ),
            graph(
                "Applications by health",
                "How many of the environment's Applications are in each health status.",
                "short",
                [Query(ref="apps_by_health", expr=f"count by (health_status) ({info})", legend="{{health_status}}")],
            ),
            graph(
                "ExternalSecrets not Ready",
                "1 while an ExternalSecret's last sync failed (ExternalSecretNotSynced pages after alerts.unsynced_for).",
                "short",
                [
                    Query(
                        ref="externalsecrets_not_ready",
                        expr=f"max by (name) ({series.EXTERNALSECRET_CONDITION}{series.ready_condition('False')})",
                        legend="{{name}}",
                    )
                ],
            ),
        ],
    )
