"""An independent nginx check: gixy-ng over every nginx.conf that dist/ ships in a ConfigMap.

The nginx tests prove the rendered config behaves (a real nginx serves it); gixy-ng reads it as
a reviewer would and knows the classic traps: an `add_header` in a location silently drops the
server's security headers, an `alias` under a prefix without a trailing slash lets `..` walk
out of the folder, and more. It runs from its own venv (.venv-gixy). Every finding counts,
whatever its severity: the product's configs are kept at zero.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from manifests import REPO_ROOT, Manifest
from verify.findings import Finding

GIXY = Path(os.environ.get("VERIFY_GIXY", REPO_ROOT / ".venv-gixy" / "bin" / "gixy"))
CONFIG_KEY = "nginx.conf"


@dataclass(frozen=True)
class NginxConfig:
    source: str  # "ConfigMap namespace/name"
    text: str


@dataclass
class GixyReport:
    configs: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    version: str = ""


def nginx_configs(manifests: list[Manifest]) -> list[NginxConfig]:
    """Every ConfigMap entry named nginx.conf, i.e. every config some nginx in dist/ runs."""
    return [
        NginxConfig(m.ref, m.body["data"][CONFIG_KEY])
        for m in manifests
        if m.kind == "ConfigMap" and CONFIG_KEY in (m.body.get("data") or {})
    ]


def check_text(text: str, source: str, gixy: Path = GIXY) -> list[Finding]:
    """gixy-ng's findings for one nginx.conf text; `source` names it in each finding."""
    with tempfile.TemporaryDirectory(prefix="gixy-") as tmp:
        conf = Path(tmp) / CONFIG_KEY
        conf.write_text(text, encoding="utf-8")
        proc = subprocess.run([str(gixy), "-f", "json", str(conf)], capture_output=True, text=True, timeout=300)
    # gixy exits 1 when it reports something; JSON on stdout either way, else it crashed.
    try:
        results = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"gixy exit {proc.returncode}: {proc.stderr[-2000:]}") from None
    if proc.returncode not in (0, 1) or (proc.returncode == 1) != bool(results):
        raise RuntimeError(f"gixy exit {proc.returncode} with {len(results)} results: {proc.stderr[-2000:]}")
    return sorted(
        Finding("gixy", r["plugin"], f"{source} {CONFIG_KEY}:{r.get('line', '?')}", f"{r['severity']}: {r['reason']}")
        for r in results
    )


def version(gixy: Path = GIXY) -> str:
    proc = subprocess.run([str(gixy), "--version"], capture_output=True, text=True, timeout=60)
    # "Gixy v0.2.59", then an advertisement.
    first_line = (proc.stdout or proc.stderr).strip().splitlines()[:1]
    return first_line[0].split()[-1] if proc.returncode == 0 and first_line else "?"


def check(manifests: list[Manifest], gixy: Path = GIXY) -> GixyReport:
    report = GixyReport(version=version(gixy))
    for config in nginx_configs(manifests):
        report.configs.append(config.source)
        report.findings += check_text(config.text, config.source, gixy)
    return report
