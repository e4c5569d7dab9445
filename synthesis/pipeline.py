"""Build on one core, write YAML on the other: the synthesis pipeline behind `make synth`.

Building charts is a conversation with jsii's Node process: Python and Node take turns, so a
synth keeps one core busy. Turning objects into YAML and writing the files needs no Node, so
once a synth has rendered enough objects to make it pay, a writer process takes over the YAML
of each application as soon as the main process has rendered it, while the main process builds
the next one. Only the last application's YAML remains after the last chart (bench/README.md
has the figures). A process, not a thread: a thread would compete with the jsii calls for the
interpreter lock.

Small synths (the real configuration renders about 100 objects) never start the writer: their
YAML takes less time than starting a Python process. The writer is a fresh interpreter (spawn),
since jsii's threads are already running when it starts.

Everything the writer writes lands in the staging folder of a `StagedTree`, which the main
process swaps into place only when every part succeeded; after a failure anywhere, the main
process first waits for the writer to stop touching the staging folder, then deletes it.

`SYNTH_SINGLE_PROCESS=1` never starts the writer (for debugging, and as the benchmark's
reference). The output is the same bytes either way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, wait
from pathlib import Path, PurePosixPath
from typing import Any

from synthesis.layout import app_files
from synthesis.manifest_yaml import to_yaml
from synthesis.output import StagedTree, WriteSummary, write_tree

SINGLE_PROCESS_VARIABLE = "SYNTH_SINGLE_PROCESS"
WRITER_AFTER_OBJECTS = 1000
"""Objects rendered before the writer process starts: below that, writing in the main process
is cheaper than starting another interpreter (about 0.2 s of CPU)."""

Rendered = tuple[str, str, list[dict[str, Any]]]
"""(environment, application, objects) of one application."""


def render_files(env: str, app: str, documents: list[dict[str, Any]]) -> dict[PurePosixPath, str]:
    """dist-relative path -> YAML text, for the objects of one application."""
    return {path: to_yaml(document) for path, document in app_files(env, app, documents).items()}


def _write_application(staging: Path, previous: Path | None, env: str, app: str, documents: list[dict[str, Any]]) -> WriteSummary:
    """In the writer process: one application's YAML files, into the staging folder."""
    return write_tree(staging, render_files(env, app, documents), previous=previous)


class _Writer:
    """Writes each application into the tree: in this process until `start_after` objects
    were rendered, then in the writer process. Leaving its block after a failure waits until
    the writer no longer touches the staging folder, which StagedTree deletes next."""

    def __init__(self, tree: StagedTree, start_after: float) -> None:
        self.tree = tree
        self.start_after = start_after
        self.objects = 0
        self.process: ProcessPoolExecutor | None = None
        self.pending: list[Future[WriteSummary]] = []

    def __enter__(self) -> _Writer:
        return self

    def write(self, env: str, app: str, documents: list[dict[str, Any]]) -> None:
        self.objects += len(documents)
        if self.process is None and self.objects >= self.start_after:
            self.process = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        if self.process is None:
            self.tree.write(render_files(env, app, documents))
            return
        for future in self.pending:  # stop building once a write failed
            if future.done() and future.exception() is not None:
                future.result()
        self.pending.append(self.process.submit(_write_application, self.tree.staging, self.tree.previous, env, app, documents))

    def finish(self) -> None:
        for future in self.pending:
            self.tree.record(future.result())

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is not None:
            for future in self.pending:
                future.cancel()
            wait(self.pending)
        if self.process is not None:
            self.process.shutdown(wait=True)


def write_rendered(target: Path, rendered: Iterable[Rendered], keep: Mapping[PurePosixPath, str] | None = None) -> WriteSummary:
    """Replace `target` atomically with the YAML of every application `rendered` yields, plus
    the files in `keep` (already text). `rendered` is consumed here, so it may call jsii."""
    start_after = float("inf") if os.environ.get(SINGLE_PROCESS_VARIABLE) else WRITER_AFTER_OBJECTS
    with StagedTree(target) as tree:
        # Closed before StagedTree's block: the writer stops before the folder may be deleted.
        with _Writer(tree, start_after) as writer:
            for env, app, documents in rendered:
                writer.write(env, app, documents)
            tree.write(keep or {})
            writer.finish()
        return tree.commit()
