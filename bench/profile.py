"""Where the time goes: a cProfile of a synth child, and a census of jsii round trips.

The profile (`profile_task`) covers the whole child, imports included, and is summarized into
a few inclusive categories (`summarize`): imports, config validation, construct building,
chart.to_json, YAML writing, disk writes, jsii round trips (split into waiting for Node, pipe
writes and Python-side (de)serialization) and jsii's argument type checks. Categories overlap
(round trips happen while building), so shares do not add up to 100 %. cProfile slows
Python-side code more than Node-side waiting; read the shares as a ranking, not as timings.
The profiled child writes YAML itself (SYNTH_SINGLE_PROCESS=1): cProfile sees one process, and
the ranking should show the YAML work the writer process normally takes off the main one.

The census (`census_task`, run without the profiler) counts every request sent to the jsii
kernel process by kind (create, invoke, static invoke, get, ...), by what it targets (class,
method or property) and by the first project source line that caused it.
"""

from __future__ import annotations

import collections
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path
from typing import Any

from manifests import REPO_ROOT

_SKIP_IN_SITE = ("/.venv", "/imports/", "/bench/child.py", "/bench/floor.py", "/bench/profile.py")


def _run_target(scratch: str, target: str, services: int) -> dict[str, Any]:
    if target == "synth":
        from bench.floor import synth_task

        result = synth_task(scratch)
        result.pop("modules")
        return result
    from bench.scale import run_scale

    return run_scale(services, Path(scratch))


def profile_task(scratch: str, target: str, out: str, services: int = 0) -> dict[str, Any]:
    from synthesis.pipeline import SINGLE_PROCESS_VARIABLE

    # cProfile sees one process: write YAML in this one, so that the profile shows it.
    os.environ[SINGLE_PROCESS_VARIABLE] = "1"
    profiler = cProfile.Profile()
    profiler.enable()
    result = _run_target(scratch, target, services)
    profiler.disable()
    profiler.dump_stats(out)
    return result


# jsii's provider methods, each sending one request (the request is their only argument).
_PROVIDER_METHODS = ("load", "create", "get", "set", "sget", "sset", "invoke", "sinvoke", "delete", "complete")


def census_task(scratch: str, target: str, services: int = 0) -> dict[str, Any]:
    from jsii._kernel.providers import process

    counts: collections.Counter[tuple[str, str, str]] = collections.Counter()
    seconds: collections.Counter[tuple[str, str, str]] = collections.Counter()

    def counted(method: Any) -> Any:
        def call(self: Any, request: Any, *rest: Any) -> Any:
            key = (_request_kind(request), _request_target(request), _call_site(sys._getframe(1)))
            start = time.perf_counter()
            try:
                return method(self, request, *rest)
            finally:
                counts[key] += 1
                seconds[key] += time.perf_counter() - start

        return call

    # The provider, not _NodeProcess.send: synthesis/jsii_tuning.py replaces the latter when the
    # synth imports it. A pipelined create's wait for Node is counted by the next request that
    # waits for an answer (synthesis/kernel_pipeline.py).
    for name in _PROVIDER_METHODS:
        setattr(process.ProcessProvider, name, counted(getattr(process.ProcessProvider, name)))
    result = _run_target(scratch, target, services)
    result["round_trips"] = [[*key, counts[key], seconds[key]] for key in counts]
    return result


def _request_kind(request: Any) -> str:
    return type(request).__name__.removesuffix("Request")


def _request_target(request: Any) -> str:
    if _request_kind(request) == "Load":
        return request.name
    parts = [getattr(request, "fqn", None), getattr(request, "method", None), getattr(request, "property", None)]
    return ".".join(p for p in parts if p)


def _call_site(frame: Any) -> str:
    """The innermost frame in the project's own code (not jsii, not generated bindings)."""
    root = str(REPO_ROOT) + "/"
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(root) and not any(part in filename for part in _SKIP_IN_SITE):
            return f"{filename[len(root) :]}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back
    return "(import / jsii internals)"


# --- summary (parent side) ------------------------------------------------------------------


def _match(key: tuple[str, int, str], path_part: str, function: str) -> bool:
    return key[2] == function and path_part in key[0]


def _entries(stats: dict, path_part: str, function: str) -> list[tuple]:
    return [value for key, value in stats.items() if _match(key, path_part, function)]


def _cumulative(stats: dict, path_part: str, function: str) -> tuple[float, int]:
    """Inclusive seconds and primitive calls of the functions matching (path part, name)."""
    entries = _entries(stats, path_part, function)
    return sum(e[3] for e in entries), sum(e[0] for e in entries)


def _from_callers(stats: dict, path_part: str, function: str, caller_filter) -> tuple[float, int]:
    """Inclusive seconds and calls of a function, counting only calls made by matching callers."""
    seconds = 0.0
    calls = 0
    for key, value in stats.items():
        if not _match(key, path_part, function):
            continue
        for caller, edge in value[4].items():
            if caller_filter(caller):
                calls += edge[0]
                seconds += edge[3]
    return seconds, calls


