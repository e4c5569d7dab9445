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

from cdk8s import Chart
from cdk8s_plus_27 import k8s

from config.model import Resources
from constructs import Construct
from constructs.batch_pod import BatchPodParts, Step, batch_pod_template
from constructs.labels import metadata_labels, selector_labels
from constructs.labels import sync_wave as sync_wave_annotation
from constructs.pod_baseline import CheckovSkip, RunAs, WritablePath, checkov_annotations, implied_checkov_skips
from constructs.workload_identity import WorkloadIdentity

HOOK_ANNOTATION = "argocd.argoproj.io/hook"
HOOK_DELETE_POLICY_ANNOTATION = "argocd.argoproj.io/hook-delete-policy"
HOOK_PHASE = "Sync"
HOOK_DELETE_POLICY = "BeforeHookCreation"


class SchemaMigration(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        image: str,
        version: str,
        command: Sequence[str],
        resources: Resources,
        run_as: RunAs,
        env_from: Sequence[k8s.EnvFromSource] = (),
        volumes: Sequence[k8s.Volume] = (),
        mounts: Sequence[k8s.VolumeMount] = (),
        writable_paths: Sequence[WritablePath] = (),
        deadline_seconds: int,
        retries: int,
        sync_wave: int,
        checkov_skips: Sequence[CheckovSkip] = (),
    ) -> None:
        """
        :param name: name of the Job, its ServiceAccount and its pods' selector label.
        :param image: the API's image reference (same tag as the API Deployment).
        :param version: release shown in the version label.
        :param command: the migration command (e.g. flask db upgrade).
        :param resources: requests and limits of the migration container.
        :param run_as: the API's UID/GID.
        :param env_from: the API's settings (its `<name>-env` ConfigMap).
        :param volumes: the API's secret volumes.
        :param mounts: their mounts, at the API's paths.
        :param writable_paths: emptyDirs (at least /tmp).
        :param deadline_seconds: activeDeadlineSeconds: a hung migration fails the sync.
        :param retries: backoffLimit.
        :param sync_wave: the wave between the database and the API Deployment.
        :param checkov_skips: hardening checks that do not apply, each with a reason.
        """
        super().__init__(scope, id)
        self.name = name
        self.namespace = Chart.of(self).namespace
        self.selector = selector_labels(name)
        self.labels = metadata_labels(name, component="migration", version=version)
        WorkloadIdentity(self, "Identity", name=name, namespace=self.namespace, labels=self.labels)
        template = batch_pod_template(
            BatchPodParts(
                steps=[
                    Step(
                        name="migrate",
                        image=image,
                        command=list(command),
                        resources=resources,
                        env_from=env_from,
                        mounts=mounts,
                    )
                ],
                run_as=run_as,
                service_account=name,
                labels=self.labels,
                writable_paths=writable_paths,
                volumes=volumes,
            )
        )
        annotations = {
            HOOK_ANNOTATION: HOOK_PHASE,
            HOOK_DELETE_POLICY_ANNOTATION: HOOK_DELETE_POLICY,
            **sync_wave_annotation(sync_wave),
            **checkov_annotations([*implied_checkov_skips(image=image, run_as=run_as), *checkov_skips]),
        }
        self.job = k8s.KubeJob(
            self,
            "Job",
            metadata=k8s.ObjectMeta(name=name, labels=self.labels, annotations=annotations),
            spec=k8s.JobSpec(
                backoff_limit=retries,
                active_deadline_seconds=deadline_seconds,
                template=template,
            ),
        )
