"""Turn samples into the printed report (Markdown) and the files under bench/results/."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.runner import REPO_ROOT, RESULTS_DIR, Sample, median

TARGET_RATIO = 1.3
TARGET_MS_PER_OBJECT = 1.5
TARGET_LINEAR_OBJECTS = 5000
TARGET_SCALE_SECONDS = 12.0
TARGET_SCALE_SERVICES = 200
TARGET_RSS_MB = 500.0


def fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Least squares y = intercept + slope * x; returns (slope, intercept, R²)."""
    n = len(xs)
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    ss_tot = sum((y - mean_y) ** 2 for y in ys)
    ss_res = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    r2 = 1 - ss_res / ss_tot if ss_tot else 1.0
    return slope, intercept, r2


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def med(samples: list[Sample], attribute: str) -> float:
    return median(getattr(s, attribute) for s in samples)


def med_phase(samples: list[Sample], phase: str) -> float:
    return median(s.result["phases"][phase] for s in samples)


def change(after: float, before: float) -> str:
    return f"{100 * (after - before) / before:+.0f} %" if before else "-"


def environment_lines(loads: Mapping[str, tuple[float, float, float]], runs: Mapping[str, int]) -> list[str]:
    node = Path(os.environ.get("JSII_NODE", "node"))
    try:
        node_version = subprocess.run([str(node), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        node_version = "unknown"
    import yaml

    versions = _versions("cdk8s", "cdk8s-plus-27", "jsii", "pydantic", "PyYAML")
    lines = [
        f"- machine: {os.cpu_count()} CPUs, {platform.platform()}; Python {platform.python_version()}, Node {node_version}",
        f"- packages: {versions}; libyaml: {'yes' if yaml.__with_libyaml__ else 'NO (pure-Python YAML)'}",
        "- load average (1/5/15 min): " + "; ".join(f"{k} {v[0]:.2f}/{v[1]:.2f}/{v[2]:.2f}" for k, v in loads.items()),
        "- runs per figure: "
        + ", ".join(f"{k} {v}" for k, v in runs.items())
        + "; figures are medians; wall = spawn to exit of a fresh process; cpu = user+sys of Python and Node",
    ]
    return lines


def _versions(*names: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in names:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} ?")
    return ", ".join(parts)


def module_difference(synth: Sample, floor: Sample) -> str:
    synth_modules = set(synth.result["modules"])
    floor_modules = set(floor.result["modules"])
    only_synth = sorted(synth_modules - floor_modules)
    only_floor = sorted(floor_modules - synth_modules)
    text = f"synth imported {len(synth_modules)} modules, floor {len(floor_modules)}"
    if not only_synth and not only_floor:
        return text + "; identical sets"
    return text + f"; only in synth: {', '.join(only_synth) or 'none'}; only in floor: {', '.join(only_floor) or 'none'}"


def write_results(report_text: str, raw: Mapping[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "report.md").write_text(report_text, encoding="utf-8")
    (RESULTS_DIR / "results.json").write_text(json.dumps(raw, indent=1, default=_jsonable), encoding="utf-8")
    return RESULTS_DIR / "report.md"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Sample):
        data = asdict(value)
        data["result"] = {k: v for k, v in data["result"].items() if k not in ("modules", "round_trips")}
        return data
    if isinstance(value, Path):
        return str(value.relative_to(REPO_ROOT)) if value.is_relative_to(REPO_ROOT) else str(value)
    raise TypeError(type(value))
