"""`python -m bench` (what `make bench` runs): every figure, printed and written to bench/results/.

BENCH_QUICK=1 (or --quick) runs each figure once, at smaller N, for a fast check that the
benchmark works; its numbers are not meant for comparison.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from typing import Any

from bench import report
from bench.floor import GENERATED_MODULES
from bench.profile import summarize, summarize_census
from bench.prototypes import ALL_PROPOSALS, PATCHES
from bench.runner import (
    BASELINE,
    RESULTS_DIR,
    Job,
    Sample,
    Variant,
    deleted_at_exit,
    load_average,
    measure,
    median,
    run_child,
    warm_up,
)
from synthesis.jsii_tuning import OPT_OUT_VARIABLE
from synthesis.pipeline import SINGLE_PROCESS_VARIABLE

OPT = Variant("-O", optimize=True)  # what `make synth` runs
SINGLE_PROCESS_OPT = Variant("-O single process", optimize=True, env=((SINGLE_PROCESS_VARIABLE, "1"),))
# Before synthesis/jsii_tuning.py: what the speedup is worth, measured in the same rounds.
STOCK_JSII = Variant("stock jsii", env=((OPT_OUT_VARIABLE, "1"),))
STOCK_JSII_OPT = Variant("-O stock jsii", optimize=True, env=((OPT_OUT_VARIABLE, "1"),))
COLD = Variant("-O cold bytecode", optimize=True, cold_bytecode=True)
WORKERS = 2  # the machine's core count this benchmark is specified for


class Settings:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        # Full mode stays under ~10 minutes on 2 busy cores; the 200-service runs dominate.
        self.synth_runs = 1 if quick else 5
        self.scale_runs = 1 if quick else 3
        self.import_runs = 1 if quick else 3
        self.scale_ns = (0, 10, 50) if quick else (0, 10, 50, 200)
        self.prototype_n = 10 if quick else 30
        self.prototype_runs = 1 if quick else 2
        self.repeats = 2 if quick else 5


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK", "") not in ("", "0"))
    parser.add_argument("--render", action="store_true", help="re-render the report of the last run, measuring nothing")
    args = parser.parse_args(argv)
    if args.render:
        raw = pickle.loads((RESULTS_DIR / "samples.pickle").read_bytes())
        return publish(Settings(raw["quick"]), raw)
    settings = Settings(args.quick)
    with deleted_at_exit():
        raw = measure_everything(settings)
    (RESULTS_DIR / "samples.pickle").write_bytes(pickle.dumps(raw))
    return publish(settings, raw)


def measure_everything(settings: Settings) -> dict[str, Any]:
    started = time.monotonic()
    loads = {"start": load_average()}
    log("warming up (bytecode caches with and without -O, jsii package cache)")
    warm_up(
        [
            Job("warm synth", "synth", {}),
            Job("warm synth -O", "synth", {}, OPT),
            Job("warm scale", "scale", {"services": 2}),
            Job("warm scale -O", "scale", {"services": 2}, OPT),
        ]
    )

    log("1/4 real configuration: synth vs floor")
    real_jobs = [
        Job("synth", "synth", {}),
        Job("floor", "floor", {}),
        Job("synth -O", "synth", {}, OPT),
        Job("floor -O", "floor", {}, OPT),
        Job(f"synth {STOCK_JSII_OPT.label}", "synth", {}, STOCK_JSII_OPT),
        Job(f"synth -O, {WORKERS} workers", "synth", {"workers": WORKERS}, OPT),
    ]
    if not settings.quick:
        real_jobs.append(Job(f"synth {COLD.label}", "synth", {}, COLD))
    real = measure(real_jobs, settings.synth_runs)
    loads["after real"] = load_average()

    log("2/4 scale")
    top, p_n = max(settings.scale_ns), settings.prototype_n
    jobs = [Job(f"N={n}", "scale", {"services": n}, OPT) for n in settings.scale_ns]
    jobs += [
        Job(f"N={top} {STOCK_JSII_OPT.label}", "scale", {"services": top}, STOCK_JSII_OPT),
        Job(f"N={top} {SINGLE_PROCESS_OPT.label}", "scale", {"services": top}, SINGLE_PROCESS_OPT),
        Job(f"N={top} re-synth, dist/ unchanged", "scale", {"services": top, "resynth": True}, OPT),
        Job(f"N={top}, {WORKERS} workers", "scale", {"services": top, "workers": WORKERS}, OPT),
    ]
    scale = measure(jobs, settings.scale_runs)
    loads["after scale"] = load_average()

    log("3/4 prototypes (repeated builds of one environment in one process)")
    args = {"services": p_n, "repeats": settings.repeats}
    variants = [BASELINE, STOCK_JSII, *(Variant(name, patches=(name,)) for name in PATCHES), OPT, STOCK_JSII_OPT]
    prototypes = measure([Job(v.label, "repeat", args, v) for v in variants], settings.prototype_runs)
    config_parse = run_child("config-parse", {"services": top}).result
    loads["after prototypes"] = load_average()

    log("3/4 profile and round-trip census")
    profiles = {}
    for target in ("synth", "scale"):
        out = RESULTS_DIR / f"profile-{target}.pstats"
        run_child("profile", {"target": target, "services": p_n, "out": str(out)})
        profiles[target] = summarize(out)
    censuses = {}
    census_runs = (("synth", "synth", BASELINE), (f"N={p_n}", "scale", BASELINE))
    for label, target, variant in census_runs:
        sample = run_child("census", {"target": target, "services": p_n}, variant)
        objects = sample.result.get("objects") or sample.result.get("files")
        censuses[label] = {**summarize_census(sample.result["round_trips"], objects), "objects": objects}

    log("4/4 import cost of generated modules")
    import_jobs = [Job(m, "import-cost", {"module": m}) for m in GENERATED_MODULES]
    imports = measure(import_jobs, settings.import_runs, progress=False)
    loads["end"] = load_average()

    return {
        "quick": settings.quick,
        "real": real,
        "scale": scale,
        "prototypes": prototypes,
        "config_parse": config_parse,
        "profiles": profiles,
        "censuses": censuses,
        "imports": imports,
        "loads": loads,
        "elapsed": time.monotonic() - started,
    }


def publish(settings: Settings, raw: dict[str, Any]) -> int:
    runs = {
        "real configuration": settings.synth_runs,
        "scale": settings.scale_runs,
        "prototypes": f"{settings.prototype_runs} x {settings.repeats} iterations",
        "imports": settings.import_runs,
    }
    text = render(settings, raw, runs)
    path = report.write_results(text, raw)
    print(text)
    log(f"written to {path.relative_to(report.REPO_ROOT)} (and results.json, profile-*.pstats)")
    return 0


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def render(settings: Settings, raw: dict[str, Any], runs: dict[str, Any]) -> str:
    real, scale, prototypes, profiles = raw["real"], raw["scale"], raw["prototypes"], raw["profiles"]
    censuses, imports, loads, elapsed = raw["censuses"], raw["imports"], raw["loads"], raw["elapsed"]
    m = report.med
    top = max(settings.scale_ns)
    out = ["# Synth benchmark" + (" (QUICK: single runs, small N; not for comparison)" if settings.quick else ""), ""]
    out += report.environment_lines(loads, runs)
    out.append(f"- total benchmark time: {elapsed / 60:.1f} min")
    out.append(
        "- memory: tree MB = largest summed RSS of the process tree sampled every 20 ms; "
        "Py/Node MB = sums of each process's own peak (Node = jsii's kernel, plus its relay with stock jsii)"
    )

    out += ["", "## 1. Real configuration: full synth vs floor", ""]
    digest = real["synth"][0].result.get("output_digest")
    out.append(
        report.table(
            ["variant", "wall s", "cpu s", "Py MB", "Node MB", "tree MB", "files", "same output"],
            [
                [
                    label,
                    m(s, "wall_s"),
                    m(s, "cpu_s"),
                    m(s, "py_rss_mb"),
                    m(s, "node_rss_mb"),
                    m(s, "tree_peak_mb"),
                    s[0].result.get("files"),
                    _same(s, digest),
                ]
                for label, s in real.items()
            ],
        )
    )
    out.append("")
    for synth, floor in (("synth", "floor"), ("synth -O", "floor -O"), (f"synth {STOCK_JSII_OPT.label}", "floor -O")):
        wall = m(real[synth], "wall_s") / m(real[floor], "wall_s")
        cpu = m(real[synth], "cpu_s") / m(real[floor], "cpu_s")
        verdict = "met" if wall <= report.TARGET_RATIO else "missed"
        out.append(f"- {synth} / {floor}: {wall:.2f} wall, {cpu:.2f} cpu (target <= {report.TARGET_RATIO}: {verdict})")
    out.append(f"- imports: {report.module_difference(real['synth'][0], real['floor'][0])}")

    base = {n: scale[f"N={n}"] for n in settings.scale_ns}
    zero = base[min(settings.scale_ns)]
    environments = zero[0].result["environments"]
    out += ["", f"## 2. Scale: N backend-like services x {environments} environments (-O, as `make synth`)", ""]
    rows = []
    for n, s in base.items():
        objects = s[0].result["objects"]
        per_wall = 1000 * (m(s, "wall_s") - m(zero, "wall_s")) / objects if objects else None
        per_cpu = 1000 * (m(s, "cpu_s") - m(zero, "cpu_s")) / objects if objects else None
        rows.append(
            [
                n,
                objects,
                m(s, "wall_s"),
                m(s, "cpu_s"),
                per_wall,
                per_cpu,
                m(s, "py_rss_mb"),
                m(s, "node_rss_mb"),
                m(s, "tree_peak_mb"),
                *(report.med_phase(s, p) for p in ("config", "build", "to_json", "tail")),
            ]
        )
    out.append(
        report.table(
            [
                "N",
                "objects",
                "wall s",
                "cpu s",
                "wall ms/obj",
                "cpu ms/obj",
                "Py MB",
                "Node MB",
                "tree MB",
                "config s",
                "build s",
                "to_json s",
                "tail s",
            ],
            rows,
        )
    )
    out.append("")
    out.append(
        "ms/obj at each N = (median(N) - median(N=0)) / objects: the per-object cost above the fixed start-up. "
        "Phases are in-process seconds (build = constructing the charts; to_json = Node renders, Python decodes; "
        "tail = what YAML writing adds after the last chart: the writer process does the rest while charts are built)."
    )
    objects = [row[1] for row in rows]
    for name, column in (("wall", 2), ("cpu", 3)):
        slope, intercept, r2 = report.fit(objects, [row[column] for row in rows])
        verdict = "met" if 1000 * slope <= report.TARGET_MS_PER_OBJECT else "missed"
        out.append(
            f"- least-squares fit over the medians, {name}: {1000 * slope:.3f} ms/object + {intercept:.2f} s, "
            f"R² = {r2:.4f} (target <= {report.TARGET_MS_PER_OBJECT} ms/object: {verdict})"
        )
    largest = base[top][0].result["objects"]
    covered = "covered" if largest >= report.TARGET_LINEAR_OBJECTS else "not reached"
    out.append(f"- largest run: {largest} objects (linearity checked to >= {report.TARGET_LINEAR_OBJECTS}: {covered})")
    out += [
        "",
        f"N={top}: before the jsii speedup, with YAML written in the main process (no writer process), "
        f"a re-synth over the unchanged dist/ it rendered before "
        f"(the developer loop; unchanged files are hard-linked), and {WORKERS} parallel workers "
        "(not adopted); whole processes, same rounds:",
        "",
    ]
    ref = scale[f"N={top}"]
    rows = []
    for label, s in scale.items():
        if not label.startswith(f"N={top}"):
            continue
        wall, cpu, tree = m(s, "wall_s"), m(s, "cpu_s"), m(s, "tree_peak_mb")
        verdict = "met" if wall <= report.TARGET_SCALE_SECONDS and tree <= report.TARGET_RSS_MB else "missed"
        rows.append(
            [
                label,
                wall,
                report.change(wall, m(ref, "wall_s")),
                cpu,
                report.change(cpu, m(ref, "cpu_s")),
                tree,
                _same(s, ref[0].result.get("output_digest")),
                verdict if top == report.TARGET_SCALE_SERVICES else "-",
            ]
        )
    out.append(
        report.table(
            [
                "variant",
                "wall s",
                "Δ wall",
                "cpu s",
                "Δ cpu",
                "tree MB",
                "same output",
                f"<= {report.TARGET_SCALE_SECONDS:.0f} s and <= {report.TARGET_RSS_MB:.0f} MB",
            ],
            rows,
        )
    )

    out += ["", "## 3. Prototypes (bench/prototypes.py)", ""]
    out.append(
        f"One environment of N={settings.prototype_n} services loaded, built and rendered to YAML "
        f"{settings.repeats} times per process after a first iteration, in {settings.prototype_runs} fresh "
        "process(es) per variant; min = fastest iteration (other jobs only ever add time), so the "
        "min is the figure to compare. same output = identical YAML to the unpatched variant."
    )
    out.append("")
    base_samples = prototypes[BASELINE.label]
    base_min, base_med = _iterations(base_samples)
    rows = []
    for label, samples in prototypes.items():
        best, typical = _iterations(samples)
        objects = samples[0].result["objects"]
        rows.append(
            [
                label,
                objects,
                1000 * best,
                1000 * best / objects,
                report.change(best, base_min),
                1000 * typical,
                report.change(typical, base_med),
                1000 * median(s.result["first_s"] for s in samples),
                _same(samples, base_samples[0].result["output_digest"]),
            ]
        )
    rows.sort(key=lambda row: row[2])
    out.append(
        report.table(
            [
                "variant",
                "objects",
                "min ms",
                "min ms/object",
                "Δ min",
                "median ms",
                "Δ median",
                "first iteration ms",
                "same output",
            ],
            rows,
        )
    )
    out.append("")
    parse = raw["config_parse"]
    out.append(
        f"c-yaml-loader on its own (fastest of 5 parses of base.yaml + one environment file of "
        f"N={parse['services']} services, {parse['bytes'] / 1024:.0f} KiB): {1000 * parse['python_s']:.1f} ms "
        f"with the product's SafeLoader, {1000 * parse['c_s']:.1f} ms with CSafeLoader."
    )
    out.append("")
    out.append(
        f"Adopted in the product, so now regression probes that should measure about nothing: "
        f"{', '.join(ALL_PROPOSALS)}. stock jsii = {OPT_OUT_VARIABLE}=1: the product without "
        "synthesis/jsii_tuning.py. py-yaml-dumper is a control (what libyaml's emitter is worth)."
    )

    out += ["", "## 4. Where the time goes", ""]
    names = list(profiles)
    out.append(
        report.table(
            ["category (inclusive; overlapping)", *[f"{n} s" for n in names], *[f"{n} share" for n in names], "calls (scale)"],
            [
                [
                    row["category"],
                    *[profiles[n]["rows"][i]["seconds"] for n in names],
                    *[f"{100 * profiles[n]['rows'][i]['seconds'] / profiles[n]['total_s']:.0f} %" for n in names],
                    profiles[names[-1]]["rows"][i]["calls"],
                ]
                for i, row in enumerate(profiles[names[0]]["rows"])
            ],
        )
    )
    out.append("")
    out.append(
        f"Profiled under cProfile: synth = the real configuration, scale = N={settings.prototype_n}. "
        "cProfile inflates Python-side time: the profile ranks, the timed runs measure."
    )
    out += ["", "Top self time (scale profile):", ""]
    top_self = profiles[names[-1]]["top_self"][:8]
    out.append(report.table(["function", "self s"], [[t["function"], t["seconds"]] for t in top_self]))

    out += ["", "### jsii round trips (census, not profiled)", ""]
    out.append(
        report.table(
            ["run", "objects", "round trips", "per object", "seconds in round trips"],
            [[label, c["objects"], c["round_trips"], c["per_object"], c["seconds"]] for label, c in censuses.items()],
        )
    )
    scale_census = censuses[f"N={settings.prototype_n}"]
    out += ["", f"By request (N={settings.prototype_n}):", ""]
    out.append(
        report.table(
            ["kind", "target", "count", "ms"], [[r["kind"], r["target"], r["count"], r["ms"]] for r in scale_census["by_target"]]
        )
    )
    out += ["", "By project call site:", ""]
    out.append(
        report.table(
            ["call site", "kind", "target", "count"],
            [[r["site"], r["kind"], r["target"], r["count"]] for r in scale_census["by_site"]],
        )
    )

    out += ["", "### Marginal import cost (after cdk8s is loaded and Node runs)", ""]
    out.append(
        report.table(
            ["module", "ms"], [[label, 1000 * median(s.result["seconds"] for s in samples)] for label, samples in imports.items()]
        )
    )
    return "\n".join(out) + "\n"


def _iterations(samples: list[Sample]) -> tuple[float, float]:
    """Fastest and median iteration over every process of a prototype variant."""
    seconds = [t for s in samples for t in s.result["seconds"]]
    return min(seconds), median(seconds)


def _same(samples: list[Sample], digest: str | None) -> str:
    digests = {s.result.get("output_digest") for s in samples}
    if digest is None or digests == {None}:
        return "-"
    return "yes" if digests == {digest} else "NO"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
