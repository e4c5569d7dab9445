"""Synthesize every environment (or the ones named) into dist/<env>/<app>/*.yaml.

    python main.py [ENV ...]        (what `make synth` and `cdk8s synth` run)
    python main.py staging --overlay local.yaml --dist /elsewhere/dist
                                    (a rendering the repository does not keep)

All environments are loaded and validated before anything is rendered, and dist/ is replaced
atomically only when everything succeeded; a configuration error prints one line naming the
file, the field and the reason, exits 2 and leaves dist/ untouched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from config.errors import ConfigError, FieldProblem
from config.loader import ENVIRONMENTS_DIR, REPO_ROOT, available_environments, display_path, load_environment, locate
from synthesis.output import WriteSummary

DIST = REPO_ROOT / "dist"
EXIT_CONFIG_ERROR = 2


def synthesize(
    env_names: list[str], dist: Path = DIST, environments_dir: Path = ENVIRONMENTS_DIR, overlay: Path | None = None
) -> WriteSummary:
    """Validate, render and atomically write; says how many files changed and how many did not."""
    environments = [load_environment(name, environments_dir, overlay) for name in env_names]

    # After validation, and synthesis.build first: it sets jsii and Node up (synthesis/jsii_tuning.py)
    # before anything imports cdk8s, which starts Node; the admission checks import the charts.
    from synthesis.build import build_manifests  # isort: skip
    from synthesis import admission
    from synthesis.output import read_tree
    from synthesis.pipeline import write_rendered

    def rendered():
        # Each environment is checked as the cluster would admit it before any of its files
        # is written; a problem discards the staged tree, so dist/ stays as it was.
        for env in environments:
            apps = build_manifests(env)
            try:
                admission.check(env, apps)
            except FieldProblem as problem:
                raise locate(problem, env.name, environments_dir) from None
            for app, documents in apps.items():
                yield env.name, app, documents

    keep = {}
    if set(env_names) != set(available_environments(environments_dir)):
        # Rendering a subset: keep the other environments' committed output as it is.
        keep = read_tree(dist, exclude=env_names)
    return write_rendered(dist, rendered(), keep)


def mirror_for_cdk8s_cli(dist: Path) -> None:
    """`cdk8s synth` lists what the app wrote into CDK8S_OUTDIR; give it a copy of dist/."""
    outdir = os.environ.get("CDK8S_OUTDIR")
    if not outdir or Path(outdir).resolve() == dist.resolve():
        return
    shutil.rmtree(outdir, ignore_errors=True)
    shutil.copytree(dist, outdir)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Synthesize environments into dist/<env>/<app>/.")
    parser.add_argument("environments", nargs="*", help="environment names (default: every file in environments/)")
    parser.add_argument("--environments-dir", type=Path, default=ENVIRONMENTS_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--dist", type=Path, default=DIST, help="output folder (default: dist/)")
    parser.add_argument(
        "--overlay",
        type=Path,
        help="a YAML file merged over every rendered environment, validated like them (e.g. gitops.repo_url of a local cluster)",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    names = args.environments or available_environments(args.environments_dir)
    try:
        if not names:
            raise ConfigError(display_path(args.environments_dir), "", "no environment files found")
        summary = synthesize(names, args.dist, args.environments_dir, args.overlay)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    if args.dist.resolve() == DIST.resolve():
        mirror_for_cdk8s_cli(DIST)
    print(
        f"synthesized {summary.files} files ({summary.written} new or changed) for {', '.join(names)} "
        f"into {display_path(args.dist)}/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
