"""Creates inside `pipelined()` go to the kernel without waiting for their answers; every
answer is still read and checked, and a failure or a wrong prediction raises before the block
ends. (That the output is the same bytes: test_jsii_tuning, test_drift_and_determinism.)"""

from __future__ import annotations

import jsii._runtime
import pytest
from cdk8s import App, Chart
from cdk8s_plus_27 import k8s
from jsii.errors import JSIIError

from config.loader import load_environment
from constructs import Construct
from synthesis import kernel_pipeline
from synthesis.build import build_manifests


@pytest.fixture
def pipeline(monkeypatch) -> kernel_pipeline._Pipeline:
    node = jsii._runtime.kernel.provider._process
    pipeline = kernel_pipeline._pipeline_of(node)
    assert pipeline is not None, "the tests' kernel was started by synthesis/kernel_channel.py"
    monkeypatch.setattr(pipeline, "overrides_seen", pipeline.overrides_seen)  # restored after the test
    return pipeline


@pytest.fixture
def submitted(monkeypatch) -> list[str]:
    refs: list[str] = []
    submit = kernel_pipeline._Pipeline.submit

    def counting(self, node, request, *args, **kwargs):
        ref = submit(self, node, request, *args, **kwargs)
        refs.append(ref.ref)
        return ref

    monkeypatch.setattr(kernel_pipeline._Pipeline, "submit", counting)
    return refs


def config_maps(scope: Construct, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        k8s.KubeConfigMap(scope, f"cm{index}", metadata=k8s.ObjectMeta(name=f"cm-{index}"), data={"k": str(index)})


def test_a_build_pipelines_most_creates(pipeline, submitted):
    manifests = build_manifests(load_environment("staging"))
    objects = sum(len(documents) for documents in manifests.values())
    assert len(submitted) > objects / 2
    assert not pipeline.pending


def test_creates_outside_the_block_wait_for_their_answers(pipeline, submitted):
    chart = Chart(App(), "chart")
    config_maps(chart, 3)
    assert submitted == []
    assert not pipeline.pending


def test_pipelined_creates_are_answered_by_the_end_of_the_block(pipeline, submitted):
    with kernel_pipeline.pipelined():
        chart = Chart(App(), "chart")
        config_maps(chart, 5)
        assert submitted and pipeline.pending
    assert not pipeline.pending
    assert len(chart.to_json()) == 5


def test_a_failed_create_raises_node_s_error_by_the_end_of_the_block(pipeline, submitted):
    with pytest.raises(RuntimeError, match="There is already a Construct with name 'cm1'"):
        with kernel_pipeline.pipelined():
            chart = Chart(App(), "chart")
            config_maps(chart, 3)
            config_maps(chart, 1, start=1)  # the same id again: Node refuses it
    assert submitted
    assert not pipeline.pending


def test_a_wrong_prediction_raises(pipeline, submitted, monkeypatch):
    with pytest.raises(JSIIError, match="predicted"):
        with kernel_pipeline.pipelined():
            chart = Chart(App(), "chart")
            config_maps(chart, 1)
            pipeline.next_id += 7  # as if the kernel had handed out objects unseen
            config_maps(chart, 2, start=1)
    assert not pipeline.pending


def test_an_object_with_python_overrides_stops_pipelining(pipeline, submitted):
    class NamedChart(Chart):
        def generate_object_name(self, api_object):  # a jsii method Node calls back
            return "named"

    with kernel_pipeline.pipelined():
        app = App()
        submitted.clear()
        NamedChart(app, "chart")
        config_maps(Chart(app, "other"), 3)
    assert pipeline.overrides_seen
    assert submitted == []


def test_creates_of_generated_classes_are_pipelined_from_the_first():
    fresh = kernel_pipeline._Pipeline()
    fqn = k8s.KubeConfigMap.__jsii_type__
    assert kernel_pipeline._answered_bare(fresh, (fqn, ("constructs.IConstruct",)))
    # A Python class implementing another interface: its first answer is awaited and learned.
    assert not kernel_pipeline._answered_bare(fresh, (fqn, ("constructs.IConstruct", "cdk8s.IResolver")))
    assert not kernel_pipeline._answered_bare(fresh, ("no.such.Class", ()))


def test_value_factories_are_pipelined_once_one_answered_with_a_new_object(pipeline, submitted):
    with kernel_pipeline.pipelined():
        chart = Chart(App(), "chart")
        first = k8s.Quantity.from_string("1234Mi")  # learns (or knows) the factory
        submitted.clear()
        second = k8s.Quantity.from_string("4321Mi")
        assert [ref.split("@")[0] for ref in submitted] == [k8s.Quantity.__jsii_type__]
        limits = {"memory": second, "cpu": first}
        k8s.KubeLimitRange(chart, "limits", spec=k8s.LimitRangeSpec(limits=[k8s.LimitRangeItem(type="Container", max=limits)]))
    (rendered,) = chart.to_json()
    assert rendered["spec"]["limits"][0]["max"] == {"cpu": "1234Mi", "memory": "4321Mi"}
