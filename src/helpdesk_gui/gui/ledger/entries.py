"""凭证明细: the lazy entries table with filters (fund, period, kind, text) and the running balance,
and the buttons for receipts, transfers, reversals, the voucher and closing."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.ledger import query as ledger_query
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.fields import date_edit, day_of, fund_combo, set_day
from helpdesk_gui.gui.ledger.model import EntriesModel

PRESETS = ("本年", "本月", "上月", "上年", "近 30 天", "全部", "自定义")


def preset_range(name: str, today: _dt.date) -> tuple[_dt.date, _dt.date] | None:
    first = today.replace(day=1)
    if name == "本年":
        return today.replace(month=1, day=1), today
    if name == "本月":
        return first, today
    if name == "上月":
        last = first - _dt.timedelta(days=1)
        return last.replace(day=1), last
    if name == "上年":
        return _dt.date(today.year - 1, 1, 1), _dt.date(today.year - 1, 12, 31)
    if name == "近 30 天":
        return today - _dt.timedelta(days=30), today
    return None


class EntriesTab(QWidget):
    changed = Signal()            # something was posted: other tabs refresh

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, load: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = _dt.date.today()
        self.model = EntriesModel(ctx.db, ctx.codebook(), self)
        self.fund = fund_combo(funds.list_funds(ctx.db), all_label=self.tr("全部资金"), active_only=False,
                               with_balance=False)
        self.preset = QComboBox()
        for p in PRESETS:
            self.preset.addItem(self.tr(p), p)
        self.date_from = date_edit(self.today.replace(month=1, day=1), not_after_today=False)
        self.date_to = date_edit(self.today, not_after_today=False)
        self.group = QComboBox()
        self.group.addItem(self.tr("全部收支"), None)
        for code, label in (("in", "收入"), ("out", "支出"), ("transfer", "调拨"), ("reversal", "红字冲销")):
            self.group.addItem(self.tr(label), code)
        for item in ctx.codebook().items("ledger_entry_kind"):
            self.group.addItem("　" + item.label, item.code)
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("凭证号、档案编号、户名或摘要（Ctrl+F）"))
        self.text.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        boxes: list[tuple[QWidget, int]] = [(self.fund, 2), (self.preset, 1), (self.date_from, 1), (QLabel("—"), 0),
                                            (self.date_to, 1), (self.group, 1), (self.text, 3)]
        for box, stretch in boxes:
            filters.addWidget(box, stretch)

        self.table = QTableView()
        self.table.setObjectName("entries")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        for i, w in enumerate((86, 86, 140, 96, 280, 170, 104, 104, 112, 64, 70)):
            header.resizeSection(i, w)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open_index)

        self.count_label = QLabel()
        self.receipt_button = QPushButton(self.tr("收款… (Ctrl+R)"))
        self.transfer_button = QPushButton(self.tr("调拨… (Ctrl+T)"))
        self.reverse_button = QPushButton(self.tr("红字冲销…"))
        self.voucher_button = QPushButton(self.tr("查看凭证 (Enter)"))
        self.closing_button = QPushButton(self.tr("结账…"))
        can_post = ctx.actor.can("ledger.post") and not ctx.readonly
        for b in (self.receipt_button, self.transfer_button, self.reverse_button):
            b.setEnabled(can_post)
        self.closing_button.setEnabled(ctx.actor.can("ledger.close") or ctx.actor.can("ledger.reopen"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        for b in (self.receipt_button, self.transfer_button, self.reverse_button, self.voucher_button,
                  self.closing_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        self.preset.currentIndexChanged.connect(self._preset_changed)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._dates_edited)
        for box in (self.fund, self.group):
            box.currentIndexChanged.connect(lambda _i: self.apply())
        self.receipt_button.clicked.connect(lambda: self.receipt())
        self.transfer_button.clicked.connect(lambda: self.transfer())
        self.reverse_button.clicked.connect(lambda: self.reverse())
        self.voucher_button.clicked.connect(lambda: self.open_voucher())
        self.closing_button.clicked.connect(lambda: self.closing())
        QShortcut(QKeySequence("Ctrl+R"), self, lambda: self.receipt() if self.receipt_button.isEnabled() else None)
        QShortcut(QKeySequence("Ctrl+T"), self, lambda: self.transfer() if self.transfer_button.isEnabled() else None)
        QShortcut(QKeySequence.StandardKey.Find, self, self.text.setFocus)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, lambda: self.open_voucher())
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table, lambda: self.open_voucher())
        self.setTabOrder(self.fund, self.preset)
        self.setTabOrder(self.text, self.table)
        self._applying = False
        if load:
            self.apply()

    # ---- filters
    def _preset_changed(self) -> None:
        span = preset_range(str(self.preset.currentData()), self.today)
        if str(self.preset.currentData()) == "全部":
            self.apply()
            return
        if span is None:
            return
        self._applying = True
        set_day(self.date_from, span[0])
        set_day(self.date_to, span[1])
        self._applying = False
        self.apply()

    def _dates_edited(self) -> None:
        if self._applying:
            return
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(PRESETS.index("自定义"))
        self.preset.blockSignals(False)
        self.apply()

    def current_filter(self) -> ledger_query.EntryFilter:
        everything = str(self.preset.currentData()) == "全部"
        return ledger_query.EntryFilter(
            fund_id=self.fund.currentData(), group=self.group.currentData(), text=self.text.text(),
            date_from=None if everything else day_of(self.date_from).isoformat(),
            date_to=None if everything else day_of(self.date_to).isoformat())

    def apply(self) -> None:
        self._debounce.stop()
        f = self.current_filter()
        guarded(self, self.model.set_filter, f)
        totals = guarded(self, ledger_query.totals, self.ctx.db, f) or (0, 0)
        self.count_label.setText(self.tr("共 {n} 笔　收入 {i} 元　支出 {o} 元").format(
            n=f"{self.model.rowCount():,}", i=yuan(totals[0]), o=yuan(totals[1])))
        if self.model.rowCount():
            self.table.scrollToBottom()
            self.table.selectRow(self.model.rowCount() - 1)

    def refresh(self) -> None:
        self.today = _dt.date.today()
        self.apply()

    def show_fund(self, fund_id: int) -> None:
        i = self.fund.findData(fund_id)
        if i >= 0:
            self.fund.setCurrentIndex(i)

    # ---- actions
    def selected(self) -> dict | None:  # type: ignore[type-arg]
        idx = self.table.currentIndex()
        return self.model.entry(idx.row()) if idx.isValid() else None

    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.entry(index.row())
        if row is not None:
            self.open_voucher(int(row["voucher_id"]))

    def _posted(self, dialog: QDialog) -> bool:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.apply()
            posted = getattr(dialog, "posted", None)
            if posted is not None and posted.entry_ids:
                row = self.model.row_of(posted.entry_ids[-1])
                if row >= 0:
                    self.table.selectRow(row)
            self.changed.emit()
            return True
        return False

    def receipt(self) -> bool:
        from helpdesk_gui.gui.ledger.receipt_dialog import ReceiptDialog
        return self._posted(ReceiptDialog(self.ctx, self, fund_id=self.fund.currentData()))

    def transfer(self) -> bool:
        from helpdesk_gui.gui.ledger.transfer_dialog import TransferDialog
        return self._posted(TransferDialog(self.ctx, self, from_fund=self.fund.currentData()))

    def reverse(self) -> bool:
        from helpdesk_gui.gui.ledger.reversal_dialog import ReversalDialog
        row = self.selected()
        if row is None:
            return False
        dialog = guarded(self, ReversalDialog, self.ctx, int(row["voucher_id"]), self, only_entry=int(row["id"]))
        return dialog is not None and self._posted(dialog)

    def open_voucher(self, voucher_id: int | None = None) -> None:
        from helpdesk_gui.gui.ledger.voucher_dialog import VoucherDialog
        if voucher_id is None:
            row = self.selected()
            if row is None:
                return
            voucher_id = int(row["voucher_id"])
        dialog = guarded(self, VoucherDialog, self.ctx, voucher_id, self)
        if dialog is not None:
            dialog.exec()

    def closing(self) -> None:
        from helpdesk_gui.gui.ledger.closing_dialog import ClosingDialog
        dialog = ClosingDialog(self.ctx, self)
        dialog.exec()
        if dialog.changed:
            self.changed.emit()


