"""The frozen app finds its read-only files the same way a checkout does (core.paths.resource)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from helpdesk_gui.core.base import paths

ROOT = Path(__file__).resolve().parents[2]


def test_frozen_bundle_root_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "archive.toml").write_text("# frozen copy\n", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resource("forms", "archive.toml") == tmp_path / "forms" / "archive.toml"
    # what the bundle lacks still falls back to the checkout
    assert paths.resource("resources", "icons", "helpdesk.png") == ROOT / "resources" / "icons" / "helpdesk.png"


def test_checkout_finds_forms_fonts_and_icons(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert paths.resource("forms") == ROOT / "forms"
    assert paths.resource("resources", "fonts", "wqy-microhei.ttc").stat().st_size > 1_000_000
    assert paths.resource("resources", "icons", "helpdesk.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    with pytest.raises(FileNotFoundError):
        paths.resource("resources", "icons", "missing.png")


def test_spec_bundles_what_resource_looks_for() -> None:
    spec = (ROOT / "packaging" / "helpdesk.spec").read_text(encoding="utf-8")
    assert '(str(ROOT / "resources"), "resources")' in spec
    assert '(str(ROOT / "forms"), "forms")' in spec
    for name in ('name="helpdesk-gui"', 'name="helpdesk"', "console=False", "console=True", '"QtQml"', '"QtNetwork"'):
        assert name in spec
    assert '"qtbase_zh_CN.qm"' in spec and '"PySide6/Qt/translations"' in spec  # gui/translations.py loads it
    # a desk on the centre's server: core.db.pg reads schema.sql beside itself; psycopg and its libpq
    assert 'collect_data_files("helpdesk_gui", includes=["**/*.sql"])' in spec
    assert 'collect_submodules("psycopg")' in spec and '"psycopg_binary"' in spec
