"""Go-built developer tools, compiled from the Go module proxy and cached like the cluster tier.

Each tool is `go install`ed at a pinned version into
~/.cache/flask-platform-cluster/<name>-<version>/ (cluster/build.py's cache) and reused; the
binary appears only when the build finished.

    python -m tools.go_tools            # build what is missing, print the paths
    python -m tools.go_tools --print    # print the cached paths, build nothing
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cluster.build import Component, go_binary, go_env

# actionlint lints .github/workflows/ (tests/test_ci_workflow.py).
ACTIONLINT = Component("actionlint", "v1.7.12", "github.com/rhysd/actionlint/cmd/actionlint")

TOOLS = {tool.name: tool for tool in (ACTIONLINT,)}


def build(tool: Component) -> Path:
    tool.cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{tool.name}-build-", dir=tool.cache_dir) as tmp:
        # `go install pkg@version` resolves the tool's own go.mod, outside any module of ours.
        # -mod=mod (the cluster build's flag) does not apply to `go install pkg@version`.
        env = {**go_env(), "GOBIN": tmp, "GOFLAGS": "-trimpath"}
        cmd = [go_binary(), "install", "-ldflags=-s -w", f"{tool.package}@{tool.version}"]
        proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
        # Rename last so an interrupted build never leaves a binary that looks complete.
        (Path(tmp) / tool.name).replace(tool.binary)
    return tool.binary


def ensure(name: str) -> Path:
    tool = TOOLS[name]
    if tool.binary.is_file() and os.access(tool.binary, os.X_OK):
        return tool.binary
    started = time.monotonic()
    print(f"building {tool.name} {tool.version}", flush=True)
    path = build(tool)
    print(f"built {path} in {time.monotonic() - started:.0f}s", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the cached paths, build nothing")
    parser.add_argument("tools", nargs="*", metavar="TOOL", help=f"one of {sorted(TOOLS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = set(args.tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tool(s) {sorted(unknown)}; known: {sorted(TOOLS)}")
    for name in args.tools or list(TOOLS):
        print(TOOLS[name].binary if args.print else ensure(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
