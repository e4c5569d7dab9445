"""What each workload's ServiceAccount may do, asked of the real RBAC authorizer.

The expectation comes from dist/'s own Roles (their resourceNames are the intent); on top of
that, a fixed set of requests must be denied whatever dist/ declares.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cluster.dist_objects import declared_namespaces
from cluster.rbac import (
    Request,
    declared_requests,
    expected,
    granted_rules,
    must_deny,
    probe_requests,
    workload_subjects,
)
from tests.support.cluster import FIXTURE, SyncedEnv, targets

TARGETS = sorted(targets())


@pytest.mark.parametrize("target", TARGETS)
def test_service_account_access_matches_dist(synced: Callable[[str], SyncedEnv], target: str) -> None:
    env = synced(target)
    subjects = workload_subjects(env.manifests)
    assert subjects, f"{target}: no workload ServiceAccounts found"
    namespaces = sorted(declared_namespaces(env.manifests) | {"default", "kube-system"})
    problems: list[str] = []
    lines = [f"\n{target}: access observed (A = allowed, - = denied)"]
    for subject in subjects:
        rules = granted_rules(env.manifests, subject)
        declared = declared_requests(rules)
        others = [ns for ns in namespaces if ns != subject.namespace]
        checks: list[tuple[Request, bool, bool]] = []  # request, expected, must be denied
        for req in declared + probe_requests(subject, rules, others):
            checks.append((req, expected(rules, req), False))
        for req in must_deny(subject, sorted({r.name for r in declared if r.name})):
            checks.append((req, False, True))
        lines.append(f"  {subject.user}")
        unique = list(dict.fromkeys(checks))
        for req, want, fixed in unique:
            allowed, reason = env.client.can(subject.user, subject.groups, req.attributes())
            if req in declared or allowed:
                lines.append(f"    {'A' if allowed else '-'} {req}")
            if allowed != want:
                why = "must always be denied" if fixed else f"dist/ declares it {'allowed' if want else 'denied'}"
                problems.append(
                    f"{subject.user}: {req}: authorizer says {'allowed' if allowed else 'denied'} "
                    f"({reason or 'no reason given'}), {why}"
                )
        lines.append(f"    - everything else probed ({len(unique) - len(set(declared))} requests)")
    print("\n".join(lines))
    assert not problems, f"{target}:\n" + "\n".join(problems)


def test_fixture_grants_are_observed(synced: Callable[[str], SyncedEnv]) -> None:
    """The matrix can see an allow: the fixture's web Role grants exactly two gets by name."""
    env = synced(FIXTURE)
    web = next(s for s in workload_subjects(env.manifests) if s.name == "web")
    for resource, name in (("configmaps", "web-config"), ("secrets", "web-db")):
        assert env.client.can(web.user, web.groups, Request("fixture-app", "get", resource, name=name).attributes())[0]
    assert not env.client.can(web.user, web.groups, Request("fixture-app", "list", "secrets").attributes())[0]
