"""The pinned CA bundles of external databases (database/ca/) are what SOURCES.md records,
hold CA certificates only, and reach dist/ byte for byte."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from cryptography import x509

from charts import names
from config.external_database import CA_BUNDLES_DIR
from config.loader import load_all
from constructs.external_database import CA_SHA256_ANNOTATION
from manifests import DIST, load_env
from tests.support import pinned_sources

ROW = re.compile(r"^\| (?P<file>[\w.-]+\.pem) \| (?P<source>https://\S+) .*\| (?P<sha256>[0-9a-f]{64}) \|$")


def test_every_bundle_matches_its_recorded_sha256() -> None:
    assert pinned_sources.recorded(CA_BUNDLES_DIR, ROW), "SOURCES.md has no rows"
    assert pinned_sources.mismatches(CA_BUNDLES_DIR, ROW, "*.pem") == []


def test_a_changed_or_unrecorded_bundle_is_found(tmp_path: Path) -> None:
    folder = tmp_path / "ca"
    shutil.copytree(CA_BUNDLES_DIR, folder)
    bundle = next(folder.glob("*.pem"))
    bundle.write_bytes(bundle.read_bytes().replace(b"MII", b"MIJ", 1))
    (folder / "extra.pem").write_bytes(bundle.read_bytes())
    problems = pinned_sources.mismatches(folder, ROW, "*.pem")
    assert any(p.startswith(f"{bundle.name}: sha256") for p in problems), problems
    assert "extra.pem: no row in SOURCES.md" in problems


def test_every_bundle_holds_ca_certificates_only() -> None:
    for bundle in CA_BUNDLES_DIR.glob("*.pem"):
        text = bundle.read_bytes()
        certificates = x509.load_pem_x509_certificates(text)
        # Nothing but certificates: every PEM block is one of them.
        assert text.count(b"-----BEGIN ") == len(certificates) > 0, bundle.name
        for cert in certificates:
            assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca, (bundle.name, cert.subject)


def test_external_environments_render_their_bundle_byte_for_byte() -> None:
    external = [env for env in load_all() if env.database.mode == "external"]
    assert external, "no environment uses an external database"
    for env in external:
        assert env.database.external is not None
        pinned = CA_BUNDLES_DIR / env.database.external.ca_bundle
        (config_map,) = [
            m for m in load_env(DIST / env.name / names.BACKEND_APP) if m.kind == "ConfigMap" and m.name == f"{names.DATABASE}-ca"
        ]
        assert config_map.body["data"] == {pinned.name: pinned.read_text()}
        recorded = pinned_sources.recorded(CA_BUNDLES_DIR, ROW)[pinned.name]["sha256"]
        assert config_map.metadata["annotations"][CA_SHA256_ANNOTATION] == recorded
