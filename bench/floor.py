"""The full synth of the real configuration, and its floor.

The floor is a process that imports exactly what a full synth imports (main, then what
main.synthesize imports lazily: synthesis.build and synthesis.output, which pull in cdk8s,
cdk8s-plus-27's k8s module, the generated CRD bindings under imports/, pydantic, yaml and every
chart and construct) and synthesizes an empty App. Its time is what any synth costs before the
first object: interpreter start-up, imports, the Node process and the jsii assembly loads.
synth / floor shows how much the real work adds on top. Both tasks return their module list
so the report can prove the two processes imported the same modules.
"""

from __future__ import annotations

import importlib
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

# Generated jsii modules whose import cost is reported on its own (a candidate for lazy imports).
GENERATED_MODULES = (
    "cdk8s_plus_27",
    "imports.io.external_secrets",
    "imports.io.argoproj",
    "imports.io.k8s.networking.gateway",
)


def synth_task(scratch: str, workers: int = 1) -> dict[str, Any]:
    """What `python main.py` does, into a throwaway dist/ (never the repository's)."""
    from config.loader import available_environments

    names = available_environments()
    dist = Path(scratch) / "dist"
    if workers > 1:
        return {"environments": names, **_synthesize_parallel(names, dist, workers)}
    import main

    summary = main.synthesize(names, dist=dist)
    return {"environments": names, "files": summary.files, "modules": sorted(sys.modules)}


def _synthesize_parallel(names: list[str], dist: Path, workers: int) -> dict[str, Any]:
    """Prototype of main.synthesize rendering each environment in its own process.

    Validation stays in the parent, before anything renders; the parent never loads cdk8s.
    """
    from config.loader import load_environment
    from synthesis.output import replace_directory

    environments = [load_environment(name) for name in names]
    # spawn, not fork: a forked jsii kernel would share one Node process between workers.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(environments)), mp_context=context, **_worker_patches()) as pool:
        rendered = list(pool.map(_render_environment, environments))
    files = {path: text for r in rendered for path, text in r["files"].items()}
    replace_directory(dist, files)
    peaks: dict[str, dict[int, int]] = {"python": {}, "node": {}}
    for r in rendered:
        for kind in peaks:
            for pid, kb in r["peaks"][kind].items():
                peaks[kind][pid] = max(kb, peaks[kind].get(pid, 0))
    return {"files": len(files), "peaks": peaks}


def _worker_patches() -> dict[str, Any]:
    from bench.scale import _worker_patches as pool_arguments

    return pool_arguments()


def _render_environment(env: Any) -> dict[str, Any]:
    from bench.memory import process_peaks
    from synthesis.build import render_environment

    return {"files": render_environment(env), "peaks": process_peaks()}


def floor_task(scratch: str) -> dict[str, Any]:
    import main  # noqa: F401 - the same import graph as synth_task
    import synthesis.build  # noqa: F401, I001 - imported lazily by main.synthesize; sets Node up first
    import synthesis.output  # noqa: F401
    import synthesis.pipeline  # noqa: F401

    # After synthesis.build, as in a synth: importing cdk8s first would start Node with stock
    # jsii (its relay process, no flags), which is not what a synth pays for.
    from cdk8s import App  # isort: skip

    App(outdir=str(Path(scratch) / "floor-out")).synth()
    return {"modules": sorted(sys.modules)}


def import_cost_task(scratch: str, module: str) -> dict[str, Any]:
    """Seconds to import `module` once cdk8s is loaded and Node is running: its marginal cost."""
    import cdk8s  # noqa: F401 - starts Node and loads the constructs and cdk8s assemblies

    start = time.perf_counter()
    importlib.import_module(module)
    return {"module": module, "seconds": time.perf_counter() - start}
