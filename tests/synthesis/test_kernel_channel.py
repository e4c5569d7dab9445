"""jsii's kernel runs as Python's own child, without the relay, for every way a synth starts;
its console output still reaches Python's streams, and stopping jsii stops it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from config.loader import REPO_ROOT
from synthesis import jsii_tuning, kernel_channel

# What a probe prints about the Node processes of its jsii: the kernel's class, its command
# line, and the Node processes below Python (the relay would be one more, with the kernel its child).
PROBE_REPORT = """
import json, os, pathlib, jsii._runtime as r
node = r.kernel.provider._process
kernel = node._process
children = pathlib.Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
grandchildren = pathlib.Path(f"/proc/{kernel.pid}/task/{kernel.pid}/children").read_text().split()
command = pathlib.Path(f"/proc/{kernel.pid}/cmdline").read_text().split(chr(0))
print(json.dumps({"kind": type(kernel).__name__, "command": command, "children": len(children),
                  "grandchildren": len(grandchildren), "installed": [t.is_installed() for t in (k, s)]}))
"""


def probe(code: str, env: dict[str, str] | None = None) -> dict:
    script = "from synthesis import kernel_channel as k, jsii_tuning as s\n" + code + PROBE_REPORT
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True, env=env)
    return json.loads(result.stdout.splitlines()[-1])


def test_the_kernel_is_python_s_only_node_process():
    report = probe("import synthesis.build")
    assert report["kind"] == "KernelProcess"
    assert report["command"][-2].endswith("lib/program.js")
    assert set(kernel_channel.HEAP_FLAGS) <= set(report["command"])
    assert (report["children"], report["grandchildren"]) == (1, 0)
    assert report["installed"] == [True, True]


def test_main_sets_jsii_up_before_the_admission_checks_import_cdk8s(tmp_path: Path):
    """main.synthesize imports the admission checks, which import the charts and so cdk8s; the
    jsii set-up must come first, or Node starts with stock jsii's relay and none of the flags."""
    code = f"import main\nmain.synthesize(['staging'], dist=__import__('pathlib').Path({str(tmp_path / 'dist')!r}))\n"
    report = probe(code)
    assert report["kind"] == "KernelProcess"
    assert report["installed"] == [True, True]


def test_opting_out_keeps_the_relay():
    report = probe("import synthesis.build", env={**os.environ, jsii_tuning.OPT_OUT_VARIABLE: "1"})
    assert report["kind"] == "Popen"
    assert (report["children"], report["grandchildren"]) == (1, 1)
    assert report["installed"] == [False, False]


def test_stop_ends_the_kernel():
    code = (
        "import os, jsii._runtime as r\nimport synthesis.build\n"
        "node = r.kernel.provider._process\npid = node._process.pid\nnode.stop()\n"
        "print(node._process.returncode, os.path.exists(f'/proc/{pid}'))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["0", "False"]
    assert result.stderr == ""


def test_console_output_is_copied_to_the_current_streams(monkeypatch):
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    stdout, stderr = io.TextIOWrapper(io.BytesIO()), io.TextIOWrapper(io.BytesIO())
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    copy = kernel_channel._ConsoleCopy([out_read, err_read])
    os.write(out_write, b"printed\n")
    os.write(err_write, b"warned\n")
    os.close(out_write)
    os.close(err_write)
    copy.thread.join(timeout=10)
    assert not copy.thread.is_alive()
    assert stdout.buffer.getvalue() == b"printed\n"
    assert stderr.buffer.getvalue() == b"warned\n"
