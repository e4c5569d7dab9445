"""Evaluate PromQL queries over synthetic series with promtool, for the dashboard pictures.

promtool has no command that prints a query's result over unit-test series, but `promtool test
rules` prints what a query returned when it differs from what the test expected. So each query
is recorded as a rule and asked for at every step with an expectation of nothing: every step
that has a result "fails" and promtool reports its samples, which are read back here. Prometheus
itself does the arithmetic; nothing here re-implements PromQL.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cluster.build import cached_binary

REPORT = re.compile(r'^\s*expr: "(?P<record>[^"]+)", time: (?P<time>[0-9a-z]+),\s*$')
GOT = re.compile(r"^\s*got: (?P<samples>.*)$")
SAMPLE = re.compile(r"\{(?P<labels>[^{}]*)\} (?P<value>[-+0-9.eE]+|NaN|[-+]Inf)")
LABEL = re.compile(r'(?P<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?P<value>(?:[^"\\]|\\.)*)"')
UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
DURATION = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")


@dataclass(frozen=True)
class Scenario:
    """One group of a promtool test file: its input series and sampling interval."""

    interval: str
    input_series: list[dict[str, str]]

    @property
    def steps(self) -> int:
        """Samples of the longest series (promtool's expanding notation: `a+bxn` is n+1 values)."""
        return max(_count(s["values"]) for s in self.input_series)


def seconds(duration: str) -> float:
    parts = DURATION.findall(duration)
    if not parts or "".join(n + u for n, u in parts) != duration:
        raise ValueError(f"not a Prometheus duration: {duration!r}")
    return sum(int(n) * UNITS[u] for n, u in parts)


def _count(values: str) -> int:
    total = 0
    for token in values.split():
        base, times, repeat = token.partition("x")
        if not times or base == "stale":
            total += 1
        elif base == "_":
            total += int(repeat)
        else:
            total += int(repeat) + 1
    return total


def scenario(test_file: Path) -> Scenario:
    (group, *_) = yaml.safe_load(test_file.read_text())["tests"]
    return Scenario(interval=group["interval"], input_series=group["input_series"])


def labels(text: str) -> dict[str, str]:
    return {m["key"]: m["value"] for m in LABEL.finditer(text) if m["key"] != "__name__"}


def parse_report(output: str) -> dict[str, dict[float, list[tuple[dict[str, str], float]]]]:
    """record -> time (s) -> [(labels, value)] from promtool's failure report."""
    results: dict[str, dict[float, list[tuple[dict[str, str], float]]]] = {}
    current: tuple[str, float] | None = None
    for line in output.splitlines():
        if match := REPORT.match(line):
            current = (match["record"], seconds(match["time"]))
        elif (match := GOT.match(line)) and current:
            samples = [(labels(s["labels"]), float(s["value"])) for s in SAMPLE.finditer(match["samples"])]
            results.setdefault(current[0], {})[current[1]] = samples
            current = None
    return results


def evaluate(queries: dict[str, str], where: Scenario, promtool: Path | None = None) -> dict[str, dict[float, list]]:
    """name -> time (s) -> [(labels, value)] of each query at every step of the scenario."""
    records = {name: f"picture:{index}" for index, name in enumerate(queries)}
    rules = {"groups": [{"name": "pictures", "rules": [{"record": records[n], "expr": q} for n, q in queries.items()]}]}
    step = seconds(where.interval)
    checks = [
        {"expr": record, "eval_time": f"{int(i * step)}s", "exp_samples": []}
        for record in records.values()
        for i in range(where.steps)
    ]
    test: dict[str, Any] = {
        "rule_files": ["rules.yaml"],
        "evaluation_interval": where.interval,
        "tests": [{"interval": where.interval, "input_series": where.input_series, "promql_expr_test": checks}],
    }
    with tempfile.TemporaryDirectory(prefix="dashboard-pictures-") as tmp:
        (Path(tmp) / "rules.yaml").write_text(yaml.safe_dump(rules))
        (Path(tmp) / "test.yaml").write_text(yaml.safe_dump(test))
        binary = str(promtool or cached_binary("promtool"))
        proc = subprocess.run([binary, "test", "rules", "test.yaml"], cwd=tmp, capture_output=True, text=True, timeout=300)
    if proc.returncode == 0:
        return {name: {} for name in queries}  # no step had a result
    if "FAILED:" not in proc.stdout + proc.stderr or "got:" not in proc.stdout + proc.stderr:
        raise RuntimeError(f"promtool could not evaluate the queries: {' '.join((proc.stdout + proc.stderr).split())}")
    found = parse_report(proc.stdout + proc.stderr)
    return {name: found.get(record, {}) for name, record in records.items()}
