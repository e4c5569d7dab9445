"""Synthetic environments with N backend-like services, rendered through the product pipeline.

The environment files are written to a scratch directory as real YAML (base.yaml copied from
environments/, each environment file a copy of staging.yaml's overrides plus a `services` list),
then parsed with the product's strict reader and validated with a model that extends
`Environment`, so configuration cost grows with N as it does for real. The chart
(bench/scale_chart.py) composes the project's constructs once per service; rendering uses the
product's layout, YAML writer and atomic dist/ writer.

With workers > 1 the environments render in parallel processes (a prototype: main.synthesize
renders them one after the other in one process, where Python and Node take turns on a core).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import shutil
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from bench.memory import process_peaks
from config.loader import ENVIRONMENTS_DIR, deep_merge, read_yaml_mapping
from config.model import DnsLabel, Environment, Workload

ENV_NAMES = ("bench-a", "bench-b", "bench-c")
# Kinds every service renders exactly once (NetworkPolicies depend on the edges, see expected_kinds).
ONE_PER_SERVICE = (
    "ExternalSecret",
    "ConfigMap",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "Deployment",
    "PodDisruptionBudget",
    "Service",
)


class BenchService(Workload):
    name: DnsLabel
    """Name of the service's Deployment, Service and ServiceAccount."""


class BenchEnvironment(Environment):
    services: list[BenchService] = []
    """The synthetic services of this environment."""


def service_entry(index: int) -> dict[str, Any]:
    """One service as it would be written in an environment file; values vary with the index."""
    return {
        "name": f"svc-{index:04d}",
        "image": {"repository": f"registry.example.internal/bench/svc-{index:04d}", "tag": f"1.{index % 7}.{index}"},
        "replicas": 1 + index % 3,
        "resources": {
            "requests": {"cpu": f"{50 + 10 * (index % 5)}m", "memory": f"{64 * (1 + index % 4)}Mi"},
            "limits": {"cpu": "500m", "memory": "512Mi"},
        },
    }


def write_environments(directory: Path, services: int, env_names: tuple[str, ...] = ENV_NAMES) -> None:
    """base.yaml plus one file per environment, each holding `services` services."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ENVIRONMENTS_DIR / "base.yaml", directory / "base.yaml")
    overrides = read_yaml_mapping(ENVIRONMENTS_DIR / "staging.yaml")
    for env_name in env_names:
        data = deep_merge(overrides, {"gitops": {"branch": env_name}, "secrets": {"key_prefix": f"{env_name}/bench"}})
        data["services"] = [service_entry(i) for i in range(services)]
        text = yaml.safe_dump(data, sort_keys=False, default_flow_style=False, width=4096)
        (directory / f"{env_name}.yaml").write_text(text, encoding="utf-8")


def load_bench_environment(name: str, directory: Path) -> BenchEnvironment:
    """The product loader's steps (strict YAML, deep merge, strict model) for the bench model."""
    merged = deep_merge(read_yaml_mapping(directory / "base.yaml"), read_yaml_mapping(directory / f"{name}.yaml"))
    return BenchEnvironment.model_validate({**merged, "name": name})


def expected_kinds(services: int) -> Counter[str]:
    """Objects per kind in one environment of `services` services.

    NetworkPolicies: one per edge end that BenchServices declares (each service admits the
    ingress controller; each but the first admits the previous service, which adds an ingress
    end here and an egress end on the client), as MicrosegmentedService renders one policy per
    edge end.
    """
    kinds = Counter({kind: services for kind in ONE_PER_SERVICE})
    kinds["NetworkPolicy"] = services + 2 * max(services - 1, 0)
    return +kinds


def run_scale(services: int, workdir: Path, workers: int = 1) -> dict[str, Any]:
    """Write, load, build, render and write N services x 3 environments into workdir/dist.

    Returns the object count and the seconds spent in each phase.
    """
    phases: dict[str, float] = {}
    start = time.perf_counter()
    write_environments(workdir / "environments", services)
    loaded = time.perf_counter()
    envs = [load_bench_environment(name, workdir / "environments") for name in ENV_NAMES]
    phases["generate"] = loaded - start  # the bench writing its input: not product work
    phases["config"] = time.perf_counter() - loaded

    if workers > 1:
        t0 = time.perf_counter()
        # spawn, not fork: a forked jsii kernel would share one Node process between workers.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, **_worker_patches()) as pool:
            rendered = list(pool.map(render_bench_environment, envs))
        phases["render (parallel)"] = time.perf_counter() - t0
        from synthesis.output import replace_directory

        t0 = time.perf_counter()
        files = {path: text for r in rendered for path, text in r["files"].items()}
        summary = replace_directory(workdir / "dist", files)
        phases["write"] = time.perf_counter() - t0
        objects = sum(r["objects"] for r in rendered)
        peaks = _merge_peaks([r["peaks"] for r in rendered])
    else:
        objects, summary = _pipeline(envs, workdir / "dist", phases)
        peaks = None
    result = {
        "services": services,
        "environments": len(envs),
        "objects": objects,
        "files": summary.files,
        "phases": phases,
    }
    if peaks is not None:
        result["peaks"] = peaks
    return result


