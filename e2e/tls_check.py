"""Which hosts an environment serves, and whether TLS covers each: read from the routing rules, never from the issuer.

The hosts are those of the Ingress rules and of the Gateway API HTTPRoutes in the rendered
output. An Ingress host is covered by a TLS entry of the same Ingress that names it (exactly,
or through a `*.` wildcard one label deep); an HTTPRoute's TLS is on a Gateway listener that
dist/ does not hold, so its hosts are reported as uncovered here. A covered host is then
checked the way a client meets it: a TLS handshake in memory against what the entry's Secret
would serve (its certificate chain and key), the client trusting only the given CA and asking
for that host name.
"""

from __future__ import annotations

import ssl
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Served:
    """One host name a routing rule serves, and the Secret of the TLS entry covering it (None: not covered)."""

    host: str
    source: str  # e.g. "Ingress backend/flask-app"
    namespace: str
    secret: str | None


def _covers(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        label, _, rest = host.partition(".")
        return bool(label) and rest == pattern[2:]
    return pattern == host


def served_hosts(objects: Iterable[dict[str, Any]]) -> list[Served]:
    """Every host of every Ingress rule and HTTPRoute among `objects`, with the TLS Secret that covers it."""
    served = []
    for obj in objects:
        meta, spec = obj["metadata"], obj.get("spec") or {}
        source = f"{obj['kind']} {meta.get('namespace', '')}/{meta['name']}"
        if obj["kind"] == "Ingress":
            entries = [(e.get("secretName"), e.get("hosts") or []) for e in spec.get("tls") or []]
            for rule in spec.get("rules") or []:
                host = rule.get("host") or "*"  # a rule without a host answers any name
                secret = next((name for name, hosts in entries if any(_covers(h, host) for h in hosts)), None)
                served.append(Served(host, source, meta["namespace"], secret))
        elif obj["kind"] == "HTTPRoute":
            served += [Served(host, source, meta["namespace"], None) for host in spec.get("hostnames") or []]
    return served


def uncovered(served: Iterable[Served]) -> list[str]:
    return [f"{s.source}: host {s.host} is covered by no TLS entry" for s in served if s.secret is None]


def handshake_problem(cert_chain_pem: bytes, key_pem: bytes, ca_pem: bytes, host: str) -> str | None:
    """None when a client trusting only `ca_pem` completes a handshake for `host` with this certificate and key."""
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = Path(tmp, "tls.crt"), Path(tmp, "tls.key")
        cert.write_bytes(cert_chain_pem)
        key.write_bytes(key_pem)
        try:
            server.load_cert_chain(cert, key)
        except ssl.SSLError as error:
            return f"the Secret's certificate and key do not load: {error}"
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies the chain and the host name
    client.load_verify_locations(cadata=ca_pem.decode())
    bios = [ssl.MemoryBIO() for _ in range(4)]
    ends = [client.wrap_bio(bios[0], bios[1], server_hostname=host), server.wrap_bio(bios[2], bios[3], server_side=True)]
    done = [False, False]
    for _ in range(10):
        for i, end in enumerate(ends):
            try:
                end.do_handshake()
                done[i] = True
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLCertVerificationError as error:
                return f"{host}: {error.verify_message}"
            except ssl.SSLError as error:
                return f"{host}: {error.reason or error}"
        bios[2].write(bios[1].read())
        bios[0].write(bios[3].read())
        if all(done):
            return None
    return f"{host}: the handshake did not finish"
