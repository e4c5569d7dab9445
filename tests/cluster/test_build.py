"""The throwaway build modules of cluster/build.py, without building anything."""

from __future__ import annotations

import pytest

from cluster.build import BUILDERS, consumer_go_mod, go_directive, portable_replaces, replace_directives

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
        assert component.cache_dir.name == f"{name}-{component.version}"
    assert BUILDERS["argocd"][0].toolchain == "go1.27.3"
    assert all(c.toolchain is None for n, (c, _b) in BUILDERS.items() if n != "argocd")
