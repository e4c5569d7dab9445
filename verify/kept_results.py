"""What a slow verification tool reported, kept by everything it read, so that unchanged input
is not checked again.

detect-secrets runs every plugin's patterns over every line in Python (the repository's 600
files take about 15 s of CPU), checkov takes about 4 s per environment, network-config-analyzer
about half a second per run and drawing the dashboard pictures (ops/dashboard_pictures.py) about
3 s, while between two runs almost nothing they read changes. An entry is found again only for
the same bytes under the same names, read by the same tool with the same settings: any change to
an input, to the tool's version or to how it is run is a new key, so the tool runs afresh. A
cache that cannot be written is no error: the tool then simply runs every time.

Entries live under ~/.cache/flask-platform-verify/<tool>/ (FLASK_PLATFORM_VERIFY_CACHE),
outside the repository, one JSON file per key.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

CACHE_ROOT = Path(os.environ.get("FLASK_PLATFORM_VERIFY_CACHE", Path.home() / ".cache" / "flask-platform-verify"))


class KeptResults:
    def __init__(self, tool: str, settings: Any, root: Path | None = None) -> None:
        self.root = (root or CACHE_ROOT) / tool
        # Everything besides the inputs that decides what the tool reports.
        self._settings = json.dumps(settings, sort_keys=True).encode()

    def key(self, inputs: Iterable[tuple[str, Path | bytes]]) -> str:
        """The key of the tool's run over `inputs`: each file's bytes (or the bytes given) under
        the name the tool sees it by (its names matter too: the tools read file names)."""
        digest = hashlib.sha256(self._settings)
        for name, source in inputs:
            data = source if isinstance(source, bytes) else source.read_bytes()
            digest.update(b"\0%s\0%d\0" % (os.fsencode(name), len(data)))
            digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> Any | None:
        try:
            return json.loads((self.root / key[:2] / key).read_text())
        except (OSError, ValueError):  # absent, or cut short
            return None

    def result(self, key: str, make: Callable[[], Any]) -> Any:
        """What is kept under `key`, or what `make()` returns, kept from now on (an error it
        raises keeps nothing)."""
        kept = self.get(key)
        if kept is None:
            kept = make()
            self.put(key, kept)
        return kept

    def put(self, key: str, result: Any) -> None:
        folder = self.root / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Whole or not at all: a concurrent run never reads half an entry.
            with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".partial") as file:
                json.dump(result, file)
            os.replace(file.name, folder / key)
        except OSError:
            pass


def venv_packages(venv: Path) -> list[str]:
    """Every package (name and version) installed in `venv`: a tool and what it imports, so
    that any upgrade among them is a new key."""
    return sorted(p.name for p in venv.glob("lib/*/site-packages/*.dist-info"))


def venv_of(script: Path) -> Path:
    """The venv a console script (`<venv>/bin/<tool>`) belongs to."""
    return script.resolve().parent.parent
