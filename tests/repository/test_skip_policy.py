"""No test passes by not running (tests/support/tools.py's SkipPolicy, which tests/conftest.py
registers). Each case is an inner pytest run that passes without the policy (the control) and
fails with it: locally without the opt-in, and under CI=true even with it."""

from __future__ import annotations

import pytest

from tests.support.tools import SkipPolicy

pytest_plugins = ["pytester"]

PASSING = "def test_passes():\n    pass\n"

# Each case: inner test files that pass today (exit status 0) although something did not run.
CASES = {
    "skip-in-a-test": {"test_inner.py": "import pytest\n\ndef test_skips():\n    pytest.skip('not today')\n"},
    "skipif-marker": {"test_inner.py": "import pytest\n\n@pytest.mark.skipif(True, reason='never')\ndef test_t():\n    pass\n"},
    "importorskip-at-module-level": {
        "test_inner.py": "import pytest\n\npytest.importorskip('no_such_module_anywhere')\n\ndef test_t():\n    pass\n"
    },
    "module-level-skip": {
        "test_inner.py": "import pytest\n\npytest.skip('whole module', allow_module_level=True)\n\ndef test_t():\n    pass\n"
    },
    "xfail": {"test_inner.py": "import pytest\n\n@pytest.mark.xfail(reason='known bug')\ndef test_t():\n    assert False\n"},
    "xfail-strict": {
        "test_inner.py": "import pytest\n\n@pytest.mark.xfail(strict=True, reason='known bug')\ndef test_t():\n    assert False\n"
    },
    "xpass": {"test_inner.py": "import pytest\n\n@pytest.mark.xfail(reason='was a bug')\ndef test_t():\n    pass\n"},
    "imperative-xfail": {"test_inner.py": "import pytest\n\ndef test_t():\n    pytest.xfail('later')\n"},
    # What require_tool raises with the opt-in; without it, the same skip fails.
    "tool-missing-skip": {
        "test_inner.py": "import pytest\n\ndef test_t():\n    pytest.skip('system tool missing: nginx not found')\n"
    },
}


def inner_run(pytester: pytest.Pytester, files: dict[str, str], *, policy: bool) -> pytest.RunResult:
    pytester.makepyfile(test_other=PASSING, **{name.removesuffix(".py"): text for name, text in files.items()})
    return pytester.runpytest("-p", "no:cacheprovider", "-rA", plugins=[SkipPolicy()] if policy else [])


@pytest.fixture(autouse=True)
def no_plugin_autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    # The inner runs need none of the installed plugins (hypothesis, syrupy): faster without them.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


