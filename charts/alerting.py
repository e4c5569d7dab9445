"""The PrometheusRule of the product: the rules of charts/alert_rules.py, rendered as one object.

It lives in the backend namespace (the product's, so the AppProject's destinations cover it) and
carries the configured monitoring `resource_labels`, which the Prometheus's ruleSelector matches.
"""

from __future__ import annotations

import functools

from cdk8s import ApiObjectMetadata

from charts import alert_rules, names
from config.model import Environment
from constructs import Construct
from constructs.labels import MANAGED_BY_KEY, PART_OF, PART_OF_KEY, sync_wave
from imports.com.coreos.monitoring import (
    PrometheusRule,
    PrometheusRuleSpec,
    PrometheusRuleSpecGroups,
    PrometheusRuleSpecGroupsRules,
    PrometheusRuleSpecGroupsRulesExpr,
)


@functools.cache
def _expr(text: str) -> PrometheusRuleSpecGroupsRulesExpr:
    """Each `from_string` is a round trip to jsii's Node process, and the value objects are
    immutable: environments with the same rule share one (as constructs/k8s_values.py does)."""
    return PrometheusRuleSpecGroupsRulesExpr.from_string(text)


def alerting_rules(scope: Construct, env: Environment) -> PrometheusRule:
    groups = [
        PrometheusRuleSpecGroups(
            name=group,
            rules=[
                PrometheusRuleSpecGroupsRules(
                    alert=rule.name,
                    expr=_expr(rule.expr),
                    for_=rule.pending,
                    labels={"severity": rule.severity},
                    annotations={
                        "summary": rule.summary,
                        "description": rule.description,
                        "runbook_url": alert_rules.runbook_url(env, rule),
                    },
                )
                for rule in rules
            ],
        )
        for group, rules in alert_rules.rule_groups(env).items()
    ]
    return PrometheusRule(
        scope,
        "alerting-rules",
        metadata=ApiObjectMetadata(
            name=names.ALERT_RULES,
            namespace=names.BACKEND_NAMESPACE,
            labels={PART_OF_KEY: PART_OF, MANAGED_BY_KEY: "cdk8s", **env.monitoring.resource_labels},
            annotations=sync_wave(names.WAVE_WORKLOADS),
        ),
        spec=PrometheusRuleSpec(groups=groups),
    )
