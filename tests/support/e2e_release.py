"""The release path in the end-to-end tier: `ops release`, `ops promote` and `ops rollback` as an
operator runs them against staging's cluster and the repository Argo CD reads.

The operator works in the tier's repository itself: its `origin` is set to itself (what Argo CD
reads), and a push to the checked-out branch updates the work tree (receive.denyCurrentBranch
updateInstead), so the commands fetch and push exactly as against a hosted remote. `ops
promote` gets the tier's overlay plus a short soak (PROMOTION_SOAK) instead of staging's 10
minutes. The accepted promotion hands the prod branch to prod's cluster (tests/e2e/conftest.py
PromotedProd).
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import yaml

from e2e.kube import wait_for
from e2e.localrepo import git, overlay_settings
from ops.common import EXIT_NOT_HEALTHY, EXIT_OK, EXIT_SOAKING
from tests.e2e.conftest import Deployed, PromotedProd
from tests.support import e2e_day_two as day2
from tests.support import e2e_scenario as sc
from tests.support.promotion import image_id

PROMOTION_SOAK = "30s"
RELEASE_IDS = {"backend": ("backend", "flask-app"), "frontend": ("frontend", "nginx-front")}
DIGEST = re.compile(r"sha256:[a-f0-9]{64}")


def _as_operator(d: Deployed) -> Path:
    """The tier's repository set up as an operator's clone; the overlay `ops promote` gets."""
    git(d.repo.path, "remote", "set-url", "origin", str(d.repo.path))
    for key, value in (("user.name", "flask-platform operator"), ("user.email", "operator@flask-platform.invalid")):
        git(d.repo.path, "config", key, value)
    git(d.repo.path, "config", "receive.denyCurrentBranch", "updateInstead")
    overlay = d.repo.path.parent / "promote-overlay.yaml"
    settings = overlay_settings(d.repo.url, {"gitops": {"promotion": {"soak": PROMOTION_SOAK}}})
    overlay.write_text(yaml.safe_dump(settings, sort_keys=False))
    return overlay


def promote(d: Deployed, *extra: str) -> subprocess.CompletedProcess:
    overlay = _as_operator(d)
    started = time.monotonic()
    result = d.ops("promote", "--from", d.name, "--to", "prod", "--overlay", str(overlay), *extra)
    print(f"\n$ ops promote --from {d.name} --to prod {' '.join(extra)}  ({time.monotonic() - started:.1f}s)")
    print(result.stdout + result.stderr + f"exit {result.returncode}")
    return result


def _refusals(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("refused: ")]


def check_promotion_refused_while_degraded(d: Deployed) -> None:
    """In the wrong-remote-key case: the backend Application is Degraded, so nothing moves."""
    result = promote(d)
    assert result.returncode == EXIT_NOT_HEALTHY, result.stdout + result.stderr
    lines = _refusals(result)
    assert f"refused: Application argocd/{d.name}-backend: Degraded" in "\n".join(lines), lines
    assert all(line.count("refused: ") == 1 for line in lines)
    assert git(d.repo.path, "branch", "--list", "prod", "promote/*") == ""


def _running_image(d: Deployed, app: str) -> str:
    """repository:tag@digest of the first container of a release Deployment, as its pods report it."""
    namespace, name = RELEASE_IDS[app]
    deployment = sc.deployment(d, namespace, name)
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    pods = day2.pods_of(d, deployment)
    ids = {s["imageID"] for p in pods for s in p["status"]["containerStatuses"] if s["name"] == container["name"]}
    (reported,) = ids
    # The tier's stand-in for a registry reports what a kubelet would (e2e/kwok-stages.yaml).
    assert reported == image_id(container["image"]), (reported, container["image"])
    return f"{container['image'].split('@')[0]}@{DIGEST.search(reported)[0]}"


def check_promotion_waits_out_the_soak_then_ships_what_staging_runs(d: Deployed, handoff: PromotedProd) -> None:
    """Right after the fix settled: refused within the soak; accepted after it, with staging's digests."""
    started = time.monotonic()
    sc.wait_settled(d, "staging settled after the fix")
    result = promote(d)
    assert result.returncode == EXIT_SOAKING, result.stdout + result.stderr
    assert all("less than the soak of 0m30s" in line for line in _refusals(result)), result.stdout
    soaking = time.monotonic() - started

    accepted = wait_for("the soak over", lambda: (r := promote(d, "--dry-run")).returncode == EXIT_OK and r, 120, interval_s=3)
    assert "may be promoted to prod" in accepted.stdout
    result = promote(d)
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    staged = git(d.repo.path, "rev-parse", d.repo.branch)
    promoted = git(d.repo.path, "rev-parse", "prod")
    assert git(d.repo.path, "rev-parse", f"{promoted}^1") == staged
    assert git(d.repo.path, "rev-parse", f"promote/prod-{staged[:12]}") == promoted

    # prod's branch renders exactly the images staging's pods run, by digest, with prod's own settings.
    running = {app: _running_image(d, app) for app in RELEASE_IDS}
    for app, (namespace, name) in RELEASE_IDS.items():
        rendered = yaml.safe_load(git(d.repo.path, "show", f"{promoted}:dist/prod/{app}/deployment_{namespace}_{name}.yaml"))
        assert rendered["spec"]["template"]["spec"]["containers"][0]["image"] == running[app], app
    nginx = yaml.safe_load(git(d.repo.path, "show", f"{promoted}:dist/prod/frontend/deployment_frontend_nginx-front.yaml"))
    assert nginx["spec"]["replicas"] == 3, "prod's own replica count"
    print(f"\npromotion: refused within the soak after {soaking:.0f}s, accepted after {time.monotonic() - started:.0f}s")

    subprocess.run(["git", "clone", "-q", "--bare", str(d.repo.path), str(handoff.repo)], check=True, capture_output=True)
    handoff.images.update({RELEASE_IDS[app][1]: image for app, image in running.items()})


