"""docs/dashboards/<dashboard>.svg: what each dashboard of dist/staging shows, without a Grafana.

Every panel's queries, as rendered into dist/, are evaluated by promtool (ops/promtool_eval.py)
over the synthetic series of that dashboard's promtool test (tests/charts/dashboards/), and
drawn in the panel's place, with the threshold the panel turns red at (an alert's, where it has one) as a red dashed line.
The SVG is deterministic (fixed hash salt, text kept as text, no date), so `--check` can compare
it with the committed copy; `make docs` writes it and `make docs-check` checks it. A picture is
drawn once per set of inputs: what was drawn is kept (verify/kept_results.py) by the dashboard as
rendered, its test series, this module and the evaluator, the promtool build and every package
of the venv that draws (matplotlib and its fonts), so a check of unchanged inputs draws nothing.

    python -m ops.dashboard_pictures [--check]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from charts.dashboards import DASHBOARDS
from cluster.build import cached_binary
from ops import promtool_eval
from ops.common import DIST, EXIT_FAILED, EXIT_OK, REPO_ROOT
from verify.kept_results import KeptResults, venv_packages

PICTURE_ENV = "staging"  # the promtool tests are written against staging's dashboards
PICTURES = REPO_ROOT / "docs" / "dashboards"
SERIES = REPO_ROOT / "tests" / "charts" / "dashboards"
STYLE = {"svg.hashsalt": "flask-platform", "svg.fonttype": "none", "font.size": 8, "axes.titlesize": 9}
UNITS = {"reqps": "requests/s", "percentunit": "ratio", "s": "seconds", "short": ""}


def dashboard_file(key: str, dist: Path = DIST) -> Path:
    return dist / PICTURE_ENV / "platform" / f"configmap_backend_flask-platform-dashboard-{key}.yaml"


def dashboard(key: str, dist: Path = DIST) -> dict[str, Any]:
    (text,) = yaml.safe_load(dashboard_file(key, dist).read_text())["data"].values()
    return json.loads(text)


def legend(template: str, labels: dict[str, str]) -> str:
    if template in ("", "__auto"):
        return ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "value"
    for key, value in labels.items():
        template = template.replace("{{" + key + "}}", value)
    return template


def threshold(panel: dict[str, Any]) -> float | None:
    steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
    return next((s["value"] for s in steps if s["color"] == "red"), None)


def series_of(panel: dict[str, Any], results: dict[str, dict[float, list]]) -> dict[str, list[tuple[float, float]]]:
    """legend -> [(time, value)] of the panel's queries, in query then label order."""
    lines: dict[str, list[tuple[float, float]]] = {}
    for target in panel["targets"]:
        for time, samples in sorted(results[target["refId"]].items()):
            for labels, value in sorted(samples, key=lambda s: sorted(s[0].items())):
                lines.setdefault(legend(target.get("legendFormat", ""), labels), []).append((time, value))
    return lines


def render(key: str, dist: Path = DIST) -> str:
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import pyplot

    board = dashboard(key, dist)
    where = promtool_eval.scenario(SERIES / f"{key}_test.yaml")
    queries = {t["refId"]: t["expr"] for p in board["panels"] for t in p["targets"]}
    results = promtool_eval.evaluate(queries, where)
    hourly = promtool_eval.seconds(where.interval) >= 3600
    scale, axis = (3600, "hours of the test series") if hourly else (60, "minutes of the test series")
    panels = board["panels"]
    rows = (len(panels) + 1) // 2
    with matplotlib.rc_context(STYLE):
        figure, axes = pyplot.subplots(rows, 2, figsize=(10, 2.6 * rows), squeeze=False)
        figure.suptitle(f"{board['title']}: panels over the promtool test series", fontsize=10)
        for ax, panel in zip(axes.flat, panels, strict=False):
            for name, points in series_of(panel, results).items():
                ax.plot([t / scale for t, _ in points], [v for _, v in points], label=name, linewidth=1.2)
            limit = threshold(panel)
            if limit is not None:
                ax.axhline(limit, color="red", linestyle="--", linewidth=1, label=f"threshold {limit:g}")
            ax.set_title(panel["title"])
            ax.set_xlabel(axis)
            ax.set_ylabel(UNITS.get(panel["fieldConfig"]["defaults"].get("unit", ""), ""))
            ax.set_xlim(0, (where.steps - 1) * promtool_eval.seconds(where.interval) / scale)
            ax.set_ylim(bottom=0)
            ax.legend(loc="upper left", fontsize=6, frameon=False)
            ax.grid(True, linewidth=0.3)
        for ax in list(axes.flat)[len(panels) :]:
            ax.set_visible(False)
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        pyplot.close(figure)
    return out.getvalue()


def kept_render(key: str, dist: Path = DIST) -> str:
    """render(key), or what it drew before from the same inputs."""
    kept = KeptResults("dashboard-pictures", [str(cached_binary("promtool")), venv_packages(Path(sys.prefix))])
    inputs = [
        ("dashboard", dashboard_file(key, dist)),
        ("series", SERIES / f"{key}_test.yaml"),
        ("drawing", Path(__file__)),
        ("evaluation", Path(promtool_eval.__file__)),
    ]
    return kept.result(kept.key(inputs), lambda: render(key, dist))


def generate(dist: Path = DIST) -> dict[Path, str]:
    return {PICTURES / f"{key}.svg": kept_render(key, dist) for key in DASHBOARDS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.dashboard_pictures", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a picture is stale")
    args = parser.parse_args(argv)
    pictures = generate()
    stale = [p for p, svg in pictures.items() if not p.exists() or p.read_text(encoding="utf-8") != svg]
    shown = ", ".join(str(p.relative_to(REPO_ROOT)) for p in stale)
    if args.check:
        print(f"stale: {shown} (run `make docs`)" if stale else "dashboard pictures up to date")
        return EXIT_FAILED if stale else EXIT_OK
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(pictures[path], encoding="utf-8")
    print(f"wrote {shown}" if stale else "dashboard pictures up to date")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
