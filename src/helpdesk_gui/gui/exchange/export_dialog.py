"""Export a batch: choose the receiver and full or incremental, see what will leave, write it off the GUI thread.

At the city the receiver is one of its counties (the 下发 batch: the verdicts and allocations waiting for that
county) or its province (the city's own register); there is no default: the clerk picks the county."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.city import region
from helpdesk_gui.core.db import get_meta
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import export, keys
from helpdesk_gui.exchange.safety import Cancelled as ExchangeCancelled
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import form_layout
from helpdesk_gui.gui.kit.worker import Cancelled, Task, run_task


class ExportDialog(QDialog):
    exported = Signal(object)    # ExportResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, receiver: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.exported_result: export.ExportResult | None = None
        self.setWindowTitle(self.tr("导出交换批次"))
        self.city = region.is_city(ctx.db)
        default_code, default_name = export.default_receiver(ctx.db)
        self.receiver = QComboBox()
        self.receiver.setEditable(True)
        if self.city:   # its counties, then its province (the city's own register goes up)
            own = region.own_code(ctx.db)
            known = {c.code: c.name for c in region.counties(ctx.db)}
            known[region.province_of(own)] = (exchange_state.counterpart(ctx.db, region.province_of(own)) or {}).get(
                "name") or self.tr("省总工会")
        else:
            known = {c["code"]: c["name"] for c in exchange_state.counterparts(ctx.db)}
            known.setdefault(default_code, default_name)
        for code, name in known.items():
            if code:
                self.receiver.addItem(f"{code} {name}".strip(), code)
        self.receiver.setCurrentIndex(max(self.receiver.findData(receiver or default_code), 0))
        self.incremental = QRadioButton(self.tr("增量：只含上次发给该单位之后的变化"))
        self.full = QRadioButton(self.tr("完整：本单位全部档案、成员和帮扶记录"))
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.incremental)
        self.mode.addButton(self.full)
        self.incremental.setChecked(True)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        omitted = settings.get(ctx.db, "exchange_omit_columns") or []
        self.omitted = QLabel(self.tr("不发送的列（系统设置可改）：{cols}").format(cols="、".join(omitted) or "无"))
        self.omitted.setWordWrap(True)
        key = keys.load_key(ctx.folder)
        self.signing = QLabel(self.tr("将用双方约定的交换密钥签名。") if key else
                              self.tr("没有配置交换密钥（数据文件夹中的 exchange.key）：批次只带校验值，不签名。"))
        self.refusal = QPlainTextEdit()   # the households to fix when the last try would have been refused
        self.refusal.setReadOnly(True)
        self.refusal.setMinimumHeight(160)
        self.refusal.hide()
        self.path_edit = QLineEdit(str(files.start_folder() / export.suggested_name(
            ctx.db, direction="下发" if self.city and region.level(self.receiver_code()) == region.COUNTY else "上报")))
        browse = QPushButton(self.tr("浏览…"))
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.form = form = form_layout()
        form.addRow(self.tr("接收单位"), self.receiver)
        form.addRow(self.tr("导出范围"), self.incremental)
        form.addRow("", self.full)
        form.addRow(self.tr("保存为"), path_row)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("导出"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.omitted)
        layout.addWidget(self.signing)
        layout.addWidget(self.refusal, 1)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        browse.clicked.connect(self._browse)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        self.receiver.currentTextChanged.connect(lambda _t: self.update_preview())
        self.incremental.toggled.connect(lambda _c: self.update_preview())
        self.setMinimumWidth(560)
        self.update_preview()

    def receiver_code(self) -> str:
        data = self.receiver.currentData()
        text = self.receiver.currentText().strip()
        if data and text.startswith(str(data)):
            return str(data)
        return text.split(" ")[0] if text else ""

    def update_preview(self) -> None:
        code = self.receiver_code()
        down = self.city and region.level(code) == region.COUNTY
        for button in (self.incremental, self.full):
            self.form.setRowVisible(button, not down)
        self.omitted.setVisible(not down)   # the 下发 batch carries no archive columns
        if down:   # the city's 下发 batch: what waits for that county
            from helpdesk_gui.exchange.downward import preview
            waiting = guarded(self, preview, self.ctx.db, code)
            if waiting is not None:
                self.preview.setText(self.tr(
                    "发给 {code} 的下发批次：核查结果 {v} 条，下拨资金（政策参数）{a} 行。{empty}").format(
                    code=code, v=f"{len(waiting.verify_rows):,}", a=f"{len(waiting.policy_rows):,}",
                    empty=self.tr("现在没有要发给该县的内容。") if waiting.empty else ""))
            return
        previous = exchange_state.counterpart(self.ctx.db, code) if code else None
        since = previous.get("last_sent_at") if previous and self.incremental.isChecked() else None
        counts = exchange_state.export_counts(self.ctx.db, get_meta(self.ctx.db, "county_code"), since)
        if since:
            head = self.tr("上次发给 {code}：{t}。本次将发送此后的变化：").format(code=code, t=local_time(since))
        elif self.incremental.isChecked():
            head = self.tr("还没有发给 {code} 过批次，本次为完整批次：").format(code=code)
        else:
            head = self.tr("完整批次：")
        self.preview.setText(head + self.tr("档案 {h} 户，家庭成员 {m} 人，帮扶记录 {r} 条。").format(
            h=f"{counts['households']:,}", m=f"{counts['members']:,}", r=f"{counts['records']:,}"))

    def _browse(self) -> None:
        path = files.save_file(self, self.tr("导出到"), Path(self.path_edit.text()).name, self.tr("Excel 工作簿 (*.xlsx)"))
        if path is not None:
            self.path_edit.setText(str(path))

    def start(self) -> Task | None:
        """Write the batch on a worker thread (progress, cancel); the dialog closes when it is done."""
        out = Path(self.path_edit.text().strip())
        files.remember(out.parent)
        code, full = self.receiver_code(), self.full.isChecked()
        ctx = self.ctx
        if out.exists() and QMessageBox.question(
                self, self.tr("文件已存在"), self.tr("{path} 已存在，要覆盖吗？").format(path=out),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
            return None
        key = keys.load_key(ctx.folder)

        def job(progress: Any, cancelled: Any) -> export.ExportResult | export.ExportRefused:
            db = ctx.worker_db()
            try:
                return export.export_batch(db, ctx.actor, out, receiver_code=code, full=full, key=key,
                                           progress=progress, cancelled=cancelled)
            except export.ExportRefused as refused:  # shown in the dialog, which stays open
                return refused
            except ExchangeCancelled:
                raise Cancelled() from None
            finally:
                dbm.close(db)

        self.buttons.setEnabled(False)
        return run_task(self, self.tr("正在导出批次…"), job, self._done,
                        on_failed=lambda _e: self.buttons.setEnabled(True))

    def _done(self, result: export.ExportResult | export.ExportRefused) -> None:
        if isinstance(result, export.ExportRefused):
            self._refused(result)
            return
        self.exported_result = result
        self.exported.emit(result)
        text = result.summary() + "\n" + self.tr("文件：{path}").format(path=result.path)
        if result.warnings:
            text += "\n" + self.tr("提示：") + "；".join(result.warnings[:5])
        QMessageBox.information(self, self.tr("导出完成"), text)
        guarded(self, self.accept)

    def _refused(self, refused: export.ExportRefused) -> None:
        """Nothing was sent: the households to fix stay listed in the dialog, the clerk may try again."""
        self.buttons.setEnabled(True)
        self.refusal.setPlainText(refused.headline() + "\n\n" + "\n".join(refused.lines))
        self.refusal.show()
        first = "\n".join(refused.lines[:8]) + ("\n……" if len(refused.lines) > 8 else "")
        QMessageBox.warning(self, self.tr("批次没有导出"), refused.headline() + "\n\n" + first)
