"""Whether this process runs in the tier's private network namespace (e2e/isolated.sh)."""

from __future__ import annotations

from pathlib import Path

# /proc/self/net shows the calling process's network namespace (/sys/class/net shows the one
# sysfs was mounted in, usually the host's).
NET_DEV = Path("/proc/self/net/dev")


def interfaces(net_dev: Path = NET_DEV) -> set[str]:
    lines = net_dev.read_text().splitlines()[2:]  # two header lines
    return {line.split(":", 1)[0].strip() for line in lines if ":" in line}


def only_loopback(net_dev: Path = NET_DEV) -> bool:
    try:
        return interfaces(net_dev) == {"lo"}
    except OSError:
        return False
