"""The Debian packages the tests drive: one list (requirements/system-packages.txt) that
`make test`, .ci/run and the CI workflow install from through scripts/system-packages.sh, run
here against a fake dpkg, apt-get, sudo and id on PATH (nothing is installed for real)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from config.loader import REPO_ROOT

LIST = REPO_ROOT / "requirements" / "system-packages.txt"
SCRIPT = REPO_ROOT / "scripts" / "system-packages.sh"
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "ci.yml"
CI_RUN = REPO_ROOT / ".ci" / "run"

# The fakes log every call, one line each, to $FAKE_LOG. dpkg reports $FAKE_INSTALLED as
# installed and $FAKE_REMOVED as removed with its configuration left (still listed by dpkg -s).
FAKES = {
    "dpkg": r"""#!/bin/sh
echo "dpkg $*" >>"$FAKE_LOG"
[ "$1" = -s ] || exit 2
shift
status=0
for p in "$@"; do
  case " $FAKE_INSTALLED " in *" $p "*) printf 'Package: %s\nStatus: install ok installed\n\n' "$p"; continue;; esac
  case " $FAKE_REMOVED " in *" $p "*) printf 'Package: %s\nStatus: deinstall ok config-files\n\n' "$p"; continue;; esac
  echo "dpkg-query: package '$p' is not installed" >&2
  status=1
done
exit $status
""",
    "apt-get": '#!/bin/sh\necho "apt-get $*" >>"$FAKE_LOG"\n',
    "id": '#!/bin/sh\n[ "$1" = -u ] && echo "$FAKE_UID"\n',
    # Passwordless sudo when FAKE_SUDO=yes; otherwise it would ask for a password, so -n fails.
    "sudo": '#!/bin/sh\necho "sudo $*" >>"$FAKE_LOG"\n[ "$FAKE_SUDO" = yes ] || exit 1\n[ "$1" = -n ] && shift\nexec "$@"\n',
    # $(PYTHON) for `make test`: logs whether pytest (or any set-up step) ran, and the opt-in.
    "python": '#!/bin/sh\necho "python $* SKIP_SYSTEM_TOOLS=$SKIP_SYSTEM_TOOLS" >>"$FAKE_LOG"\n',
}


def listed(text: str) -> list[str]:
    """The package names of a list: the first word of each line, comments left out."""
    return [line.split("#", 1)[0].split()[0] for line in text.splitlines() if line.split("#", 1)[0].strip()]


PACKAGES = listed(LIST.read_text(encoding="utf-8"))


class Fakes:
    def __init__(self, root: Path) -> None:
        self.bin = root / "bin"
        self.bin.mkdir()
        for name, text in FAKES.items():
            (self.bin / name).write_text(text)
            (self.bin / name).chmod(0o755)
        self.log = root / "calls.log"
        self.log.touch()

    def env(self, *, uid: int, sudo: bool, installed=(), removed=(), **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SKIP_SYSTEM_TOOLS", "CI"}}
        return env | {
            "PATH": f"{self.bin}:{os.environ['PATH']}",
            "FAKE_LOG": str(self.log),
            "FAKE_UID": str(uid),
            "FAKE_SUDO": "yes" if sudo else "no",
            "FAKE_INSTALLED": " ".join(installed),
            "FAKE_REMOVED": " ".join(removed),
            **extra,
        }

    def calls(self, program: str) -> list[list[str]]:
        return [line.split()[1:] for line in self.log.read_text().splitlines() if line.split()[0] == program]


@pytest.fixture
def fakes(tmp_path: Path) -> Fakes:
    return Fakes(tmp_path)


def make_test(fakes: Fakes, env: dict[str, str], *variables: str) -> subprocess.CompletedProcess[str]:
    """The real Makefile's `make test`, with the fake $(PYTHON) and the set-up stamps emptied, so
    that the system-packages step and $(PYTHON) commands are all that run."""
    fake_python = str(fakes.bin / "python")
    overrides = ["VENV_STAMP=", "RUNTIME_STAMP=", "NODE_STAMP=", "VERIFY_TOOLS=", "RENOVATE_STAMP="]
    overrides += [f"PYTHON={fake_python}", f"PY_BOOTSTRAP={fake_python}"]
    command = ["make", "--no-print-directory", "-C", str(REPO_ROOT), "test", *overrides, *variables]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def installs(fakes: Fakes) -> list[list[str]]:
    """The package lists apt-get was asked to install, whoever ran it."""
    return [call[call.index("--no-install-recommends") + 1 :] for call in fakes.calls("apt-get") if "install" in call]


def test_the_list_names_each_package_once_with_what_it_is_for() -> None:
    lines = [line for line in LIST.read_text(encoding="utf-8").splitlines() if line.split("#", 1)[0].strip()]
    assert len(PACKAGES) == len(set(PACKAGES)) >= 8
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9.+-]+\s+# \S.*", line) for line in lines), lines


def test_make_test_installs_what_is_missing_as_root_then_runs_pytest(fakes: Fakes) -> None:
    present = [p for p in PACKAGES if p not in {"nginx-light", "shellcheck"}]
    result = make_test(fakes, fakes.env(uid=0, sudo=False, installed=present))
    assert result.returncode == 0, result.stdout + result.stderr
    assert fakes.calls("apt-get")[0] == ["update", "-qq"]
    assert installs(fakes) == [["nginx-light", "shellcheck"]]
    assert not fakes.calls("sudo")
    log = fakes.log.read_text()
    assert log.index("apt-get install") < log.index("python -m pytest"), log


def test_make_test_refuses_in_one_line_without_root_or_sudo_and_runs_no_test(fakes: Fakes) -> None:
    present = [p for p in PACKAGES if p not in {"mariadb-server", "redis-server"}]
    result = make_test(fakes, fakes.env(uid=1000, sudo=False, installed=present))
    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert ours == [
        "missing Debian packages (requirements/system-packages.txt): install them with: "
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends mariadb-server redis-server"
        " (or make test SKIP_SYSTEM_TOOLS=1 to skip the tests that need them)"
    ], result.stderr
    assert not fakes.calls("apt-get") and not fakes.calls("python"), fakes.log.read_text()


def test_make_test_with_everything_installed_calls_no_apt(fakes: Fakes) -> None:
    result = make_test(fakes, fakes.env(uid=1000, sudo=False, installed=PACKAGES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert fakes.calls("dpkg") == [["-s", *PACKAGES]]
    assert not fakes.calls("apt-get") and not fakes.calls("sudo")
    assert any(call[:2] == ["-m", "pytest"] for call in fakes.calls("python"))


def test_make_test_with_the_opt_in_installs_nothing_and_lets_pytest_skip(fakes: Fakes) -> None:
    result = make_test(fakes, fakes.env(uid=1000, sudo=False, SKIP_SYSTEM_TOOLS="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert not fakes.calls("apt-get")
    (pytest_call,) = [call for call in fakes.calls("python") if call[:2] == ["-m", "pytest"]]
    assert pytest_call[-1] == "SKIP_SYSTEM_TOOLS=1"


def test_ci_installs_even_with_the_opt_in(fakes: Fakes) -> None:
    env = fakes.env(uid=0, sudo=False, installed=PACKAGES[1:], CI="true", SKIP_SYSTEM_TOOLS="1")
    result = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert installs(fakes) == [PACKAGES[:1]]


def test_passwordless_sudo_installs(fakes: Fakes) -> None:
    result = subprocess.run([str(SCRIPT)], env=fakes.env(uid=1000, sudo=True), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert installs(fakes) == [PACKAGES]
    assert [call[:2] for call in fakes.calls("sudo")] == [["-n", "true"], ["-n", "apt-get"], ["-n", "env"]]


def test_a_removed_package_with_its_configuration_left_is_installed_again(fakes: Fakes) -> None:
    present = [p for p in PACKAGES if p != "etcd-server"]
    env = fakes.env(uid=0, sudo=False, installed=present, removed=["etcd-server"])
    result = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert installs(fakes) == [["etcd-server"]]


def test_adding_a_package_is_one_line(fakes: Fakes, tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    (copy / "scripts").mkdir(parents=True)
    (copy / "requirements").mkdir()
    shutil.copy2(SCRIPT, copy / "scripts" / SCRIPT.name)
    (copy / "requirements" / LIST.name).write_text(LIST.read_text() + "jq  # reads JSON in a new test\n")
    script = copy / "scripts" / SCRIPT.name
    result = subprocess.run([str(script)], env=fakes.env(uid=0, sudo=False, installed=PACKAGES), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert installs(fakes) == [["jq"]]


def test_the_workflow_installs_exactly_the_list(fakes: Fakes) -> None:
    # The workflow's own apt step, run as the runner would (not root, passwordless sudo).
    (job,) = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"].values()
    (step,) = [s for s in job["steps"] if "System packages" in s.get("name", "")]
    env = fakes.env(uid=1001, sudo=True)
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert installs(fakes) == [PACKAGES]


def code_lines(path: Path) -> str:
    """A shell script's, makefile's or workflow's text without its comments."""
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#"))


