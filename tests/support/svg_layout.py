"""Reading back the geometry of an SVG that Graphviz dot wrote: the box of each node (by its
`id`), the box of each cluster, each edge's line as points, and where every text stands."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def around(cls, numbers: list[float]) -> Box:
        xs, ys = numbers[0::2], numbers[1::2]
        return cls(min(xs), min(ys), max(xs), max(ys))

    def overlaps(self, other: Box) -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom

    def holds(self, other: Box) -> bool:
        return self.left <= other.left and other.right <= self.right and self.top <= other.top and other.bottom <= self.bottom

    def has_inside(self, x: float, y: float, margin: float = 0.5) -> bool:
        return self.left + margin < x < self.right - margin and self.top + margin < y < self.bottom - margin


@dataclass
class Shape:
    classes: set[str]
    box: Box
    texts: list[tuple[str, float, float]]  # text, anchor x, baseline y


@dataclass
class Picture:
    shapes: dict[str, Shape] = field(default_factory=dict)  # by id: endpoint, map line, "namespace x"
    clusters: dict[str, Box] = field(default_factory=dict)  # by namespace
    lines: list[tuple[str, str, list[tuple[float, float]], bool]] = field(default_factory=list)  # tail, head, curve, arrow
    words: list[tuple[str, str, Box]] = field(default_factory=list)  # every text drawn: owner, text, where it is

    def of(self, kind: str) -> dict[str, Shape]:
        return {key: shape for key, shape in self.shapes.items() if kind in shape.classes}


def numbers(text: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(text)]


def curve(path: str) -> list[tuple[float, float]]:
    """Points along dot's `M p0 C p1 p2 p3 ...` cubic Bézier path, 20 per segment."""
    values = numbers(path)
    points = list(zip(values[0::2], values[1::2], strict=True))
    samples = []
    for start in range(0, len(points) - 3, 3):
        p0, p1, p2, p3 = points[start : start + 4]
        for step in range(21):
            t = step / 20
            u = 1 - t
            weights = (u**3, 3 * u * u * t, 3 * u * t * t, t**3)
            samples.append(tuple(sum(w * p[axis] for w, p in zip(weights, (p0, p1, p2, p3), strict=True)) for axis in (0, 1)))
    return samples  # type: ignore[return-value]


# Advance widths of Helvetica/Arial glyphs in em (regular, bold), by kind of character, from
# the fonts' published metrics; a text's extent is taken 5% wider than their sum.
NARROW, SLIM, WIDE = set(" .,:;'|!/·il"), set("-()[]ftrjI"), set("mwMW")


def glyph(char: str, bold: bool) -> float:
    if char in NARROW:
        return 0.278
    if char in SLIM:
        return 0.389 if bold else 0.333
    if char in WIDE:
        return 0.889 if bold else 0.833
    if char.isupper():
        return 0.722 if bold else 0.667
    return 0.611 if bold else 0.556  # digits, the other lower case letters, braces


def extent(text: ET.Element) -> Box:
    size, x, y = (float(text.get(key, "0")) for key in ("font-size", "x", "y"))
    bold = text.get("font-weight") == "bold"
    width = 1.05 * size * sum(glyph(char, bold) for char in text.text or "")
    left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor", "start")]
    return Box(left, y - 0.75 * size, left + width, y + 0.2 * size)  # y is the baseline


def outline(group: ET.Element) -> Box:
    shape = next(child for child in group if child.tag in (f"{SVG}path", f"{SVG}polygon"))
    return Box.around(numbers(shape.get("d") or shape.get("points", "")))


def read(svg: str) -> Picture:
    picture, names, edges = Picture(), {}, []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        classes = set(group.get("class", "").split())
        title = group.findtext(f"{SVG}title", "")
        owner = group.get("id", "") if "node" in classes else title
        picture.words += [(owner, t.text or "", extent(t)) for t in group.findall(f"{SVG}text")]
        if "node" in classes:
            texts = [(t.text or "", float(t.get("x", "0")), float(t.get("y", "0"))) for t in group.iter(f"{SVG}text")]
            names[title] = group.get("id", "")
            picture.shapes[names[title]] = Shape(classes, outline(group), texts)
        elif "cluster" in classes:
            picture.clusters[title.removeprefix("cluster_")] = outline(group)
        elif "edge" in classes:
            path = group.find(f"{SVG}path")
            assert path is not None
            edges.append((title, curve(path.get("d", "")), group.find(f"{SVG}polygon") is not None))
    for title, points, arrow in edges:
        tail, _, head = title.partition("->")
        picture.lines.append((names[tail], names[head], points, arrow))
    return picture


def crosses(one: list[tuple[float, float]], other: list[tuple[float, float]]) -> bool:
    """Whether two polylines cross (touching or running along each other is not crossing)."""

    def side(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return any(
        side(c, d, a) * side(c, d, b) < 0 and side(a, b, c) * side(a, b, d) < 0
        for a, b in zip(one, one[1:], strict=False)
        for c, d in zip(other, other[1:], strict=False)
    )
