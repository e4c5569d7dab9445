"""DisruptionBudget: how many of a workload's pods a voluntary eviction (a node drain) may take.

Every long-running workload (SecureDeployment, MysqlDatabase) gets a PodDisruptionBudget from
here, and none can be built that would block a drain (defect 6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdk8s_plus_27 import k8s

from constructs import Construct
from constructs.k8s_values import int_or_string
from constructs.pod_parts import BaselineError


@dataclass(frozen=True, kw_only=True)
class DisruptionBudget:
    """At most `max_unavailable` pods evicted at once, or at least `min_available` kept."""

    max_unavailable: int | None = 1
    min_available: int | None = None

    def __post_init__(self) -> None:
        if (self.max_unavailable is None) == (self.min_available is None):
            raise BaselineError("a disruption budget sets exactly one of max_unavailable and min_available")
        if self.max_unavailable is not None and self.max_unavailable < 1:
            raise BaselineError("max_unavailable below 1 blocks every voluntary eviction")

    def check_drainable(self, *, workload: str, min_replicas: int) -> None:
        """Refuse a budget under which a drain could never evict a pod (defect 6)."""
        if self.min_available is not None and self.min_available >= min_replicas:
            raise BaselineError(
                f"{workload}: PodDisruptionBudget min_available={self.min_available} with "
                f"{min_replicas} replica(s) would block every node drain"
            )


# The default budget: evict one pod at a time, which never blocks a drain (defect 6).
ONE_AT_A_TIME = DisruptionBudget()


def disruption_budget(
    scope: Construct,
    *,
    name: str,
    labels: Mapping[str, str],
    selector: Mapping[str, str],
    budget: DisruptionBudget,
    wave: Mapping[str, str],
) -> k8s.KubePodDisruptionBudget:
    # AlwaysAllow: a crash-looping pod must not hold a drain hostage either.
    return k8s.KubePodDisruptionBudget(
        scope,
        "DisruptionBudget",
        metadata=k8s.ObjectMeta(name=name, labels=dict(labels), annotations=dict(wave)),
        spec=k8s.PodDisruptionBudgetSpec(
            selector=k8s.LabelSelector(match_labels=dict(selector)),
            max_unavailable=int_or_string(budget.max_unavailable) if budget.max_unavailable else None,
            min_available=int_or_string(budget.min_available) if budget.min_available else None,
            unhealthy_pod_eviction_policy="AlwaysAllow",
        ),
    )
