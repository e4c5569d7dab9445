"""What the cluster, Argo CD or the ingress controller would refuse in a rendered environment.

Run on the objects of one environment after the charts are built and before a file is
written; the first problem is raised as a FieldProblem naming the environment field to change.
The checks read rendered objects generically, so workloads added later are covered as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from config.errors import FieldProblem
from config.model import Environment
from synthesis.admission import api_rules, quota, routes
from synthesis.admission.context import Context

Check = Callable[[Context], Iterator[FieldProblem]]

CHECKS: tuple[Check, ...] = (
    api_rules.numbers_fit_the_api,
    api_rules.names_are_valid,
    api_rules.labels_are_valid,
    api_rules.ports_do_not_collide,
    api_rules.probes_are_accepted,
    routes.hosts_are_unique,
    quota.limit_range_defaults_within_bounds,
    quota.limit_ranges_admit_containers,
    quota.quotas_hold_workloads,
)


def problems(env: Environment, apps: dict[str, list[dict[str, Any]]]) -> Iterator[FieldProblem]:
    ctx = Context(env=env, objects=[o for docs in apps.values() for o in docs], apps=apps)
    for rule in CHECKS:
        yield from rule(ctx)


def check(env: Environment, apps: dict[str, list[dict[str, Any]]]) -> None:
    """Raise the first problem, in the order of CHECKS."""
    for problem in problems(env, apps):
        raise problem
