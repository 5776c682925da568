"""``helpdesk-gui``: builds the application, opens the database, logs in, shows the main window.

The instance lock is taken once and held until the program ends, across 切换用户 (``gui/session.py``); the
exit backup and the checkpoint run once, at that end (``Session.end``).

``--screenshot FILE.png [--page NAME]`` logs in as HELPDESK_USER / HELPDESK_PASSWORD, opens the
page (any key of ``main_window.PAGES``: home, register, ledger, reports … or household:<档案编号>), lets it
load (its background work too), renders it to FILE.png and exits 0; ``--row N`` first selects row N of the page's
list (the audit page then shows that row's details).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QMessageBox, QWidget

from helpdesk_gui import __version__
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import backup
from helpdesk_gui.core.base import logs, netshare, paths
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.base.instance import InstanceLock
from helpdesk_gui.core.db import server
from helpdesk_gui.core.register import households as register
from helpdesk_gui.gui import fonts, translations
from helpdesk_gui.gui.kit import errors
from helpdesk_gui.gui.kit.worker import run_task, with_db
from helpdesk_gui.gui.login import FirstRunDialog, LoginDialog
from helpdesk_gui.gui.main_window import PAGES, MainWindow
from helpdesk_gui.gui.session import Session


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="helpdesk-gui", description="帮扶中心工作台")
    p.add_argument("--data-dir", help="数据文件夹")
    p.add_argument("--database", metavar="URL",
                   help="使用本中心的 PostgreSQL 服务器（postgresql://用户@服务器/数据库；或环境变量 HELPDESK_DATABASE_URL）")
    p.add_argument("--screenshot", metavar="FILE.png", help="登录后把指定页面保存为图片并退出")
    p.add_argument("--page", default="home", help="页面：" + "、".join(spec.key for spec in PAGES)
                   + "，或 household:<档案编号>")
    p.add_argument("--row", type=int, metavar="N", help="截图前选中页面列表的第 N 行（从 1 起，如审计日志的一条）")
    p.add_argument("--version", action="version", version=f"helpdesk-gui {__version__}")
    return p.parse_args(argv)


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("帮扶中心工作台")
    app.setOrganizationName("helpdesk")
    fonts.install(app)
    translations.install(app)
    return app


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collector runs in whichever thread happens to allocate. Closed windows and
    dialogs wait in reference cycles; collected on a worker thread (an export, the home page's counts), Qt
    would delete them there and crash. So automatic collection is off and a timer collects on the GUI thread,
    with Python's own thresholds (the usual remedy in PySide/PyQt programs)."""

    def __init__(self, parent: QObject, interval_ms: int = 500) -> None:
        super().__init__(parent)
        gc.disable()
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        counts, limits = gc.get_count(), self.thresholds
        if counts[0] <= limits[0]:
            return
        generation = 0
        if counts[1] > limits[1]:
            generation = 2 if counts[2] > limits[2] else 1
        gc.collect(generation)


def open_page(window: MainWindow, page: str) -> QWidget:
    """Show a page by name; returns the widget to render."""
    if page.startswith("household:"):
        archive_no = page.split(":", 1)[1]
        hid = register.household_id_by_archive(window.ctx.db, archive_no)
        editor = window.open_household(hid)
        if editor is None:
            raise HelpdeskError(f"无法打开档案 {archive_no}")
        return editor
    if not window.show_page(page):
        raise HelpdeskError(f"没有页面“{page}”，或当前用户无权查看。")
    return window


def settle(window: MainWindow, timeout_s: float = 60.0) -> bool:
    """Process events until the current page's load has finished, its worker threads too (the home page's
    counts, a report). False if it is still busy after ``timeout_s``."""
    pool = QThreadPool.globalInstance()
    page = window.pages.built.get(window.current_page_key())
    deadline = time.monotonic() + timeout_s
    while True:
        pool.waitForDone(50)
        for _ in range(5):
            QApplication.processEvents()
        if not (page is not None and page.busy()) and pool.activeThreadCount() == 0:
            return True
        if time.monotonic() > deadline:
            return False


def select_row(widget: QWidget, row: int) -> None:
    """Make row ``row`` (from 1) of the first visible list of ``widget`` current (its details then show)."""
    for view in widget.findChildren(QAbstractItemView):
        model = view.model()
        if view.isVisible() and model is not None and model.rowCount() >= row:
            view.setCurrentIndex(model.index(row - 1, 0))
            view.scrollTo(model.index(row - 1, 0))
            return
    raise HelpdeskError(f"页面上没有第 {row} 行")


