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


QUANTITY_MAX = 2**63 - 1
"""The API server caps larger quantities silently; the cluster would not get the value written."""


def within_api_range(quantity: str) -> str:
    """The quantity unchanged, or ValueError when the API server would cap it."""
    if memory_bytes(quantity) > QUANTITY_MAX:
        raise ValueError(f"must be at most 8Ei (2^63-1 bytes), the largest quantity Kubernetes stores (got {quantity!r})")
    return quantity


_SUFFIXES = {
    **{k: Decimal(v) for k, v in _MEMORY_FACTORS.items()},
    "m": Decimal("0.001"),
    "u": Decimal("0.000001"),
    "n": Decimal("0.000000001"),
    "P": Decimal(10**15),
    "E": Decimal(10**18),
    "Pi": Decimal(2**50),
    "Ei": Decimal(2**60),
}


def parse(value: object) -> Decimal:
    """Any Kubernetes quantity as rendered ("250m", "1Gi", "20", 3, "1e3") -> its exact value.
    Raises ValueError on anything else."""
    text = str(value)
    match = re.fullmatch(r"([+-]?[0-9]*\.?[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?", text)
    if not match:
        raise ValueError(f"'{text}' is not a quantity")
    number, suffix = Decimal(match.group(1)), match.group(2) or ""
    if suffix[:1] in ("e", "E") and len(suffix) > 1:
        return number * (Decimal(10) ** int(suffix[1:]))
    return number * _SUFFIXES[suffix]
