"""The AWS CLI server the database tests run `aws` in (tests/support/aws_cli_server.py): a call
through it ends, reads, writes and sees its environment and folder as a run of the real AWS CLI
does, a call whose client dies dies with it, and without a server nothing runs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.aws_cli_server import SOCKET_VARIABLE, AwsCliServer, aws_cli_server
from tests.support.database import BUCKET, free_port, real_aws, tool_path, tools_path


@pytest.fixture
def env(aws_cli: AwsCliServer, aws_settings: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A script's environment: the client first on PATH, the server's socket, fake credentials."""
    return {"PATH": tool_path(aws_cli), SOCKET_VARIABLE: str(aws_cli.socket), "HOME": str(tmp_path), **aws_settings}


def aws(env: dict[str, str], *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(["aws", *args], env=env, capture_output=True, timeout=120, **options)


def children(pid: int) -> set[int]:
    found = set()
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # ended meanwhile
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # the field after the state: the parent's pid
            found.add(int(entry))
    return found


def wait_for(condition: Callable[[], object], what: str) -> object:
    deadline = time.monotonic() + 20
    while not (result := condition()):
        assert time.monotonic() < deadline, f"no {what} within 20 s"
        time.sleep(0.05)
    return result


def reads(pipe) -> bool:
    """Whether a process still has the pipe open for reading: writing to it does not fail."""
    try:
        os.write(pipe.fileno(), b"x")
    except BrokenPipeError:
        return False
    return True


def blocked_upload(env: dict[str, str], server: AwsCliServer, moto_endpoint: str) -> tuple[subprocess.Popen, int]:
    """A client whose call waits for stdin, which stays open, and the server's child that runs it."""
    before = children(server.pid)
    client = subprocess.Popen(
        ["aws", "--endpoint-url", moto_endpoint, "s3", "cp", "-", f"s3://{BUCKET}/never"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    (child,) = wait_for(lambda: children(server.pid) - before, "child for the call")
    return client, child


@pytest.mark.parametrize(
    ("args", "status"),
    [
        pytest.param(("--version",), 0, id="success"),
        pytest.param(("s3", "no-such-command"), 252, id="usage error"),
        pytest.param(("--endpoint-url", "http://127.0.0.1:{port}", "s3", "ls"), 255, id="unreachable endpoint"),
    ],
)
def test_a_call_ends_as_the_real_cli_ends(env: dict[str, str], args: tuple[str, ...], status: int) -> None:
    args = tuple(arg.format(port=free_port()) for arg in args)
    served = aws(env, *args)
    real = subprocess.run([real_aws(), *args], env=env, capture_output=True, timeout=120)
    assert (served.returncode, served.stdout, served.stderr) == (real.returncode, real.stdout, real.stderr)
    assert served.returncode == status, served.stderr


def test_a_call_parses_no_data_file_the_server_read_and_answers_as_the_real_cli(
    env: dict[str, str], bucket, moto_endpoint: str
) -> None:
    """The server parses botocore's models once; its calls take that parse, not the files
    (botocore's debug log names every file it parses), and answer as the real CLI does."""
    bucket.put_object(Bucket=BUCKET, Key="a", Body=b"x")
    args = (
        "--debug",
        "--endpoint-url",
        moto_endpoint,
        "s3api",
        "list-objects-v2",
        "--bucket",
        BUCKET,
        "--query",
        "Contents[].Key",
    )
    served = aws(env, *args)
    real = subprocess.run([real_aws(), *args], env=env, capture_output=True, timeout=120)
    assert (served.returncode, served.stdout) == (real.returncode, real.stdout) == (0, b'[\n    "a"\n]\n'), served.stderr
    parsed = b"Loading JSON file: "
    assert re.search(rb"Loading JSON file: \S*/s3/2006-03-01/service-2", real.stderr), real.stderr[-2000:]
    assert parsed not in served.stderr, served.stderr[-2000:]


def test_output_to_a_reader_that_has_gone_ends_as_the_real_cli_ends(env: dict[str, str]) -> None:
    """The interpreter's last flush of stdout fails: it says so and exits 120."""
    ended = []
    for command in (["aws"], [real_aws()]):
        reader, writer = os.pipe()
        os.close(reader)
        with os.fdopen(writer, "wb") as closed:
            run = subprocess.run([*command, "--version"], env=env, stdout=closed, stderr=subprocess.PIPE, timeout=120)
        ended.append((run.returncode, run.stderr))
    assert ended[0] == ended[1] and ended[0][0] == 120, ended


def test_stdin_streams_into_an_upload(env: dict[str, str], bucket, moto_endpoint: str) -> None:
    # Larger than the CLI's 8 MiB part: a multipart upload read from the pipe as it fills.
    data = os.urandom(9 * 2**20)
    upload = subprocess.Popen(
        ["aws", "--endpoint-url", moto_endpoint, "s3", "cp", "-", f"s3://{BUCKET}/piped"], env=env, stdin=subprocess.PIPE
    )
    assert upload.stdin
    for start in range(0, len(data), 2**20):
        upload.stdin.write(data[start : start + 2**20])
    upload.stdin.close()
    assert upload.wait(timeout=120) == 0
    assert bucket.get_object(Bucket=BUCKET, Key="piped")["Body"].read() == data


def test_stdout_streams_out_of_a_download(env: dict[str, str], bucket, moto_endpoint: str) -> None:
    data = os.urandom(3 * 2**20)
    bucket.put_object(Bucket=BUCKET, Key="object", Body=data)
    download = aws(env, "--endpoint-url", moto_endpoint, "s3", "cp", f"s3://{BUCKET}/object", "-")
    assert download.returncode == 0, download.stderr
    assert download.stdout == data


def test_each_call_runs_with_its_own_environment(env: dict[str, str]) -> None:
    first = {**env, "AWS_REGION": "ap-southeast-2", "AWS_DEFAULT_REGION": "ap-southeast-2", "AWS_ACCESS_KEY_ID": "first-key-AAAA"}
    second = {name: value for name, value in env.items() if name not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    second["AWS_ACCESS_KEY_ID"] = "second-key-BBBB"
    listed = [aws(settings, "configure", "list").stdout.decode() for settings in (first, second)]
    assert "ap-southeast-2" in listed[0] and "AAAA" in listed[0], listed[0]
    # Nothing of the first call's environment is left: the second has no region at all.
    region = next(line for line in listed[1].splitlines() if line.split()[0] == "region")
    assert region.split()[1:3] == ["<not", "set>"] and "BBBB" in listed[1], listed[1]


def test_each_call_lists_times_in_its_own_time_zone(env: dict[str, str], bucket, moto_endpoint: str) -> None:
    bucket.put_object(Bucket=BUCKET, Key="object", Body=b"x")
    listings = set()
    for zone in ("UTC0", "JST-9"):
        args = ("--endpoint-url", moto_endpoint, "s3", "ls", f"s3://{BUCKET}/")
        served = aws({**env, "TZ": zone}, *args)
        real = subprocess.run([real_aws(), *args], env={**env, "TZ": zone}, capture_output=True, timeout=120)
        assert served.returncode == 0 and served.stdout == real.stdout, (served.stdout, real.stdout)
        listings.add(served.stdout)
    assert len(listings) == 2, listings  # nine hours apart


def test_relative_paths_are_the_callers_working_directory(
    env: dict[str, str], bucket, moto_endpoint: str, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "local.txt").write_text("from the caller's folder\n")
    endpoint = ("--endpoint-url", moto_endpoint)
    assert aws(env, *endpoint, "s3", "cp", "local.txt", f"s3://{BUCKET}/up", cwd=work).returncode == 0
    assert bucket.get_object(Bucket=BUCKET, Key="up")["Body"].read() == b"from the caller's folder\n"
    assert aws(env, *endpoint, "s3", "cp", f"s3://{BUCKET}/up", "copy.txt", cwd=work).returncode == 0
    assert (work / "copy.txt").read_text() == "from the caller's folder\n"


def test_a_killed_client_kills_its_call(env: dict[str, str], aws_cli: AwsCliServer, bucket, moto_endpoint: str) -> None:
    client, child = blocked_upload(env, aws_cli, moto_endpoint)
    client.kill()
    client.wait(timeout=10)
    wait_for(lambda: child not in children(aws_cli.pid), "end of the child")
    assert client.stdin
    # Nothing reads the call's stdin any more: neither the child nor what it started.
    wait_for(lambda: not reads(client.stdin), "end of every reader of the call's stdin")
    client.communicate(timeout=10)
    assert "Contents" not in bucket.list_objects_v2(Bucket=BUCKET)


def test_a_call_killed_by_a_signal_exits_128_plus_its_number(
    env: dict[str, str], aws_cli: AwsCliServer, bucket, moto_endpoint: str
) -> None:
    client, child = blocked_upload(env, aws_cli, moto_endpoint)
    os.kill(child, signal.SIGTERM)
    client.communicate(timeout=10)
    assert client.returncode == 128 + signal.SIGTERM


@pytest.mark.parametrize("socket", ["absent", None])
def test_without_a_server_the_client_says_so_in_one_line_and_fails(
    env: dict[str, str], tmp_path: Path, socket: str | None
) -> None:
    env = {name: value for name, value in env.items() if name != SOCKET_VARIABLE}
    if socket:
        env[SOCKET_VARIABLE] = str(tmp_path / socket)
    failed = aws(env, "--version")
    named = str(tmp_path / socket) if socket else SOCKET_VARIABLE
    assert failed.returncode == 255 and failed.stdout == b""
    assert len(failed.stderr.splitlines()) == 1 and named in failed.stderr.decode(), failed.stderr


def test_a_stopped_server_ends_its_calls_and_leaves_nothing(env: dict[str, str], bucket, moto_endpoint: str) -> None:
    with aws_cli_server(real_aws(), tools_path()) as server:
        own = {**env, "PATH": tool_path(server), SOCKET_VARIABLE: str(server.socket)}
        client, child = blocked_upload(own, server, moto_endpoint)
    _, stderr = client.communicate(timeout=10)
    assert client.returncode == 255 and b"ended the call without its exit status" in stderr, stderr
    assert not Path(f"/proc/{child}").exists() and not Path(f"/proc/{server.pid}").exists()
    assert not server.folder.exists()


@pytest.mark.parametrize("setting", ["LANG", "HOME/.aws"])
def test_a_call_the_server_cannot_run_as_the_cli_would_is_refused(env: dict[str, str], tmp_path: Path, setting: str) -> None:
    if setting == "LANG":
        env = {**env, "LANG": "C.UTF-8"}
    else:
        (tmp_path / ".aws").mkdir()
    refused = aws(env, "--version")
    assert refused.returncode == 255 and refused.stdout == b""
    assert b"refuses this call" in refused.stderr and setting.split("/")[-1].encode() in refused.stderr, refused.stderr
