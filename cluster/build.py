"""Build and cache the project's Go binaries (cluster tiers, promtool, actionlint, pushgateway) from the Go module proxy.

Release pages are unreachable here, so every binary is compiled from its published Go module
(etcd comes from Debian's etcd-server package, which this API server accepts).

`k8s.io/kubernetes` (kube-apiserver, kube-controller-manager, kube-scheduler) requires its
staging modules at `v0.0.0` and only resolves them through `replace` lines pointing into its
own tree, which Go ignores in a dependency; the build therefore happens in a throwaway module
(generated below, never in the repo) that requires the pinned kubernetes version and replaces
every staging module with its published `v0.<minor>.<patch>` twin.

The end-to-end tier's controllers (KWOK, Argo CD, External Secrets, metrics-server, Reloader) are built the same way: a
throwaway consumer module requires the pinned release and copies the release's own `replace`
directives (Go ignores them in a dependency too), except those pointing into its own tree.
Argo CD gets a small generated main that links only the application controller, the repo
server and the notifications controller; its cache folder carries a hash of that main.

Binaries are cached under ~/.cache/flask-platform-cluster/<component>-<version>/ (plus
`-main<hash>` for a generated main) and reused.

    python -m cluster.build                    # build what is missing, print the paths
    python -m cluster.build --print            # print the cached paths, build nothing
    python -m cluster.build kube-apiserver     # only the named components
"""

from __future__ import annotations

import argparse
import hashlib
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
    module: str = "k8s.io/kubernetes"  # the module whose release `version` is
    # A Go toolchain newer than the machine's, fetched by the go command as the module
    # golang.org/toolchain, for a release that requires it (None: the installed one).
    toolchain: str | None = None
    # The source of a generated main package (package == BUILD_MODULE), None for a release's own main.
    main: str | None = None
    # `replace` lines added to the consumer module for requirements of the release that the
    # module proxy does not serve at the pinned version (each says why beside the component).
    substitutes: tuple[str, ...] = ()

    @property
    def cache_dir(self) -> Path:
        # A generated main and substituted modules are part of what the binary is: a changed
        # main (another process linked in) or substitute gets a new folder, so a binary built
        # from the old one is never reused.
        suffix = f"-main{hashlib.sha256(self.main.encode()).hexdigest()[:12]}" if self.main else ""
        if self.substitutes:
            suffix += f"-sub{hashlib.sha256(chr(10).join(self.substitutes).encode()).hexdigest()[:12]}"
        return CACHE_ROOT / f"{self.name}-{self.version}{suffix}"

    @property
    def binary(self) -> Path:
        return self.cache_dir / self.name


KUBE_APISERVER = Component("kube-apiserver", KUBERNETES_VERSION, "k8s.io/kubernetes/cmd/kube-apiserver")
KUBE_CONTROLLER_MANAGER = Component(
    "kube-controller-manager", KUBERNETES_VERSION, "k8s.io/kubernetes/cmd/kube-controller-manager"
)
KUBE_SCHEDULER = Component("kube-scheduler", KUBERNETES_VERSION, "k8s.io/kubernetes/cmd/kube-scheduler")
# The client the operations guide bootstraps with (`kubectl apply -f dist/<env>/argocd/`).
KUBECTL = Component("kubectl", KUBERNETES_VERSION, "k8s.io/kubernetes/cmd/kubectl")
KWOK = Component("kwok", "v0.8.0", "sigs.k8s.io/kwok/cmd/kwok", module="sigs.k8s.io/kwok")
# Dispatches on the program name like Argo CD's own multi-call main (ARGOCD_BINARY_NAME or the
# name it is run as), linking only the three components the GitOps loop needs (application
# controller, repo server, notifications controller): no UI, API server, Dex or CLI. Upstream's
# main also turns off gRPC's DNS SRV lookups, a workaround that panics when the packages it
# guards are not linked; nothing here resolves names through DNS.
ARGOCD_MAIN = """package main

import (
\t"fmt"
\t"os"
\t"path/filepath"

\t"github.com/spf13/cobra"
\t"k8s.io/klog/v2"

\tappcontroller "github.com/argoproj/argo-cd/v3/cmd/argocd-application-controller/commands"
\tnotification "github.com/argoproj/argo-cd/v3/cmd/argocd-notification/commands"
\treposerver "github.com/argoproj/argo-cd/v3/cmd/argocd-repo-server/commands"
\t"github.com/argoproj/argo-cd/v3/util/log"
)

func init() {
\tklog.SetLogger(log.NewLogrusLogger(log.NewWithCurrentConfig()))
}

func main() {
\tname := filepath.Base(os.Args[0])
\tif val := os.Getenv("ARGOCD_BINARY_NAME"); val != "" {
\t\tname = val
\t}
\tvar command *cobra.Command
\tswitch name {
\tcase "argocd-application-controller":
\t\tcommand = appcontroller.NewCommand()
\tcase "argocd-repo-server":
\t\tcommand = reposerver.NewCommand()
\tcase "argocd-notifications":
\t\tcommand = notification.NewCommand()
\tdefault:
\t\tfmt.Fprintf(os.Stderr, "%s: set ARGOCD_BINARY_NAME to one of argocd-application-controller, "+
\t\t\t"argocd-repo-server, argocd-notifications\\n", name)
\t\tos.Exit(2)
\t}
\tif err := command.Execute(); err != nil {
\t\tos.Exit(1)
\t}
}
"""

