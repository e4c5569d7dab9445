"""A minimal nginx config parser: the directive tree, where each directive sits in the text,
and nginx's add_header inheritance, so tests can read and edit a config without running nginx.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

BLOCKS_WITH_HEADERS = ("http", "server", "location", "if")


@dataclass
class Node:
    name: str
    args: list[str]
    children: list[Node] | None = None  # None for a simple directive
    start: int = 0  # offset of the directive's name in the text
    end: int = 0  # offset of its `;` (simple directive) or `{` (block)

    @property
    def head(self) -> str:
        return " ".join([self.name, *self.args])


def _tokens(text: str) -> Iterator[tuple[str, int]]:
    """Words and the characters `{`, `}`, `;`, each with its offset in `text`."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c in "{};":
            yield c, i
            i += 1
        elif c in "\"'":
            j = i + 1
            out = []
            while text[j] != c:
                if text[j] == "\\":
                    j += 1
                out.append(text[j])
                j += 1
            yield "\0" + "".join(out), i  # marks a quoted word, so it is never a brace or `;`
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "{};":
                j += 1
            yield text[i:j], i
            i = j


def parse_nginx_conf(text: str) -> list[Node]:
    stack: list[list[Node]] = [[]]
    words: list[tuple[str, int]] = []
    for token, offset in _tokens(text):
        if token in ("{", ";"):
            assert words, f"empty directive at offset {offset}"
            name, *args = [w.lstrip("\0") for w, _ in words]
            node = Node(name, args, [] if token == "{" else None, start=words[0][1], end=offset)
            stack[-1].append(node)
            if token == "{":
                stack.append(node.children)  # type: ignore[arg-type]
            words = []
        elif token == "}":
            assert not words, f"unterminated directive {words!r}"
            stack.pop()
        else:
            words.append((token, offset))
    assert len(stack) == 1 and not words, "unbalanced braces"
    return stack[0]


def walk(nodes: Iterable[Node], context: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Node]]:
    """Every directive in file order, with the heads of the blocks around it."""
    for node in nodes:
        yield context, node
        if node.children is not None:
            yield from walk(node.children, (*context, node.head))


def directives(text: str, name: str) -> list[list[str]]:
    """Arguments of every simple (non-block) directive called `name`, in file order."""
    return [node.args for _, node in walk(parse_nginx_conf(text)) if node.name == name and node.children is None]


def header_gaps(text: str, required: Iterable[str]) -> list[str]:
    """Contexts whose effective add_header set (nginx inheritance rules) misses a required
    header or sends it without `always`. Empty means every response gets every header."""
    wanted = {name.lower() for name in required}
    gaps: list[str] = []

    def own_headers(node: Node) -> dict[str, bool] | None:
        declared = [c for c in node.children or [] if c.name == "add_header"]
        if not declared:
            return None  # inherits the parent's set unchanged
        return {d.args[0].lower(): "always" in d.args[2:] for d in declared}

    def visit(node: Node, inherited: dict[str, bool]) -> None:
        effective = own_headers(node)
        if effective is None:
            effective = inherited
        if node.name in ("server", "location", "if"):
            missing = sorted(h for h in wanted if not effective.get(h))
            if missing:
                gaps.append(f"{node.head}: missing or not 'always': {', '.join(missing)}")
        for child in node.children or []:
            if child.children is not None and child.name in BLOCKS_WITH_HEADERS:
                visit(child, effective)

    for top in parse_nginx_conf(text):
        if top.children is not None and top.name == "http":
            visit(top, {})
    return gaps


@dataclass(frozen=True)
class Change:
    """One directive that differs between two configs of the same shape."""

    context: str  # the enclosing block's name ('' at the top), e.g. 'upstream'
    name: str
    before: str  # the directive as `name args...`, '' where one side has none
    after: str


def _shape(entry: tuple[tuple[str, ...], Node]) -> tuple:
    context, node = entry
    return (context, node.name, tuple(node.args), node.children is None)


def _change(entry: tuple[tuple[str, ...], Node], before: str, after: str) -> Change:
    context, node = entry
    return Change(context[-1].split()[0] if context else "", node.name, before, after)


def config_changes(before: str, after: str) -> list[Change]:
    """Directives that differ, aligned as `diff` aligns lines: a changed directive is one
    Change with both sides, an added or removed one has '' on the other side."""
    left, right = list(walk(parse_nginx_conf(before))), list(walk(parse_nginx_conf(after)))
    matcher = difflib.SequenceMatcher(a=[_shape(e) for e in left], b=[_shape(e) for e in right], autojunk=False)
    changes: list[Change] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(a1 - a0, b1 - b0) if op == "replace" else 0
        for i in range(paired):
            changes.append(_change(left[a0 + i], left[a0 + i][1].head, right[b0 + i][1].head))
        changes.extend(_change(e, e[1].head, "") for e in left[a0 + paired : a1])
        changes.extend(_change(e, "", e[1].head) for e in right[b0 + paired : b1])
    return changes