def _pipeline(envs: list[BenchEnvironment], dist: Path, phases: dict[str, float]) -> tuple[int, Any]:
    """The product's pipeline (synthesis/pipeline.py), as main.synthesize drives it: each
    environment is built here and handed to the writer. Phases: imports, build, to_json (this
    process), and tail = what writing adds after the last environment is built."""
    t0 = time.perf_counter()
    import synthesis.build  # noqa: F401, I001 - first: sets jsii and Node up as every product synth does
    from bench.scale_chart import BENCH_APP, BenchServices
    from cdk8s import App
    from synthesis.pipeline import write_rendered

    phases.update(imports=time.perf_counter() - t0, build=0.0, to_json=0.0)
    objects = 0

    def rendered() -> Any:
        nonlocal objects
        for env in envs:
            t1 = time.perf_counter()
            chart = BenchServices(App(), env)
            t2 = time.perf_counter()
            documents = chart.to_json()
            phases["build"] += t2 - t1
            phases["to_json"] += time.perf_counter() - t2
            objects += len(documents)
            yield env.name, BENCH_APP, documents

    start = time.perf_counter()
    summary = write_rendered(dist, rendered())
    phases["tail"] = time.perf_counter() - start - phases["build"] - phases["to_json"]
    return objects, summary


def render_bench_environment(env: BenchEnvironment) -> dict[str, Any]:
    """Build one environment's chart and render its YAML files (in a worker when parallel)."""
    phases = {}
    t0 = time.perf_counter()
    import synthesis.build  # noqa: F401, I001 - first: sets jsii and Node up as every product synth does
    from bench.scale_chart import BENCH_APP, BenchServices
    from cdk8s import App
    from synthesis.pipeline import render_files

    t1 = time.perf_counter()
    chart = BenchServices(App(), env)
    t2 = time.perf_counter()
    documents = chart.to_json()
    t3 = time.perf_counter()
    files = render_files(env.name, BENCH_APP, documents)
    t4 = time.perf_counter()
    phases.update(imports=t1 - t0, build=t2 - t1, to_json=t3 - t2, yaml=t4 - t3)
    return {"objects": len(documents), "files": files, "phases": phases, "peaks": process_peaks()}


def _worker_patches() -> dict[str, Any]:
    """Pool arguments that make workers apply the prototypes this process was asked for."""
    from bench.prototypes import REQUESTED, apply

    return {"initializer": apply, "initargs": (tuple(REQUESTED),)} if REQUESTED else {}


def _merge_peaks(all_peaks: list[dict[str, dict[int, int]]]) -> dict[str, dict[int, int]]:
    """Per process, the largest peak any of its tasks reported."""
    merged: dict[str, dict[int, int]] = {"python": {}, "node": {}}
    for peaks in all_peaks:
        for kind, by_pid in peaks.items():
            for pid, kb in by_pid.items():
                merged[kind][pid] = max(kb, merged[kind].get(pid, 0))
    return merged


def scale_task(scratch: str, services: int, workers: int = 1) -> dict[str, Any]:
    """bench.child entry point: one scale run into scratch/dist."""
    return run_scale(services, Path(scratch), workers)


def repeat_task(scratch: str, services: int, repeats: int) -> dict[str, Any]:
    """One environment of N services, loaded, built and rendered `repeats` times in one process.

    For comparing prototypes: the per-iteration times exclude start-up, and their minimum is
    robust to other jobs on a shared machine (interference only ever adds time). Nothing is
    written to disk (no prototype touches the writer). The first iteration also pays one-time
    costs (first use of each class in Node) and is reported apart.
    """
    directory = Path(scratch) / "environments"
    write_environments(directory, services, ENV_NAMES[:1])
    import synthesis.build  # noqa: F401, I001 - first: sets jsii and Node up as every product synth does
    from bench.scale_chart import BENCH_APP, BenchServices
    from cdk8s import App
    from synthesis.pipeline import render_files

    seconds = []
    texts: list[str] = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        env = load_bench_environment(ENV_NAMES[0], directory)
        documents = BenchServices(App(), env).to_json()
        texts = list(render_files(env.name, BENCH_APP, documents).values())
        seconds.append(time.perf_counter() - start)
    digest = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
    return {"services": services, "objects": len(texts), "first_s": seconds[0], "seconds": seconds[1:], "output_digest": digest}


def config_parse_task(scratch: str, services: int, repeats: int = 5) -> dict[str, Any]:
    """Fastest of `repeats` parses of base.yaml plus one environment file of N services, with
    the product's strict loader and with the c-yaml-loader prototype. The difference is a few
    per cent of a whole run, below its noise, so it is measured on its own."""
    import config.loader as loader
    from bench.prototypes import c_yaml_loader

    directory = Path(scratch) / "environments"
    write_environments(directory, services, ENV_NAMES[:1])
    paths = [directory / "base.yaml", directory / f"{ENV_NAMES[0]}.yaml"]

    def fastest() -> float:
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            for path in paths:
                loader.read_yaml_mapping(path)
            best = min(best, time.perf_counter() - start)
        return best

    python_loader = fastest()
    c_yaml_loader()
    return {"services": services, "bytes": sum(p.stat().st_size for p in paths), "python_s": python_loader, "c_s": fastest()}