# v3.6 requires Go 1.27; the package is the generated main above (ARGOCD_MAIN).
ARGOCD = Component(
    "argocd", "v3.6.1", BUILD_MODULE, module="github.com/argoproj/argo-cd/v3", toolchain="go1.27.3", main=ARGOCD_MAIN
)
# v0.16 is the newest release that builds from the module proxy (v1.x does not); its main
# package is the module root (main.go calls cmd/controller).
EXTERNAL_SECRETS = Component(
    "external-secrets",
    "v0.16.2",
    "github.com/external-secrets/external-secrets",
    module="github.com/external-secrets/external-secrets",
)
# Serves the resource metrics API (metrics.k8s.io) that prod's HorizontalPodAutoscaler reads,
# scraping the kubelet metrics KWOK emulates for its nodes.
METRICS_SERVER = Component(
    "metrics-server", "v0.8.0", "sigs.k8s.io/metrics-server/cmd/metrics-server", module="sigs.k8s.io/metrics-server"
)

# Rolls the API's pods when a Secret they read at start changes (docs/operations.md, "Rotating
# secrets"). v1.4.22 pins openshift/api and openshift/client-go at pseudo-versions the module
# proxy refuses (403); it imports them only for OpenShift's DeploymentConfig, which it uses when
# the API server serves project.openshift.io. The substitutes are the nearest served
# pseudo-versions (two weeks older, the ones cluster-autoscaler-operator pins), whose
# DeploymentConfig types are the same.
RELOADER = Component(
    "reloader",
    "v1.4.22",
    "github.com/stakater/Reloader",
    module="github.com/stakater/Reloader",
    substitutes=(
        "github.com/openshift/api => github.com/openshift/api v0.0.0-20260318185450-1f2fa3f09f4e",
        "github.com/openshift/client-go => github.com/openshift/client-go v0.0.0-20260320040014-4b5fc2cdad98",
    ),
)


def go_binary() -> str:
    found = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None)
    if not found:
        raise SystemExit("go toolchain not found (needed to build kube-apiserver)")
    return found


