"""The dashboards of charts/dashboards/, one ConfigMap each, in the form the Grafana sidecar loads.

The sidecar (kiwigrid k8s-sidecar, as kube-prometheus-stack deploys it) watches ConfigMaps with
its label (monitoring.dashboards.sidecar_labels), writes each data key as a dashboard file and
files it into the folder named by its folder annotation, one folder per environment. They live
in the backend namespace, like the PrometheusRule: it is the product's, so the environment's
AppProject may deploy there, and the cluster's sidecar is told to search it (docs/operations.md).
A ConfigMap holds no connection, so no network edge comes with them.
"""

from __future__ import annotations

from cdk8s_plus_27 import k8s

from charts import names
from charts.dashboards import DASHBOARDS
from charts.dashboards.panels import TAG, folder, to_json
from config.model import Environment
from constructs import Construct
from constructs.labels import COMPONENT_KEY, PART_OF, PART_OF_KEY, sync_wave


def configmap_name(key: str) -> str:
    return f"{TAG}-dashboard-{key}"


def grafana_dashboards(scope: Construct, env: Environment) -> None:
    settings = env.monitoring.dashboards
    for key, build in DASHBOARDS.items():
        k8s.KubeConfigMap(
            scope,
            f"dashboard-{key}",
            metadata=k8s.ObjectMeta(
                name=configmap_name(key),
                namespace=names.BACKEND_NAMESPACE,
                labels={PART_OF_KEY: PART_OF, COMPONENT_KEY: "dashboard", **settings.sidecar_labels},
                annotations={settings.folder_annotation: folder(env), **sync_wave(names.WAVE_WORKLOADS)},
            ),
            data={f"{TAG}-{key}.json": to_json(build(env))},
        )
