"""A fork server for the AWS CLI, for the tests of the database scripts only.

The scripts under database/ call `aws` a few times per step, and every start of the AWS CLI
spends about half a second of CPU importing awscli.clidriver, botocore and the CLI's plugins:
on a 2-core machine, most of the database tests' time. This server pays that import once per
test session (once per pytest-xdist worker). Started with the interpreter of the `aws` the
scripts would run (its #! line), it imports awscli.clidriver and the built-in plugins, then
forks one child per call, and the child runs the same `awscli.clidriver.main()` with the
caller's arguments, environment, working directory, umask and standard streams. The streams
are the caller's own file descriptors, passed over a Unix socket
(SCM_RIGHTS), so pipes stream both ways (`aws s3 cp - s3://...`, `aws s3 cp s3://... -`). Every
child starts from the state right after the import, plus what every call reads the same (the
parsed data files, the machine's distribution: `_read_once_here`): the server itself never runs
a command. A call through the server takes about 0.09 s of CPU, one of its own about 0.5 s.

The caller is tests/support/aws_cli_client.py, installed as `aws` first on the scripts' PATH. It
exits with the call's status (128+N when the child died of signal N); when it dies, the server
kills the child and what the child started. Without a server it prints one line naming the
socket and fails: it never runs another `aws`.

What an interpreter settles at its start, or the import reads from the environment, cannot follow
a call. The server starts without locale and PYTHON* variables, as the scripts run, and refuses a
call that sets one, or one whose HOME holds files the server looked for in its own HOME at its
start (~/.aws, the user site-packages): such a call fails with the reason rather than run
differently.
"""

from __future__ import annotations

# The standard library only: the server runs this file with the AWS CLI's interpreter.
import atexit
import os
import select
import selectors
import shutil
import signal
import site
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

SOCKET_VARIABLE = "AWS_CLI_SERVER"
CLIENT = Path(__file__).with_name("aws_cli_client.py")
FAILED = 255  # the AWS CLI's own status for a failed command
HOME_FILES = [".aws"]  # plus the user site-packages, when the interpreter reads it


@dataclass(frozen=True)
class AwsCliServer:
    folder: Path
    pid: int

    @property
    def bin(self) -> Path:
        """The folder that holds the client as `aws`, to put first on PATH."""
        return self.folder / "bin"

    @property
    def socket(self) -> Path:
        return self.folder / "socket"


@contextmanager
def aws_cli_server(aws: str, path: str) -> Iterator[AwsCliServer]:
    """Run a server for the AWS CLI `aws`, the one found on `path` (the scripts' PATH without the client)."""
    interpreter = _interpreter(aws, path)
    # An AF_UNIX socket path holds at most 107 bytes: a short folder in /tmp, whatever TMPDIR says.
    folder = Path(tempfile.mkdtemp(prefix="aws-cli-", dir="/tmp"))
    (folder / "bin").mkdir()
    client = folder / "bin" / "aws"
    # -I -S: no site-packages to scan, no user or environment settings; the client needs only the
    # standard library, and starts in about 13 ms of CPU.
    client.write_text(f"#!{interpreter[0]} -IS\n{CLIENT.read_text()}")
    client.chmod(0o755)
    log = folder / "server.log"
    with log.open("wb") as errors:
        # The environment of a script run (tests/support/database.py), without its per-test
        # settings: no locale or PYTHON* variables, a HOME with nothing in it. Its stdin is the
        # launcher's pipe: closed, also when this process dies, it stops the server.
        process = subprocess.Popen(
            [*interpreter, __file__, str(folder / "socket"), aws],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env={"PATH": path, "HOME": str(folder / "home")},
            start_new_session=True,
        )
    assert process.stdin and process.stdout
    try:
        started = select.select([process.stdout], [], [], 120)[0] and process.stdout.readline()
        if started != b"ready\n":
            raise AssertionError(f"the AWS CLI server for {aws} did not start:\n{log.read_text(errors='replace')}")
        yield AwsCliServer(folder, process.pid)
    finally:
        process.stdin.close()
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        process.stdout.close()
        detail = log.read_text(errors="replace")
        shutil.rmtree(folder, ignore_errors=True)
    if code != 0:
        raise AssertionError(f"the AWS CLI server exited {code}:\n{detail}")


