"""The top-level constructs/ folder merges into the `constructs` library instead of shadowing it."""

from __future__ import annotations

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
