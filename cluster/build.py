"""Build and cache kube-apiserver from the Go module proxy.

Release pages are unreachable here, so kube-apiserver is compiled from its published Go
module (etcd comes from Debian's etcd-server package, which this API server accepts).
`k8s.io/kubernetes` requires its staging modules at `v0.0.0` and only resolves them through
`replace` lines pointing into its own tree, which Go ignores in a dependency; the build
therefore happens in a throwaway module (generated below, never in the repo) that requires the
pinned kubernetes version and replaces every staging module with its published
`v0.<minor>.<patch>` twin.

Binaries are cached under ~/.cache/flask-platform-cluster/<component>-<version>/ and reused.

    python -m cluster.build            # build what is missing, print the paths
    python -m cluster.build --print    # print the cached paths, build nothing
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

KUBERNETES_VERSION = "v1.35.4"

CACHE_ROOT = Path(os.environ.get("FLASK_PLATFORM_CLUSTER_CACHE", Path.home() / ".cache" / "flask-platform-cluster"))
# Module path of the generated build module; it is never published anywhere.
BUILD_MODULE = "flask-platform.invalid/clusterbuild"


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    package: str  # the Go main package to build

    @property
    def cache_dir(self) -> Path:
        return CACHE_ROOT / f"{self.name}-{self.version}"

    @property
    def binary(self) -> Path:
        return self.cache_dir / self.name


KUBE_APISERVER = Component("kube-apiserver", KUBERNETES_VERSION, "k8s.io/kubernetes/cmd/kube-apiserver")


def go_binary() -> str:
    found = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None)
    if not found:
        raise SystemExit("go toolchain not found (needed to build kube-apiserver)")
    return found


def go_env() -> dict[str, str]:
    env = dict(os.environ)
    # -trimpath keeps paths of the build machine out of the binary; CGO off gives a static
    # binary like the upstream release; GOTOOLCHAIN=local forbids fetching another toolchain.
    env["GOFLAGS"] = "-trimpath -mod=mod"
    env["CGO_ENABLED"] = "0"
    env["GOTOOLCHAIN"] = "local"
    return env


def run_go(args: list[str], cwd: Path) -> str:
    proc = subprocess.run([go_binary(), *args], cwd=cwd, env=go_env(), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"go {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def module_info(kubernetes_version: str, workdir: Path) -> dict[str, str]:
    """The proxy's record of the kubernetes module: its go.mod path and release time."""
    info: dict[str, str] = json.loads(run_go(["mod", "download", "-json", f"k8s.io/kubernetes@{kubernetes_version}"], workdir))
    return info


def release_time(info: dict[str, str]) -> str:
    return str(json.loads(Path(info["Info"]).read_text())["Time"])


def staging_modules(gomod: str) -> list[str]:
    """The k8s.io modules that kubernetes' go.mod resolves from its own staging tree."""
    return sorted(set(re.findall(r"^\s*(k8s\.io/[\w.-]+)\s*=>\s*\./staging/", gomod, flags=re.MULTILINE)))


def staging_version(kubernetes_version: str) -> str:
    # Staging modules are tagged v0.<minor>.<patch> for kubernetes v1.<minor>.<patch>.
    major, minor, patch = kubernetes_version.lstrip("v").split(".")
    if major != "1":
        raise ValueError(f"unexpected kubernetes version {kubernetes_version}")
    return f"v0.{minor}.{patch}"


def kubernetes_go_mod(kubernetes_version: str, staging: list[str]) -> str:
    twin = staging_version(kubernetes_version)
    replaces = "\n".join(f"\t{mod} => {mod} {twin}" for mod in staging)
    return f"module {BUILD_MODULE}\n\ngo 1.25.0\n\nrequire k8s.io/kubernetes {kubernetes_version}\n\nreplace (\n{replaces}\n)\n"


def kubernetes_ldflags(kubernetes_version: str, release_time: str) -> str:
    # Without these the server reports v0.0.0-master, and version-gated behaviour and
    # `GET /version` would not match the release being tested. The build date is the module's
    # release time, so the same inputs give the same binary. The proxy does not record the
    # release's git commit, so none is claimed.
    _, minor, _ = kubernetes_version.lstrip("v").split(".")
    flags = ["-s", "-w"]
    for pkg in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += [
            f"-X {pkg}.gitVersion={kubernetes_version}",
            f"-X {pkg}.gitMajor=1",
            f"-X {pkg}.gitMinor={minor}",
            f"-X {pkg}.gitTreeState=clean",
            f"-X {pkg}.buildDate={release_time}",
            f"-X {pkg}.gitCommit=unknown",
        ]
    return " ".join(flags)


