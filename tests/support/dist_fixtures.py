"""For the verification tests (tests/verify): the fixture manifest set and readable failures."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from manifests import Manifest, environments, load_env

# Every directory under dist/ is an environment; none is named here.
ENVS = environments()
BASELINE = Path(__file__).resolve().parents[1] / "verify" / "fixtures" / "baseline"


def show(findings: Iterable[Any]) -> str:
    return "\n".join(str(f) for f in findings) or "(none)"


def find(docs: list[dict], kind: str, name: str) -> dict:
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name)


@dataclass
class FixtureEnv:
    """A private copy of the baseline manifest set that one test may break."""

    path: Path

    @classmethod
    def copy_of_baseline(cls, target: Path) -> FixtureEnv:
        shutil.copytree(BASELINE, target)
        return cls(target)

    def manifests(self) -> list[Manifest]:
        return load_env(self.path)

    def edit(self, relpath: str, change: Callable[[list[dict]], None]) -> None:
        """Load a file's documents, let `change` modify them in place, write them back."""
        file = self.path / relpath
        docs = [d for d in yaml.safe_load_all(file.read_text(encoding="utf-8")) if d]
        change(docs)
        file.write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")

    def add(self, relpath: str, text: str) -> Path:
        file = self.path / relpath
        file.write_text(text, encoding="utf-8")
        return file
