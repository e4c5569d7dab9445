"""Content-Security-Policy matching, as browsers apply connect-src and its default-src fallback."""

from __future__ import annotations

import pytest

from config import csp

API = "api.example.com"
PAGE = "www.example.com"


@pytest.mark.parametrize(
    ("policy", "allowed"),
    [
        ("connect-src 'self' https://api.example.com", True),
        ("connect-src https://*.example.com", True),
        ("connect-src https://*.api.example.com", False),  # a wildcard never matches the apex
        ("connect-src api.example.com", True),  # the page's scheme
        ("connect-src http://api.example.com", True),  # http: allows the upgrade to https
        ("connect-src https://api.example.com:8443", False),
        ("connect-src https://api.example.com:*", True),
        ("connect-src https:", True),
        ("connect-src *", True),
        ("connect-src 'none'", False),
        ("connect-src 'self'", False),
        ("default-src 'self'", False),  # the fallback applies
        ("default-src https://api.example.com; connect-src 'self'", False),  # connect-src wins
        ("connect-src 'self'; connect-src https://api.example.com", False),  # the first occurrence wins
    ],
)
def test_connect_src_allows_the_api(policy, allowed):
    _, sources = csp.effective(csp.parse(policy), "connect-src")
    assert csp.allows(sources, scheme="https", host=API, page_host=PAGE) is allowed


def test_no_directive_restricts_nothing():
    assert csp.effective(csp.parse("frame-ancestors 'none'"), "connect-src") == (None, [])


def test_self_covers_the_same_host():
    assert csp.allows(["'self'"], scheme="https", host=PAGE, page_host=PAGE)