def test_ci_run_installs_from_the_list_before_any_make() -> None:
    lines = [line.strip() for line in code_lines(CI_RUN).splitlines()]
    assert "scripts/system-packages.sh" in lines
    first_make = next(i for i, line in enumerate(lines) if line.startswith("make "))
    assert lines.index("scripts/system-packages.sh") < first_make


CONSUMERS = [CI_RUN, WORKFLOW, REPO_ROOT / "Makefile", *sorted((REPO_ROOT / "mk").glob("*.mk"))]


@pytest.mark.parametrize("path", CONSUMERS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_consumer_names_a_package_or_runs_apt_itself(path: Path) -> None:
    code = code_lines(path)
    assert "apt-get" not in code and "dpkg" not in code, f"{path}: install through scripts/system-packages.sh"
    named = [p for p in PACKAGES if re.search(rf"(?<![\w.-]){re.escape(p)}(?![\w.-])", code)]
    assert not named, f"{path} names {named}: list them only in {LIST.relative_to(REPO_ROOT)}"


@pytest.mark.parametrize(("extra", "workers"), [([], "auto"), (["PYTEST_WORKERS=0"], "0")])
def test_make_test_runs_on_every_core_unless_told_one_process(fakes: Fakes, extra: list[str], workers: str) -> None:
    result = make_test(fakes, fakes.env(uid=1000, sudo=False, installed=PACKAGES), *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    (pytest_call,) = [call for call in fakes.calls("python") if call[:2] == ["-m", "pytest"]]
    assert pytest_call[pytest_call.index("-n") + 1] == workers
