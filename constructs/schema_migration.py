"""SchemaMigration: the release's schema migration as an ArgoCD Sync hook Job.

Hook phase and wave, and why (docs/operations.md, "Release order"):

- Not PreSync: PreSync hooks run before anything of the sync is applied, so on the very first
  sync the database StatefulSet, its Service and the Secrets do not exist yet and the migration
  could never succeed. A Sync hook runs inside the Sync phase, ordered by wave with the normal
  objects.
- Wave: after the database (whose wave ArgoCD does not leave until the StatefulSet is healthy,
  i.e. ready), before the API Deployment. ArgoCD starts a wave only when the previous one is
  healthy and a hook Job only counts once it succeeded, so the new API pods never start
  against an unmigrated schema, and a failed (or timed-out) migration fails the sync operation
  before the Deployment is touched: the old ReplicaSet keeps serving.
- BeforeHookCreation: the Job of the previous sync (and its logs) stays until the next sync
  replaces it; the name never changes, so `kubectl logs job/<name>` always finds the latest run.

The pod is the API's: same image and tag, same UID, the same settings ConfigMap and secret
files, a read-only root with an emptyDir /tmp; no ports and no probes (batch_pod).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdk8s_plus_27 import k8s

from config.types import Resources
from constructs import Construct
from constructs.batch_pod import BatchPodParts, Step, batch_pod_template
from constructs.labels import metadata_labels, selector_labels
from constructs.labels import sync_wave as sync_wave_annotation
from constructs.pod_parts import RunAs, WritablePath
from constructs.pod_template import review_annotations
from constructs.scope_namespace import namespace_of
from constructs.workload_identity import workload_identity
from constructs.workload_props import WorkloadProps

HOOK_ANNOTATION = "argocd.argoproj.io/hook"
HOOK_DELETE_POLICY_ANNOTATION = "argocd.argoproj.io/hook-delete-policy"
HOOK_PHASE = "Sync"
HOOK_DELETE_POLICY = "BeforeHookCreation"


@dataclass(frozen=True, kw_only=True)
class SchemaMigrationProps(WorkloadProps):
    """The migration Job: `image` is the API's (same tag as the API Deployment), `sync_wave` the
    wave between the database and the API Deployment."""

    command: Sequence[str]
    """The migration command (e.g. flask db upgrade)."""
    resources: Resources
    """Requests and limits of the migration container."""
    run_as: RunAs
    """The API's UID/GID."""
    deadline_seconds: int
    """activeDeadlineSeconds: a hung migration fails the sync."""
    retries: int
    """backoffLimit."""
    env_from: Sequence[k8s.EnvFromSource] = ()
    """The API's settings (its `<name>-env` ConfigMap)."""
    volumes: Sequence[k8s.Volume] = ()
    """The API's secret volumes."""
    mounts: Sequence[k8s.VolumeMount] = ()
    """Their mounts, at the API's paths."""
    writable_paths: Sequence[WritablePath] = ()
    """emptyDirs (at least /tmp)."""


class SchemaMigration(Construct):
    def __init__(self, scope: Construct, id: str, props: SchemaMigrationProps) -> None:
        """The Job, its ServiceAccount and its pods' selector label are all `props.name`."""
        super().__init__(scope, id)
        name = props.name
        self.name = name
        self.namespace = namespace_of(scope)
        self.selector = selector_labels(name)
        self.labels = metadata_labels(name, component="migration", version=props.version)
        workload_identity(self, name=name, namespace=self.namespace, labels=self.labels)
        template = batch_pod_template(
            BatchPodParts(
                steps=[
                    Step(
                        name="migrate",
                        image=props.image,
                        command=list(props.command),
                        resources=props.resources,
                        env_from=props.env_from,
                        mounts=props.mounts,
                    )
                ],
                run_as=props.run_as,
                service_account=name,
                labels=self.labels,
                writable_paths=props.writable_paths,
                volumes=props.volumes,
            )
        )
        annotations = {
            HOOK_ANNOTATION: HOOK_PHASE,
            HOOK_DELETE_POLICY_ANNOTATION: HOOK_DELETE_POLICY,
            **sync_wave_annotation(props.sync_wave),
            **review_annotations(props, run_as=props.run_as),
        }
        self.job = k8s.KubeJob(
            self,
            "Job",
            metadata=k8s.ObjectMeta(name=name, labels=self.labels, annotations=annotations),
            spec=k8s.JobSpec(
                backoff_limit=props.retries,
                active_deadline_seconds=props.deadline_seconds,
                template=template,
            ),
        )
