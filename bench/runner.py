"""Run one measurement in a fresh child process and collect wall time, CPU time and peak memory.

Every figure comes from a new interpreter (`python [-O] -m bench.child ...`), so interpreter
start-up, imports and the jsii Node process are counted as a user's `make synth` pays them.

Wall time is measured here around spawn-to-reap. CPU time comes from `os.wait4`, whose rusage
on Linux also covers every process the child reaped (jsii's Node processes, parallel workers).
Peak memory is reported twice: the sum of each process's own peak RSS, reported by the child
(bench/memory.py; an upper bound, as peaks need not coincide), and the largest summed RSS of the
whole process tree seen by sampling /proc every 20 ms while the child runs.
The machine is shared, so CPU time (user + sys of Python and Node) is reported beside wall time:
it does not count waiting for other jobs, though shared cores and caches still slow it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manifests import REPO_ROOT

RESULTS_DIR = REPO_ROOT / "bench" / "results"
# Bytecode of every child goes here, outside the source tree: the figures are for a warm
# bytecode cache (what a developer has after the first run), whatever the caller's
# PYTHONDONTWRITEBYTECODE says. bench/results/ is gitignored.
PYCACHE_DIR = RESULTS_DIR / "pycache"
CHILD_TIMEOUT_S = 600
SAMPLE_EVERY_S = 0.02


_deferred_scratch: list[Path] | None = None
"""Scratch folders kept until `deleted_at_exit` ends (None: each is deleted after its run)."""


@contextlib.contextmanager
def deleted_at_exit() -> Iterator[None]:
    """Keep every scratch folder until the block ends, then delete them all.

    Deleting a run's thousands of files right before the next run starts would slow the next
    run's file creation on some filesystems (ext4 without a journal scans recently deleted
    inodes on every create, see synthesis/output.py), so one run would pay for the previous
    run's cleanup. The figures are for a machine that did not just delete thousands of files.
    """
    global _deferred_scratch
    _deferred_scratch = []
    try:
        yield
    finally:
        for scratch in _deferred_scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        _deferred_scratch = None


class ChildFailed(RuntimeError):
    """A measured child exited non-zero; its stderr is in the message."""


@dataclass(frozen=True)
class Variant:
    """How a child runs: interpreter flags and monkeypatches from bench.prototypes."""

    label: str
    optimize: bool = False
    patches: tuple[str, ...] = ()
    cold_bytecode: bool = False
    """PYTHONDONTWRITEBYTECODE=1 and no cache prefix: every module without a .pyc beside it
    (the project's own, the generated bindings) compiles on every run."""
    env: tuple[tuple[str, str], ...] = ()
    """Extra environment variables of the child (e.g. SYNTH_STOCK_JSII=1)."""


BASELINE = Variant("baseline")


@dataclass
class Sample:
    wall_s: float
    cpu_s: float
    """user + sys of the Python child and the Node process it reaped."""
    py_cpu_s: float
    """The child's own Python process."""
    children_cpu_s: float
    """What the child reaped: jsii's Node processes, and workers (with their Node) when parallel."""
    py_rss_mb: float
    """Sum of the peak RSS of the Python processes (one, or the parent and its workers)."""
    node_rss_mb: float
    """Sum of the peak RSS of jsii's Node processes (the kernel, and with stock jsii its relay, per Python process)."""
    processes: int
    tree_peak_mb: float
    """Largest summed RSS of the child's process tree seen while sampling (see _wait4)."""
    result: dict[str, Any]

    @property
    def rss_mb(self) -> float:
        """Sum of every process's peak: an upper bound of the footprint (peaks need not coincide)."""
        return self.py_rss_mb + self.node_rss_mb


def child_env(variant: Variant) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONOPTIMIZE", None)  # -O is a variant of its own, never inherited
    env["PYTHONPATH"] = str(REPO_ROOT)
    if variant.cold_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE_DIR)
    env.update(variant.env)
    return env


def run_child(task: str, args: Mapping[str, Any], variant: Variant = BASELINE) -> Sample:
    """One fresh interpreter running bench.child TASK with ARGS; raises ChildFailed on error.

    With `resynth: True` in ARGS, an unmeasured child first runs the same task into the same
    scratch directory, so the measured one replaces a dist/ it rendered before: the developer
    loop of running synth again without a change.
    """
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    args = dict(args)
    resynth = args.pop("resynth", False)
    scratch = tempfile.mkdtemp(prefix="bench-")
    try:
        if args.get("target", task) == "synth":
            seed_dist(Path(scratch) / "dist")
        if resynth:
            _spawn(task, args, variant, Path(scratch))
        status, usage, tree_peak_kb, wall = _spawn(task, args, variant, Path(scratch))
        report = json.loads((Path(scratch) / "result.json").read_text())
        # Inspected here, after the child exited, so that hashing never counts in its time.
        output = output_summary(Path(scratch) / "dist")
    finally:
        if _deferred_scratch is None:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            _deferred_scratch.append(Path(scratch))
    return Sample(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        py_cpu_s=report["py_cpu_s"],
        children_cpu_s=report["children_cpu_s"],
        py_rss_mb=sum(report["peaks"]["python"].values()) / 1024,
        node_rss_mb=sum(report["peaks"]["node"].values()) / 1024,
        processes=len(report["peaks"]["python"]) + len(report["peaks"]["node"]),
        tree_peak_mb=tree_peak_kb / 1024,
        result={**report["result"], **output},
    )


