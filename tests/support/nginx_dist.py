"""The nginx.conf that dist/ ships, and the few directives changed so it runs on this machine.

The live nginx tests run the exact text of the `nginx.conf` entry of dist/<env>/frontend/'s
ConfigMap, read through manifests/. `remap_for_sandbox` changes only these directives, each for a
reason outside the config's control (tests/charts/nginx/test_sandbox_remap.py proves it):

- PREFIXED_PATHS, the paths the pod provides (the two emptyDirs /tmp and /var/cache/nginx, and
  the image's document root): the test's folder is put in front, and holds the same tree.
- `listen`: a free loopback port per server, since 8080 and 8081 may be taken on a shared
  machine and each environment runs its own nginx.
- the `server` of the `upstream` block: the stub backend. The only place the upstream is
  remapped: the Service's DNS name (flask-app.backend.svc.cluster.local) resolves only inside
  the cluster, and nginx resolves it when it starts.

KEPT_PATHS stay as they are: this machine has them at the same place.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from manifests import DIST, environments, load_env, of_kind
from tests.support.nginx_parse import Node, parse_nginx_conf, walk

FRONTEND_APP = "frontend"  # dist/<env>/frontend/, the Argo CD Application of the nginx front
CONFIG_KEY = "nginx.conf"
LOOPBACK = "127.0.0.1"

TEMP_PATHS = tuple(f"{kind}_temp_path" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
PREFIXED_PATHS = frozenset({"pid", "root", *TEMP_PATHS})
# The file paths left alone, with why this machine has them.
KEPT_PATHS = {
    "/etc/nginx/mime.types": "Debian's nginx package installs it at the image's path",
    "/dev/stdout": "the test points nginx's stdout at a log file in the test's folder",
    "stderr": "not a file: nginx writes to its file descriptor 2",
}
# nginx directives whose first argument names a file; every one the config uses is either
# prefixed or kept, so a new one (a certificate, an alias) cannot reach outside the test's folder.
FILE_DIRECTIVES = PREFIXED_PATHS | {
    "access_log",
    "alias",
    "auth_basic_user_file",
    "error_log",
    "include",
    "load_module",
    "lock_file",
    "proxy_cache_path",
    "ssl_certificate",
    "ssl_certificate_key",
    "ssl_client_certificate",
    "ssl_dhparam",
    "ssl_trusted_certificate",
    "working_directory",
}


def dist_environments(dist: Path = DIST) -> list[str]:
    """Every environment dist/ holds, by folder name."""
    return [env.name for env in environments(dist)]


@functools.cache
def dist_nginx_conf(env: str, dist: Path = DIST) -> str:
    """The text of the one `nginx.conf` ConfigMap entry of dist/<env>/frontend/."""
    found = [
        m.body["data"][CONFIG_KEY]
        for m in of_kind(load_env(dist / env), "ConfigMap")
        if m.app == FRONTEND_APP and CONFIG_KEY in (m.body.get("data") or {})
    ]
    assert len(found) == 1, f"dist/{env}/{FRONTEND_APP}/: expected one ConfigMap with {CONFIG_KEY}, found {len(found)}"
    return found[0]


@dataclass
class Remapped:
    text: str
    listens: dict[str, int] = field(default_factory=dict)  # the config's listen address -> the test's port

    def port_of(self, listen: str) -> int:
        """The test's port of the server that the config has listen on `listen` (e.g. '8080')."""
        return self.listens[listen]


def _in_upstream(context: tuple[str, ...]) -> bool:
    return bool(context) and context[-1].split()[0] == "upstream"


def remap_for_sandbox(text: str, root: Path, upstream_port: int, free_port: Callable[[], int]) -> Remapped:
    """`text` with only the directives of this module's docstring changed; see there."""
    edits: list[tuple[Node, list[str]]] = []
    listens: dict[str, int] = {}
    upstreams = 0
    for context, node in walk(parse_nginx_conf(text)):
        if node.children is not None:
            continue
        if node.name in PREFIXED_PATHS:
            assert node.args[0].startswith("/"), f"{node.name} {node.args[0]}: not an absolute path"
            edits.append((node, [f"{root}{node.args[0]}", *node.args[1:]]))
        elif node.name == "listen":
            listens[node.args[0]] = free_port()
            edits.append((node, [f"{LOOPBACK}:{listens[node.args[0]]}", *node.args[1:]]))
        elif node.name == "server" and _in_upstream(context):
            upstreams += 1
            edits.append((node, [f"{LOOPBACK}:{upstream_port}", *node.args[1:]]))
    # One stub stands in for one backend; a second upstream would need its own.
    assert upstreams == 1, f"expected one upstream server, found {upstreams}"
    out = text
    for node, args in sorted(edits, key=lambda edit: edit[0].start, reverse=True):
        out = out[: node.start] + " ".join([node.name, *args]) + out[node.end :]
    return Remapped(out, listens)


def paths_outside(text: str, root: Path) -> list[str]:
    """File directives of `text` that name a path neither under `root` nor in KEPT_PATHS."""
    return [
        f"{' > '.join(context)}: {node.name} {node.args[0]}"
        for context, node in walk(parse_nginx_conf(text))
        if node.name in FILE_DIRECTIVES
        and node.args[0] != "off"
        and not node.args[0].startswith(f"{root}/")
        and node.args[0] not in KEPT_PATHS
    ]
