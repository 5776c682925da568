"""新建季度结算: choose the quarter (the current one first) and see, before anything is written, the
approved claims it will gather and their total; OK drafts the settlement (``create_settlement``)."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTableView, QWidget

from helpdesk_gui.core.base.money import to_chinese_upper, yuan
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import FormDialog, hint
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table

QUARTERS_BACK = 8


def quarters(today: _dt.date) -> list[str]:
    """The current quarter and the ones before it, newest first."""
    year, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(QUARTERS_BACK):
        out.append(f"{year}-Q{q}")
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return out


class NewSettlementDialog(FormDialog):
    """OK drafts the settlement; ``settlement_id`` then holds it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: _dt.date | None = None) -> None:
        super().__init__(self.tr("新建季度结算"), self.tr("生成结算单"), parent)
        self.ctx = ctx
        self.settlement_id: int | None = None
        self.quarter = QComboBox()
        for q in quarters(today or _dt.date.today()):
            self.quarter.addItem(mutual_settle.quarter_label(q), q)
        self.total = QLabel()
        self.total.setObjectName("pending_total")
        self.total.setWordWrap(True)
        self.model = RowsModel([self.tr("报销编号"), self.tr("姓名"), self.tr("单位"), self.tr("批准日期"), self.tr("应付（元）")],
                               right=(4,))
        self.table = QTableView()
        setup_table(self.table, self.model, "pending_claims")
        self.table.setMinimumHeight(180)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("可不填"))
        self.form.addRow(self.tr("结算季度(&Q)"), self.quarter)
        self.form.addRow(self.total)
        self.form.addRow(self.table)
        self.form.addRow(self.tr("备注"), self.note)
        self.form.addRow(hint(self.tr("结算单收入到季度末为止已批准、尚未结算的报销。生成后可移出个别报销、打印结算花名册，"
                                      "核对无误后由财务记账支付。")))
        self.fields = {"结算季度": self.quarter}
        self.quarter.currentIndexChanged.connect(lambda _i: self.show_pending())
        self.show_pending()
        self.resize(620, 480)

    def show_pending(self) -> None:
        q = str(self.quarter.currentData())
        found = guarded(self, mutual_settle.pending, self.ctx.db, q) or []
        self.model.set_rows([Row([c["claim_no"], c["name"], c["unit_name"], str(c["decided_at"])[:10],
                                  yuan(c["payable_fen"])], int(c["id"])) for c in found])
        fit_columns(self.table)
        total = sum(int(c["payable_fen"]) for c in found)
        if found:
            self.total.setText(self.tr("将纳入 <b>{n}</b> 笔已批准待结算的报销，合计 <b>{total}</b> 元（人民币{upper}）").format(
                n=f"{len(found):,}", total=yuan(total), upper=to_chinese_upper(total)))
        else:
            self.total.setText(self.tr("{q}没有已批准待结算的报销。").format(q=mutual_settle.quarter_label(q)))
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(bool(found))

    def submit(self) -> None:
        self.settlement_id = mutual_settle.create_settlement(self.ctx.db, self.ctx.actor, str(self.quarter.currentData()),
                                                             note=self.note.text())
