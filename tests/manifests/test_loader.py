"""The shared loader: every object of a file or an environment, `*List` documents expanded,
each with the file it came from; broken files fail with one line naming the file."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from manifests import DIST, REPO_ROOT, ManifestError, environments, load_env, load_file, load_texts, of_kind

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: web\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_point_at_this_repository() -> None:
    assert (REPO_ROOT / "pyproject.toml").is_file()
    assert DIST == REPO_ROOT / "dist"
    assert [env.parent for env in environments()] == [DIST] * len(environments())


def test_every_document_becomes_one_object_in_file_order(tmp_path: Path) -> None:
    path = write(tmp_path / "a.yaml", CONFIG_MAP.format(name="one") + "---\n---\n" + CONFIG_MAP.format(name="two"))
    objects = load_file(path)
    assert [(o.name, o.index, o.path) for o in objects] == [("one", 0, path), ("two", 1, path)]
    assert objects[0].ref == "ConfigMap web/one" and objects[0].key == ("", "ConfigMap", "web", "one")


def test_a_list_document_is_expanded_into_its_items(tmp_path: Path) -> None:
    items = "".join("  - " + CONFIG_MAP.format(name=n).replace("\n", "\n    ").rstrip() + "\n" for n in ("a", "b"))
    path = write(tmp_path / "list.yaml", "apiVersion: v1\nkind: ConfigMapList\nitems:\n" + items)
    assert [o.name for o in load_file(path)] == ["a", "b"]
    assert {o.path for o in load_file(path)} == {path}


def test_malformed_yaml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.yaml", "kind: [unclosed\n")
    with pytest.raises(ManifestError, match=rf"^{path}: not valid YAML \(") as error:
        load_file(path)
    assert "\n" not in str(error.value)


def test_a_document_that_is_no_object_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "scalar.yaml", CONFIG_MAP.format(name="ok") + "---\njust text\n")
    with pytest.raises(ManifestError, match=rf"^{path}: document 1 is not a Kubernetes object"):
        load_file(path)


def test_a_list_with_a_bad_item_names_the_item(tmp_path: Path) -> None:
    path = write(tmp_path / "list.yaml", "apiVersion: v1\nkind: List\nitems:\n  - {kind: ConfigMap}\n")
    with pytest.raises(ManifestError, match=rf"^{path}: document 0 \(List\) item 0 is not a Kubernetes object"):
        load_file(path)
    write(path, "apiVersion: v1\nkind: List\nitems: {a: b}\n")
    with pytest.raises(ManifestError, match="items is not a list"):
        load_file(path)


def test_an_environment_keeps_app_folders_and_paths(tmp_path: Path) -> None:
    env = tmp_path / "dist" / "dev"
    write(env / "backend" / "b.yaml", CONFIG_MAP.format(name="b"))
    write(env / "argocd" / "a.yml", CONFIG_MAP.format(name="a"))
    write(env / "README.txt", "not yaml, not read")
    objects = load_env(env, relative_to=tmp_path / "dist")
    assert [(o.app, o.path, o.name) for o in objects] == [
        ("argocd", Path("dev/argocd/a.yml"), "a"),
        ("backend", Path("dev/backend/b.yaml"), "b"),
    ]
    assert [o.path for o in load_env(env)] == [env / "argocd" / "a.yml", env / "backend" / "b.yaml"]


def test_a_missing_or_empty_environment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no synthesized output"):
        load_env(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ManifestError, match="holds no Kubernetes objects"):
        load_env(tmp_path / "empty")


def test_texts_from_a_revision_load_like_files() -> None:
    files = {
        PurePosixPath("dev/backend/cm.yaml"): CONFIG_MAP.format(name="cm"),
        PurePosixPath("dev/notes.md"): "ignored",
        PurePosixPath("top.yaml"): CONFIG_MAP.format(name="too-shallow"),
    }
    (obj,) = load_texts(files)
    assert (obj.app, obj.path, obj.name) == ("backend", PurePosixPath("dev/backend/cm.yaml"), "cm")
    with pytest.raises(ManifestError, match=r"^dev/backend/cm.yaml: not valid YAML"):
        load_texts({PurePosixPath("dev/backend/cm.yaml"): "a: [b\n"})


def test_of_kind_filters_by_kind_and_group(tmp_path: Path) -> None:
    path = write(
        tmp_path / "x.yaml", CONFIG_MAP.format(name="c") + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
    )
    objects = load_file(path)
    assert [o.name for o in of_kind(objects, "Deployment", "apps")] == ["d"]
    assert of_kind(objects, "Deployment", "") == []
    assert [o.name for o in of_kind(objects, "ConfigMap")] == ["c"]


def test_the_real_dist_loads() -> None:
    for env in environments():
        objects = load_env(env)
        assert objects and all(o.app for o in objects), env
