"""ops rotate ENV: when each store key was last rotated, and an emergency rotation now.

Without --now it reads Secrets Manager only: per key, when its AWSCURRENT version was made and
whether a version is stuck at AWSPENDING (a failed or running rotation, which refuses the next
one). With --now it starts a Job from the environment's rotation CronJob as it runs in the
cluster (the same pod, scripts and identity as the schedule; `--only` narrows ROTATE_KEYS) and
waits for it. A run of every key is owned by the CronJob, like `kubectl create job --from`, so
it counts as the CronJob's last success (SecretRotationOverdue); a run of some keys is not.
"""

from __future__ import annotations

import argparse
import copy
import time
from datetime import UTC, datetime
from typing import Any

from charts import names
from charts.secret_layout import store_keys
from config.loader import load_environment
from ops.bootstrap import aws_error, make_client
from ops.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, OpsError

HELP = "show when each secret was last rotated; --now rotates (Secrets Manager's protocol, in the cluster)"
EPILOG = """\
  python -m ops rotate staging                        # per key: AWSCURRENT's age, a stuck AWSPENDING
  python -m ops rotate staging --now                  # rotate every key of secrets.rotation.keys now
  python -m ops rotate staging --now --only database  # one key
  python -m ops rotate staging --now --dry-run        # print the Job, create nothing

--now creates a Job from CronJob backend/flask-secret-rotation in the current kube context and
waits up to --wait seconds (0: do not wait). docs/operations.md, "Rotating secrets".

Exit status: 0 done (or every key healthy), 1 the rotation failed or did not finish in time, or a
key has a stuck AWSPENDING version, 2 configuration or usage error, 3 AWS or the cluster refused
or is unreachable.
"""

