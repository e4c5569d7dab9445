"""The table `.ci/run` prints at its end: each tier with its test count and wall time.

`.ci/run` records, per tier, one line `<tier> <status> <seconds>` in `tiers.tsv` of its report
folder and has pytest write `<tier>.xml` (JUnit) beside it; this reads both. A reader of a CI
log sees at once where the time went, and which tier failed, even when the run stopped early.
A tier whose name ends in `&` ran in the background (the Go builds): its time overlaps the
tiers before it, so the total is the run's own wall time, given on the command line.
Standard library only: it runs with the machine's python3, before or without any venv.

    python3 scripts/ci_summary.py REPORT_DIR TOTAL_SECONDS
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

TIMES_FILE = "tiers.tsv"


class ReportError(Exception):
    """A report file that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class Counts:
    tests: int
    failed: int
    skipped: int

    @property
    def passed(self) -> int:
        return self.tests - self.failed - self.skipped


@dataclass(frozen=True)
class Tier:
    name: str
    status: str
    seconds: int
    counts: Counts | None


def read_junit(path: Path) -> Counts:
    """Totals over every test suite of one pytest JUnit report."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        raise ReportError(f"{path}: not a JUnit report ({error})") from None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    if root.tag not in {"testsuite", "testsuites"}:
        raise ReportError(f"{path}: not a JUnit report (root element <{root.tag}>)")

    def total(attribute: str) -> int:
        try:
            return sum(int(suite.get(attribute, "0")) for suite in suites)
        except ValueError:
            raise ReportError(f"{path}: attribute {attribute!r} is not a number") from None

    return Counts(tests=total("tests"), failed=total("failures") + total("errors"), skipped=total("skipped"))


def read_tiers(report_dir: Path) -> list[Tier]:
    times = report_dir / TIMES_FILE
    try:
        lines = times.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ReportError(f"{times}: cannot read ({error.strerror})") from None
    tiers = []
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        if len(fields) != 3 or not fields[2].isdigit():
            raise ReportError(f"{times}:{number}: expected '<tier> <status> <seconds>', got {line!r}")
        name, status, seconds = fields
        junit = report_dir / f"{name}.xml"
        tiers.append(Tier(name, status, int(seconds), read_junit(junit) if junit.exists() else None))
    return tiers


def minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def render(tiers: list[Tier], total_seconds: int) -> str:
    header = f"{'tier':<16}{'status':<8}{'tests':>7}{'passed':>8}{'failed':>8}{'skipped':>9}{'wall':>8}"
    rows = [header, "-" * len(header)]
    for tier in tiers:
        c = tier.counts
        numbers = (c.tests, c.passed, c.failed, c.skipped) if c else ("-",) * 4
        rows.append(
            f"{tier.name:<16}{tier.status:<8}"
            + "".join(f"{n:>{w}}" for n, w in zip(numbers, (7, 8, 8, 9), strict=True))
            + f"{minutes(tier.seconds):>8}"
        )
    rows.append("-" * len(header))
    rows.append(f"{'total':<16}{'':<8}{sum(t.counts.tests for t in tiers if t.counts):>7}{'':>25}{minutes(total_seconds):>8}")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: python3 scripts/ci_summary.py REPORT_DIR TOTAL_SECONDS", file=sys.stderr)
        return 2
    try:
        tiers = read_tiers(Path(argv[0]))
    except ReportError as error:
        print(f"ci summary: {error}", file=sys.stderr)
        return 1
    print(render(tiers, int(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
