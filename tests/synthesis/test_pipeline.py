"""The synthesis pipeline: YAML written by a writer process while charts are built (once a
synth is big enough), the same bytes as writing in the main process, and dist/ untouched when
anything fails."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from synthesis import output, pipeline
from synthesis.layout import LayoutError


def objects(app: str, count: int) -> list[dict]:
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"{app}-{i}", "namespace": app},
            "data": {"index": str(i), "text": "two\nlines\n"},
        }
        for i in range(count)
    ]


RENDERED = [
    ("staging", "backend", objects("backend", 5)),
    ("staging", "frontend", objects("frontend", 3)),
    ("prod", "backend", objects("backend", 4)),
]
KEEP = {PurePosixPath("other/app/configmap_x_y.yaml"): "kept\n"}
OLD = {PurePosixPath("old/app/file.yaml"): "old\n"}


class Boom(Exception):
    pass


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    target = tmp_path / "dist"
    output.replace_directory(target, OLD)
    return target


@pytest.fixture
def writer_from_the_start(monkeypatch) -> list[int]:
    """The writer process starts with the first application; returns the pids that wrote."""
    monkeypatch.setattr(pipeline, "WRITER_AFTER_OBJECTS", 1)
    pids: list[int] = []
    real_submit = pipeline.ProcessPoolExecutor.submit

    def submit(self, fn, *args, **kwargs):
        future = real_submit(self, fn, *args, **kwargs)
        pids.append(real_submit(self, os.getpid).result())
        return future

    monkeypatch.setattr(pipeline.ProcessPoolExecutor, "submit", submit)
    return pids


def test_writer_process_and_main_process_write_the_same_tree(tmp_path: Path, writer_from_the_start, monkeypatch):
    in_writer = pipeline.write_rendered(tmp_path / "writer", iter(RENDERED), KEEP)
    assert len(writer_from_the_start) == len(RENDERED)
    assert os.getpid() not in writer_from_the_start
    monkeypatch.setenv(pipeline.SINGLE_PROCESS_VARIABLE, "1")
    in_main = pipeline.write_rendered(tmp_path / "main", iter(RENDERED), KEEP)
    assert in_writer == in_main == output.WriteSummary(written=13, reused=0)
    assert output.read_tree(tmp_path / "writer") == output.read_tree(tmp_path / "main")
    assert output.read_tree(tmp_path / "writer")[PurePosixPath("other/app/configmap_x_y.yaml")] == "kept\n"


def test_small_synths_never_start_the_writer(tmp_path: Path, monkeypatch):
    def no_process(*args, **kwargs):
        raise AssertionError("a writer process was started")

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", no_process)
    assert sum(len(documents) for _, _, documents in RENDERED) < pipeline.WRITER_AFTER_OBJECTS
    pipeline.write_rendered(tmp_path / "dist", iter(RENDERED))


def test_the_writer_starts_once_enough_objects_were_rendered(tmp_path: Path, writer_from_the_start, monkeypatch):
    monkeypatch.setattr(pipeline, "WRITER_AFTER_OBJECTS", 8)  # reached by the second application (5 + 3)
    pipeline.write_rendered(tmp_path / "dist", iter(RENDERED))
    assert len(writer_from_the_start) == 2


def test_unchanged_files_written_by_the_writer_are_linked(tmp_path: Path, writer_from_the_start):
    pipeline.write_rendered(tmp_path / "dist", iter(RENDERED))
    again = pipeline.write_rendered(tmp_path / "dist", iter(RENDERED))
    assert again == output.WriteSummary(written=0, reused=12)


def test_a_failing_build_leaves_dist_untouched(dist: Path, writer_from_the_start):
    def rendered() -> Iterator[tuple]:
        yield from RENDERED
        raise Boom()

    with pytest.raises(Boom):
        pipeline.write_rendered(dist, rendered())
    assert writer_from_the_start  # the writer was busy when the build failed
    assert output.read_tree(dist) == OLD
    assert sorted(p.name for p in dist.parent.iterdir()) == ["dist"]  # no staging left behind


def test_a_failing_write_stops_the_synth_and_leaves_dist_untouched(dist: Path, writer_from_the_start):
    duplicate = ("staging", "backend", objects("backend", 2) + objects("backend", 1))
    with pytest.raises(LayoutError):
        pipeline.write_rendered(dist, iter([duplicate, *RENDERED]))
    assert output.read_tree(dist) == OLD
    assert sorted(p.name for p in dist.parent.iterdir()) == ["dist"]