def _is_generated_binding(caller: tuple[str, int, str]) -> bool:
    filename = caller[0]
    return any(part in filename for part in ("/cdk8s/", "/cdk8s_plus_27/", "/site-packages/constructs/", "/imports/io/"))


def summarize(stats_path: Path) -> dict[str, Any]:
    """Inclusive seconds (and calls) per category, from a dumped profile."""
    stats = pstats.Stats(str(stats_path)).stats  # type: ignore[attr-defined]
    total = max(value[3] for value in stats.values())
    # synthesis/kernel_pipeline.py's send replaces jsii's (and calls it for a kernel it did not start).
    send, round_trips = _cumulative(stats, "synthesis/kernel_pipeline.py", "send")
    if not round_trips:
        send, round_trips = _cumulative(stats, "jsii/_kernel/providers/process.py", "send")
    waiting, _ = _from_callers(
        stats, "~", "<method 'readline' of '_io.BufferedReader' objects>", lambda c: c[2] in ("_next_message", "read")
    )
    writers = ("send", "_write")
    flush, _ = _from_callers(stats, "~", "<method 'flush' of '_io.BufferedWriter' objects>", lambda c: c[2] in writers)
    write, _ = _from_callers(stats, "~", "<method 'write' of '_io.BufferedWriter' objects>", lambda c: c[2] in writers)
    typeguard, _ = _from_callers(stats, "typeguard/__init__.py", "check_type", _is_generated_binding)
    hints, hint_calls = _from_callers(stats, "typing.py", "get_type_hints", _is_generated_binding)
    imports, _ = _cumulative(stats, "<frozen importlib._bootstrap>", "_find_and_load")
    to_json, _ = _cumulative(stats, "site-packages/cdk8s/__init__.py", "to_json")
    config = sum(
        _cumulative(stats, path, name)[0]
        for path, name in (("config/loader.py", "load_environment"), ("bench/scale.py", "load_bench_environment"))
    )
    manifests, _ = _cumulative(stats, "synthesis/build.py", "build_manifests")
    # build_manifests calls chart.to_json itself; the bench chart's __init__ does not.
    build = manifests - to_json if manifests else _cumulative(stats, "bench/scale_chart.py", "__init__")[0]
    # The first reply jsii waits for is Node's hello: start-up, not a round trip.
    node_start = _cumulative(stats, "jsii/_kernel/providers/process.py", "start")[0]
    node_start += _cumulative(stats, "synthesis/kernel_channel.py", "start")[0]
    handshake, _ = _cumulative(stats, "jsii/_kernel/providers/process.py", "handshake")
    waiting -= handshake
    yaml_seconds, yaml_calls = _cumulative(stats, "synthesis/manifest_yaml.py", "to_yaml")
    write_tree, _ = _cumulative(stats, "synthesis/output.py", "write_tree")
    rows = [
        ("total (profiled child)", total, None),
        ("imports (incl. Node start-up and jsii assembly loads)", imports, None),
        ("  Node start-up (spawn, handshake)", node_start, None),
        ("config: YAML parse + pydantic validation", config, None),
        ("construct building (charts, constructs)", build, None),
        ("chart.to_json (Node renders, Python decodes)", to_json, None),
        ("YAML writing (synthesis.manifest_yaml.to_yaml)", yaml_seconds, yaml_calls),
        ("disk write (synthesis.output.write_tree)", write_tree, None),
        ("jsii round trips (process provider send)", send, round_trips),
        ("  waiting for Node (readline)", waiting, None),
        ("  pipe write + flush", write + flush, None),
        ("  Python-side (de)serialization", max(send - waiting - write - flush, 0.0), None),
        ("jsii argument checks: typeguard check_type", typeguard, None),
        ("jsii argument checks: typing.get_type_hints", hints, hint_calls),
    ]
    top = sorted(((value[2], key) for key, value in stats.items()), reverse=True)[:12]
    return {
        "total_s": total,
        "rows": [{"category": name, "seconds": seconds, "calls": calls} for name, seconds, calls in rows],
        "top_self": [{"function": f"{_short(key[0])}:{key[1]}({key[2]})", "seconds": tt} for tt, key in top],
    }


def _short(filename: str) -> str:
    for marker in ("site-packages/", str(REPO_ROOT) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def summarize_census(round_trips: list[list[Any]], objects: int) -> dict[str, Any]:
    by_target: collections.Counter[tuple[str, str]] = collections.Counter()
    target_seconds: collections.Counter[tuple[str, str]] = collections.Counter()
    by_site: collections.Counter[tuple[str, str, str]] = collections.Counter()
    for kind, target, site, count, seconds in round_trips:
        by_target[(kind, target)] += count
        target_seconds[(kind, target)] += seconds
        by_site[(site, kind, target)] += count
    total = sum(by_target.values())
    return {
        "round_trips": total,
        "seconds": sum(target_seconds.values()),
        "per_object": total / objects if objects else None,
        "by_target": [
            {"kind": k, "target": t, "count": c, "ms": 1000 * target_seconds[(k, t)]} for (k, t), c in by_target.most_common(14)
        ],
        "by_site": [{"site": s, "kind": k, "target": t, "count": c} for (s, k, t), c in by_site.most_common(14)],
    }
