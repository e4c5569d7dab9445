"""The cluster-side guard: ValidatingAdmissionPolicies (CEL) enforcing the baseline in the product's namespaces.

The constructs render every workload with the baseline, but a Deployment applied by hand is bound
only by Pod Security Admission, which does not check images, resources, a read-only root or the
ServiceAccount token, and only warns on workload objects. These policies check Pods and every pod
template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) on create and update, so
a bad Deployment is refused at `kubectl apply`, not later at pod creation. A binding per policy
scopes it to the product's namespaces, matched on the API-server-set
`kubernetes.io/metadata.name` label.

Every rule names the offending containers in its message. Pods in those namespaces also receive
LimitRange defaults before validation, so a Pod without resources is filled in rather than
refused; a pod template without them is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdk8s import ApiObjectMetadata

from charts import names
from config.admission import Admission
from constructs import Construct
from constructs.labels import MANAGED_BY_KEY, NAMESPACE_NAME_KEY, PART_OF, PART_OF_KEY, sync_wave
from imports.io.k8s.admissionregistration import (
    ValidatingAdmissionPolicy,
    ValidatingAdmissionPolicyBinding,
    ValidatingAdmissionPolicyBindingSpec,
    ValidatingAdmissionPolicyBindingSpecMatchResources,
    ValidatingAdmissionPolicyBindingSpecMatchResourcesNamespaceSelector,
    ValidatingAdmissionPolicyBindingSpecMatchResourcesNamespaceSelectorMatchExpressions,
    ValidatingAdmissionPolicySpec,
    ValidatingAdmissionPolicySpecMatchConstraints,
    ValidatingAdmissionPolicySpecMatchConstraintsNamespaceSelector,
    ValidatingAdmissionPolicySpecMatchConstraintsNamespaceSelectorMatchExpressions,
    ValidatingAdmissionPolicySpecMatchConstraintsResourceRules,
    ValidatingAdmissionPolicySpecValidations,
    ValidatingAdmissionPolicySpecVariables,
)

POLICY_PREFIX = "flask-platform-"

# (API group, resources) whose objects are or carry a pod spec.
POD_RESOURCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", ("pods",)),
    ("apps", ("deployments", "statefulsets", "daemonsets", "replicasets")),
    ("batch", ("jobs", "cronjobs")),
)

# The pod spec wherever it sits in the matched kinds, and every container of it. `object` is
# dynamically typed when a policy matches several kinds, so one expression serves all of them.
VARIABLES: tuple[tuple[str, str], ...] = (
    (
        "podSpec",
        "object.kind == 'Pod' ? object.spec : "
        "(object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)",
    ),
    ("containers", "variables.podSpec.containers + variables.podSpec.?initContainers.orValue([])"),
)


@dataclass(frozen=True, kw_only=True)
class ContainerRule:
    """A condition every container must meet; the message lists the containers that do not."""

    container_condition: str  # CEL over one container `c`
    problem: str  # what is wrong, after the container names

    @property
    def expression(self) -> str:
        return f"variables.containers.all(c, {self.container_condition})"

    def message_expression(self, policy: str) -> str | None:
        offenders = f"variables.containers.filter(c, !({self.container_condition})).map(c, c.name).join(', ')"
        return f"'{policy}: container(s) ' + {offenders} + ': {self.problem}'"


@dataclass(frozen=True, kw_only=True)
class PodRule:
    """A condition on the pod spec itself."""

    condition: str  # CEL over variables.podSpec
    problem: str

    @property
    def expression(self) -> str:
        return self.condition

    def message_expression(self, policy: str) -> str | None:
        return None  # the static message says it all


Rule = ContainerRule | PodRule


@dataclass(frozen=True, kw_only=True)
class Policy:
    name: str  # without POLICY_PREFIX
    rules: tuple[Rule, ...]


def _cel_string(value: str) -> str:
    if "'" in value or "\\" in value:
        raise ValueError(f"cannot write {value!r} as a CEL string literal")
    return f"'{value}'"


def _image_name(container: str = "c") -> str:
    """The last path segment of the image without its digest: name[:tag]."""
    return f"{container}.image.substring({container}.image.lastIndexOf('/') + 1).split('@')[0]"


def _digest_rule(repositories: Sequence[str]) -> tuple[ContainerRule, ...]:
    """Images of these repositories must carry a sha256 digest (none when the list is empty)."""
    if not repositories:
        return ()
    listed = "[" + ", ".join(_cel_string(r) for r in sorted(repositories)) + "]"
    of_repository = f"{listed}.exists(r, c.image.startsWith(r + ':') || c.image.startsWith(r + '@'))"
    return (
        ContainerRule(
            container_condition=f"!({of_repository}) || c.image.matches('@sha256:[a-f0-9]{{64}}$')",
            problem=f"image of a release repository must name a sha256 digest ({', '.join(sorted(repositories))})",
        ),
    )


def policies(admission: Admission, digest_repositories: Sequence[str] = ()) -> tuple[Policy, ...]:
    registries = "[" + ", ".join(_cel_string(f"{r}/") for r in admission.allowed_registries) + "]"
    shown = ", ".join(admission.allowed_registries)
    security = "c.?securityContext"
    return (
        Policy(
            name="trusted-images",
            rules=(
                ContainerRule(
                    container_condition=f"{registries}.exists(r, c.image.startsWith(r))",
                    problem=f"image must come from one of the allowed registries ({shown})",
                ),
                ContainerRule(
                    container_condition=f"{_image_name()}.contains(':') && !{_image_name()}.endsWith(':latest')",
                    problem="image must name a release tag, never none or latest",
                ),
                *_digest_rule(digest_repositories),
            ),
        ),
        Policy(
            name="container-baseline",
            rules=(
                ContainerRule(
                    container_condition=(
                        "['cpu', 'memory'].all(k, k in c.?resources.?requests.orValue({})"
                        " && k in c.?resources.?limits.orValue({}))"
                    ),
                    problem="cpu and memory requests and limits are required",
                ),
                ContainerRule(
                    container_condition=f"{security}.?readOnlyRootFilesystem.orValue(false) == true",
                    problem="securityContext.readOnlyRootFilesystem must be true",
                ),
                ContainerRule(
                    container_condition=f"'ALL' in {security}.?capabilities.?drop.orValue([])",
                    problem="securityContext.capabilities.drop must contain ALL",
                ),
            ),
        ),
        Policy(
            name="pod-isolation",
            rules=(
                PodRule(
                    condition="variables.podSpec.?volumes.orValue([]).all(v, !has(v.hostPath))",
                    problem="hostPath volumes are not allowed",
                ),
                PodRule(
                    condition=" && ".join(
                        f"variables.podSpec.?{field}.orValue(false) == false" for field in ("hostNetwork", "hostPID", "hostIPC")
                    ),
                    problem="hostNetwork, hostPID and hostIPC are not allowed",
                ),
                ContainerRule(
                    container_condition=(
                        f"{security}.?allowPrivilegeEscalation.orValue(true) == false"
                        f" && {security}.?privileged.orValue(false) == false"
                    ),
                    problem="securityContext.allowPrivilegeEscalation must be false and privileged must not be set",
                ),
            ),
        ),
        Policy(
            name="no-service-account-token",
            rules=(
                PodRule(
                    condition="variables.podSpec.?automountServiceAccountToken.orValue(true) == false",
                    problem="automountServiceAccountToken must be false (the pods do not call the Kubernetes API)",
                ),
            ),
        ),
    )


def policy_name(policy: Policy) -> str:
    return f"{POLICY_PREFIX}{policy.name}"


def admission_policies(
    scope: Construct,
    admission: Admission,
    *,
    namespaces: Sequence[str] = names.WORKLOAD_NAMESPACES,
    digest_repositories: Sequence[str] = (),
) -> None:
    labels = {PART_OF_KEY: PART_OF, MANAGED_BY_KEY: "cdk8s"}
    # Before the namespaces' workloads: the guard is in place when the first pod arrives.
    wave = sync_wave(names.WAVE_NAMESPACES)
    for policy in policies(admission, digest_repositories):
        name = policy_name(policy)
        ValidatingAdmissionPolicy(
            scope,
            f"policy-{policy.name}",
            metadata=ApiObjectMetadata(name=name, labels=labels, annotations=wave),
            spec=ValidatingAdmissionPolicySpec(
                failure_policy="Fail",
                match_constraints=ValidatingAdmissionPolicySpecMatchConstraints(
                    namespace_selector=ValidatingAdmissionPolicySpecMatchConstraintsNamespaceSelector(
                        match_expressions=[
                            ValidatingAdmissionPolicySpecMatchConstraintsNamespaceSelectorMatchExpressions(
                                key=NAMESPACE_NAME_KEY, operator="In", values=sorted(namespaces)
                            )
                        ]
                    ),
                    resource_rules=[
                        ValidatingAdmissionPolicySpecMatchConstraintsResourceRules(
                            api_groups=[group], api_versions=["v1"], operations=["CREATE", "UPDATE"], resources=list(resources)
                        )
                        for group, resources in POD_RESOURCES
                    ],
                ),
                variables=[ValidatingAdmissionPolicySpecVariables(name=n, expression=e) for n, e in VARIABLES],
                validations=[
                    ValidatingAdmissionPolicySpecValidations(
                        expression=rule.expression,
                        message_expression=rule.message_expression(name),
                        message=f"{name}: {rule.problem}",
                        reason="Forbidden",
                    )
                    for rule in policy.rules
                ],
            ),
        )
        ValidatingAdmissionPolicyBinding(
            scope,
            f"binding-{policy.name}",
            metadata=ApiObjectMetadata(name=name, labels=labels, annotations=wave),
            spec=ValidatingAdmissionPolicyBindingSpec(
                policy_name=name,
                validation_actions=[admission.action],
                match_resources=ValidatingAdmissionPolicyBindingSpecMatchResources(
                    namespace_selector=ValidatingAdmissionPolicyBindingSpecMatchResourcesNamespaceSelector(
                        match_expressions=[
                            ValidatingAdmissionPolicyBindingSpecMatchResourcesNamespaceSelectorMatchExpressions(
                                key=NAMESPACE_NAME_KEY, operator="In", values=sorted(namespaces)
                            )
                        ]
                    )
                ),
            ),
        )
