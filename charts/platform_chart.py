"""PlatformChart: what every chart of the product sets, written once.

Resource names are never hashed (a name is part of the contract: Services, Secrets and
NetworkPolicy peers refer to it), and every object carries who manages it and which
environment it belongs to.
"""

from __future__ import annotations

from cdk8s import App, Chart

from constructs.labels import MANAGED_BY_KEY

ENVIRONMENT_KEY = "flask-platform.io/environment"
MANAGED_BY = "cdk8s"


def chart_labels(environment: str) -> dict[str, str]:
    """The labels every object of the environment's charts carries."""
    return {MANAGED_BY_KEY: MANAGED_BY, ENVIRONMENT_KEY: environment}


class PlatformChart(Chart):
    def __init__(self, scope: App, id: str, *, environment: str, namespace: str | None = None) -> None:
        """
        :param id: the chart's name, which is also its folder under dist/<env>/.
        :param environment: the environment's name, in every object's labels.
        :param namespace: the default namespace of the chart's namespaced objects.
        """
        super().__init__(scope, id, namespace=namespace, disable_resource_name_hashes=True, labels=chart_labels(environment))
        # Plain Python copies of what Node holds, so that reading them is not a round trip:
        # constructs find their namespace here (constructs/scope_namespace.py), the build its folder name.
        self.default_namespace = namespace
        self.app_name = id