PENDING, CURRENT = "AWSPENDING", "AWSCURRENT"
JOBS_PATH = f"/apis/batch/v1/namespaces/{names.BACKEND_NAMESPACE}/jobs"
CRONJOB_PATH = f"/apis/batch/v1/namespaces/{names.BACKEND_NAMESPACE}/cronjobs/{names.ROTATION_CRONJOB}"
POLL_S = 2.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("env", metavar="ENV", help="environment name (a file environments/ENV.yaml)")
    parser.add_argument("--now", action="store_true", help="start a rotation Job from the CronJob and wait for it")
    parser.add_argument("--only", action="append", metavar="KEY", help="rotate only this store key; repeatable")
    parser.add_argument("--dry-run", action="store_true", help="with --now: print the Job, create nothing")
    parser.add_argument("--wait", type=int, default=900, metavar="SECONDS", help="with --now: how long to wait (default 900)")
    parser.add_argument("--kubeconfig", help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
    parser.add_argument("--context", help="kube context (default: the current context)")
    parser.add_argument("--endpoint-url", help="Secrets Manager endpoint (default: the AWS endpoint of the region)")
    parser.add_argument("--region", help="AWS region (default: secrets.region of the environment)")


def selected_keys(configured: list[str], only: list[str] | None) -> list[str]:
    if not only:
        return list(configured)
    unknown = sorted(set(only) - set(configured))
    if unknown:
        raise OpsError(
            f"--only {', '.join(unknown)}: not a rotated key (secrets.rotation.keys: {', '.join(configured)})", EXIT_USAGE
        )
    return [key for key in configured if key in only]


def job_from_cronjob(cronjob: dict[str, Any], keys: list[str], *, all_keys: bool, now: datetime) -> dict[str, Any]:
    """The Job `kubectl create job --from=cronjob/...` would make, with ROTATE_KEYS set when only
    some keys rotate (an explicit env var wins over the ConfigMap's envFrom)."""
    template = copy.deepcopy(cronjob["spec"]["jobTemplate"])
    meta = template.setdefault("metadata", {})
    meta["name"] = f"{names.ROTATION_CRONJOB}-now-{now.strftime('%Y%m%d%H%M%S')}"
    meta["namespace"] = names.BACKEND_NAMESPACE
    meta.setdefault("annotations", {})["cronjob.kubernetes.io/instantiate"] = "manual"
    if all_keys:
        meta["ownerReferences"] = [
            {
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "name": cronjob["metadata"]["name"],
                "uid": cronjob["metadata"]["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    else:
        pod = template["spec"]["template"]["spec"]
        for container in [*pod.get("initContainers", []), *pod["containers"]]:
            container["env"] = [*container.get("env", []), {"name": "ROTATE_KEYS", "value": " ".join(keys)}]
    return {"apiVersion": "batch/v1", "kind": "Job", **template}


def job_outcome(job: dict[str, Any]) -> str | None:
    """succeeded, failed, or None while it runs (from the Job's own conditions)."""
    for condition in (job.get("status") or {}).get("conditions") or []:
        if condition.get("status") == "True" and condition.get("type") in ("Complete", "Failed"):
            return "succeeded" if condition["type"] == "Complete" else "failed"
    return None


def rotate_now(args: argparse.Namespace, keys: list[str], all_keys: bool) -> int:
    from ops.kube_api import connect

    client = connect(args.kubeconfig, args.context)
    found = client.get(CRONJOB_PATH)
    if not found.ok:
        raise OpsError(f"CronJob {names.BACKEND_NAMESPACE}/{names.ROTATION_CRONJOB}: HTTP {found.status}: {found.message}")
    job = job_from_cronjob(found.body, keys, all_keys=all_keys, now=datetime.now(UTC))
    name = job["metadata"]["name"]
    if args.dry_run:
        import yaml

        print(yaml.safe_dump(job, sort_keys=False), end="")
        return EXIT_OK
    created = client.create(JOBS_PATH, job)
    if not created.ok:
        raise OpsError(f"Job {names.BACKEND_NAMESPACE}/{name}: HTTP {created.status}: {created.message}")
    print(f"started Job {names.BACKEND_NAMESPACE}/{name} (keys: {', '.join(keys)}) in context {client.context}")
    logs = f"kubectl -n {names.BACKEND_NAMESPACE} logs job/{name} --all-containers"
    deadline = time.monotonic() + args.wait
    while args.wait > 0:
        outcome = job_outcome(client.get(f"{JOBS_PATH}/{name}").body)
        if outcome == "succeeded":
            print(f"rotation succeeded; External Secrets copies it within secrets.refresh_interval ({logs})")
            return EXIT_OK
        if outcome == "failed":
            print(f"rotation failed: AWSCURRENT is unchanged; see {logs} and docs/operations.md#secretrotationfailed")
            return EXIT_FAILED
        if time.monotonic() >= deadline:
            print(f"rotation still running after {args.wait}s: {logs}")
            return EXIT_FAILED
        time.sleep(POLL_S)
    print(f"not waiting: {logs}")
    return EXIT_OK


def key_status(client: Any, key: str) -> tuple[str, list[str]]:
    """(AWSCURRENT's creation time, ids of versions staged AWSPENDING but not AWSCURRENT)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        versions = client.list_secret_version_ids(SecretId=key, IncludeDeprecated=False)["Versions"]
    except (ClientError, BotoCoreError) as error:
        raise aws_error(f"cannot read {key}", error) from None
    current = [v for v in versions if CURRENT in v.get("VersionStages", [])]
    made = current[0]["CreatedDate"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if current else "never"
    stuck = [v["VersionId"] for v in versions if PENDING in v.get("VersionStages", []) and CURRENT not in v["VersionStages"]]
    return made, stuck


def show_status(args: argparse.Namespace, env: Any, keys: list[str]) -> int:
    layout = store_keys(env.secrets.key_prefix)
    client = make_client(args.region or env.secrets.region, args.endpoint_url)
    rows = [(layout[key].key, *key_status(client, layout[key].key)) for key in keys]
    width = max(len(row[0]) for row in rows)
    print(f"{'KEY':<{width}}  {'AWSCURRENT SINCE':<20}  PENDING")
    for key, made, stuck in rows:
        print(f"{key:<{width}}  {made:<20}  {', '.join(stuck) if stuck else '-'}")
    rotation = env.secrets.rotation
    print(f"schedule: {rotation.schedule} ({rotation.time_zone}){'' if rotation.enabled else ', suspended'}")
    if any(stuck for _, _, stuck in rows):
        print("a stuck AWSPENDING version refuses the next rotation: docs/operations.md#secretrotationfailed")
        return EXIT_FAILED
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    env = load_environment(args.env)
    configured = list(env.secrets.rotation.keys)
    keys = selected_keys(configured, args.only)
    if args.dry_run and not args.now:
        raise OpsError("--dry-run goes with --now", EXIT_USAGE)
    if args.now:
        return rotate_now(args, keys, all_keys=keys == configured)
    return show_status(args, env, keys)
