"""python -m verify [dist/<env> ...]: every check over each environment, then a summary.

With no argument every directory under dist/ is checked. Exit status: 0 when nothing is
found, 1 when something is, 2 when a tool is missing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from manifests import CRDS, ManifestError, environments, load_env, yaml_files
from verify import checkov_check, connectivity, crossrefs, nginx_gixy, schemas, secrets_scan, yaml_lint
from verify.findings import Finding


def _tool(path: Path, hint: str) -> Path | None:
    if path.is_file():
        return path
    print(f"  missing tool: {path} ({hint})")
    return None


def verify_env(env_dir: Path, golden: Path | None) -> tuple[list[Finding], bool]:
    started = time.monotonic()
    manifests = load_env(env_dir)
    files = yaml_files(env_dir)
    findings: list[Finding] = []
    print(f"== {env_dir}: {len(manifests)} objects in {len(files)} files")

    schema = schemas.check(manifests, CRDS)
    findings += schema.findings
    print(
        f"  schemas       {schema.builtin} built-in objects x Kubernetes {schema.minors[0]}.."
        f"{schema.minors[-1]} ({len(schema.minors)} minors), {schema.custom} custom resources "
        f"x pinned CRDs: {len(schema.findings)} findings"
    )

    refs = crossrefs.check(manifests, env_dir)
    findings += refs
    print(f"  crossrefs     {len(refs)} findings")

    lint = yaml_lint.lint(env_dir)
    findings += lint
    print(f"  yamllint      {len(lint)} findings")

    leaks = secrets_scan.scan(files)
    findings += leaks
    print(f"  secrets       {len(files)} files scanned: {len(leaks)} findings")

    complete = True
    checkov = _tool(checkov_check.CHECKOV, "make verify-tools")
    if checkov:
        report = checkov_check.run(env_dir, manifests, checkov)
        findings += report.findings
        print(
            f"  checkov {report.version}  {report.resources} resources: passed {report.passed}, "
            f"failed {report.failed}, skipped {report.skipped}"
        )
        for skip in checkov_check.skip_annotations(manifests):
            print(f"    skip {skip.check} on {skip.obj}: {skip.reason}")
    else:
        complete = False

    gixy = _tool(nginx_gixy.GIXY, "make verify-tools")
    if gixy:
        nginx = nginx_gixy.check(manifests, gixy)
        findings += nginx.findings
        print(
            f"  gixy {nginx.version}  {len(nginx.configs)} nginx.conf ({', '.join(nginx.configs)}): "
            f"{len(nginx.findings)} findings"
        )
    else:
        complete = False

    nca = _tool(connectivity.NCA, "make verify-tools")
    if nca:
        conn = connectivity.check(env_dir.name, manifests, nca, golden=golden)
        findings += conn.findings
        print(
            f"  connectivity  {len(conn.edges)} edges allowed, compared with {conn.golden}; "
            f"forbids queries: {', '.join(conn.queries)}"
        )
        for edge in conn.edges:
            print(f"    {edge}")
    else:
        complete = False

    for finding in findings:
        print(f"  {finding}")
    print(f"  {len(findings)} findings in {time.monotonic() - started:.1f}s")
    return findings, complete


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verify", description=__doc__)
    parser.add_argument("envs", nargs="*", type=Path, help="environment directories")
    parser.add_argument(
        "--golden", type=Path, help="connectivity intent to compare with (default: verify/golden/connectivity[-<env>].txt)"
    )
    parser.add_argument("--no-repo-scan", action="store_true", help="skip the secrets scan of the whole repository")
    args = parser.parse_args(argv)
    envs = args.envs or environments()
    if not envs:
        print("no environment: dist/ has no directory", file=sys.stderr)
        return 1
    findings: list[Finding] = []
    complete = True
    for env_dir in envs:
        try:
            env_findings, env_complete = verify_env(env_dir, args.golden)
        except ManifestError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        findings += env_findings
        complete &= env_complete
    if not args.no_repo_scan:
        files = secrets_scan.repo_files()
        repo = secrets_scan.scan(files)
        findings += repo
        print(f"== repository: {len(files)} files scanned for secrets: {len(repo)} findings")
        for finding in repo:
            print(f"  {finding}")
    print(f"{len(findings)} findings in total" + ("" if complete else "; some tools were missing"))
    if findings:
        return 1
    return 0 if complete else 2


if __name__ == "__main__":
    sys.exit(main())
