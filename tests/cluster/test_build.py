"""The throwaway build modules of cluster/build.py, without building anything."""

from __future__ import annotations

import dataclasses

import pytest

from cluster.build import (
    ARGOCD,
    ARGOCD_MAIN,
    BUILDERS,
    RELOADER,
    consumer_go_mod,
    go_directive,
    portable_replaces,
    replace_directives,
)

UPSTREAM = """module example.com/upstream/v3

go 1.27.0

require (
\texample.com/engine/v3 v3.6.1 // tagged at release time
\tk8s.io/api v0.37.0
)

replace (
\t// pinned against a CVE
\tgopkg.in/yaml.v2 => gopkg.in/yaml.v2 v2.4.0

\tk8s.io/api => k8s.io/api v0.37.0
)

replace example.com/engine/v3 => ./engine
replace example.com/old v1.0.0 => example.com/fork v1.2.3
"""


def test_replace_directives_reads_blocks_single_lines_and_skips_comments() -> None:
    assert replace_directives(UPSTREAM) == [
        "gopkg.in/yaml.v2 => gopkg.in/yaml.v2 v2.4.0",
        "k8s.io/api => k8s.io/api v0.37.0",
        "example.com/engine/v3 => ./engine",
        "example.com/old v1.0.0 => example.com/fork v1.2.3",
    ]


def test_replaces_into_the_upstream_tree_are_not_copied() -> None:
    kept = portable_replaces(UPSTREAM)
    assert "example.com/engine/v3 => ./engine" not in kept
    assert len(kept) == 3


def test_unparsable_replace_is_an_error_not_a_silent_drop() -> None:
    with pytest.raises(ValueError, match="unparsable"):
        replace_directives("module x\n\nreplace (\n\tnot a directive\n)\n")


def test_consumer_module_requires_the_release_with_its_go_version() -> None:
    gomod = consumer_go_mod("example.com/upstream/v3", "v3.6.1", UPSTREAM)
    assert "\ngo 1.27.0\n" in gomod
    assert "require example.com/upstream/v3 v3.6.1" in gomod
    assert "\tk8s.io/api => k8s.io/api v0.37.0" in gomod
    assert "./engine" not in gomod
    with pytest.raises(ValueError):
        go_directive("module x\n")


def test_every_component_is_cached_under_its_name_and_version() -> None:
    for name, (component, _builder) in BUILDERS.items():
        assert component.binary.name == name
        assert component.cache_dir.name.startswith(f"{name}-{component.version}")
        if component.main is None and not component.substitutes:
            assert component.cache_dir.name == f"{name}-{component.version}"
    assert BUILDERS["argocd"][0].toolchain == "go1.27.3"
    assert all(c.toolchain is None for n, (c, _b) in BUILDERS.items() if n != "argocd")


def test_argocd_main_links_the_notifications_controller_under_its_upstream_name() -> None:
    assert ARGOCD.main == ARGOCD_MAIN
    assert '"github.com/argoproj/argo-cd/v3/cmd/argocd-notification/commands"' in ARGOCD_MAIN
    assert 'case "argocd-notifications":\n\t\tcommand = notification.NewCommand()' in ARGOCD_MAIN


def test_a_changed_generated_main_gets_a_cache_folder_of_its_own() -> None:
    """A binary built from another main (fewer processes linked in) is never found by the new one."""
    before_notifications = ARGOCD_MAIN.replace('\tcase "argocd-notifications":\n\t\tcommand = notification.NewCommand()\n', "")
    assert before_notifications != ARGOCD_MAIN
    older = dataclasses.replace(ARGOCD, main=before_notifications)
    assert older.cache_dir != ARGOCD.cache_dir
    assert older.binary != ARGOCD.binary
    # Same main, same folder: the cache is reused across runs and processes.
    assert dataclasses.replace(ARGOCD, main=str(ARGOCD_MAIN)).cache_dir == ARGOCD.cache_dir
    # Only the main's content counts, and the version still does.
    assert dataclasses.replace(ARGOCD, version="v3.6.2").cache_dir != ARGOCD.cache_dir


def test_substitutes_are_added_to_the_upstream_replaces_and_name_the_cache_folder() -> None:
    """A module the proxy does not serve at the pinned version is replaced in the consumer module, and
    a binary built with other substitutes is never reused."""
    gomod = consumer_go_mod("example.com/upstream/v3", "v3.6.1", UPSTREAM, ("example.com/gone => example.com/gone v0.1.0",))
    assert "\texample.com/old v1.0.0 => example.com/fork v1.2.3\n\texample.com/gone => example.com/gone v0.1.0\n)" in gomod
    assert {line.split(" =>")[0] for line in RELOADER.substitutes} == {
        "github.com/openshift/api",
        "github.com/openshift/client-go",
    }
    assert "-sub" in RELOADER.cache_dir.name
    other = dataclasses.replace(RELOADER, substitutes=RELOADER.substitutes[:1])
    assert other.cache_dir != RELOADER.cache_dir
    assert dataclasses.replace(RELOADER, substitutes=tuple(RELOADER.substitutes)).cache_dir == RELOADER.cache_dir
