"""One measured process: `python [-O] -m bench.child TASK SPEC_JSON RESULT_PATH`.

Only the standard library (and bench.memory, which uses nothing else) is imported before the
task runs, so the task pays for every import it needs, exactly as `python main.py` would.
The result file is written from an atexit hook registered before jsii starts: atexit hooks run
last-in first-out, so by then jsii's own hook has stopped and reaped Node, and RUSAGE_CHILDREN
includes its CPU time.
"""

from __future__ import annotations

import atexit
import importlib
import json
import resource
import sys
from typing import Any

TASKS = {
    "synth": "bench.floor:synth_task",
    "floor": "bench.floor:floor_task",
    "import-cost": "bench.floor:import_cost_task",
    "scale": "bench.scale:scale_task",
    "repeat": "bench.scale:repeat_task",
    "config-parse": "bench.scale:config_parse_task",
    "profile": "bench.profile:profile_task",
    "census": "bench.profile:census_task",
}


def _write_report(path: str, record: dict[str, Any]) -> None:
    if "result" not in record:
        return  # the task failed: no result file, the parent reports stderr
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # Node, and any worker processes
    record.update(py_cpu_s=me.ru_utime + me.ru_stime, children_cpu_s=children.ru_utime + children.ru_stime)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(record, handle)


def main(argv: list[str]) -> None:
    task, spec_json, result_path = argv
    spec = json.loads(spec_json)
    record: dict[str, Any] = {}
    atexit.register(_write_report, result_path, record)
    if spec["patches"]:
        from bench.prototypes import apply

        # A parallel run's parent never loads jsii; its workers apply every patch (bench.scale).
        apply(spec["patches"], jsii=spec["args"].get("workers", 1) <= 1)
    from bench.memory import process_peaks

    module_name, _, function_name = TASKS[task].partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    result = function(**spec["args"])
    # Peaks are read now, while jsii's Node processes still run (see bench/memory.py).
    own = process_peaks()
    peaks = result.pop("peaks", {"python": {}, "node": {}})
    record["peaks"] = {kind: {**peaks.get(kind, {}), **own[kind]} for kind in ("python", "node")}
    record["result"] = result


if __name__ == "__main__":
    main(sys.argv[1:])