def go_env(toolchain: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    # -trimpath keeps paths of the build machine out of the binary; CGO off gives a static
    # binary like the upstream release; GOTOOLCHAIN=local forbids fetching another toolchain
    # unless a component names the one it needs (then exactly that one, from the module proxy).
    env["GOFLAGS"] = "-trimpath -mod=mod"
    env["CGO_ENABLED"] = "0"
    env["GOTOOLCHAIN"] = toolchain or "local"
    return env


def run_go(args: list[str], cwd: Path, toolchain: str | None = None) -> str:
    proc = subprocess.run([go_binary(), *args], cwd=cwd, env=go_env(toolchain), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"go {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def module_info(version: str, workdir: Path, module: str = "k8s.io/kubernetes", toolchain: str | None = None) -> dict[str, str]:
    """The proxy's record of a module release: its go.mod path and release time."""
    info: dict[str, str] = json.loads(run_go(["mod", "download", "-json", f"{module}@{version}"], workdir, toolchain))
    if info.get("Error"):
        raise SystemExit(f"go mod download {module}@{version}: {info['Error']}")
    return info


_REPLACE_LINE = re.compile(r"^(\S+)(?:\s+(\S+))?\s+=>\s+(\S+)(?:\s+(\S+))?$")


def replace_directives(gomod: str) -> list[str]:
    """A go.mod's `replace` directives as `old [v] => new [v]`, both the block and the one-line form."""
    lines: list[str] = []
    in_block = False
    for raw in gomod.splitlines():
        line = raw.split("//", 1)[0].strip()
        if in_block:
            if line == ")":
                in_block = False
            elif line:
                lines.append(line)
        elif line == "replace (":
            in_block = True
        elif line.startswith("replace "):
            lines.append(line.removeprefix("replace ").strip())
    for line in lines:
        if not _REPLACE_LINE.match(line):
            raise ValueError(f"unparsable replace directive: {line!r}")
    return [" ".join(line.split()) for line in lines]


def portable_replaces(gomod: str) -> list[str]:
    """The replaces a consumer module can copy: those pointing into the module's own tree cannot be
    resolved from outside it (their target is then the module's published twin, required as usual)."""
    return [line for line in replace_directives(gomod) if not line.split("=>", 1)[1].strip().startswith(("./", "../"))]


def go_directive(gomod: str) -> str:
    found = re.search(r"^go\s+(\S+)", gomod, flags=re.MULTILINE)
    if not found:
        raise ValueError("go.mod has no go directive")
    return found.group(1)


def consumer_go_mod(module: str, version: str, upstream_gomod: str, substitutes: tuple[str, ...] = ()) -> str:
    replaces = "\n".join(f"\t{line}" for line in [*portable_replaces(upstream_gomod), *substitutes])
    block = f"\nreplace (\n{replaces}\n)\n" if replaces else ""
    return f"module {BUILD_MODULE}\n\ngo {go_directive(upstream_gomod)}\n\nrequire {module} {version}\n{block}"


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


def build_kubernetes(component: Component = KUBE_APISERVER) -> Path:
    """Any main of k8s.io/kubernetes (kube-apiserver, kube-controller-manager, kube-scheduler)."""
    with tempfile.TemporaryDirectory(prefix=f"{component.name}-build-") as tmp:
        workdir = Path(tmp)
        # A bare module first, so `go mod download` can read kubernetes' go.mod.
        (workdir / "go.mod").write_text(f"module {BUILD_MODULE}\n\ngo 1.25.0\n")
        info = module_info(component.version, workdir)
        staging = staging_modules(Path(info["GoMod"]).read_text())
        if not staging:
            raise SystemExit(f"no staging modules found in k8s.io/kubernetes@{component.version} go.mod")
        (workdir / "go.mod").write_text(kubernetes_go_mod(component.version, staging))
        return _go_build(component, workdir, kubernetes_ldflags(component.version, release_time(info)))


def build_consumer(component: Component) -> Path:
    """KWOK, Argo CD, External Secrets, metrics-server: a consumer module of the pinned release."""
    with tempfile.TemporaryDirectory(prefix=f"{component.name}-build-") as tmp:
        workdir = Path(tmp)
        go = component.toolchain.removeprefix("go") if component.toolchain else "1.25.0"
        (workdir / "go.mod").write_text(f"module {BUILD_MODULE}\n\ngo {go}\n")
        info = module_info(component.version, workdir, component.module, component.toolchain)
        upstream = Path(info["GoMod"]).read_text()
        (workdir / "go.mod").write_text(consumer_go_mod(component.module, component.version, upstream, component.substitutes))
        if component.main is not None:
            (workdir / "main.go").write_text(component.main)
        _keep_release_files(component, Path(info["Dir"]))
        return _go_build(component, workdir, consumer_ldflags(component, release_time(info)))


def operator_crd_dir(component: Component) -> Path:
    return component.cache_dir / "crds"


def helper_dir(component: Component) -> Path:
    return component.cache_dir / "bin"


# Files of a release that its container image ships beside the binary and that the binary
# needs: (glob inside the module, folder of the cache dir).
# - External Secrets watches kinds the product never renders (GeneratorState) and will not
#   start without their CRDs; the tier installs those the pinned crds/ lack, as the operator's
#   install would.
# - Argo CD's repo server runs hack/git-verify-wrapper.sh on every revision it reads.
RELEASE_FILES = {
    "external-secrets": (("config/crds/bases/*.yaml", "crds"),),
    "argocd": (("hack/git-verify-wrapper.sh", "bin"),),
}


def _keep_release_files(component: Component, module_dir: Path) -> None:
    for pattern, folder in RELEASE_FILES.get(component.name, ()):
        found = sorted(module_dir.glob(pattern))
        if not found:
            raise SystemExit(f"{component.name} {component.version}: no {pattern} in the module")
        target = component.cache_dir / folder
        target.mkdir(parents=True, exist_ok=True)
        for path in found:
            shutil.copyfile(path, target / path.name)
            if path.suffix == ".sh":
                (target / path.name).chmod(0o755)


def consumer_ldflags(component: Component, release_time: str) -> str:
    flags = ["-s", "-w"]
    if component is ARGOCD:
        # What the controller reports as its version (argocd_info metrics, app status).
        flags += [
            f"-X github.com/argoproj/argo-cd/v3/common.version={component.version.lstrip('v')}",
            f"-X github.com/argoproj/argo-cd/v3/common.buildDate={release_time}",
            "-X github.com/argoproj/argo-cd/v3/common.gitTreeState=clean",
        ]
    if component is RELOADER:
        # What its Dockerfile stamps (the version it logs at start and exports as a metric).
        pkg = "github.com/stakater/Reloader/pkg/common"
        flags += [f"-X {pkg}.Version={component.version.lstrip('v')}", f"-X {pkg}.BuildDate={release_time}"]
    if component is METRICS_SERVER:
        # Its Makefile stamps the release into client-go's version package, which the server
        # reports on /version of the aggregated API.
        pkg = "k8s.io/client-go/pkg/version"
        flags += [f"-X {pkg}.gitVersion={component.version}", f"-X {pkg}.buildDate={release_time}"]
    return " ".join(flags)


def _go_build(component: Component, workdir: Path, ldflags: str, tags: str = "") -> Path:
    component.cache_dir.mkdir(parents=True, exist_ok=True)
    partial = component.cache_dir / f".{component.name}.partial"
    run_go(
        ["build", *(["-tags", tags] if tags else []), "-ldflags", ldflags, "-o", str(partial), component.package],
        workdir,
        component.toolchain,
    )
    # Rename last so an interrupted build never leaves a binary that looks complete.
    partial.replace(component.binary)
    return component.binary


# promtool checks and unit-tests the rendered alerting rules (tests/charts/alert_rules). Prometheus
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


# actionlint lints .github/workflows/ (tests/repository/test_ci_workflow.py). A plain Go tool: its own go.mod
# resolves everything, so `go install pkg@version` needs no build module of ours.
ACTIONLINT = Component("actionlint", "v1.7.12", "github.com/rhysd/actionlint/cmd/actionlint")


def build_go_install(component: Component) -> Path:
    component.cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{component.name}-build-", dir=component.cache_dir) as tmp:
        # -mod=mod (the module builds' flag) does not apply to `go install pkg@version`.
        env = {**go_env(), "GOBIN": tmp, "GOFLAGS": "-trimpath"}
        cmd = [go_binary(), "install", "-ldflags=-s -w", f"{component.package}@{component.version}"]
        proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
        # Rename last so an interrupted build never leaves a binary that looks complete.
        (Path(tmp) / component.name).replace(component.binary)
    return component.binary


# The backup's upload step pushes the size of each dump to a Pushgateway (database/backup.sh);
# tests/database/test_backup_metrics_live.py pushes to this real one and reads it back.
PUSHGATEWAY = Component("pushgateway", "v1.11.5", "github.com/prometheus/pushgateway")


BUILDERS = {
    PROMTOOL.name: (PROMTOOL, build_promtool),
    ACTIONLINT.name: (ACTIONLINT, build_go_install),
    PUSHGATEWAY.name: (PUSHGATEWAY, build_go_install),
    **{c.name: (c, build_kubernetes) for c in (KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER, KUBECTL)},
    **{c.name: (c, build_consumer) for c in (KWOK, ARGOCD, EXTERNAL_SECRETS, METRICS_SERVER, RELOADER)},
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
