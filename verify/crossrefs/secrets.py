"""Secrets: every ExternalSecret has its store, no Secret carries values, each Secret has one owner."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from verify.crossrefs.index import Index, external_secret_target, finding
from verify.findings import Finding


def external_secrets(index: Index) -> Iterator[Finding]:
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    for es in index.of_kind("ExternalSecret"):
        spec = es.body.get("spec") or {}
        store = spec.get("secretStoreRef") or {}
        store_kind = store.get("kind", "SecretStore")
        store_ns = "" if store_kind == "ClusterSecretStore" else es.namespace
        if index.get(store_kind, store_ns, store.get("name", "")) is None:
            yield finding("es-store", es, f"{store_kind} {store.get('name')} is not rendered")
        owners[(es.namespace, external_secret_target(es))].append(es.ref)
    for secret in index.of_kind("Secret"):
        owners[(secret.namespace, secret.name)].append(secret.ref)
        if secret.body.get("data") or secret.body.get("stringData"):
            yield finding(
                "secret-value",
                secret,
                "a Secret with values is rendered; secrets come from the secret store through an ExternalSecret",
            )
    for (ns, name), refs in sorted(owners.items()):
        if len(refs) > 1:
            yield Finding("crossref", "secret-owner", f"Secret {ns}/{name}", "more than one owner: " + ", ".join(sorted(refs)))
