"""The README's size of dist/ is dist's: a change that adds or removes objects updates the sentence."""

from __future__ import annotations

import re

from manifests import REPO_ROOT, environments, load_env


def stated_size(readme: str) -> tuple[int, int]:
    match = re.search(r"\((\d+) environments, (\d+) objects\)", readme)
    assert match, "README.md no longer states how many environments and objects `make synth` renders"
    return int(match[1]), int(match[2])


def test_the_readme_counts_the_environments_and_objects_dist_holds() -> None:
    rendered = environments()
    objects = sum(len(load_env(env)) for env in rendered)
    assert stated_size((REPO_ROOT / "README.md").read_text(encoding="utf-8")) == (len(rendered), objects)
