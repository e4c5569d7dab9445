"""jsii's kernel process reached directly, without the relay process jsii puts in between.

Stock jsii starts `node bin/jsii-runtime.js`, a relay that starts the kernel (`lib/program.js`)
and copies every request and every response between Python's pipes and the kernel's API
channel (its file descriptor 3), wrapping the kernel's console output into JSON on the way.
Every round trip thus crosses two pipes in each direction and wakes three processes. A synth
makes hundreds of round trips, and on this project's 2-CPU machines each extra wake-up and
copy costs about as much as the kernel's own work on a small request (bench/README.md).

`start` (installed over jsii's `_NodeProcess.start` by synthesis/jsii_tuning.py) starts the
kernel itself, with fd 3 one end of a socket pair whose other end carries jsii's requests,
and copies the kernel's stdout and stderr to Python's, as the relay's messages were. The
protocol, the kernel and jsii's code around them are unchanged. A custom JSII_RUNTIME keeps
jsii's own start.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import platform
import selectors
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from jsii._kernel.providers import process as jsii_process

API_FD = 3
"""The kernel's API channel (lib/program.js reads and writes requests on fd 3)."""
NODE_ARGUMENTS = ("--max-old-space-size=4069", "--preserve-symlinks")
"""What jsii gives the relay and the relay passes on to the kernel."""
HEAP_FLAGS = ("--initial-old-space-size=64",)
"""V8 starts with a small old generation and runs its first full collection when the heap
outgrows it, which the real configuration's synth did while building its first environment
(about 35 ms of a 0.4 s synth, its marking threads competing with Python for the second
core). A small synth now never needs one; a big one collects as before once past 64 MB.
Only possible on the command line (Node refuses it in NODE_OPTIONS)."""
_FIRST_FREE_FD = 10
"""Descriptors handed to the kernel are moved at least this high first, so that placing them
at 1, 2 and 3 in the child never overwrites one that is still to be placed."""

_stock_start: Callable[[Any], None] = jsii_process._NodeProcess.start


class KernelProcess:
    """The kernel as jsii's `_NodeProcess` uses its subprocess.Popen: `stdin`/`stdout` carry
    the API, `wait`, `terminate` and `pid` as on a Popen."""

    def __init__(self, pid: int, channel: socket.socket, output: list[int]) -> None:
        self.pid = pid
        self.stdin: IO[bytes] = channel.makefile("wb")
        self.stdout: IO[bytes] = channel.makefile("rb")
        channel.close()  # the socket closes once both file objects have been closed
        self.stderr = _ConsoleCopy(output)  # what jsii's stop() closes after the sink thread
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.0005
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(["node", "program.js"], timeout or 0)
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return self.returncode  # type: ignore[return-value]

    def terminate(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, 15)


class _ConsoleCopy:
    """Copies the kernel's stdout and stderr to this process's, until both close."""

    def __init__(self, fds: list[int]) -> None:
        targets = {fds[0]: "stdout", fds[1]: "stderr"}
        self.thread = threading.Thread(name="jsii kernel console", target=self._copy, args=(targets,), daemon=True)
        self.thread.start()

    @staticmethod
    def _copy(targets: dict[int, str]) -> None:
        with selectors.DefaultSelector() as selector:
            for fd in targets:
                selector.register(fd, selectors.EVENT_READ)
            while targets:
                for key, _ in selector.select():
                    data = os.read(key.fd, 65536)
                    if data:
                        stream = getattr(sys, targets[key.fd])  # looked up now: it may be redirected
                        stream.buffer.write(data) if hasattr(stream, "buffer") else stream.write(data.decode(errors="replace"))
                        stream.flush()
                        continue
                    selector.unregister(key.fd)
                    os.close(key.fd)
                    del targets[key.fd]

    def close(self) -> None:
        pass  # the copying thread closes each pipe at its end


def _high(fd: int) -> int:
    """`fd` moved to a descriptor >= _FIRST_FREE_FD (closed on exec, as Python opens them)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, _FIRST_FREE_FD)
    os.close(fd)
    return moved


def start(self: Any) -> None:
    """jsii's `_NodeProcess.start`, starting the kernel without the relay."""
    environ = os.environ.copy()
    if "JSII_RUNTIME" in environ:
        _stock_start(self)
        return
    environ["JSII_AGENT"] = f"Python/{platform.python_version()}"
    node = environ.get("JSII_NODE", "node")
    program = Path(self._jsii_runtime()).parent.parent / "lib" / "program.js"
    ours, theirs = socket.socketpair()
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    child_ends = [_high(os.dup(theirs.fileno())), _high(out_write), _high(err_write)]
    theirs.close()
    try:
        # posix_spawn places fd 3 itself; subprocess could only with a preexec_fn, which is not
        # safe once threads run.
        pid = os.posix_spawnp(
            node,
            [node, *NODE_ARGUMENTS, *HEAP_FLAGS, str(program)],
            environ,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, child_ends[1], 1),
                (os.POSIX_SPAWN_DUP2, child_ends[2], 2),
                (os.POSIX_SPAWN_DUP2, child_ends[0], API_FD),
            ],
        )
    except BaseException:
        ours.close()
        os.close(out_read)
        os.close(err_read)
        raise
    finally:
        for fd in child_ends:
            os.close(fd)
    self._process = KernelProcess(pid, ours, [out_read, err_read])
    self.sink_thread = self._process.stderr.thread
    atexit.register(self.stop)
    self.handshake()


def is_installed() -> bool:
    return jsii_process._NodeProcess.start is start


def install() -> None:
    jsii_process._NodeProcess.start = start
