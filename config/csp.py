"""Just enough of Content-Security-Policy to answer: may this page fetch from that host?

The rules are those of CSP Level 3 for `connect-src`: a directive missing from the policy falls
back to `default-src`; `*`, scheme sources (`https:`), host sources with an optional scheme,
`*.` wildcard and port, and `'self'` can allow a URL; `'none'` allows nothing.
"""

from __future__ import annotations

FALLBACK = "default-src"


def parse(policy: str) -> dict[str, list[str]]:
    """directive name -> source list; the first occurrence of a directive wins, as in browsers."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        tokens = part.split()
        if tokens:
            directives.setdefault(tokens[0].lower(), tokens[1:])
    return directives


def effective(policy: dict[str, list[str]], directive: str) -> tuple[str | None, list[str]]:
    """(directive that applies, its sources); (None, []) when nothing restricts."""
    for name in (directive, FALLBACK):
        if name in policy:
            return name, policy[name]
    return None, []


def _scheme_matches(source_scheme: str, scheme: str) -> bool:
    # http: also allows https (an upgrade), never the reverse.
    return source_scheme == scheme or (source_scheme == "http" and scheme == "https")


def _host_matches(pattern: str, host: str) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return pattern == host


def _source_allows(source: str, *, scheme: str, host: str, page_host: str) -> bool:
    lowered = source.lower()
    if lowered == "'self'":
        return host == page_host
    if lowered == "*":
        return True
    if lowered.startswith("'"):
        return False  # 'none', nonces, hashes and the other keywords allow no host
    if lowered.endswith(":") and "/" not in lowered:
        return _scheme_matches(lowered[:-1], scheme)
    source_scheme, sep, rest = lowered.partition("://")
    if not sep:
        source_scheme, rest = scheme, lowered
    if not _scheme_matches(source_scheme, scheme):
        return False
    authority = rest.split("/", 1)[0]
    source_host, _, port = authority.partition(":")
    if port and port != "*" and port != {"https": "443", "http": "80"}[scheme]:
        return False
    return _host_matches(source_host, host)


def allows(sources: list[str], *, scheme: str, host: str, page_host: str) -> bool:
    return any(_source_allows(s, scheme=scheme, host=host, page_host=page_host) for s in sources)