def check_release_is_deployed_then_rolled_back(d: Deployed, tag: str) -> None:
    """`ops release` output is what Argo CD deploys; `ops rollback` brings the branch and the cluster back."""
    started = time.monotonic()
    sc.wait_settled(d, "a settled environment to start from")
    old = day2.tag_of(sc.deployment(d, "backend", "flask-app"), "flask-app")
    _as_operator(d)
    overlay = str(d.repo.overlay)
    result = d.ops("release", d.name, "--image", f"backend={tag}", "--overlay", overlay)
    print(f"\n$ ops release {d.name} --image backend={tag}\n{result.stdout}{result.stderr}exit {result.returncode}")
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    released = d.repo.head()
    assert git(d.repo.path, "log", "-1", "--format=%s") == f"Release {d.name}: backend {old} -> {tag}"
    assert git(d.repo.path, "status", "--porcelain") == ""
    sc.wait_settled(d, "the release synced", revision=released)
    day2.wait_api_rolled_out(d, tag, f"flask-app rolled out with {tag}")
    release_s = time.monotonic() - started

    result = d.ops("rollback", d.name)
    print(f"\n$ ops rollback {d.name}\n{result.stdout}{result.stderr}exit {result.returncode}")
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    rolled = d.repo.head()
    assert git(d.repo.path, "rev-parse", f"{rolled}^1") == released  # forward, never a force push
    assert git(d.repo.path, "rev-parse", f"{rolled}^{{tree}}") == git(d.repo.path, "rev-parse", f"{released}^1^{{tree}}")
    assert f"Deployment backend/flask-app flask-app: registry.example.internal/platform/flask-api:{old}" in result.stdout
    sc.wait_settled(d, "the rollback synced", revision=rolled)
    day2.wait_api_rolled_out(d, old, f"flask-app back at {old}")
    print(f"\nrelease deployed after {release_s:.0f}s, rolled back after {time.monotonic() - started:.0f}s")


def check_prod_runs_what_staging_ran(d: Deployed, handoff: PromotedProd) -> None:
    """prod's cluster runs, by digest, the images the promotion read off staging's pods."""
    assert handoff.images, "no promotion handed prod a branch: run the staging module first (file order)"
    for namespace, name in RELEASE_IDS.values():
        deployment = sc.deployment(d, namespace, name)
        image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        assert image == handoff.images[name], (name, image, handoff.images[name])
        pods = day2.pods_of(d, deployment)
        assert pods and all(p["spec"]["containers"][0]["image"] == image for p in pods)
