"""Driving main.py with broken environment files: mutations, the run, and the one-line error check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import main

Mutation = Callable[[dict[str, Any]], None]


def set_field(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value

    return mutate


def delete_field(path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]

    return mutate


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_main(environments: Path, dist: Path, capsys, *names: str) -> tuple[int, str]:
    code = main.main(["--environments-dir", str(environments), "--dist", str(dist), *names])
    return code, capsys.readouterr().err


def assert_one_line_error(code: int, err: str, file: str, field: str, reason: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith(f"error: {file}"), line
    assert field in line, line
    assert reason in line, line
    assert "Traceback" not in err


def assert_refused_before_writing(
    workspace: tuple[Path, Path], capsys, edit: str, mutate: Mutation, blamed: str, field: str, reason: str
) -> None:
    """Apply `mutate` to the environment file `edit`, synthesize, and expect the one-line error
    blaming `blamed` and `field`, with exit 2 and dist/ untouched."""
    import yaml

    environments, dist = workspace
    path = environments / edit
    data = yaml.safe_load(path.read_text())
    mutate(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    before = snapshot(dist)

    code, err = run_main(environments, dist, capsys)

    assert_one_line_error(code, err, str(environments / blamed), f": {field}: ", reason)
    assert snapshot(dist) == before
