"""Synthesize every environment (or the ones named) into dist/<env>/<app>/*.yaml.

    python main.py [ENV ...]        (what `make synth` and `cdk8s synth` run)

All environments are loaded and validated before anything is rendered, and dist/ is replaced
atomically only when everything succeeded; a configuration error prints one line naming the
file, the field and the reason, exits 2 and leaves dist/ untouched.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from config.errors import ConfigError
from config.loader import REPO_ROOT, available_environments, load_environment

DIST = REPO_ROOT / "dist"
EXIT_CONFIG_ERROR = 2


def synthesize(env_names: list[str], dist: Path = DIST) -> int:
    environments = [load_environment(name) for name in env_names]

    from synthesis.build import render_environment  # after validation: loads cdk8s and jsii
    from synthesis.output import replace_directory

    files = {}
    for env in environments:
        files.update(render_environment(env))
    if set(env_names) != set(available_environments()):
        # Rendering a subset: keep the other environments' committed output as it is.
        from synthesis.output import read_tree

        files = {**read_tree(dist, exclude=env_names), **files}
    replace_directory(dist, files)
    return len(files)


def mirror_for_cdk8s_cli(dist: Path) -> None:
    """`cdk8s synth` lists what the app wrote into CDK8S_OUTDIR; give it a copy of dist/."""
    outdir = os.environ.get("CDK8S_OUTDIR")
    if not outdir or Path(outdir).resolve() == dist.resolve():
        return
    shutil.rmtree(outdir, ignore_errors=True)
    shutil.copytree(dist, outdir)


def main(argv: list[str]) -> int:
    names = argv or available_environments()
    try:
        count = synthesize(names)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    mirror_for_cdk8s_cli(DIST)
    print(f"synthesized {count} files for {', '.join(names)} into {DIST.relative_to(REPO_ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
