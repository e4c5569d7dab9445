"""What detect-secrets found in each file, kept by content, so that an unchanged file is not
scanned again.

detect-secrets runs every plugin's patterns over every line in Python: the repository's 600
files take about 15 s of CPU, and almost none of them change between two scans. An entry is
found again only for the same bytes at the same path, scanned by the same detect-secrets
version with the same excluded lines: the path is part of the key because detect-secrets'
filters read file names (lock files, extensions). Any change to a file, or to how it is
scanned, is a new key, so that file is scanned afresh. A cache that cannot be written is no
error: the scan then simply runs every time.

Entries live under ~/.cache/flask-platform-secrets/ (FLASK_PLATFORM_SECRETS_CACHE), outside the
repository, one small JSON file per key.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

CACHE_ROOT = Path(os.environ.get("FLASK_PLATFORM_SECRETS_CACHE", Path.home() / ".cache" / "flask-platform-secrets"))

# (detector type, line number) of each possible secret in one file.
FileFindings = list[tuple[str, int]]


class SecretsCache:
    def __init__(self, scan_settings: list[str], root: Path | None = None) -> None:
        self.root = root or CACHE_ROOT
        # Everything besides the file that decides what a scan reports.
        self._settings = json.dumps([version("detect-secrets"), scan_settings]).encode()

    def key(self, path: Path) -> str:
        digest = hashlib.sha256(self._settings)
        digest.update(b"\0" + os.fsencode(path) + b"\0")
        digest.update(path.read_bytes())
        return digest.hexdigest()

    def get(self, key: str) -> FileFindings | None:
        try:
            return [(str(kind), int(line)) for kind, line in json.loads((self.root / key[:2] / key).read_text())]
        except (OSError, ValueError, TypeError):  # absent, or not an entry this module wrote
            return None

    def put(self, key: str, findings: FileFindings) -> None:
        folder = self.root / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Whole or not at all: a concurrent scan never reads half an entry.
            with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, suffix=".partial") as file:
                json.dump(findings, file)
            os.replace(file.name, folder / key)
        except OSError:
            pass
