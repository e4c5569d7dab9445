"""The live nginx tests run dist/'s nginx.conf with only a listed set of directives changed.

The list is written here, not read from tests/support/nginx_dist.py, so a remapper that
touches anything else (a header, a comment, a location) fails these tests.
"""

from __future__ import annotations

import difflib
import itertools
import re
from pathlib import Path

import pytest

from tests.support.nginx import NginxSandbox
from tests.support.nginx_dist import dist_environments, dist_nginx_conf, paths_outside, remap_for_sandbox
from tests.support.nginx_http import StubBackend
from tests.support.nginx_parse import Change, config_changes

# (enclosing block, directive) pairs the sandbox may change, and only these.
PREFIXED = {
    ("", "pid"),
    ("http", "client_body_temp_path"),
    ("http", "proxy_temp_path"),
    ("http", "fastcgi_temp_path"),
    ("http", "uwsgi_temp_path"),
    ("http", "scgi_temp_path"),
    ("server", "root"),
}
LISTEN = ("server", "listen")
UPSTREAM = ("upstream", "server")
ALLOWED = PREFIXED | {LISTEN, UPSTREAM}

ROOT = Path("/tmp/nginx-remap-example")
STUB_PORT = 41999
ENVIRONMENTS = dist_environments()


def remapped(env: str) -> tuple[str, str]:
    ports = itertools.count(42001)
    original = dist_nginx_conf(env)
    return original, remap_for_sandbox(original, ROOT, STUB_PORT, lambda: next(ports)).text


def problems(original: str, remapped_text: str, root: Path = ROOT, stub_port: int = STUB_PORT) -> list[str]:
    """Every way `remapped_text` departs from `original` beyond the ALLOWED directives, with
    paths under `root` and the upstream at `stub_port`."""
    found: list[str] = []
    changes = config_changes(original, remapped_text)
    for change in changes:
        if (change.context, change.name) not in ALLOWED:
            found.append(f"changed a directive it may not: {change.before!r} -> {change.after!r}")
        elif not _expected_shape(change, root, stub_port):
            found.append(f"changed {change.name} in an unexpected way: {change.before!r} -> {change.after!r}")
    # Comments and layout too: each changed line is one of the changed directives, in place.
    before_lines, after_lines = original.splitlines(), remapped_text.splitlines()
    matcher = difflib.SequenceMatcher(a=before_lines, b=after_lines, autojunk=False)
    changed_lines = 0
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        if a1 - a0 != b1 - b0:
            found.append(f"added or removed lines: {before_lines[a0:a1]!r} -> {after_lines[b0:b1]!r}")
            continue
        for a, b in zip(before_lines[a0:a1], after_lines[b0:b1], strict=True):
            changed_lines += 1
            name = a.split()[0] if a.strip() else ""
            if b.split()[:1] != [name] or name not in {n for _, n in ALLOWED}:
                found.append(f"changed a line it may not: {a.strip()!r} -> {b.strip()!r}")
    if changed_lines != len(changes):
        found.append(f"{changed_lines} lines changed for {len(changes)} directives")
    # Each directive that must move did move; a container path left in would be used as is.
    kept = {(c.context, c.name) for c in changes}
    for context, name in PREFIXED:
        if (context, name) not in kept and re.search(rf"^\s*{name} ", original, re.M):
            found.append(f"left {name} at its container path")
    return found


def _expected_shape(change: Change, root: Path, stub_port: int) -> bool:
    name, *before = change.before.split()
    _, *after = change.after.split()
    if (change.context, name) in PREFIXED:
        return after == [f"{root}{before[0]}", *before[1:]]
    if (change.context, name) == UPSTREAM:
        return after == [f"127.0.0.1:{stub_port}", *before[1:]]
    return bool(re.fullmatch(r"127\.0\.0\.1:[1-9][0-9]*", after[0])) and after[1:] == before[1:]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_only_paths_listens_and_the_upstream_change(env: str) -> None:
    original, text = remapped(env)
    assert problems(original, text) == []
    changed = {(c.context, c.name) for c in config_changes(original, text)}
    # The config has every kind of remapped directive, so the check above checked each one.
    assert changed == ALLOWED


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_file_path_is_in_the_test_folder_or_provided_by_this_machine(env: str) -> None:
    original, text = remapped(env)
    assert paths_outside(text, ROOT) == []
    assert sorted(line.split(": ")[1].split()[0] for line in paths_outside(original, ROOT)) == sorted(
        name for _, name in PREFIXED
    )
    assert "include /etc/nginx/mime.types;" in text and Path("/etc/nginx/mime.types").is_file()
    assert "access_log /dev/stdout main;" in text and "error_log stderr warn;" in text


@pytest.mark.parametrize(
    ("what", "tamper"),
    [
        ("a header line", lambda t: re.sub(r"add_header (\S+)", r"add_header \1-Changed", t, count=1)),
        ("a header's `always`", lambda t: re.sub(r" always;", ";", t, count=1)),
        ("a dropped header", lambda t: re.sub(r"\n *add_header Permissions-Policy [^\n]*", "", t, count=1)),
        ("the comment line", lambda t: t.replace("do not edit", "edited", 1)),
        ("a location", lambda t: t.replace("location /assets/", "location /static/", 1)),
        ("pid left in the container", lambda t: t.replace(f"pid {ROOT}/tmp/", "pid /tmp/", 1)),
        ("the upstream port", lambda t: t.replace(f":{STUB_PORT};", ":8000;", 1)),
    ],
)
def test_the_check_catches_a_remapper_that_changes_more(what: str, tamper) -> None:
    original, text = remapped(ENVIRONMENTS[0])
    broken = tamper(text)
    assert broken != text, what
    assert problems(original, broken) != [], what


def test_the_config_nginx_runs_is_dist_with_only_the_listed_changes(site: NginxSandbox, backend: StubBackend, env: str) -> None:
    original = dist_nginx_conf(env)
    on_disk = site.conf_path.read_text()
    assert problems(original, on_disk, site.root, backend.port) == []
    # Two servers (the public one and the loopback stub_status one), each on its own free port.
    assert len(set(site.config.listens.values())) == len(site.config.listens) == 2
