"""A real Prometheus Pushgateway on loopback (built by `python -m cluster.build pushgateway`), and
its /metrics page read back as Prometheus would scrape it."""

from __future__ import annotations

import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cluster.build import cached_binary
from tests.support.database import free_port
from tests.support.tools import require_tool

# One sample of the text exposition format: name{labels} value.
SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})?\s+(?P<value>\S+)$")
LABEL = re.compile(r'(?P<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?P<value>(?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float


@dataclass(frozen=True)
class Pushgateway:
    url: str

    def samples(self, name: str) -> list[Sample]:
        """The samples of one metric on its /metrics page."""
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=10) as response:
            text = response.read().decode()
        found = []
        for line in text.splitlines():
            match = SAMPLE.match(line)
            if match and match["name"] == name:
                labels = {m["key"]: m["value"] for m in LABEL.finditer(match["labels"] or "")}
                found.append(Sample(name, labels, float(match["value"])))
        return found


@contextmanager
def running_pushgateway(log: Path) -> Iterator[Pushgateway]:
    binary = require_tool(str(cached_binary("pushgateway")), "make pushgateway")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        proc = subprocess.Popen([binary, f"--web.listen-address=127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the Pushgateway did not get ready:\n{log.read_text()}")
            time.sleep(0.1)
        yield Pushgateway(url)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
