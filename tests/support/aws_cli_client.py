"""The `aws` of the database tests: each call runs in the AWS CLI server (tests/support/aws_cli_server.py).

It runs with -I -S (about 13 ms of CPU, where a start of the AWS CLI costs 500 ms), hands the
server named by AWS_CLI_SERVER its standard streams, working directory, umask, arguments and
environment, and exits with the call's status. Without a server it says so in one line and
fails: it never runs another `aws`.
"""

import os
import sys

# _socket, not socket (enum, selectors), and no array (collections): each import costs more than
# the rest of this script's start.
from _socket import AF_UNIX, SCM_RIGHTS, SOCK_STREAM, SOL_SOCKET, socket

VARIABLE = "AWS_CLI_SERVER"
FAILED = 255  # the AWS CLI's own status for a failed command


def is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def environment() -> list[bytes]:
    """NAME=value, as this process was started with: os.environ has LC_CTYPE=C.UTF-8 added when
    the interpreter coerces the C locale, which the AWS CLI's interpreter does for itself."""
    with open("/proc/self/environ", "rb") as file:
        return [item for item in file.read().split(b"\0") if item]


def fail(message: str) -> int:
    if sys.stderr:
        sys.stderr.write(f"aws: {message}\n")
    return FAILED


def main() -> int:
    where = os.environ.get(VARIABLE)
    if not where:
        return fail(f"{VARIABLE} is not set: this aws runs its calls in the tests' AWS CLI server")
    # Which of 0, 1 and 2 are open, asked before the socket can take a closed one's number.
    std = [fd for fd in (0, 1, 2) if is_open(fd)]
    umask = os.umask(0o022)
    os.umask(umask)
    # The folder itself, not its path: it may have been renamed or removed since.
    cwd = os.open(".", os.O_PATH | os.O_DIRECTORY)
    fields = [
        b"%d" % umask,
        b"".join(b"%d" % fd for fd in std),
        b"%d" % len(sys.argv),
        *map(os.fsencode, sys.argv),
        *environment(),
    ]
    payload = b"\0".join(fields)
    message = len(payload).to_bytes(4, "big") + payload
    server = socket(AF_UNIX, SOCK_STREAM)
    try:
        server.connect(where)
    except OSError as error:
        return fail(f"no AWS CLI server at {where} ({error.strerror})")
    fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (cwd, *std))  # C ints
    sent = server.sendmsg([message], [(SOL_SOCKET, SCM_RIGHTS, fds)])
    if sent < len(message):  # not even an empty send once it is all sent: a quick call may be over already
        server.sendall(message[sent:])
    os.close(cwd)
    # One byte: the call's exit status. Killed meanwhile, this process closes the socket, and
    # the server kills the call.
    status = server.recv(1)
    if not status:
        return fail(f"the AWS CLI server at {where} ended the call without its exit status")
    return status[0]


if __name__ == "__main__":
    sys.exit(main())
