"""The repository's layout: constructs/ merges into the library, and tests/ mirrors the product folders."""

from __future__ import annotations

import re
from pathlib import Path

from config.loader import REPO_ROOT


def test_library_and_project_constructs_both_import():
    from constructs import Construct  # the jsii library cdk8s is built on
    from constructs.secure_deployment import SecureDeployment  # this project's folder

    assert Construct.__module__.startswith("constructs")
    assert issubclass(SecureDeployment, Construct)


def test_constructs_folder_has_no_init_file():
    # An __init__.py would make constructs/ a regular package that hides the library.
    assert not (REPO_ROOT / "constructs" / "__init__.py").exists()


def test_design_card_folders_exist():
    for folder in ("constructs", "charts", "environments", "imports", "dist", "tests"):
        assert (REPO_ROOT / folder).is_dir(), folder
    assert Path(REPO_ROOT / "cdk8s.yaml").is_file()


# tests/<folder>/ mirrors the product folder it tests; two folders are the tests' own.
TESTS_OWN_FOLDERS = {"support", "repository"}


def test_test_folders_mirror_product_folders():
    tests = REPO_ROOT / "tests"
    strays = [
        d.name
        for d in tests.iterdir()
        if d.is_dir()
        and not d.name.startswith((".", "_"))
        and d.name not in TESTS_OWN_FOLDERS
        and not (REPO_ROOT / d.name).is_dir()
    ]
    assert not strays, f"tests/ folders that name no product folder: {strays}"


def test_shared_test_code_lives_in_support():
    # Everything a test imports from another test file belongs in tests/support/; elsewhere only
    # test modules and the conftest.py files that wire fixtures.
    tests = REPO_ROOT / "tests"
    strays = [
        str(p.relative_to(tests))
        for p in tests.rglob("*.py")
        if "support" not in p.relative_to(tests).parts[:1]
        and "__snapshots__" not in p.parts
        and not (p.name.startswith("test_") or p.name == "conftest.py")
    ]
    assert not strays, f"helper modules outside tests/support/: {strays}"


def test_no_test_module_imports_another():
    # A test that imports from another test module runs that module's top level too and hides
    # shared code from tests/support/.
    tests = REPO_ROOT / "tests"
    importing = [
        str(p.relative_to(tests))
        for p in tests.rglob("test_*.py")
        if re.search(r"^\s*from tests(\.\w+)*\.test_\w+ import", p.read_text(), flags=re.M)
    ]
    assert not importing, f"test modules importing other test modules: {importing}"
