"""Peak memory of a synth process and of the Node processes jsii runs for it.

Stock jsii runs two Node processes: bin/jsii-runtime.js, a relay that owns the pipes to Python,
and its child lib/program.js, which holds every construct; synthesis/kernel_channel.py runs the
kernel alone, as Python's child. ru_maxrss of RUSAGE_CHILDREN would only give the largest
process, so each one's peak (VmHWM) is read from /proc while they still run, and the footprint
is reported as the sum of the peaks (an upper bound: peaks of separate processes need not
coincide).
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path


def self_peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def node_peaks_kb() -> dict[int, int]:
    """pid -> peak RSS in KiB of this process's jsii Node processes; empty if jsii never started."""
    if "jsii._runtime" not in sys.modules:
        return {}
    provider = sys.modules["jsii._runtime"].kernel.provider
    # `_process` is a memoized property that would start Node if read; look into its cache.
    getter = type(provider)._process.fget
    cache = [cell.cell_contents for cell in getter.__closure__ or () if isinstance(cell.cell_contents, list)]
    if not cache or not cache[0]:
        return {}
    node = cache[0][0]
    first = node._process.pid  # the relay, or the kernel itself
    pids = [first, *_children(first)]
    return {pid: peak for pid in pids if (peak := _vm_hwm_kb(pid)) is not None}


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def process_peaks() -> dict[str, dict[int, int]]:
    """This process's peak and its Node processes' peaks, keyed by pid for aggregation."""
    return {"python": {os.getpid(): self_peak_kb()}, "node": node_peaks_kb()}