def _interpreter(aws: str, path: str) -> list[str]:
    """The command the kernel runs the script `aws` with, from its #! line."""
    with open(aws, "rb") as file:
        line = file.readline(256)
    if not line.startswith(b"#!"):
        raise AssertionError(f"{aws} has no #! line: the AWS CLI server runs the AWS CLI that is a Python script")
    # Linux passes what follows the program, if anything, as one argument.
    command = os.fsdecode(line[2:]).strip().split(maxsplit=1)
    if os.path.basename(command[0]) == "env" and len(command) == 2:
        return [shutil.which(command[1], path=path) or command[1]]
    return command


# The server process (`python aws_cli_server.py SOCKET AWS`).


@dataclass
class Request:
    umask: int
    std: list[int]  # which of 0, 1 and 2 the caller has open
    fds: list[int]  # the caller's working directory, then its open standard descriptors
    argv: list[bytes]
    env: dict[bytes, bytes]


@dataclass
class Call:
    conn: socket.socket | None  # None once the client has gone
    pid: int
    pidfd: int


@dataclass
class Settled:
    """What the interpreter's start and the import set: the same in every child."""

    aws: str
    environment: dict[str, str]  # locale variables (coerced), AWS_DATA_PATH, ...
    home_files: list[str]

    def refusal(self, env: dict[bytes, bytes]) -> str | None:
        names = sorted(name for name in map(os.fsdecode, env) if _settled_at_start(name) or name in self.environment)
        if names:
            return f"{', '.join(names)} set: an interpreter reads these at its start, and the server's started without them"
        home = os.fsdecode(env.get(b"HOME", b""))
        found = [name for name in self.home_files if home and os.path.exists(os.path.join(home, name))]
        if found:
            return f"its HOME holds {', '.join(found)}, which the server looked for at its start in its own, empty HOME"
        return None


def _settled_at_start(name: str) -> bool:
    return name.startswith(("LC_", "PYTHON")) or name == "LANG"


def serve(socket_path: str, aws: str) -> None:
    """Import the AWS CLI, then run a child per call until stdin closes."""
    # As when `aws` runs: its own folder first on sys.path, where this module's folder is now.
    sys.path[0] = os.path.dirname(os.path.realpath(aws))
    # What Debian's /usr/bin/aws does before its import; the children inherit the result.
    if os.environ.get("LC_CTYPE", "") == "UTF-8":
        os.environ["LC_CTYPE"] = "en_US.UTF-8"
    before = dict(os.environ)
    # The import the children share. Every call also imports the CLI's built-in plugins module
    # (awscli.plugin.BUILTIN_PLUGINS), and through it every command's customizations: 0.12 s of
    # CPU per call when a child does it.
    import awscli.clidriver  # noqa: F401
    import awscli.plugin

    for plugin in awscli.plugin.BUILTIN_PLUGINS.values():
        __import__(plugin)
    _read_once_here()

    environment = {name: value for name, value in os.environ.items() if _settled_at_start(name) or before.get(name) != value}
    user_site = [os.path.relpath(site.getusersitepackages(), os.path.expanduser("~"))] if site.ENABLE_USER_SITE else []
    settled = Settled(aws, environment, HOME_FILES + user_site)
    # A fork copies only the calling thread: another thread's locks would stay taken in the child.
    if threading.active_count() != 1:
        raise AssertionError(f"the import started threads: {threading.enumerate()}")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    print("ready", flush=True)
    calls: list[Call] = []
    selector = selectors.EpollSelector()

    def own_fds() -> list[int]:
        """The server's descriptors, which its children close (the import's own, such as a random
        source, stay open in them)."""
        return [listener.fileno(), selector.fileno(), *(c.conn.fileno() for c in calls if c.conn), *(c.pidfd for c in calls)]

    selector.register(listener, selectors.EVENT_READ, "listener")
    selector.register(sys.stdin, selectors.EVENT_READ, "launcher")
    try:
        while True:
            for key, _ in selector.select():
                if key.data == "launcher":
                    return
                if key.data == "listener":
                    call = _start(listener, settled, own_fds())
                    if call:
                        calls.append(call)
                        selector.register(call.conn, selectors.EVENT_READ, ("client", call))
                        selector.register(call.pidfd, selectors.EVENT_READ, ("child", call))
                    continue
                what, call = key.data
                if what == "client":  # the client has gone (or broke the protocol): its call ends
                    if call.conn:  # not hung up earlier in this round, when its child ended
                        _kill(call)
                        _hang_up(selector, call)
                else:  # the child has ended
                    _, status = os.waitpid(call.pid, 0)
                    code = os.waitstatus_to_exitcode(status)
                    if call.conn:
                        try:
                            call.conn.sendall(bytes([128 - code if code < 0 else code]))
                        except OSError:
                            pass
                        _hang_up(selector, call)
                    selector.unregister(call.pidfd)
                    os.close(call.pidfd)
                    calls.remove(call)
    finally:
        for call in calls:
            _kill(call)
            os.waitpid(call.pid, 0)
        listener.close()
        os.unlink(socket_path)


