"""ops rotate --now against a real kube-apiserver (etcd + kube-apiserver on loopback, from `cluster`;
run by `make test-cluster`): the Job it starts is admitted as rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from ops.__main__ import main
from ops.kube_api import connect
from ops.rotate import JOBS_PATH
from tests.support.ops import job_containers


def run_ops(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["rotate", "staging", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_now_starts_an_admitted_job_on_a_real_api_server(live_kubeconfig: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # No kubelet runs here: the Job is created and admitted (PSA restricted, quota) and never finishes.
    code, out, err = run_ops(capsys, "--now", "--only", "database", "--wait", "3", "--kubeconfig", str(live_kubeconfig))
    assert code == 1 and err == "" and "still running after 3s" in out
    name = out.split("started Job backend/")[1].split()[0]
    live = connect(str(live_kubeconfig)).get(f"{JOBS_PATH}/{name}")
    assert live.ok, live.message
    assert all(c["env"] == [{"name": "ROTATE_KEYS", "value": "database"}] for c in job_containers(live.body))
    assert live.body["spec"]["backoffLimit"] == 0
