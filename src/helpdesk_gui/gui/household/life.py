"""Archive life: exit from hardship (脱困), cancel (注销, with reason), reopen (返困)."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.errors import ChangedMeanwhile, HelpdeskError
from helpdesk_gui.core.register import households as register
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import CodeCombo, DateEdit
from helpdesk_gui.gui.kit.forms import ErrorLine, form_layout

ACTIONS = {"exited": "脱困（解困脱困）", "cancelled": "注销档案", "applying": "返困（重新申请）"}


class ArchiveLifeDialog(QDialog):
    def __init__(self, ctx: AppContext, household_id: int, parent: QWidget | None = None, *,
                 version: int | None = None) -> None:
        """``version``: the version of the form this dialog was opened from (the editor); else the one read here."""
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        h = register.get_household(ctx.db, household_id)
        self.version = int(version if version is not None else h["version"])
        self.changed_meanwhile = False
        book = ctx.codebook()
        self.setWindowTitle(self.tr("档案状态变更"))
        allowed = [s for s in ("exited", "cancelled", "applying") if s in register.TRANSITIONS.get(h["status"], ())]
        if h["status"] != "exited":
            allowed = [s for s in allowed if s != "applying"]
        info = QLabel(self.tr("档案 {no}  {name}，当前状态：{status}").format(
            no=h["archive_no"], name=h["name"], status=book.label("status", h["status"])))
        self.action = QComboBox()
        for s in allowed:
            self.action.addItem(self.tr(ACTIONS[s]), s)
        self.reason = CodeCombo(book, "exit_reason", blank="（请选择注销原因）")
        self.date = DateEdit("日期")
        self.date.set_iso(_dt.date.today().isoformat())
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("说明（如脱困原因、核查情况）"))
        self.error = ErrorLine(lambda: {"注销原因": self.reason, "日期": self.date, "说明": self.note})
        form = form_layout()
        form.addRow(self.tr("办理事项"), self.action)
        form.addRow(self.tr("注销原因"), self.reason)
        form.addRow(self.tr("日期"), self.date)
        form.addRow(self.tr("说明"), self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        if not allowed:
            layout.addWidget(QLabel(self.tr("当前状态下没有可办理的事项。")))
            buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.action.currentIndexChanged.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        self.reason.setEnabled(self.action.currentData() == "cancelled")

    def apply(self, confirm: bool = True) -> bool:
        action = self.action.currentData()
        if action is None:
            return False
        label = self.action.currentText()
        if confirm and QMessageBox.question(self, self.tr("请确认"), self.tr("确定办理“{a}”吗？此操作会记入变更记录。")
                                            .format(a=label)) != QMessageBox.StandardButton.Yes:
            return False
        try:
            on = _dt.date.fromisoformat(self.date.iso() or _dt.date.today().isoformat())
            register.set_status(self.ctx.db, self.ctx.actor, self.household_id, action,
                                reason=self.reason.code() if action == "cancelled" else None,
                                note=self.note.text().strip(), on=on, expected_version=self.version)
        except ChangedMeanwhile as e:
            QMessageBox.warning(self, self.tr("档案已被他人修改"),
                                str(e) + self.tr("\n请重新载入档案、确认其现状后再办理。"))
            self.changed_meanwhile = True
            self.reject()
            return False
        except HelpdeskError as e:
            self.error.show_error(e)
            return False
        self.ctx.events.tell(self, "household_saved", self.household_id)
        self.accept()
        return True
