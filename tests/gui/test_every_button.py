"""Every button of every page and of every dialog reachable from them, clicked over a demo register as the
admin and as a clerk: no unexpected-error dialog, and no English word in any visible text."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from gui.walker import Walker
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import backup, setup
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.exchange import export
from helpdesk_gui.gui import app as gui_app
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.main_window import PAGES, MainWindow

pytestmark = pytest.mark.usefixtures("own_settings")


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "SCRYPT_N", 2**8)
        db = setup.initialise(paths.db_path(folder), "530122", "演示县总工会", "admin1234")
        admin = auth.get_actor(db, "admin")
        auth.create_user(db, admin, "clerk", "张经办", ["clerk"], "passw0rd1")
        demo.generate(db, auth.SYSTEM, 120, seed=3)
        export.export_batch(db, admin, folder.parent / "sent.xlsx", receiver_code="530100", full=True)
        backup.create(db, folder, "manual")
        db.conn.close()
    return folder


@pytest.mark.parametrize("user", ["admin", "clerk"])
@pytest.mark.parametrize("key", [spec.key for spec in PAGES])
def test_every_button_works_and_speaks_chinese(qtbot, qapp, demo_folder, folder, tmp_path, monkeypatch,
                                               message_boxes, user, key):
    gui_app.make_app()
    shutil.copytree(demo_folder, folder)
    db = dbm.open_db(paths.db_path(folder))
    window = MainWindow(AppContext(folder=folder, db=db, actor=auth.get_actor(db, user)))
    qtbot.addWidget(window)
    window.resize(1360, 820)
    window.show()
    if key not in window.pages:
        pytest.skip(f"{user} does not see {key}")
    out = tmp_path / "out"
    out.mkdir()
    scan = tmp_path / "scan.png"
    QImage(40, 30, QImage.Format.Format_RGB32).save(str(scan))
    walker = Walker(qtbot, monkeypatch, out, message_boxes, people={"admin", "clerk", "system", "zhangsan"},
                    samples={"xlsx": demo_folder.parent / "sent.xlsx", "png": scan, "jpg": scan})
    assert window.show_page(key)
    walker.settle()
    walker.walk(window.pages[key], key)
    walker.read(window, "主窗口")
    assert walker.clicked, "nothing to click"
    assert not walker.crashes, walker.crashes
    assert not walker.english, "\n".join(f"{w} ← {where}" for where, w in walker.english.items())


# ---------------------------------------------------------------- the class of defect, closed by a lint

GUI = Path(__file__).resolve().parents[2] / "src" / "helpdesk_gui" / "gui"
#: signals that pass ``checked`` (a bool) to their slot
CHECKED_SIGNALS = {"clicked", "triggered"}


def _classes() -> dict[str, tuple[ast.ClassDef, str]]:
    found = {}
    for path in GUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                found[node.name] = (node, str(path.relative_to(GUI)))
    return found


def _method(classes: dict[str, tuple[ast.ClassDef, str]], cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    """``name`` as ``cls`` or one of its bases defined in gui/ has it (None: Qt's own, or not found)."""
    for m in cls.body:
        if isinstance(m, ast.FunctionDef) and m.name == name:
            return m
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in classes:
            found = _method(classes, classes[base.id][0], name)
            if found is not None:
                return found
    return None


def test_no_button_passes_its_checked_flag_to_a_method_that_takes_an_argument():
    """``button.clicked.connect(self.save)`` hands ``save`` the bool ``checked``: where ``save(path=None)`` takes a
    path, the click ends in an unexpected error. Such slots are connected through a lambda. A slot on another
    object is judged by every gui method of that name."""
    classes = _classes()
    by_name: dict[str, bool] = {}
    for cls, _path in classes.values():
        for m in cls.body:
            if isinstance(m, ast.FunctionDef):
                by_name[m.name] = by_name.get(m.name, False) or len(m.args.args) > 1
    bad = []
    for cls, path in classes.values():
        for node in ast.walk(cls):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"
                    and isinstance(node.func.value, ast.Attribute) and node.func.value.attr in CHECKED_SIGNALS
                    and node.args and isinstance(node.args[0], ast.Attribute)):
                continue
            slot = node.args[0]
            if isinstance(slot.value, ast.Name) and slot.value.id == "self":
                method = _method(classes, cls, slot.attr)
                takes = method is not None and len(method.args.args) > 1
            else:
                takes = by_name.get(slot.attr, False) and slot.attr != "emit"
            if takes:
                bad.append(f"{path}:{node.lineno} {node.func.value.attr} → {slot.attr}")
    assert not bad, "connect through a lambda:\n" + "\n".join(bad)


def test_file_dialogs_are_asked_in_one_place():
    users = [str(p.relative_to(GUI)) for p in GUI.rglob("*.py")
             if "QFileDialog" in p.read_text(encoding="utf-8") and p.name != "files.py"]
    assert not users, users


def test_a_file_dialog_starts_in_the_documents_folder_then_where_the_clerk_saved_last(qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    from helpdesk_gui.gui.kit import files

    documents = tmp_path / "文档"
    documents.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", staticmethod(lambda _where: str(documents)))
    asked: list[str] = []
    elsewhere = tmp_path / "U盘"
    elsewhere.mkdir()

    def dialog(_parent, _caption, start, _filter):
        asked.append(start)
        return str(elsewhere / "名单.xlsx"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    assert files.save_file(None, "导出到", "档案列表.xlsx", "Excel 工作簿 (*.xlsx)") == elsewhere / "名单.xlsx"
    assert asked[0] == str(documents / "档案列表.xlsx")
    files.save_file(None, "导出到", "花名册.pdf", "PDF 文件 (*.pdf)")
    assert asked[1] == str(elsewhere / "花名册.pdf")
