"""The text formats of the environment files, each with the words a person reads.

A format is a pattern (what validation and the JSON Schema check) plus a description of what
the value must be ("a DNS name: ...") and an optional repair that proposes a close valid value.
Error messages and the published schema (`patternErrorMessage`, shown by editors) use the
description, never the pattern: nobody should have to read a regular expression to fix a typo.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import Field

from config.quantities import CPU_PATTERN, MEMORY_PATTERN


@dataclass(frozen=True)
class Format:
    name: str
    """What the reference calls it (e.g. 'DNS name')."""
    pattern: str
    description: str
    """What the value must be, as a noun phrase: 'a DNS name: lowercase letters, ...'."""
    repairs: tuple[Callable[[str], str], ...] = field(default=())
    """Edits tried in order on a wrong value; the first result that matches is suggested."""
    max_length: int | None = None

    def matches(self, value: str) -> bool:
        return re.fullmatch(self.pattern.removeprefix("^").removesuffix("$"), value) is not None and (
            self.max_length is None or len(value) <= self.max_length
        )

    def suggestion(self, value: Any) -> str | None:
        """A close valid value for a wrong one, or None."""
        if not isinstance(value, str):
            return None
        for repair in self.repairs:
            candidate = repair(value)
            if candidate != value and candidate and self.matches(candidate):
                return candidate
        return None

    def type(self) -> Any:
        """The `Annotated[str, ...]` to use as a field type."""
        return Annotated[
            str,
            Field(
                pattern=self.pattern,
                max_length=self.max_length,
                json_schema_extra={"patternErrorMessage": f"Must be {self.description}."},
            ),
        ]


FORMATS: dict[str, Format] = {}
"""pattern -> format, for turning a pattern mismatch back into words."""


def register(fmt: Format) -> Format:
    FORMATS[fmt.pattern] = fmt
    return fmt


def describe_pattern(pattern: str) -> Format | None:
    return FORMATS.get(pattern)


# --- repairs ------------------------------------------------------------------------------------


def _dns_repair(value: str) -> str:
    text = value.strip().lower().replace("_", "-").replace(" ", "-")
    text = re.sub(r"\.{2,}", ".", text)
    labels = [label.strip("-")[:63].strip("-") for label in text.strip(".").split(".")]
    return ".".join(label for label in labels if label)


def _label_repair(value: str) -> str:
    return _dns_repair(value).replace(".", "-")[:63].strip("-")


def _origin_repair(value: str) -> str:
    text = value.strip().lower()
    if "://" not in text:
        text = "https://" + text
    scheme, _, rest = text.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}"


def _memory_repair(value: str) -> str:
    text = value.strip().replace(" ", "")
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([KMGT]?)(i?)[bB]?", text, flags=re.IGNORECASE)
    if not match:
        return text
    number, unit, binary = match.groups()
    # "512MB" in a Kubernetes file nearly always means mebibytes: suggest the binary unit.
    binary = binary or (bool(unit) and text[-1] in "bB")
    unit = unit.upper() if unit.lower() != "k" else ("K" if binary else "k")
    suffix = f"{unit}i" if binary else unit
    if "." in number:
        # 1.5Gi is not a whole number: the next unit down is.
        smaller = {"Ti": "Gi", "Gi": "Mi", "Mi": "Ki", "T": "G", "G": "M", "M": "k"}.get(suffix)
        factor = 1024 if suffix.endswith("i") else 1000
        if not smaller or float(number) * factor != int(float(number) * factor):
            return text
        return f"{int(float(number) * factor)}{smaller}"
    return f"{int(number)}{suffix}"


def _cpu_repair(value: str) -> str:
    text = value.strip().replace(" ", "").lower()
    text = re.sub(r"(millicores?|millicpu)$", "m", text)
    text = re.sub(r"(cores?|cpus?)$", "", text)
    return text


def _strip(value: str) -> str:
    return value.strip()


def _lower(value: str) -> str:
    return value.strip().lower()


# --- the formats ----------------------------------------------------------------------------------

DNS_LABEL_REGEX = r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"
"""One DNS label (RFC 1123: 1-63 lowercase letters, digits and '-', not starting or ending with '-'),
unanchored. The one spelling of a label in the project: every name pattern here and elsewhere
builds on it."""

HOSTNAME = register(
    Format(
        "DNS name",
        rf"^{DNS_LABEL_REGEX}(\.{DNS_LABEL_REGEX})+$",
        "a DNS name with at least two labels, such as api.example.com: lowercase letters, digits, '-' and '.', "
        "each label 1-63 characters, not starting or ending with '-', 253 characters in all at most",
        repairs=(_dns_repair,),
        max_length=253,
    )
)
DNS_LABEL = register(
    Format(
        "DNS label",
        rf"^{DNS_LABEL_REGEX}$",
        "a DNS label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit",
        repairs=(_label_repair,),
        max_length=63,
    )
)
IMAGE_REPOSITORY = register(
    Format(
        "image repository",
        r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?/)?[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$",
        "an image repository such as registry.example.internal/team/app: an optional registry host (and :port) "
        "and '/'-separated path parts of lowercase letters and digits, with single '.', '_' or '-' between them",
        repairs=(_lower, lambda v: re.sub(r"[^a-z0-9./:_-]+", "-", v.strip().lower()).strip("-")),
    )
)
IMAGE_TAG = register(
    Format(
        "image tag",
        r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$",
        "an image tag: 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
        repairs=(_strip, lambda v: re.sub(r"[^A-Za-z0-9_.-]+", "-", v.strip()).lstrip(".-")[:128]),
    )
)
DIGEST = register(
    Format(
        "sha256 digest",
        r"^sha256:[a-f0-9]{64}$",
        "a sha256 digest: 'sha256:' followed by 64 lowercase hexadecimal digits",
        repairs=(_lower, lambda v: "sha256:" + v.strip().lower()),
    )
)
CPU = register(
    Format(
        "CPU quantity",
        CPU_PATTERN,
        "a CPU quantity: millicores such as 250m, or cores such as 0.5 or 2 (at most 3 decimals)",
        repairs=(_cpu_repair,),
    )
)
MEMORY = register(
    Format(
        "quantity of bytes",
        MEMORY_PATTERN,
        "a quantity of bytes: a whole number with an optional unit Ki, Mi, Gi, Ti (powers of 1024) "
        "or k, M, G, T (powers of 1000), such as 256Mi or 1Gi",
        repairs=(_memory_repair,),
    )
)
ORIGIN = register(
    Format(
        "origin",
        r"^https?://" + HOSTNAME.pattern[1:-1] + r"(:[0-9]{1,5})?$",
        "an origin: http:// or https://, a DNS name and an optional :port, without a path, such as https://app.example.com",
        repairs=(_origin_repair,),
    )
)
DURATION = register(
    Format(
        "duration",
        r"^[1-9][0-9]*(s|m|h)$",
        "a duration: a whole number of seconds, minutes or hours, such as 30s, 15m or 1h",
        repairs=(lambda v: v.strip().replace(" ", "").lower(),),
    )
)
CIDR = register(
    Format(
        "IPv4 network",
        r"^([0-9]{1,3}\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$",
        "an IPv4 network in CIDR form, such as 10.20.0.0/16 (four numbers 0-255 and a prefix length 0-32)",
        repairs=(lambda v: v.strip() + "/32" if "/" not in v else v.strip(),),
    )
)
WSGI_APP = register(
    Format(
        "WSGI entry point",
        r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_.()]*$",
        "a WSGI entry point 'module:callable', such as wsgi:app or app.main:create_app()",
        repairs=(_strip,),
    )
)
NGINX_SIZE = register(
    Format(
        "nginx size",
        r"^[1-9][0-9]*[kKmM]?$",
        "an nginx size: a whole number with an optional unit k or m, such as 512k or 10m",
        repairs=(lambda v: re.sub(r"^([1-9][0-9]*)\s*([kKmM])[bB]?$", r"\1\2", v.strip()),),
    )
)
HEADER_VALUE = register(
    Format(
        "header value",
        # Printable ASCII without '"', '\\' and '$': nginx would end the string, escape or interpolate there.
        r"^[ !#%-\[\]-~]+$",
        "a header value: printable ASCII characters on one line, without double quotes, backslashes or dollar signs "
        "(use single quotes inside a Content-Security-Policy)",
        repairs=(lambda v: " ".join(v.replace('"', "'").replace("\\", "").replace("$", "").split()),),
    )
)
MYSQL_DATABASE = register(
    Format(
        "MySQL database name",
        r"^[A-Za-z_][A-Za-z0-9_]{0,63}$",
        "a MySQL database name: a letter or '_', then up to 63 letters, digits or '_'",
        repairs=(lambda v: re.sub(r"[^A-Za-z0-9_]", "_", v.strip())[:64],),
    )
)
MYSQL_USER = register(
    Format(
        "MySQL user name",
        r"^[A-Za-z_][A-Za-z0-9_]{0,31}$",
        "a MySQL user name: a letter or '_', then up to 31 letters, digits or '_'",
        repairs=(lambda v: re.sub(r"[^A-Za-z0-9_]", "_", v.strip())[:32],),
    )
)
AWS_REGION = register(
    Format(
        "AWS region",
        r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$",
        "an AWS region such as eu-west-1 or us-gov-west-1",
        repairs=(lambda v: v.strip().lower().replace("_", "-").replace(" ", "-"),),
    )
)
SECRET_KEY_PREFIX = register(
    Format(
        "Secrets Manager key prefix",
        r"^[A-Za-z0-9_+=.@-]+(/[A-Za-z0-9_+=.@-]+)*$",
        "a Secrets Manager key prefix such as staging/backend: parts of letters, digits and _+=.@- joined by single '/'",
        repairs=(lambda v: "/".join(p for p in v.strip().split("/") if p),),
    )
)
GIT_URL = register(
    Format(
        "Git URL",
        r"^(https://[^\s]+|git@[^\s:]+:[^\s]+|file:///[^\s]+)$",
        "a Git repository URL: https://host/path, git@host:path or file:///absolute/path (a local cluster's), without spaces",
        repairs=(_strip,),
    )
)
GIT_BRANCH = register(
    Format(
        "Git branch",
        r"^[A-Za-z0-9._/-]+$",
        "a Git branch name: letters, digits, '.', '_', '-' and '/'",
        repairs=(lambda v: re.sub(r"[^A-Za-z0-9._/-]+", "-", v.strip()),),
    )
)
HTTPS_URL = register(
    Format(
        "https URL",
        r"^https://[^\s]+$",
        "an https:// URL without spaces, such as https://kubernetes.default.svc",
        repairs=(_strip, lambda v: "https://" + v.strip().split("://", 1)[-1]),
    )
)
K8S_MINOR = register(
    Format(
        "Kubernetes minor version",
        r"^v1\.[0-9]+$",
        "a Kubernetes minor version such as v1.30",
        repairs=(lambda v: "v" + ".".join(v.strip().lstrip("vV").split(".")[:2]),),
    )
)
LABEL_KEY = register(
    Format(
        "label key",
        r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$",
        "a label key: an optional DNS prefix and '/', then 1-63 letters, digits, '-', '_' and '.', "
        "starting and ending with a letter or digit",
        repairs=(_strip,),
        max_length=317,
    )
)
LABEL_VALUE = register(
    Format(
        "label value",
        r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$",
        "a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
        repairs=(lambda v: v.strip().strip("-_.")[:63].strip("-_."),),
        max_length=63,
    )
)
IMAGE_REGISTRY = register(
    Format(
        "image registry prefix",
        r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)*$",
        "an image registry host with an optional :port and path, without a trailing '/', "
        "such as registry.example.internal/platform",
        repairs=(lambda v: v.strip().lower().rstrip("/"),),
        max_length=255,
    )
)
HTTPS_PAGE_URL = register(
    Format(
        "https page URL",
        r"^https://[^\s#]+$",
        "an https:// URL without spaces or a '#' fragment, such as https://git.example.internal/docs/operations.md",
        repairs=(lambda v: v.strip().split("#", 1)[0],),
    )
)
