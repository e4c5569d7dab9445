"""The quick checks a commit must pass, one command each (the pre-commit hooks run them):

    python -m tools.checks environments   schema file in sync; every environment file valid
    python -m tools.checks drift          a fresh synth equals the committed dist/

Exit 0 when all is well, 1 with one line per problem otherwise (CI's tests check the same).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import yaml

from config.errors import ConfigError
from config.loader import ENVIRONMENTS_DIR, REPO_ROOT, available_environments, display_path, load_environment
from synthesis.output import read_tree


def environment_problems(directory: Path = ENVIRONMENTS_DIR) -> list[str]:
    from config.schema import SCHEMA_PATH, render_schema

    schema_file = directory / SCHEMA_PATH.name
    problems = []
    if not schema_file.is_file() or schema_file.read_text(encoding="utf-8") != render_schema():
        problems.append(f"{display_path(schema_file)}: stale; run `make schema`")
    # What an editor's yaml-language-server checks: each file against the published schema.
    validator = jsonschema.Draft202012Validator(json.loads(render_schema()))
    for path in sorted(directory.glob("*.yaml")):
        for error in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")) or {}):
            where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
            problems.append(f"{display_path(path)}: {where}: {error.message}")
    if problems:
        return problems
    # Then what the synth checks on the merged result (completeness, cross-field rules).
    for name in available_environments(directory):
        try:
            load_environment(name, directory)
        except ConfigError as error:
            problems.append(str(error))
    return problems


def drift_problems(dist: Path = REPO_ROOT / "dist") -> list[str]:
    with tempfile.TemporaryDirectory(prefix="drift-") as tmp:
        fresh = Path(tmp) / "dist"
        proc = subprocess.run(
            [sys.executable, "-O", "main.py", "--dist", str(fresh)], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            return [line for line in proc.stderr.splitlines() if line.strip()][-1:] or [f"synth exit {proc.returncode}"]
        old, new = read_tree(dist), read_tree(fresh)
    stale = [
        f"dist/{path}: {'new' if path not in old else 'removed' if path not in new else 'changed'}"
        for path in sorted(set(old) | set(new))
        if old.get(path) != new.get(path)
    ]
    return stale + (["dist/ is stale; run `make synth` and commit dist/"] if stale else [])


CHECKS = {"environments": environment_problems, "drift": drift_problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.checks", description=__doc__.splitlines()[0])
    parser.add_argument("check", choices=sorted(CHECKS))
    args = parser.parse_args(argv)
    problems = CHECKS[args.check]()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
