"""The non-secret configuration of one workload, as ConfigMaps and the references to them.

Settings become ConfigMap `<name>-env` (read with envFrom); files become ConfigMap
`<name>-files`, each key mounted by subPath at its path. The checksum of both goes on the pod
template, because neither envFrom nor a subPath mount sees an updated ConfigMap: a changed
config must roll the pods.

A function, not a construct: the ConfigMaps belong to the workload construct that calls it.
A grouping construct of its own would cost a round trip to jsii's Node process per workload
and render nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdk8s_plus_27 import k8s

from constructs import Construct
from constructs.pod_parts import ConfigFile

FILES_VOLUME = "config-files"
CONFIG_CHECKSUM_ANNOTATION = "checksum/config"
"""On the pod template: a changed checksum is a changed template, so the pods roll."""


def config_checksum(*contents: Mapping[str, str]) -> str:
    """Stable digest of the configuration a pod consumes; a change rolls the pods."""
    canonical = json.dumps(list(contents), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class WorkloadConfig:
    """How a workload's pods read the ConfigMaps `workload_config` rendered."""

    checksum: str
    config_map_names: list[str] = field(default_factory=list)
    env_from: list[k8s.EnvFromSource] = field(default_factory=list)
    volumes: list[k8s.Volume] = field(default_factory=list)
    mounts: list[k8s.VolumeMount] = field(default_factory=list)


def workload_config(
    scope: Construct,
    *,
    name: str,
    labels: Mapping[str, str],
    env: Mapping[str, str] | None = None,
    files: Sequence[ConfigFile] = (),
) -> WorkloadConfig:
    """Render the workload's ConfigMaps under `scope` (ids ConfigEnv, ConfigFiles).

    :param name: the workload's name; ConfigMaps are `<name>-env` and `<name>-files`.
    :param labels: metadata labels.
    :param env: settings exposed as environment variables.
    :param files: files mounted read-only at their paths.
    """
    env = dict(env or {})
    file_data = {f.key: f.content for f in files}
    if len(file_data) != len(files):
        raise ValueError(f"{name}: two config files share a key")
    config = WorkloadConfig(checksum=config_checksum(env, file_data))
    meta_labels = dict(labels)
    if env:
        env_name = f"{name}-env"  # a Python string: reading `.name` back is a round trip
        k8s.KubeConfigMap(scope, "ConfigEnv", metadata=k8s.ObjectMeta(name=env_name, labels=meta_labels), data=env)
        config.config_map_names.append(env_name)
        config.env_from.append(k8s.EnvFromSource(config_map_ref=k8s.ConfigMapEnvSource(name=env_name)))
    if files:
        files_name = f"{name}-files"
        k8s.KubeConfigMap(scope, "ConfigFiles", metadata=k8s.ObjectMeta(name=files_name, labels=meta_labels), data=file_data)
        config.config_map_names.append(files_name)
        config.volumes.append(
            k8s.Volume(name=FILES_VOLUME, config_map=k8s.ConfigMapVolumeSource(name=files_name, default_mode=0o444))
        )
        config.mounts.extend(
            k8s.VolumeMount(name=FILES_VOLUME, mount_path=f.mount_path, sub_path=f.key, read_only=True) for f in files
        )
    return config