def screenshot(window: MainWindow, page: str, target: Path, row: int | None = None) -> None:
    widget = open_page(window, page)
    window.resize(1360, 820)
    window.show()
    if widget is not window:
        widget.resize(1180, 720)
        widget.show()
    for _ in range(5):
        QApplication.processEvents()
    settle(window)
    if row is not None:
        select_row(window.pages.built.get(window.current_page_key()) or widget if widget is window else widget, row)
        settle(window)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(target)):
        raise HelpdeskError(f"无法保存图片 {target}")


def _tell(args: argparse.Namespace, title: str, text: str, status: int) -> int:
    """Why the program stops before its window: a dialog, or a line on stderr for ``--screenshot``."""
    if args.screenshot:
        sys.stderr.write(text + "\n")
    elif status:
        QMessageBox.critical(None, title, text)
    else:
        QMessageBox.warning(None, title, text)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    folder = paths.data_dir(args.data_dir)
    logs.configure(folder)
    app = make_app()
    GuiThreadCollector(app)
    errors.install_excepthook()
    path = paths.db_path(folder)
    try:
        on_server = server.chosen(folder, args.database) is not None
    except HelpdeskError as e:
        return _tell(args, "无法打开数据库", str(e), 2)
    lock = InstanceLock(folder)
    readonly = False
    there = on_server or path.exists()
    if there and lock.acquire():
        backup.remove_stale_parts(folder)     # a backup killed last time left its half-written copy
    elif on_server:   # this desk's own folder is in use: one program per desk, the others are other desks
        holder = lock.holder()
        return _tell(args, "数据正在使用", f"这台电脑上的工作台已经打开（{holder.describe() if holder else '另一个程序'}）。", 0)
    elif path.exists():
        readonly = True
        holder = lock.holder()
        who = holder.describe() if holder else "另一个程序"
        if not args.screenshot:
            box = QMessageBox(QMessageBox.Icon.Warning, "数据正在使用",
                              f"这个数据文件夹正被 {who} 使用。\n同一份数据同时只能由一个程序修改。")
            ro = box.addButton("以只读方式打开", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("退出", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is not ro:
                return 0
    adopt_after_login = False
    try:
        if not there:
            if args.screenshot:
                sys.stderr.write(f"数据文件夹 {folder} 中没有数据库。\n")
                return 2
            first = FirstRunDialog(path)
            first.exec()
            if first.db is None:   # closed before the database was created
                return 0
            db = first.db
            adopt_after_login = first.adopt_requested
            lock.acquire()
        else:
            db = dbm.open_register(folder, args.database, readonly=readonly)
    except HelpdeskError as e:
        return _tell(args, "无法打开数据库", str(e), 2)
    union = dbm.get_meta(db, "union_name")
    if args.screenshot:
        try:
            actor = auth.login(db, os.environ.get("HELPDESK_USER", ""), os.environ.get("HELPDESK_PASSWORD", ""))
        except HelpdeskError as e:
            sys.stderr.write(f"登录失败：{e}（请设置 HELPDESK_USER 和 HELPDESK_PASSWORD）\n")
            return 1
    else:
        login = LoginDialog(db, union)
        if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
            return 0
        actor = login.actor
    session = Session(folder, db, readonly=readonly)
    window = session.start(actor)
    if args.screenshot:
        try:
            screenshot(window, args.page, Path(args.screenshot), args.row)
        except HelpdeskError as e:
            sys.stderr.write(str(e) + "\n")
            return 1
        return 0
    window.show()
    QTimer.singleShot(0, window.raise_)
    QTimer.singleShot(500, window, lambda: start_checks(window))   # not if a switch has deleted it by then
    if adopt_after_login:
        QTimer.singleShot(0, window, lambda: open_adopt(window))
    session.ended.connect(app.quit)   # the login after 切换用户 cancelled
    code = app.exec()
    QThreadPool.globalInstance().waitForDone(30_000)  # a running backup or export finishes first
    session.end()
    lock.release()
    return code


def open_adopt(window: MainWindow) -> QWidget | None:
    """导入已有档案… chosen when the database was created: the 数据交换 page with the 建库导入 wizard open."""
    if not window.show_page("exchange"):
        return None
    page = window.pages["exchange"]
    opener = getattr(page, "open_adopt", None)
    return opener() if opener is not None else None


def start_checks(window: MainWindow) -> None:
    """After the window shows: warn about a network share, take today's backup in the background."""
    ctx = window.ctx
    share = netshare.warning(ctx.folder)
    if share:
        QMessageBox.warning(window, "数据文件夹位置不安全", share)
    if ctx.readonly or dbm.on_server(ctx.db) or backup.has_backup_today(ctx.folder):
        return

    run_task(window, "正在进行每日备份…",
             with_db(ctx, lambda db, progress, _c: backup.create(db, ctx.folder, "daily", progress=progress)),
             lambda made: window.statusBar().showMessage(f"今日备份已完成：{made.path.name}", 8000))


if __name__ == "__main__":
    raise SystemExit(main())
