"""A clerk who clicks everything: every enabled button and menu entry of a page, on every tab, with the first
row of every list selected, and in every dialog that opens on the way (to a bounded depth). File dialogs are
answered with a file in the test's folder (save) or cancelled (open); modal dialogs are walked, then closed.

What it gathers: the unexpected-error dialogs (``程序遇到意外错误``) and every visible text with a Latin word
that is not on the allow-list (a clerk reads Chinese; PDF, Excel, ID and key names are fine)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTabBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

#: Latin words a Chinese clerk meets on purpose: file kinds, key names, the ID in 身份证 ID
ALLOWED = {"PDF", "Excel", "ID", "xlsx", "XLSX", "CSV", "csv", "pdf", "Ctrl", "Shift", "Alt", "Del", "Esc",
           "Enter", "Tab", "Home", "End", "PgUp", "PgDown", "Backspace", "Delete", "Space", "Up", "Down",
           "Left", "Right", "Ins", "Return", "SQLite", "WAL", "HMAC", "SHA", "KB", "MB", "GB"}
LATIN = re.compile(r"(?<![A-Za-z0-9_.@/\\-])[A-Za-z]{2,}(?![A-Za-z0-9_@/\\-]|\.\w)")
#: buttons that end the session: their own tests drive them
SKIP = re.compile(r"退出|锁定|切换用户|注销登录")
LATER = re.compile(r"上一步|关闭|取消|返回")
LAST = re.compile(r"恢复")
AGAIN = re.compile(r"下一步")


class Walker:
    def __init__(self, qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, message_boxes: list,
                 *, depth: int = 2, people: set[str] = frozenset(), samples: dict[str, Path] | None = None) -> None:
        self.qtbot = qtbot
        self.tmp = tmp_path
        self.boxes = message_boxes
        self.depth = depth
        self.people = set(people)      # user names shown in the status bar are data, not words
        self.samples = samples or {}   # what an open-file dialog answers, by suffix (others: cancelled)
        self.english: dict[str, str] = {}
        self.clicked: list[str] = []
        self.dialogs: list[str] = []
        self.crashes: list[str] = []       # where an unexpected-error dialog came up
        self._kept: list[QWidget | QAction] = []
        self._done: set[int] = set()
        self._times: dict[int, int] = {}
        self._level = 0
        self._n = 0
        self._patch(monkeypatch)

    # ---------------------------------------------------------------- the world around the window

    def _patch(self, mp: pytest.MonkeyPatch) -> None:
        walker = self

        def save_name(_parent=None, _caption="", _dir="", filter="", *a, **k):  # noqa: A002
            m = re.search(r"\*(\.\w+)", filter or k.get("filter", ""))
            walker._n += 1
            return str(walker.tmp / f"out{walker._n}{m.group(1) if m else '.pdf'}"), ""

        def folder(*_a, **_k):
            walker._n += 1
            path = walker.tmp / f"dir{walker._n}"
            path.mkdir()
            return str(path)

        mp.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
        def open_name(_parent=None, _caption="", _dir="", filter="", *a, **k):  # noqa: A002
            wanted = re.findall(r"\*\.(\w+)", filter or k.get("filter", ""))
            for suffix in wanted:
                if suffix in walker.samples:
                    return str(walker.samples[suffix]), ""
            return "", ""

        mp.setattr(QFileDialog, "getOpenFileName", staticmethod(open_name))
        mp.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
        mp.setattr(QFileDialog, "getExistingDirectory", staticmethod(folder))
        for name in ("getText", "getMultiLineText", "getItem"):
            mp.setattr(QInputDialog, name, staticmethod(lambda *a, **k: ("", False)))
        for name in ("getInt", "getDouble"):
            mp.setattr(QInputDialog, name, staticmethod(lambda *a, **k: (0, False)))
        mp.setattr(QDesktopServices, "openUrl", staticmethod(lambda *_a: True))
        mp.setattr(QMenu, "exec", lambda *_a, **_k: None)
        mp.setattr(QMenu, "popup", lambda *_a, **_k: None)

        def fake_exec(dialog: QDialog) -> int:
            walker.dialogs.append(type(dialog).__name__)
            if isinstance(dialog, QMessageBox):
                walker.read(dialog, f"对话框 {dialog.windowTitle()}")
                return int(QMessageBox.StandardButton.Ok)
            if walker._level < walker.depth and not isinstance(dialog, QPrintDialog | QFileDialog):
                dialog.show()
                walker.walk(dialog, f"对话框 {type(dialog).__name__}")
            if dialog.isVisible():
                dialog.reject()
            return int(QDialog.DialogCode.Rejected)

        for cls in (QDialog, QMessageBox, QPrintDialog, QPrintPreviewDialog):
            mp.setattr(cls, "exec", fake_exec)
        mp.setattr(QDialog, "open", lambda d: d.show())

    # ---------------------------------------------------------------- reading

    def read(self, root: QWidget, where: str) -> None:
        """Every visible text a clerk reads under ``root``; Latin words not allowed are kept with the place."""
        if not shiboken6.isValid(root):
            return
        for w in [root, *root.findChildren(QWidget)]:
            if not w.isVisible():
                continue
            texts: list[str] = []
            if w.isWindow():
                texts.append(w.windowTitle())
            if isinstance(w, QLabel | QAbstractButton):
                texts.append(w.text())
            if isinstance(w, QGroupBox):
                texts.append(w.title())
            if isinstance(w, QLineEdit):
                texts.append(w.placeholderText())
            if isinstance(w, QTabBar):
                texts += [w.tabText(i) for i in range(w.count())]
            if isinstance(w, QHeaderView) and w.model() is not None:
                texts += [str(w.model().headerData(i, w.orientation()) or "") for i in range(w.count())]
            if isinstance(w, QComboBox) and not w.isEditable():
                texts += [w.itemText(i) for i in range(min(w.count(), 60))]
            for text in texts:
                self._check(text, f"{where} › {type(w).__name__} {w.objectName()}".strip())

    def _check(self, text: str, where: str) -> None:
        plain = re.sub(r"<[^>]+>|&\w+;|&(?=\w)", "", text or "")      # rich text tags, entities, mnemonics
        for word in LATIN.findall(plain):
            if word not in ALLOWED and word not in self.people and not re.fullmatch(r"F\d+", word):
                self.english.setdefault(f"{where}: {plain.strip()[:60]!r}", word)

    # ---------------------------------------------------------------- clicking

    def settle(self) -> None:
        pool = QThreadPool.globalInstance()
        self.qtbot.waitUntil(lambda: pool.activeThreadCount() == 0, timeout=30_000)
        self.qtbot.wait(10)

    def unexpected(self) -> list[tuple[str, str, str]]:
        return [b for b in self.boxes if b[0] == "critical" and "意外" in b[1]]

    def walk(self, root: QWidget, where: str) -> None:
        """Every tab of every tab widget under ``root``, and on each every button and menu entry."""
        self._level += 1
        try:
            self.read(root, where)
            for tabs in self._visible(root, QTabWidget):
                for i in range(tabs.count() if shiboken6.isValid(tabs) else 0):
                    if shiboken6.isValid(tabs) and tabs.isVisible() and tabs.isTabEnabled(i):
                        tabs.setCurrentIndex(i)
                        self.settle()
                        self._click_all(root, f"{where} › {tabs.tabText(i)}", tabs.widget(i))
            self._click_all(root, where)
        finally:
            self._level -= 1

    def _click_all(self, root: QWidget, where: str, scope: QWidget | None = None) -> None:
        """The buttons under ``scope`` (a tab's page; all of ``root`` by default), one after the other."""
        if not shiboken6.isValid(root):
            return
        self._select_first_rows(root)
        while shiboken6.isValid(scope or root) and (button := self._next(scope or root)) is not None:
            label = f"{where} › {button.text() or button.toolTip() or button.objectName()}"
            if button.menu() is not None:
                menu = button.menu()
                menu.aboutToShow.emit()
                for action in self._fresh(a for a in menu.actions() if a.isEnabled() and not a.isSeparator()
                                          and not a.menu()):
                    self._do(lambda a=action: a.trigger(), f"{label} › {action.text()}", root)
            else:
                self._do(button.click, label, root)
            if not shiboken6.isValid(root) or (root.isWindow() and not root.isVisible()):
                return

    def _do(self, act: Callable[[], object], label: str, root: QWidget) -> None:
        before = set(map(id, QApplication.topLevelWidgets()))
        self.clicked.append(label)
        n = len(self.unexpected())
        act()
        self.settle()
        if len(self.unexpected()) > n:
            self.crashes.append(label)
        for w in QApplication.topLevelWidgets():
            if id(w) not in before and shiboken6.isValid(w) and w.isVisible() and w is not root and not isinstance(w, QMenu):
                self._kept.append(w)
                if self._level < self.depth:
                    self.walk(w, f"窗口 {w.windowTitle() or type(w).__name__}")
                if shiboken6.isValid(w):
                    w.close()
                self.settle()
        if shiboken6.isValid(root):
            self._select_first_rows(root)

    def _next(self, root: QWidget) -> QAbstractButton | None:
        """The next button not clicked yet; going back, closing and restoring come last, so a wizard's
        second page is walked before it is left and the window before a restore closes it."""
        waiting = []
        for b in self._visible(root, QAbstractButton):
            again = AGAIN.search(b.text()) and self._times.get(id(b), 0) < 6    # a wizard's 下一步
            if (id(b) in self._done and not again) or not b.isEnabled() or isinstance(b, QCheckBox | QRadioButton):
                continue
            if SKIP.search(b.text()) or not isinstance(b, QPushButton | QToolButton):
                continue
            waiting.append((2 if LAST.search(b.text()) else 1 if LATER.search(b.text()) else 0, len(waiting), b))
        if not waiting:
            return None
        b = min(waiting, key=lambda w: w[:2])[2]
        self._done.add(id(b))
        self._times[id(b)] = self._times.get(id(b), 0) + 1
        self._kept.append(b)             # so an id is never reused by a new object
        return b

    def _fresh(self, items) -> Iterator:
        for item in list(items):
            if id(item) in self._done:
                continue
            self._done.add(id(item))
            self._kept.append(item)          # so an id is never reused by a new object
            yield item

    @staticmethod
    def _visible(root: QWidget, kind: type) -> list:
        return [w for w in root.findChildren(kind)
                if shiboken6.isValid(w) and w.isVisible() and w.window() is root.window()]

    def _select_first_rows(self, root: QWidget) -> None:
        for view in self._visible(root, QAbstractItemView):
            model = view.model()
            if model is not None and model.rowCount() > 0 and not view.selectionModel().hasSelection():
                view.setCurrentIndex(model.index(0, 0))


@contextmanager
def no_dialog_left() -> Iterator[None]:
    yield
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QDialog) and w.isVisible():
            w.close()
