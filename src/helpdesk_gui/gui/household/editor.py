"""The household editor: one archive in tabs, validated live, saved in one transaction."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.admin import centre as admin
from helpdesk_gui.core.base.errors import ChangedMeanwhile, HelpdeskError, ValidationErrors
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.register import derive
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.household.basic_tab import BasicTab
from helpdesk_gui.gui.household.income_tab import CausesTab, IncomeTab, error_text
from helpdesk_gui.gui.household.records_tab import AttachmentsTab, BankTab, HistoryTab, RecordsTab
from helpdesk_gui.gui.household.secret import SecretEdit
from helpdesk_gui.gui.household.tables import MembersTable
from helpdesk_gui.gui.kit.errors import guarded, show_error
from helpdesk_gui.gui.printing.buttons import HouseholdPrintButton

TAB_TITLES = ("基本信息", "家庭成员", "收入与刚性支出", "致困原因与困难类别", "银行账户", "附件材料", "帮扶记录", "变更记录")


class HouseholdEditor(QWidget):
    closed = Signal(int)
    saved = Signal(int)

    def __init__(self, ctx: AppContext, household_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.household_id = household_id
        self.household: dict[str, Any] = {}
        self.dirty = False
        self._loading = False
        self.revealed = False  # 显示完整信息 was used (audited) in this window
        book = ctx.codebook()
        self.header = QLabel()
        self.header.setStyleSheet("font-size: 13pt; font-weight: bold; padding: 4px;")
        self.basic = BasicTab(ctx.db, book, admin.list_townships(ctx.db))
        self.members = MembersTable(book, ctx.db)
        self.income = IncomeTab(book)
        self.causes = CausesTab(book)
        self.bank = BankTab()
        self.attachments = AttachmentsTab(ctx)
        self.records = RecordsTab(ctx)
        self.history = HistoryTab(ctx)
        self.tabs = QTabWidget()
        for widget, title in zip((self.basic, self.members, self.income, self.causes, self.bank, self.attachments,
                                  self.records, self.history), TAB_TITLES):
            self.tabs.addTab(widget, self.tr(title))
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #1f5fa8;")
        self.reveal_button = QPushButton(self.tr("显示完整信息"))
        self.reveal_button.setToolTip(self.tr("显示完整的身份证号、电话和银行账号（会记入审计日志）"))
        self.reveal_button.setVisible(False)
        self.save_button = QPushButton(self.tr("保存 (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.life_button = QPushButton(self.tr("脱困 / 注销 / 返困…"))
        self.close_button = QPushButton(self.tr("关闭"))
        self.print_button = HouseholdPrintButton(ctx, self, lambda: self.household_id)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.reveal_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.life_button)
        bar.addWidget(self.save_button)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bar)

        self._recalc = QTimer(self)
        self._recalc.setSingleShot(True)
        self._recalc.setInterval(150)
        self._recalc.timeout.connect(self.recompute)
        for tab in (self.basic, self.members, self.income, self.causes, self.bank):
            tab.changed.connect(self._on_changed)
        self.save_button.clicked.connect(self.save)
        self.reveal_button.clicked.connect(self.reveal)
        self.close_button.clicked.connect(self.close)
        self.life_button.clicked.connect(self._life)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.reload()
        geometry = ctx.qsettings().value("editor/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 720)

    # ---- loading
    def reload(self) -> None:
        self._loading = True
        try:
            if self.household_id is None:
                self.household = {"members": [], "income_items": [], "expenses": [], "exclusions": []}
            else:
                self.household = register.get_household(self.ctx.db, self.household_id)
            h = self.household
            # PIPL: an existing archive shows its personal numbers masked until an audited reveal
            masked = self.household_id is not None and not self.revealed
            can_change = self._editable()
            self.basic.load(h, masked=masked, can_change=can_change)
            self.members.load(h["members"], masked=masked, can_change=can_change, household_id=self.household_id)
            self.income.load(h)
            self.causes.load(h)
            self.bank.load(h, masked=masked, can_change=can_change)
            self.attachments.load(self.household_id)
            self.records.load(self.household_id)
            self.history.load(h.get("archive_no"))
        finally:
            self._loading = False
        self.dirty = False
        self._update_header()
        self.recompute()

    def _update_header(self) -> None:
        h = self.household
        book = self.ctx.codebook()
        if self.household_id is None:
            title = self.tr("新建档案")
        else:
            title = f"{h['archive_no']}  {h['name']}  【{book.label('status', h['status'])}】"
        self.header.setText(title + (self.tr("  （未保存）") if self.dirty else ""))
        self.setWindowTitle(self.tr("档案 — ") + (h.get("name") or self.tr("新建")))
        self.save_button.setEnabled(self._editable())
        self.reveal_button.setVisible(self.household_id is not None and self.ctx.actor.can("register.reveal")
                                      and any(e.is_masked() for e in self.secret_edits()))
        self.life_button.setEnabled(self.household_id is not None and self.ctx.actor.can("register.status"))
        self.life_button.setVisible(self.household_id is not None)

    def _editable(self) -> bool:
        closed = self.household.get("status") in register.CLOSED_STATUSES
        return self.ctx.actor.can("register.edit") and not closed

    # ---- personal numbers (PIPL)
    def secret_edits(self) -> list[SecretEdit]:
        return [self.basic.id_number, self.basic.phone, self.bank.bank_account, *self.members.secret_cells()]

    def reveal(self) -> bool:
        """显示完整信息: the audited reveal (core.register.reveal), then the full numbers, editable as before."""
        if self.household_id is None or not self.ctx.actor.can("register.reveal"):
            return False
        shown = guarded(self, register.reveal, self.ctx.db, self.ctx.actor, self.household_id, members=True)
        if shown is None:
            return False
        self.revealed = True
        self._loading = True  # showing is not editing: the window stays clean
        try:
            for edit in self.secret_edits():
                edit.reveal()
            self.members.change_button.setVisible(False)
        finally:
            self._loading = False
        self._update_header()
        return True

    def _on_changed(self) -> None:
        if self._loading:
            return
        if not self.dirty:
            self.dirty = True
            self._update_header()
        self._recalc.start()

    # ---- live income test
    def recompute(self) -> None:
        """The preview: what a save would store, from the same core function (``derive.derive_draft``)."""
        try:
            draft = self.draft()
        except HelpdeskError as e:
            self.income.show_test(None, error_text(e))
            self.causes.show_suggestion(None)
            self.summary.setText(str(e))
            return
        derived = derive.derive_draft(self.ctx.db, draft, on=_dt.date.today(), book=self.ctx.codebook())
        self.income.show_test(derived)
        self.causes.show_suggestion(derived)
        book = self.ctx.codebook()
        cat = book.label("category", derived.category_suggested) if derived.category_suggested else "不符合建档条件"
        self.summary.setText(self.tr("家庭 {n} 人，家庭月人均收入 {pc} 元，收入核算用人均 {it} 元，建议：{cat}").format(
            n=f"{derived.test.family_size:,}", pc=yuan(derived.per_capita_month_fen),
            it=yuan(derived.income_test_month_fen), cat=cat))

    # ---- saving
    def draft(self) -> HouseholdDraft:
        total_income, total_rigid = self.income.totals()
        fields = {**self.basic.fields(), **self.causes.fields(), **self.bank.fields(),
                  "annual_income_fen": total_income, "rigid_expense_fen": total_rigid}
        return HouseholdDraft(
            fields=fields, members=self.members.members(), income_items=self.income.income.items(),
            expenses=self.income.expenses.items(), exclusions=self.income.exclusions(),
            employer=self.basic.employer_info())

    def save(self) -> bool:
        if not self.save_button.isEnabled():
            return False
        try:
            draft = self.draft()
            if self.household_id is None:
                self.household_id = register.create_household(self.ctx.db, self.ctx.actor, draft)
            else:
                register.update_household(self.ctx.db, self.ctx.actor, self.household_id, draft,
                                          expected_version=self.household.get("version"))
        except ChangedMeanwhile as e:
            self._changed_meanwhile(e)
            return False
        except ValidationErrors as e:
            QMessageBox.warning(self, self.tr("请更正以下内容"), "\n".join(err.message for err in e.errors))
            return False
        except Exception as e:  # noqa: BLE001 - shown as a dialog
            show_error(self, e, self.tr("无法保存"))
            return False
        self.reload()
        self.ctx.events.tell(self, "household_saved", self.household_id)
        self.saved.emit(self.household_id)
        return True

    def _changed_meanwhile(self, error: ChangedMeanwhile) -> None:
        """The save was refused: someone changed the archive after this window loaded it. 重新载入 shows
        their version (this window's changes are lost, after a confirmation); 取消 keeps editing, so the clerk
        can copy what they typed first."""
        answer = QMessageBox.question(
            self, self.tr("档案已被他人修改"),
            str(error) + "\n\n" + self.tr("是否重新载入档案，显示对方保存的内容？\n"
                                            "点“是”重新载入（放弃本窗口中的修改）；点“取消”继续编辑，"
                                            "可先复制您填写的内容，重新载入后再填入。"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        confirm = QMessageBox.question(
            self, self.tr("放弃本窗口中的修改"), self.tr("重新载入后，您在本窗口中尚未保存的修改将全部丢失。确定放弃吗？"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if confirm == QMessageBox.StandardButton.Discard:
            self.reload()

    def _life(self) -> None:
        from helpdesk_gui.gui.household.life import ArchiveLifeDialog
        if self.household_id is None:
            return
        if self.dirty and not self._ask_save():
            return
        # the status change is decided on what this window shows: it carries this window's version
        dialog = ArchiveLifeDialog(self.ctx, self.household_id, self, version=self.household.get("version"))
        result = dialog.exec()
        if result == QDialog.DialogCode.Accepted or dialog.changed_meanwhile:  # the dialog told the pages
            self.reload()

    def _ask_save(self) -> bool:
        """Unsaved changes: save, discard or stay. True when it is fine to go on."""
        answer = QMessageBox.question(
            self, self.tr("有未保存的修改"), self.tr("档案有未保存的修改，是否保存？"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.reload()
            return True
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.dirty and self.save_button.isEnabled() and not self._ask_save():
            event.ignore()
            return
        self._recalc.stop()
        self.ctx.qsettings().setValue("editor/geometry", self.saveGeometry())
        event.accept()
        self.closed.emit(self.household_id or 0)