def _spawn(task: str, args: Mapping[str, Any], variant: Variant, scratch: Path) -> tuple[int, Any, int, float]:
    """Run one child into `scratch`: (wait status, rusage, sampled tree peak in KiB, wall s)."""
    result_path = scratch / "result.json"
    spec = {"args": {**args, "scratch": str(scratch)}, "patches": list(variant.patches)}
    flags = ["-O"] if variant.optimize else []
    command = [sys.executable, *flags, "-m", "bench.child", task, json.dumps(spec), str(result_path)]
    stderr_path = scratch / "stderr.txt"
    result_path.unlink(missing_ok=True)
    with open(stderr_path, "wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=child_env(variant),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        status, usage, tree_peak_kb = _wait4(process)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or not result_path.exists():
        tail = stderr_path.read_text(errors="replace")[-4000:]
        raise ChildFailed(f"{task} ({variant.label}) exited {code}:\n{tail}")
    return status, usage, tree_peak_kb, wall


def seed_dist(dist: Path) -> None:
    """A real synth replaces a committed dist/ (staging tree, atomic swap, old tree deleted);
    give the real-configuration runs a copy of it, made before the child starts, so that they
    pay for that path too. The repository's dist/ is only read."""
    committed = REPO_ROOT / "dist"
    if committed.is_dir():
        shutil.copytree(committed, dist, symlinks=True)


def output_summary(dist: Path) -> dict[str, Any]:
    """Number of files and a digest of the tree: prototypes must render byte-identical output."""
    if not dist.is_dir():
        return {}
    digest = hashlib.sha256()
    count = 0
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        digest.update(path.relative_to(dist).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        count += 1
    return {"output_files": count, "output_digest": digest.hexdigest()[:16]}


def _wait4(process: subprocess.Popen) -> tuple[int, Any, int]:
    """Reap the child with os.wait4 (Popen.wait discards the rusage), with a timeout.

    While waiting, samples the summed RSS of the child's whole process tree (Python, Node,
    workers) every SAMPLE_EVERY_S: the footprint the machine actually had to hold at once.
    Returns (wait status, rusage, sampled peak of the tree in KiB).
    """
    deadline = time.monotonic() + CHILD_TIMEOUT_S
    next_sample = 0.0
    tree_peak = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return status, usage, tree_peak
        now = time.monotonic()
        if now >= next_sample:
            tree_peak = max(tree_peak, tree_rss_kb(process.pid))
            next_sample = now + SAMPLE_EVERY_S
        if now > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            process.returncode = -9
            raise ChildFailed(f"child {process.args[3:5]} timed out after {CHILD_TIMEOUT_S} s")
        time.sleep(0.005)


def tree_rss_kb(root: int) -> int:
    """Current RSS of a process and all its descendants, from /proc (0 for vanished ones)."""
    total = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


@dataclass(frozen=True)
class Job:
    """One measured configuration: a task, its arguments and a variant, under a unique label."""

    label: str
    task: str
    args: Mapping[str, Any]
    variant: Variant = BASELINE


def warm_up(jobs: Iterable[Job]) -> None:
    """One discarded run per job: fills the bytecode cache (a separate one for -O), the jsii
    package cache and the page cache, so that the measured runs all start equally warm."""
    for job in jobs:
        run_child(job.task, job.args, job.variant)


def measure(jobs: Iterable[Job], runs: int, *, progress: bool = True) -> dict[str, list[Sample]]:
    """`runs` samples per job, round-robin so that load drifts on the shared machine hit every
    job alike rather than whichever happened to run during a busy minute."""
    jobs = list(jobs)
    samples: dict[str, list[Sample]] = {job.label: [] for job in jobs}
    for index in range(runs):
        for job in jobs:
            sample = run_child(job.task, job.args, job.variant)
            samples[job.label].append(sample)
            if progress:
                print(
                    f"  [{index + 1}/{runs}] {job.label}: {sample.wall_s:.2f} s wall, {sample.cpu_s:.2f} s cpu",
                    file=sys.stderr,
                    flush=True,
                )
    return samples


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()
