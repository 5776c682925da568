"""A voucher as posted: header, lines (with what reversed them, or what they reverse), attached scans;
attach a scan (signed roster, bank slip, allocation notice) and open an attachment."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import to_chinese_upper, yuan
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import row_of_buttons
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table


class VoucherDialog(QDialog):
    def __init__(self, ctx: AppContext, voucher_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.voucher_id = voucher_id
        self.setWindowTitle(self.tr("凭证"))
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.model = RowsModel([self.tr("行"), self.tr("资金"), self.tr("类别"), self.tr("户名 / 对方"),
                                self.tr("收入（元）"), self.tr("支出（元）"), self.tr("账号"), self.tr("冲销")], right=(4, 5))
        self.table = QTableView()
        setup_table(self.table, self.model, "voucher_lines")
        self.attachments = QListWidget()
        self.attachments.setMaximumHeight(90)
        self.attach_button = QPushButton(self.tr("附加扫描件…"))
        self.attach_button.setEnabled(ctx.actor.can("ledger.post") and not ctx.readonly)
        self.open_button = QPushButton(self.tr("打开附件"))
        self.attach_button.clicked.connect(lambda: self.attach())
        self.open_button.clicked.connect(self.open_attachment)
        self.attachments.itemDoubleClicked.connect(lambda _i: self.open_attachment())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(self.tr("附件（原始凭证扫描件）")))
        layout.addWidget(self.attachments)
        layout.addLayout(row_of_buttons(self.attach_button, self.open_button))
        layout.addWidget(buttons)
        self.resize(900, 480)
        self.refresh()

    def refresh(self) -> None:
        v = ledger.voucher_detail(self.ctx.db, self.voucher_id)
        book = self.ctx.codebook()
        total = v["total_in_fen"] or v["total_out_fen"]
        extra = ""
        if v["reverses_no"]:
            extra = self.tr("<br><span style='color:#b3261e'>红字冲销凭证 {no}，原因：{why}</span>").format(
                no=v["reverses_no"], why=v["reason"])
        self.header.setText(self.tr(
            "<b style='font-size:14pt'>凭证 {no}</b>　{kind}　记账日期 {date}<br>摘要：{summary}<br>"
            "文号/批次：{ref}　对方：{cp}　记账人：{who}（{at}）<br>金额：{total} 元（人民币{upper}）{extra}").format(
            no=v["voucher_no"], kind=book.label("voucher_kind", v["kind"]), date=v["entry_date"], summary=v["summary"],
            ref=v["ref_no"] or "—", cp=v["counterparty"] or "—", who=v["posted_by"], at=local_time(v["posted_at"]),
            total=yuan(total), upper=to_chinese_upper(abs(total)), extra=extra))
        rows = []
        for ln in v["lines"]:
            amount = int(ln["amount_fen"])
            who = f"{ln['household_name']}（{ln['archive_no']}）" if ln["household_name"] else str(ln["counterparty"])
            inflow = ledger.is_inflow(str(ln["kind"]))
            account = str(ln["bank_account"] or "")
            masked = f"**** {account[-4:]}" if account else ""
            rows.append(Row([str(ln["line"]), str(ln["fund_name"]), book.label("ledger_entry_kind", ln["kind"]), who,
                             yuan(amount) if inflow else "", "" if inflow else yuan(-amount), masked,
                             self.tr("已被 {no} 冲销").format(no=ln["reversed_by_no"]) if ln["reversed_by_no"] else ""],
                            int(ln["id"]), muted=bool(ln["reversed_by_no"])))
        self.model.set_rows(rows)
        fit_columns(self.table)
        self.attachments.clear()
        for a in v["attachments"]:
            item = QListWidgetItem(f"{a['title']}　（{a['added_by']}，{str(a['added_at'])[:10]}）")
            item.setData(256, a["file_name"])
            self.attachments.addItem(item)

    def attach(self, path: str | None = None, title: str = "") -> int | None:
        if path is None:
            chosen = files.open_file(self, self.tr("选择扫描件"),
                                     self.tr("扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"))
            if chosen is None:
                return None
            path = str(chosen)
        done: int | None = guarded(self, ledger.attach, self.ctx.db, self.ctx.actor, self.ctx.folder, self.voucher_id,
                                   Path(path), title or Path(path).stem)
        if done is not None:
            self.refresh()
        return done

    def open_attachment(self) -> None:
        item = self.attachments.currentItem()
        if item is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.folder / str(item.data(256)))))
