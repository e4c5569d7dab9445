"""Edits of an environment file that keep everything a person wrote: comments, key order, quotes,
flow mappings and blank lines (ruamel.yaml's round trip, not a re-dump through PyYAML).

`ops release` and `ops promote` change image references only; what they may change is named
here once: the release images and how a release value (`TAG`, `TAG@sha256:...`, `@sha256:...`)
is read.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from config import formats
from ops.common import EXIT_USAGE, OpsError

# The images the product builds and releases; the database and tool images are upstream
# releases pinned in base.yaml, changed by a pull request, not by a release pipeline.
RELEASE_IMAGES = ("backend", "frontend")

_TAG = re.compile(formats.IMAGE_TAG.pattern)
_DIGEST = re.compile(formats.DIGEST.pattern)


@dataclass(frozen=True)
class ImageVersion:
    """What a release sets: a tag, a digest, or both (then the digest is what runs)."""

    tag: str | None
    digest: str | None

    def __str__(self) -> str:
        return f"{self.tag or ''}{'@' + self.digest if self.digest else ''}"


def parse_image_argument(text: str) -> tuple[str, ImageVersion]:
    """`NAME=TAG`, `NAME=TAG@sha256:<64 hex>` or `NAME=@sha256:<64 hex>`; one-line error otherwise."""
    name, sep, value = text.partition("=")
    if not sep:
        raise OpsError(f"--image {text!r}: expected NAME=TAG or NAME=TAG@sha256:<64 hex>", EXIT_USAGE)
    if name not in RELEASE_IMAGES:
        raise OpsError(f"--image {text!r}: unknown image {name!r} (release images: {', '.join(RELEASE_IMAGES)})", EXIT_USAGE)
    tag, at, digest = value.partition("@")
    if not at and value.startswith("sha256:"):
        tag, digest = "", value
    if tag:
        if tag.lower() == "latest":
            raise OpsError(f"--image {text!r}: 'latest' moves; name a release tag or a digest", EXIT_USAGE)
        if not _TAG.match(tag):
            raise OpsError(f"--image {text!r}: malformed tag {tag!r} ({formats.IMAGE_TAG.description})", EXIT_USAGE)
    if at or digest:
        if not _DIGEST.match(digest):
            raise OpsError(f"--image {text!r}: malformed digest {digest!r} ({formats.DIGEST.description})", EXIT_USAGE)
    if not tag and not digest:
        raise OpsError(f"--image {text!r}: no tag or digest given", EXIT_USAGE)
    return name, ImageVersion(tag or None, digest or None)


def _yaml() -> YAML:
    yaml = YAML()  # round trip
    yaml.preserve_quotes = True
    # The repository's layout: two-space mappings, list dashes indented under their key.
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a long value (a CSP header) that was on one line
    return yaml


class EnvironmentFile:
    """One environments/<env>.yaml, loaded for a round-trip edit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_text()
        self.data: CommentedMap = _yaml().load(self.original) or CommentedMap()

    def _image(self, name: str, create: bool) -> Any:
        node: Any = self.data
        for key in (name, "image"):
            if key not in node:
                if not create:
                    return None
                node[key] = CommentedMap()
            node = node[key]
        return node

    def image(self, name: str) -> ImageVersion:
        """The image as this file sets it (base.yaml may fill what it leaves out)."""
        node = self._image(name, create=False) or {}
        return ImageVersion(node.get("tag"), node.get("digest"))

    def set_image(self, name: str, version: ImageVersion) -> ImageVersion:
        """Sets tag and digest (a tag alone drops an old digest, which would otherwise win); returns the old value."""
        old = self.image(name)
        node = self._image(name, create=True)
        if version.tag is not None:
            node["tag"] = version.tag
        if version.digest is not None:
            node["digest"] = version.digest
        elif "digest" in node:
            del node["digest"]
        return old

    def text(self) -> str:
        out = io.StringIO()
        _yaml().dump(self.data, out)
        return out.getvalue()

    @property
    def changed(self) -> bool:
        return self.text() != self.original

    def write(self) -> None:
        self.path.write_text(self.text())

    def restore(self) -> None:
        self.path.write_text(self.original)