@pytest.fixture
def no_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("SKIP_SYSTEM_TOOLS", raising=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_not_running_fails_without_the_opt_in(pytester: pytest.Pytester, no_opt_in: None, case: str) -> None:
    assert inner_run(pytester, CASES[case], policy=False).ret == pytest.ExitCode.OK, "the control should pass"
    result = inner_run(pytester, CASES[case], policy=True)
    assert result.ret != pytest.ExitCode.OK, result.stdout.str()
    assert not result.parseoutcomes().keys() & {"skipped", "xfailed", "xpassed"}, result.stdout.str()


@pytest.mark.parametrize("case", sorted(CASES))
def test_not_running_fails_in_ci_even_with_the_opt_in(pytester: pytest.Pytester, monkeypatch, case: str) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("SKIP_SYSTEM_TOOLS", "1")
    result = inner_run(pytester, CASES[case], policy=True)
    assert result.ret != pytest.ExitCode.OK, result.stdout.str()
    assert not result.parseoutcomes().keys() & {"skipped", "xfailed", "xpassed"}, result.stdout.str()
    result.stdout.fnmatch_lines(["SKIP_SYSTEM_TOOLS=1 is ignored under CI=true: nothing may skip there"])


def test_the_opt_in_skips_missing_tools_and_counts_them(pytester: pytest.Pytester, monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("SKIP_SYSTEM_TOOLS", "1")
    files = {
        "test_tools.py": "import pytest\nfrom tests.support.tools import require_tool\n\n"
        "@pytest.fixture\ndef nginx():\n    return require_tool('no-such-nginx', 'Debian package nginx-light')\n\n"
        "def test_a(nginx):\n    pass\n\ndef test_b(nginx):\n    pass\n\n"
        "def test_c():\n    require_tool('/no/such/etcd')\n",
        "test_module_tool.py": "from tests.support.tools import missing_tool\n\n"
        "missing_tool('no shellcheck here')\n\ndef test_t():\n    pass\n",
    }
    result = inner_run(pytester, files, policy=True)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.assert_outcomes(passed=1, skipped=4)
    result.stdout.fnmatch_lines(["SKIP_SYSTEM_TOOLS=1: 3 tests and 1 modules skipped because a system tool is missing"])


def test_the_opt_in_allows_only_missing_tools(pytester: pytest.Pytester, monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("SKIP_SYSTEM_TOOLS", "1")
    result = inner_run(pytester, CASES["skip-in-a-test"] | {"test_xfail.py": CASES["xfail"]["test_inner.py"]}, policy=True)
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*skipped (only a missing tool may skip, with SKIP_SYSTEM_TOOLS=1): Skipped: not today*"])
    result.stdout.fnmatch_lines(["*xfail is not allowed (fix the test or the code, or delete the test): known bug*"])


def test_a_run_that_collected_no_test_fails(pytester: pytest.Pytester, no_opt_in: None) -> None:
    # A conftest that forgives an empty run (a common recipe) makes it pass without the policy.
    forgive = "def pytest_sessionfinish(session, exitstatus):\n    if exitstatus == 5:\n        session.exitstatus = 0\n"
    pytester.makeconftest(forgive)
    pytester.makepyfile(test_nothing="")
    assert pytester.runpytest("-p", "no:cacheprovider").ret == pytest.ExitCode.OK, "the control should pass"
    result = pytester.runpytest("-p", "no:cacheprovider", plugins=[SkipPolicy()])
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(["no test collected: a run that tests nothing fails"])


def parallel_run(pytester: pytest.Pytester, files: dict[str, str], monkeypatch, conftest: str = "") -> pytest.RunResult:
    """An inner run on two pytest-xdist workers, the policy registered as tests/conftest.py does."""
    from config.loader import REPO_ROOT

    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    pytester.makeconftest(
        "from tests.support.tools import SkipPolicy\n\n"
        "def pytest_configure(config):\n    config.pluginmanager.register(SkipPolicy(), 'skip-policy')\n\n" + conftest
    )
    pytester.makepyfile(**{name.removesuffix(".py"): text for name, text in files.items()})
    return pytester.runpytest_subprocess("-p", "xdist", "-n", "2", "-p", "no:cacheprovider", "-rA")


def test_on_parallel_workers_a_skip_still_fails(pytester: pytest.Pytester, no_opt_in: None, monkeypatch) -> None:
    files = CASES["skip-in-a-test"] | {"test_xfail.py": CASES["xfail"]["test_inner.py"], "test_other.py": PASSING}
    result = parallel_run(pytester, files, monkeypatch)
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    result.assert_outcomes(passed=1, failed=2)


def test_on_parallel_workers_the_opt_in_counts_every_worker_s_skips(pytester: pytest.Pytester, monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("SKIP_SYSTEM_TOOLS", "1")
    # Four tests, each with its own missing tool: with two workers, each runs some of them.
    tests = "".join(f"def test_{n}():\n    require_tool('/no/such/tool-{n}')\n\n" for n in range(4))
    files = {"test_tools.py": "from tests.support.tools import require_tool\n\n" + tests, "test_other.py": PASSING}
    result = parallel_run(pytester, files, monkeypatch)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.assert_outcomes(passed=1, skipped=4)
    result.stdout.fnmatch_lines(["SKIP_SYSTEM_TOOLS=1: 4 tests and 0 modules skipped because a system tool is missing"])


def test_on_parallel_workers_a_run_that_collected_no_test_fails(pytester: pytest.Pytester, no_opt_in: None, monkeypatch) -> None:
    forgive = "def pytest_sessionfinish(session, exitstatus):\n    if exitstatus == 5:\n        session.exitstatus = 0\n"
    result = parallel_run(pytester, {"test_nothing.py": ""}, monkeypatch, conftest=forgive)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED, result.stdout.str()
