"""PlatformChart: every chart of the product keeps its names and carries its environment."""

from __future__ import annotations

from cdk8s import Testing as K8sTesting  # pytest would try to collect a class named Testing*
from cdk8s_plus_27 import k8s

from charts.platform_chart import PlatformChart


def test_names_are_not_hashed_and_objects_carry_manager_and_environment() -> None:
    chart = PlatformChart(K8sTesting.app(), "demo", environment="staging", namespace="ns")
    k8s.KubeConfigMap(chart, "settings", metadata=k8s.ObjectMeta(name="settings"))
    k8s.KubeConfigMap(chart, "generated")
    named, generated = K8sTesting.synth(chart)
    assert named["metadata"]["name"] == "settings"
    assert generated["metadata"]["name"] == "demo-generated"  # no hash suffix
    for obj in (named, generated):
        assert obj["metadata"]["namespace"] == "ns"
        assert obj["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "cdk8s", "flask-platform.io/environment": "staging"}


def test_a_chart_without_namespace_leaves_objects_unnamespaced() -> None:
    chart = PlatformChart(K8sTesting.app(), "cluster", environment="prod")
    k8s.KubeNamespace(chart, "ns", metadata=k8s.ObjectMeta(name="backend"))
    (namespace,) = K8sTesting.synth(chart)
    assert "namespace" not in namespace["metadata"]
