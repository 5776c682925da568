"""Backups for the admin: the list (date, kind, size, counts), back up now, restore, a second folder."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.admin import backup, retention, settings
from helpdesk_gui.core.base.netshare import warning as network_warning
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.worker import Task, run_task, with_db
from helpdesk_gui.gui.page import Page


class BackupPage(Page):
    """``restored`` (every page has it): the database was replaced, the program must close."""

    # the archives past their retention period
    listens_to = ("household_saved", "households_changed", "batch_imported")
    #: the row counts of the listed backups are filled in (each file is opened on a worker thread)
    counted = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._counting = 0                                         # which listing the last count is for
        self._stop_counting: Callable[[], None] | None = None      # cancels that count
        self._counted_paths: list[Path] = []                       # the listing it counts
        title = QLabel(self.tr("数据备份"))
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        note = QLabel(self.tr("程序每天第一次启动和每次退出时自动备份，导入和恢复前也会先备份。自动备份最近 7 天每天保留"
                              "两份：当天第一份（当天工作开始前的数据）和当天最新一份；更早的按周保留 4 份、按月保留 12 份。"
                              "备份用 SQLite 联机备份并做完整性校验。"))
        note.setWordWrap(True)
        self.share_warning = QLabel(network_warning(ctx.folder))
        self.share_warning.setStyleSheet("color: #b00020;")
        self.share_warning.setWordWrap(True)
        self.share_warning.setVisible(bool(self.share_warning.text()))
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([self.tr("时间"), self.tr("类型"), self.tr("大小"), self.tr("档案户数"),
                                              self.tr("家庭成员"), self.tr("文件")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, width in enumerate((150, 170, 90, 90, 90)):
            self.table.setColumnWidth(i, width)
        self.backup_button = QPushButton(self.tr("立即备份"))
        self.restore_button = QPushButton(self.tr("从所选备份恢复…"))
        self.restore_file_button = QPushButton(self.tr("从文件恢复…"))
        self.open_button = QPushButton(self.tr("打开备份文件夹"))
        buttons = QHBoxLayout()
        for b in (self.backup_button, self.restore_button, self.restore_file_button, self.open_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.copy_dir = QLineEdit(str(settings.get(ctx.db, "backup_copy_dir") or ""))
        self.copy_dir.setPlaceholderText(self.tr("留空则不复制"))
        choose = QPushButton(self.tr("选择…"))
        save_copy = QPushButton(self.tr("保存"))
        copy_row = QHBoxLayout()
        copy_row.addWidget(QLabel(self.tr("同时复制到（U 盘、移动硬盘）：")))
        copy_row.addWidget(self.copy_dir, 1)
        copy_row.addWidget(choose)
        copy_row.addWidget(save_copy)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addWidget(self.share_warning)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addLayout(copy_row)
        self.retention_label = QLabel()
        self.purge_button = QPushButton(self.tr("清除这些档案的个人信息…"))
        self.purge_button.setEnabled(not ctx.readonly and ctx.actor.can("settings.edit"))
        retention_row = QHBoxLayout()
        retention_row.addWidget(self.retention_label, 1)
        retention_row.addWidget(self.purge_button)
        layout.addLayout(retention_row)
        self.purge_button.clicked.connect(lambda: self.purge())
        self.backup_button.clicked.connect(lambda: self.backup_now())
        self.restore_button.clicked.connect(lambda: self.restore_selected())
        self.restore_file_button.clicked.connect(lambda: self.restore_file())
        self.open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(backup.backups_dir(ctx.folder)))))
        choose.clicked.connect(self._choose_dir)
        save_copy.clicked.connect(lambda: guarded(self, self.save_copy_dir))
        writable = not ctx.readonly
        for b in (self.backup_button, self.restore_button, self.restore_file_button, save_copy):
            b.setEnabled(writable)
        self.refresh()
        self.loaded_now()

    def busy(self) -> bool:
        return self._stop_counting is not None

    def refresh(self) -> None:
        self.due = guarded(self, retention.due, self.ctx.db) or []
        years = settings.get(self.ctx.db, "retention_years")
        self.retention_label.setText(self.tr("保存期限：脱困或注销满 {y} 年的档案应清除个人信息（帮扶记录保留）。"
                                             "现有 {n} 户已到期。").format(y=years, n=f"{len(self.due):,}"))
        self.purge_button.setVisible(bool(self.due))
        items = backup.list_backups(self.ctx.folder)
        paths = [b.path for b in items]
        if self._stop_counting is not None and paths == self._counted_paths:
            return  # the same backups are being counted: that count fills the table shown
        self.paths = paths
        self.table.setRowCount(len(items))
        for r, b in enumerate(items):
            values = [local_time(b.created), b.label, f"{b.size / 1_048_576:.1f} MB",
                      "…", "…", b.path.name]
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(v))
        self._count(list(self.paths))

    def _count(self, paths: list[Path]) -> Task | None:
        """Open each backup (read-only) on a worker thread and count its archives and members."""
        self._counted_paths = paths
        if self._stop_counting is not None:
            self._stop_counting()  # an older listing's count: its answer is no longer wanted
            self._stop_counting = None
        self._counting += 1
        if not paths:
            return None

        def job(_progress, cancelled):  # type: ignore[no-untyped-def]
            found: dict[Path, dict[str, int] | None] = {}
            for path in paths:
                if cancelled():
                    break
                try:
                    found[path] = backup.counts(path)
                except (OSError, sqlite3.Error):  # removed meanwhile, or not a database: shown as —
                    found[path] = None
            return found

        listing = self._counting
        task = run_task(self, self.tr("正在统计备份…"), job, lambda found: self._show_counts(listing, paths, found),
                        on_failed=lambda _e: self._count_ended(listing), quiet=True)
        self._stop_counting = task.job.cancel_event.set
        return task

    def _count_ended(self, listing: int) -> None:
        if listing == self._counting:
            self._stop_counting = None

    def _show_counts(self, listing: int, paths: list[Path], found: dict[Path, dict[str, int] | None]) -> None:
        if listing != self._counting or paths != self.paths:
            return
        self._stop_counting = None
        for r, path in enumerate(paths):
            counts = found.get(path)
            for c, key in ((3, "households"), (4, "members")):
                self.table.setItem(r, c, QTableWidgetItem("—" if counts is None else f"{counts.get(key, 0):,}"))
        self.counted.emit()

    def backup_now(self) -> Task:
        folder = self.ctx.folder

        return run_task(self, self.tr("正在备份…"),
                        with_db(self.ctx, lambda db, progress, _c: backup.create(db, folder, "manual", progress=progress)),
                        lambda _r: self.refresh())

    def purge(self) -> int:
        if not self.due:
            return 0
        answer = QMessageBox.question(
            self, self.tr("确认清除"),
            self.tr("将清除 {n} 户已过保存期限档案的姓名、身份证号、联系方式、地址、银行账号、家庭成员和附件，"
                    "只保留档案编号、类别和帮扶记录。此操作不能撤销（恢复备份除外）。继续吗？").format(n=f"{len(self.due):,}"))
        if answer != QMessageBox.StandardButton.Yes:
            return 0
        done = guarded(self, retention.deidentify, self.ctx.db, self.ctx.actor, [int(r["id"]) for r in self.due],
                       self.ctx.folder) or 0
        if done:
            self.ctx.events.tell(self, "households_changed")
        self.refresh()
        return int(done)

    def save_copy_dir(self) -> None:
        value = self.copy_dir.text().strip()
        backup.set_copy_dir(self.ctx.db, self.ctx.actor, value)
        self.ctx.events.tell(self, "settings_changed")
        QMessageBox.information(self, self.tr("已保存"), self.tr("以后的备份会同时复制到：{d}").format(d=value or "（不复制）"))

    def _choose_dir(self) -> None:
        chosen = files.choose_folder(self, self.tr("选择第二个备份位置"))
        if chosen is not None:
            self.copy_dir.setText(str(chosen))

    def restore_selected(self) -> bool:
        r = self.table.currentRow()
        if r < 0:
            QMessageBox.information(self, self.tr("恢复"), self.tr("请先在列表中选择一个备份。"))
            return False
        return self.restore_from(self.paths[r])

    def restore_file(self) -> bool:
        path = files.open_file(self, self.tr("选择备份文件"), self.tr("数据库备份 (*.db)"))
        return path is not None and self.restore_from(path)

    def restore_from(self, source: Path) -> bool:
        self.ctx.actor.require("backup.manage")
        answer = QMessageBox.question(
            self, self.tr("确认恢复"),
            self.tr("用备份 {name} 替换当前数据库？\n当前数据库会先备份到 backups/，恢复后程序将关闭，请重新打开。")
            .format(name=source.name))
        if answer != QMessageBox.StandardButton.Yes:
            return False
        dbm.close(self.ctx.db)
        try:
            safety = backup.restore(self.ctx.folder, source)
        except Exception as e:  # noqa: BLE001 - shown as a dialog; the old database stays in place
            from helpdesk_gui.gui.kit.errors import show_error
            show_error(self, e, self.tr("无法恢复"))
            self.restored.emit()
            return False
        QMessageBox.information(self, self.tr("恢复完成"), self.tr("已恢复。恢复前的数据库备份在：\n{p}\n程序将关闭，请重新打开。")
                                .format(p=safety.path if safety else "—"))
        self.restored.emit()
        return True