# The services the database scripts call, and `sdb`, whose model every call of the CLI v1 reads.
SERVICES = ("s3", "secretsmanager", "sdb")


def _read_once_here() -> None:
    """Read here what every call reads the same: botocore's data files (JSON models, endpoints,
    the CLI's own cli.json: about a third of a call's CPU to parse) and the machine's Linux
    distribution for the user agent (the `distro` module runs lsb_release, a Python program,
    once per process). A child takes the server's parse of a file the first time it loads it,
    its own copy after the fork, which it may change; a second load in the same call parses the
    file again. A file the list misses is parsed by the child as before: the list decides the
    speed, never what a call reads."""
    import awscli
    import awscli.clidriver

    # The botocore the CLI imports (the AWS CLI v2 carries its own, which its import makes `botocore`).
    from botocore import loaders

    roots = [Path(loaders.__file__).parent / "data", Path(awscli.__file__).parent / "data"]
    patterns = ("*.json*", *(f"{service}/*/*.json*" for service in SERVICES))
    # load_file takes the path without its extension (.json, or .json.gz in newer releases).
    stems = {
        str(path).removesuffix(".gz").removesuffix(".json")
        for root in roots
        for pattern in patterns
        for path in root.glob(pattern)
    }
    load_file = loaders.JSONFileLoader.load_file
    parsed = {stem: load_file(loaders.JSONFileLoader(), stem) for stem in sorted(stems)}

    def load_once(self, file_path: str) -> object:
        data = parsed.pop(file_path, None)
        return data if data is not None else load_file(self, file_path)

    loaders.JSONFileLoader.load_file = load_once

    # Which services have a model of a type: a walk of every data folder (about 1 500 listdir
    # calls). The answer depends on the folders that exist alone; a call's HOME holds no
    # ~/.aws/models, as it would be refused.
    listed: dict[tuple[tuple[str, ...], str], list[str]] = {}
    list_services = loaders.Loader.list_available_services

    def list_once(self, type_name: str) -> list[str]:
        key = (tuple(path for path in self.search_paths if os.path.isdir(path)), type_name)
        if key not in listed:
            listed[key] = list_services(self, type_name)
        return list(listed[key])

    loaders.Loader.list_available_services = list_once
    cli_loader = loaders.Loader(extra_search_paths=[str(roots[1])])
    for type_name in ("service-2", "endpoint-rule-set-1"):
        cli_loader.list_available_services(type_name)
    distribution = getattr(awscli.clidriver, "_get_linux_distribution", None)
    if distribution:
        distribution()


def _kill(call: Call) -> None:
    """Kill the child and its process group: what it started (lsb_release, a credential process)
    would otherwise outlive it, holding the caller's streams. Not yet reaped, its pid names no
    other process."""
    try:
        signal.pidfd_send_signal(call.pidfd, signal.SIGKILL)
        os.killpg(call.pid, signal.SIGKILL)
    except ProcessLookupError:  # ended meanwhile
        pass


def _hang_up(selector: selectors.BaseSelector, call: Call) -> None:
    if call.conn:
        selector.unregister(call.conn)
        call.conn.close()
        call.conn = None


def _start(listener: socket.socket, settled: Settled, own: list[int]) -> Call | None:
    conn, _ = listener.accept()
    try:
        request = _receive(conn)
    except (OSError, ValueError, IndexError) as error:
        print(f"AWS CLI server: a call without a complete request: {error}", file=sys.stderr, flush=True)
        conn.close()
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _child(request, settled, [*own, conn.fileno()])
    # Its own process group (set in both processes, so it is set before either goes on).
    try:
        os.setpgid(pid, pid)
    except OSError:  # it has ended already
        pass
    for fd in request.fds:
        os.close(fd)
    return Call(conn, pid, os.pidfd_open(pid))


