"""The Python locks: synth installs only the runtime lock, every lock is hashed, and the test
lock agrees with the runtime lock on every package they share."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from config.loader import REPO_ROOT

REQUIREMENTS = REPO_ROOT / "requirements"
LOCKS = ("runtime", "test", "checkov", "nca", "gixy", "lock-tools")
# What the synth imports: the entry point and every package it loads (imports/ included).
SYNTH_SOURCES = ("main.py", "config", "charts", "constructs", "synthesis", "manifests", "imports")
FIRST_PARTY = {
    "bench",
    "charts",
    "cluster",
    "config",
    "constructs",
    "imports",
    "manifests",
    "ops",
    "synthesis",
    "tests",
    "tools",
    "verify",
}
TEST_ONLY = (
    "pytest",
    "syrupy",
    "hypothesis",
    "ruff",
    "moto",
    "boto3",
    "kubernetes-validate",
    "pre-commit",
    "yamllint",
    "kubernetes",
    "trustme",
    "graphviz",
    "matplotlib",
    "lupa",
)

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(path: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """name -> (version, hashes) for every requirement of a pip-compile lock."""
    pins: dict[str, tuple[str, frozenset[str]]] = {}
    # A requirement and its `\`-continued hash lines form one entry.
    for entry in re.split(r"\n(?=[^\s#])", path.read_text(encoding="utf-8")):
        match = _PIN.match(entry)
        if match:
            pins[normalize(match[1])] = (match[2], frozenset(re.findall(r"--hash=sha256:([0-9a-f]{64})", entry)))
    return pins


@pytest.mark.parametrize("name", LOCKS)
def test_every_lock_pins_every_package_with_hashes(name: str) -> None:
    path = REQUIREMENTS / f"{name}.lock"
    requirement_lines = [line for line in path.read_text().splitlines() if line and not line.startswith((" ", "#", "-"))]
    pins = parse_lock(path)
    assert pins and len(pins) == len(requirement_lines), "a requirement without an exact == pin"
    unhashed = [package for package, (_, hashes) in pins.items() if not hashes]
    assert not unhashed, f"{path.name}: no hash for {unhashed}"
    top_level = {normalize(m[1]) for m in map(_PIN.match, (REQUIREMENTS / f"{name}.in").read_text().splitlines()) if m}
    assert top_level <= set(pins), f"{path.name} lacks {top_level - set(pins)}: run `make lock`"


def test_test_lock_pins_the_runtime_versions() -> None:
    runtime, test = parse_lock(REQUIREMENTS / "runtime.lock"), parse_lock(REQUIREMENTS / "test.lock")
    missing = sorted(set(runtime) - set(test))
    assert not missing, f"test.lock must contain the whole runtime: {missing}"
    differ = {name: (runtime[name], test[name]) for name in runtime if runtime[name] != test[name]}
    assert not differ, f"versions or hashes differ between runtime.lock and test.lock: {differ}"


def test_runtime_lock_carries_no_test_tool() -> None:
    runtime = parse_lock(REQUIREMENTS / "runtime.lock")
    assert not [tool for tool in TEST_ONLY if tool in runtime]
    test = parse_lock(REQUIREMENTS / "test.lock")
    assert all(tool in test for tool in TEST_ONLY)


def imported_top_level_modules(sources: tuple[str, ...]) -> set[str]:
    modules: set[str] = set()
    files = [
        p for source in sources for p in ([REPO_ROOT / source] if source.endswith(".py") else (REPO_ROOT / source).rglob("*.py"))
    ]
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    return modules


def test_synth_imports_only_what_the_runtime_lock_installs() -> None:
    third_party = imported_top_level_modules(SYNTH_SOURCES) - set(sys.stdlib_module_names) - FIRST_PARTY - {"__future__"}
    assert {"cdk8s", "jsii", "pydantic", "yaml"} <= third_party  # the scan sees real imports
    runtime = set(parse_lock(REQUIREMENTS / "runtime.lock"))
    providers = packages_distributions()
    outside = {
        module: providers.get(module)
        for module in third_party
        if not any(normalize(dist) in runtime for dist in providers.get(module, []))
    }
    assert not outside, f"the synth imports modules the runtime lock does not install: {outside}"


def test_the_scan_sees_a_test_only_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "probe.py").write_text("import pytest\nfrom moto import mock_aws\nfrom . import sibling\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO_ROOT", tmp_path)
    assert imported_top_level_modules(("probe.py",)) == {"pytest", "moto"}


def make_dry_run(target: str, tmp_path: Path) -> str:
    # -B and a venv path that does not exist: make prints every install step it would run.
    result = subprocess.run(
        ["make", "-n", "-B", target, f"VENV={tmp_path / 'venv'}"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_synth_installs_the_runtime_lock_alone(tmp_path: Path) -> None:
    plan = make_dry_run("synth", tmp_path)
    assert "requirements/runtime.lock" in plan
    assert "requirements/test.lock" not in plan and "npm ci" not in plan


def test_test_installs_both_layers_and_every_install_requires_hashes(tmp_path: Path) -> None:
    plan = make_dry_run("test", tmp_path)
    installs = [line for line in plan.splitlines() if "pip install" in line and " -r " in line]
    for lock in ("runtime", "test", "checkov", "nca", "gixy"):
        assert any(f"requirements/{lock}.lock" in line for line in installs), lock
    assert installs and all("--require-hashes" in line for line in installs), installs


def test_make_lock_installs_pip_tools_from_its_hashed_lock(tmp_path: Path) -> None:
    installs = [line for line in make_dry_run("lock", tmp_path).splitlines() if "pip install" in line]
    assert installs and all("--require-hashes" in line and "requirements/lock-tools.lock" in line for line in installs)