def build_kube_apiserver(component: Component = KUBE_APISERVER) -> Path:
    with tempfile.TemporaryDirectory(prefix="kube-apiserver-build-") as tmp:
        workdir = Path(tmp)
        # A bare module first, so `go mod download` can read kubernetes' go.mod.
        (workdir / "go.mod").write_text(f"module {BUILD_MODULE}\n\ngo 1.25.0\n")
        info = module_info(component.version, workdir)
        staging = staging_modules(Path(info["GoMod"]).read_text())
        if not staging:
            raise SystemExit(f"no staging modules found in k8s.io/kubernetes@{component.version} go.mod")
        (workdir / "go.mod").write_text(kubernetes_go_mod(component.version, staging))
        return _go_build(component, workdir, kubernetes_ldflags(component.version, release_time(info)))


def _go_build(component: Component, workdir: Path, ldflags: str, tags: str = "") -> Path:
    component.cache_dir.mkdir(parents=True, exist_ok=True)
    partial = component.cache_dir / f".{component.name}.partial"
    run_go(["build", *(["-tags", tags] if tags else []), "-ldflags", ldflags, "-o", str(partial), component.package], workdir)
    # Rename last so an interrupted build never leaves a binary that looks complete.
    partial.replace(component.binary)
    return component.binary


# promtool checks and unit-tests the rendered alerting rules (tests/monitoring). Prometheus
# publishes its Go module as v0.<major><minor>.<patch> for release v<major>.<minor>.<patch>.
# `remove_all_sd` leaves out the service-discovery plugins promtool does not need for rules,
# which saves most of the build.
PROMETHEUS_VERSION = "v3.16.0"
PROMTOOL = Component("promtool", PROMETHEUS_VERSION, "github.com/prometheus/prometheus/cmd/promtool")


def prometheus_module_version(release: str) -> str:
    major, minor, patch = release.lstrip("v").split(".")
    return f"v0.{int(major)}{int(minor):02d}.{patch}"


def build_promtool(component: Component = PROMTOOL) -> Path:
    module = prometheus_module_version(component.version)
    with tempfile.TemporaryDirectory(prefix="promtool-build-") as tmp:
        workdir = Path(tmp)
        (workdir / "go.mod").write_text(
            f"module {BUILD_MODULE}\n\ngo 1.26\n\nrequire github.com/prometheus/prometheus {module}\n"
        )
        info = json.loads(run_go(["mod", "download", "-json", f"github.com/prometheus/prometheus@{module}"], workdir))
        pkg = "github.com/prometheus/common/version"
        ldflags = (
            f"-s -w -X {pkg}.Version={component.version.lstrip('v')} -X {pkg}.Branch=HEAD"
            f" -X {pkg}.BuildUser=flask-platform -X {pkg}.BuildDate={release_time(info)}"
        )
        return _go_build(component, workdir, ldflags, tags="remove_all_sd")


BUILDERS = {
    KUBE_APISERVER.name: (KUBE_APISERVER, build_kube_apiserver),
    PROMTOOL.name: (PROMTOOL, build_promtool),
}


def ensure(name: str) -> Path:
    component, builder = BUILDERS[name]
    if component.binary.is_file() and os.access(component.binary, os.X_OK):
        return component.binary
    started = time.monotonic()
    print(f"building {component.name} {component.version} (first build takes several minutes)", flush=True)
    path = builder(component)
    size = path.stat().st_size / 2**20
    print(f"built {path} in {time.monotonic() - started:.0f}s ({size:.0f} MiB)", flush=True)
    return path


def cached_binary(name: str) -> Path:
    """Where the binary lives once built (it may not exist yet)."""
    return BUILDERS[name][0].binary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the cached paths, build nothing")
    parser.add_argument("components", nargs="*", metavar="COMPONENT", help=f"one of {sorted(BUILDERS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = set(args.components) - set(BUILDERS)
    if unknown:
        parser.error(f"unknown component(s) {sorted(unknown)}; known: {sorted(BUILDERS)}")
    for name in args.components or list(BUILDERS):
        print(cached_binary(name) if args.print else ensure(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
