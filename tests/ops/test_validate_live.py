"""ops validate against a real kube-apiserver (etcd + kube-apiserver on loopback, from `cluster`).

dist/staging is applied the way an ArgoCD sync would apply it, but no controller, scheduler or
kubelet runs: every object exists and no pod ever starts. validate must say exactly that (the
objects PASS, availability FAILs, exit 1) and never crash.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from manifests import load_env, of_kind
from ops.common import DIST, REPO_ROOT
from tests.support.ops import closed_port

ENV = "staging"


def test_validate_reports_present_objects_and_absent_pods(live_kubeconfig: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ops",
            "validate",
            ENV,
            "--kubeconfig",
            str(live_kubeconfig),
            "--ingress-address",
            f"127.0.0.1:{closed_port()}",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    print(proc.stdout)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr == "" and "Traceback" not in proc.stdout
    rows = [line.split(None, 3) for line in proc.stdout.splitlines() if line.split(None, 1)[:1] in (["PASS"], ["FAIL"], ["N/A"])]
    result = {(r[1], r[2]): (r[0], r[3] if len(r) > 3 else "") for r in rows}
    assert not [k for k, (_, detail) in result.items() if detail == "not found" or "not installed" in detail]

    objects = load_env(DIST / ENV, relative_to=DIST)
    for ns in of_kind(objects, "Namespace"):
        assert result[("Namespace", ns.name)][0] == "PASS"  # PSA labels exactly as rendered
    for kind in ("NetworkPolicy", "AppProject"):
        for obj in of_kind(objects, kind):
            assert result[(kind, f"{obj.namespace}/{obj.name}")] == ("PASS", "present")
    for kind in ("Deployment", "StatefulSet"):
        for obj in of_kind(objects, kind):
            status, detail = result[(kind, f"{obj.namespace}/{obj.name}")]
            assert status == "FAIL" and detail.startswith("0/"), (kind, detail)
    for obj in of_kind(objects, "Service"):
        assert result[("Service", f"{obj.namespace}/{obj.name}")][0] == "FAIL"
    for kind in ("Application", "ExternalSecret"):
        for obj in of_kind(objects, kind):
            status, detail = result[(kind, f"{obj.namespace}/{obj.name}")]
            assert status == "FAIL" and ("no status" in detail or "no Ready condition" in detail), (kind, detail)
    health = [v for k, v in result.items() if k[0] == "API-health"]
    assert health and health[0][0] == "N/A"
