"""Kubernetes resource quantities: syntax checks and conversion to numbers for comparisons.

Only the forms this project accepts are parsed: CPU as millicores ("250m") or cores ("0.5", "2"),
memory and storage with binary (Ki..Ti) or decimal (k, M, G, T) suffixes or plain bytes.
"""

from __future__ import annotations

import re
from decimal import Decimal

CPU_PATTERN = r"^([1-9][0-9]*m|[0-9]+(\.[0-9]{1,3})?)$"
MEMORY_PATTERN = r"^[1-9][0-9]*(Ki|Mi|Gi|Ti|k|M|G|T)?$"

_MEMORY_FACTORS = {
    "": 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
}


def cpu_millicores(quantity: str) -> int:
    """ "250m" -> 250, "2" -> 2000. Raises ValueError on anything else."""
    if not re.match(CPU_PATTERN, quantity):
        raise ValueError(f"'{quantity}' is not a CPU quantity (use millicores like 250m or cores like 0.5)")
    if quantity.endswith("m"):
        return int(quantity[:-1])
    return int(Decimal(quantity) * 1000)


def memory_bytes(quantity: str) -> int:
    """ "256Mi" -> 268435456. Raises ValueError on anything else."""
    match = re.match(r"^([1-9][0-9]*)(Ki|Mi|Gi|Ti|k|M|G|T)?$", quantity)
    if not match:
        raise ValueError(f"'{quantity}' is not a memory quantity (use e.g. 256Mi or 1Gi)")
    return int(match.group(1)) * _MEMORY_FACTORS[match.group(2) or ""]