def _receive(conn: socket.socket) -> Request:
    """One request: a 4-byte length, then NUL-separated fields (umask, which standard descriptors
    are open, the count of arguments, the arguments, NAME=value); the descriptors ride on it."""
    conn.settimeout(10)
    data, fds = b"", []
    try:
        while len(data) < 4 or len(data) < 4 + int.from_bytes(data[:4], "big"):
            chunk, received, flags, _ = socket.recv_fds(conn, 1 << 16, 4)
            fds += received
            if not chunk or flags & socket.MSG_CTRUNC:
                raise ValueError(f"{len(data)} bytes then the end" if not chunk else "descriptors cut off")
            data += chunk
        fields = data[4:].split(b"\0")
        umask, std, argc = int(fields[0]), [int(chr(fd)) for fd in fields[1]], int(fields[2])
        if len(fds) != 1 + len(std):
            raise ValueError(f"{len(fds)} descriptors for {len(std)} standard ones and a folder")
        env = dict(item.split(b"=", 1) for item in fields[3 + argc :])
        conn.settimeout(None)
        return Request(umask, std, fds, fields[3 : 3 + argc], env)
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def _child(request: Request, settled: Settled, own: list[int]) -> NoReturn:
    """Run the call in this forked child and exit with its status."""
    status = FAILED
    try:
        status = _run(request, settled, own)
    except BaseException:  # a failure of the server's own code here: the caller sees why
        traceback.print_exc()
    finally:
        os._exit(status)


def _run(request: Request, settled: Settled, own: list[int]) -> int:
    os.setpgid(0, 0)
    for target, fd in zip(request.std, request.fds[1:], strict=True):
        os.dup2(fd, target)
    os.fchdir(request.fds[0])
    for fd in {*own, *request.fds} - {0, 1, 2}:
        os.close(fd)
    # A descriptor the caller had closed is closed here too, and its stream None, as at a start.
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        if fd not in request.std:
            os.close(fd)
            setattr(sys, name, None)
            setattr(sys, f"__{name}__", None)
    os.umask(request.umask)
    refused = settled.refusal(request.env)
    if refused:
        if sys.stderr:
            print(f"aws: the AWS CLI server refuses this call: {refused}", file=sys.stderr, flush=True)
        return FAILED
    # Wholesale, through putenv: what the CLI reads and what its own child processes inherit.
    os.environb.clear()
    os.environb.update(request.env)
    os.environ.update(settled.environment)
    # What the standard library took from the server's environment: the temporary folder
    # (tempfile caches it once asked) and the time zone (TZ).
    tempfile.tempdir = None
    time.tzset()
    # An interpreter's stdout is line-buffered on a terminal; stderr always is.
    if sys.stdout:
        sys.stdout.reconfigure(line_buffering=os.isatty(1))
    sys.argv = [settled.aws, *map(os.fsdecode, request.argv[1:])]
    # As `sys.exit(main())` in the aws script, and the interpreter's handling of how it ends.
    import awscli.clidriver

    try:
        status = _exit_status(awscli.clidriver.main())
    except SystemExit as ended:
        status = _exit_status(ended.code)
    except KeyboardInterrupt:
        sys.excepthook(*sys.exc_info())
        _finish(1)
        # An interpreter ended by an uncaught KeyboardInterrupt dies of SIGINT.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        return 130
    except BaseException:
        sys.excepthook(*sys.exc_info())
        status = 1
    return _finish(status)


def _exit_status(code: object) -> int:
    """The status the interpreter ends with on sys.exit(code)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _finish(status: int) -> int:
    """What the interpreter does before it exits: wait for the threads, run the atexit functions,
    flush stdout and stderr (a failed flush makes the status 120)."""
    threading._shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream:
                stream.flush()
        except Exception as error:
            if stream is sys.stdout and sys.stderr:
                sys.stderr.write(f"Exception ignored in: {stream!r}\n{''.join(traceback.format_exception_only(error))}")
            status = 120
    return status


if __name__ == "__main__":
    serve(*sys.argv[1:])
