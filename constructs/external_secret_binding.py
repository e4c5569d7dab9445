"""ExternalSecretBinding: one Secret, owned by one ExternalSecret, filled from the secret store.

The Secret exists only as the target of an `external-secrets.io/v1` ExternalSecret against the
platform's ClusterSecretStore (creationPolicy Owner): nothing else may create a Secret of that
name, so a second owner or a plaintext default cannot exist (defects 3 and 8). Workloads take
typed references from the binding; asking for a key it does not map fails at synth time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdk8s import ApiObjectMetadata
from cdk8s_plus_27 import k8s

from constructs import Construct
from constructs.labels import sync_wave as sync_wave_annotation
from imports.io.external_secrets import (
    ExternalSecret,
    ExternalSecretSpec,
    ExternalSecretSpecData,
    ExternalSecretSpecDataRemoteRef,
    ExternalSecretSpecSecretStoreRef,
    ExternalSecretSpecSecretStoreRefKind,
    ExternalSecretSpecTarget,
    ExternalSecretSpecTargetCreationPolicy,
    ExternalSecretSpecTargetDeletionPolicy,
    ExternalSecretSpecTargetTemplate,
    ExternalSecretSpecTargetTemplateEngineVersion,
    ExternalSecretSpecTargetTemplateMergePolicy,
)


class BindingError(ValueError):
    """A workload referenced a secret key that its binding does not provide."""


@dataclass(frozen=True, kw_only=True)
class RemoteValue:
    """One value in the secret store: a JSON secret `key` and the `property` inside it."""

    key: str
    property: str


class ExternalSecretBinding(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        store_name: str,
        refresh_interval: str,
        values: Mapping[str, RemoteValue],
        templates: Mapping[str, str] | None = None,
        template_inputs: Mapping[str, RemoteValue] | None = None,
        labels: Mapping[str, str] | None = None,
        sync_wave: int = -1,
    ) -> None:
        """
        :param name: name of the ExternalSecret and of the Secret it owns.
        :param store_name: the ClusterSecretStore to read from.
        :param refresh_interval: how often the store is re-read (e.g. 1h).
        :param values: Secret key -> value in the store.
        :param templates: Secret key -> ESO template built from `values` (e.g. a URL assembled
            from a password and the database Service's address), so derived values never
            live in the store and cannot drift from the objects they describe.
        :param template_inputs: values fetched only for the templates (e.g. the password inside
            a URL): the Secret does not hold them, so it carries exactly the keys its pods read.
        :param labels: metadata labels.
        :param sync_wave: ArgoCD sync wave; before the workloads that mount the Secret.
        """
        super().__init__(scope, id)
        if not values:
            raise BindingError(f"ExternalSecretBinding {name!r} maps no keys")
        templates = dict(templates or {})
        inputs = dict(template_inputs or {})
        overlap = sorted(set(values) & set(templates))
        if overlap:
            raise BindingError(f"ExternalSecretBinding {name!r}: keys {overlap} are both fetched and templated")
        clash = sorted(set(inputs) & (set(values) | set(templates)))
        if clash:
            raise BindingError(f"ExternalSecretBinding {name!r}: template inputs {clash} are also Secret keys")
        if inputs and not templates:
            raise BindingError(f"ExternalSecretBinding {name!r}: template inputs without a template")
        self.secret_name = name
        self.keys = frozenset(values) | frozenset(templates)
        # With a template, ESO writes exactly the template's keys (mergePolicy Replace): the
        # fetched values are passed through it, the template inputs are not, so no key that no
        # pod reads (a bare password beside the URL that embeds it) lands in the Secret.
        template = (
            ExternalSecretSpecTargetTemplate(
                engine_version=ExternalSecretSpecTargetTemplateEngineVersion.V2,
                merge_policy=ExternalSecretSpecTargetTemplateMergePolicy.REPLACE,
                data={**{key: f'{{{{ index . "{key}" }}}}' for key in values}, **templates},
            )
            if templates
            else None
        )
        self.external_secret = ExternalSecret(
            self,
            "Resource",
            metadata=ApiObjectMetadata(name=name, labels=dict(labels or {}), annotations=sync_wave_annotation(sync_wave)),
            spec=ExternalSecretSpec(
                refresh_interval=refresh_interval,
                secret_store_ref=ExternalSecretSpecSecretStoreRef(
                    kind=ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name=store_name
                ),
                target=ExternalSecretSpecTarget(
                    name=name,
                    creation_policy=ExternalSecretSpecTargetCreationPolicy.OWNER,
                    deletion_policy=ExternalSecretSpecTargetDeletionPolicy.RETAIN,
                    template=template,
                ),
                data=[
                    ExternalSecretSpecData(
                        secret_key=secret_key,
                        remote_ref=ExternalSecretSpecDataRemoteRef(key=value.key, property=value.property),
                    )
                    for secret_key, value in sorted({**values, **inputs}.items())
                ],
            ),
        )

    def _require(self, key: str) -> None:
        if key not in self.keys:
            raise BindingError(f"Secret {self.secret_name!r} has no key {key!r} (it maps: {', '.join(sorted(self.keys))})")

    def env_var(self, env_name: str, key: str) -> k8s.EnvVar:
        """An environment variable read from one key of the Secret."""
        self._require(key)
        return k8s.EnvVar(
            name=env_name,
            value_from=k8s.EnvVarSource(secret_key_ref=k8s.SecretKeySelector(name=self.secret_name, key=key)),
        )

    def volume(self, volume_name: str, files: Mapping[str, str] | Sequence[str]) -> k8s.Volume:
        """A volume projecting the given keys as files (key -> file name, or keys as names)."""
        mapping = dict(files) if isinstance(files, Mapping) else {key: key for key in files}
        for key in mapping:
            self._require(key)
        return k8s.Volume(
            name=volume_name,
            secret=k8s.SecretVolumeSource(
                secret_name=self.secret_name,
                default_mode=0o440,
                items=[k8s.KeyToPath(key=key, path=path) for key, path in sorted(mapping.items())],
            ),
        )
