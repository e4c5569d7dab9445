"""docs/dashboards/*.svg: committed up to date, byte-stable, and drawn from every panel of dist/."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from charts.dashboards import DASHBOARDS
from cluster.build import cached_binary
from ops import dashboard_pictures
from ops.common import DIST, REPO_ROOT
from tests.support.tools import require_tool
from verify import kept_results


@pytest.fixture(autouse=True)
def promtool() -> None:
    """The pictures' values are evaluated by promtool."""
    require_tool(str(cached_binary("promtool")), "python -m cluster.build promtool")


def test_pictures_are_committed_up_to_date() -> None:
    pictures = dashboard_pictures.generate()
    assert sorted(p.name for p in pictures) == ["api.svg", "data.svg", "gitops.svg", "nginx.svg"]
    stale = [str(p.relative_to(REPO_ROOT)) for p, svg in pictures.items() if not p.exists() or p.read_text() != svg]
    assert not stale, f"stale dashboard pictures {stale}: run `make docs` and commit them"


def test_a_picture_is_the_same_bytes_every_time_and_carries_no_date() -> None:
    first, second = dashboard_pictures.render("gitops"), dashboard_pictures.render("gitops")
    assert first == second
    assert "<dc:date>" not in first


def test_each_picture_shows_every_panel_and_the_thresholds_of_staging() -> None:
    for key in DASHBOARDS:
        path = DIST / "staging" / "platform" / f"configmap_backend_flask-platform-dashboard-{key}.yaml"
        (text,) = yaml.safe_load(path.read_text())["data"].values()
        svg = (REPO_ROOT / "docs" / "dashboards" / f"{key}.svg").read_text()
        for panel in json.loads(text)["panels"]:
            assert panel["title"] in svg, (key, panel["title"])
    # staging's monitoring.alerts: error_ratio 0.1, latency_p95_seconds 2; backup_max_age_hours 26.
    assert "threshold 0.1" in (REPO_ROOT / "docs" / "dashboards" / "api.svg").read_text()
    assert "threshold 2" in (REPO_ROOT / "docs" / "dashboards" / "api.svg").read_text()
    assert "threshold 93600" in (REPO_ROOT / "docs" / "dashboards" / "data.svg").read_text()


@pytest.mark.parametrize("target", ["docs", "docs-check"])
def test_make_docs_draws_the_pictures_after_building_promtool(target: str) -> None:
    proc = subprocess.run(["make", "-n", target], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    build = next(i for i, line in enumerate(lines) if "-m cluster.build promtool" in line)
    assert build < next(i for i, line in enumerate(lines) if "-m ops.dashboard_pictures" in line)


def test_check_reports_a_stale_picture(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(dashboard_pictures, "PICTURES", tmp_path)
    monkeypatch.setattr(dashboard_pictures, "REPO_ROOT", tmp_path.parent)
    # Drawn once: this case is about what --check and a write do with the pictures (the cases
    # above check the drawing itself).
    drawn = dashboard_pictures.generate()
    monkeypatch.setattr(dashboard_pictures, "generate", lambda: dict(drawn))
    assert dashboard_pictures.main(["--check"]) == 1
    assert "stale: " in capsys.readouterr().out
    assert dashboard_pictures.main([]) == 0
    assert dashboard_pictures.main(["--check"]) == 0
    (tmp_path / "nginx.svg").write_text("<svg/>")
    assert dashboard_pictures.main(["--check"]) == 1
    assert "nginx.svg" in capsys.readouterr().out


# --- pictures kept by their inputs (verify/kept_results.py) ---------------------------------


def test_a_picture_drawn_before_from_the_same_inputs_is_not_drawn_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(kept_results, "CACHE_ROOT", tmp_path / "cache")
    drawn = dashboard_pictures.kept_render("gitops")

    def no_drawing(key: str, dist=None) -> str:
        raise AssertionError(f"{key} drawn again")

    monkeypatch.setattr(dashboard_pictures, "render", no_drawing)
    assert dashboard_pictures.kept_render("gitops") == drawn


def test_a_picture_whose_series_changed_is_drawn_afresh(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(kept_results, "CACHE_ROOT", tmp_path / "cache")
    series = tmp_path / "series"
    shutil.copytree(dashboard_pictures.SERIES, series)
    monkeypatch.setattr(dashboard_pictures, "SERIES", series)
    before = dashboard_pictures.kept_render("nginx")
    nginx = series / "nginx_test.yaml"
    nginx.write_text(nginx.read_text().replace("values: '7x30'", "values: '9x30'", 1))
    after = dashboard_pictures.kept_render("nginx")
    assert after != before
    assert after == dashboard_pictures.render("nginx")
