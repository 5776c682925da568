"""Choose a member of the plan by typing part of the name, the ID number or the unit: the matching
enrolled members are listed below the field; Enter (or a click) takes the highlighted one.

Used by the claim and the advance dialogs. Once chosen, a line tells who it is (unit, consecutive
years, whether the unit has paid, the advances still open).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLineEdit, QSizePolicy, QTableView, QVBoxLayout, QWidget

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_bank, mask_id
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.fields import RED
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table

SHOWN = 30


class MemberPicker(QWidget):
    chosen = Signal(int)      # member id

    def __init__(self, ctx: AppContext, plan_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan_id = plan_id
        self.member_id: int | None = None
        self.member: dict[str, Any] | None = None
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("输入姓名、身份证号（可只输后几位）或单位，回车选定"))
        self.search_edit.setClearButtonEnabled(True)
        self.model = RowsModel([self.tr("姓名"), self.tr("身份证号"), self.tr("单位"), self.tr("缴费"),
                                self.tr("连续参加")], right=(4,))
        self.table = QTableView()
        setup_table(self.table, self.model, "member_matches")
        self.table.setMaximumHeight(self.table.verticalHeader().defaultSectionSize() * 4 + 30)
        self.summary = QLabel(self.tr("（未选择会员）"))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.apply_query)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self._enter)
        self.table.clicked.connect(lambda i: self.choose_row(i.row()))
        self.table.activated.connect(lambda i: self.choose_row(i.row()))
        QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_edit, self.table.setFocus)
        self.setFocusProxy(self.search_edit)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.apply_query()

    def apply_query(self) -> None:
        self._debounce.stop()
        found = guarded(self, mutual_members.list_members, self.ctx.db, plan_id=self.plan_id,
                        text=self.search_edit.text(), enrolled_only=True, limit=SHOWN) or []
        self.model.set_rows([Row([m["name"], mask_id(m["id_number"]), m["unit_name"],
                                  self.tr("已缴费") if m["contribution_id"] else self.tr("未缴费"),
                                  self.tr("{n} 年").format(n=m.get("years", 0))], int(m["id"]),
                                 muted=not m["contribution_id"]) for m in found])
        fit_columns(self.table, 12)
        if found:
            self.table.selectRow(0)

    def _enter(self) -> None:
        if self._debounce.isActive():
            self.apply_query()
        idx = self.table.currentIndex()
        if self.model.rowCount():
            self.choose_row(idx.row() if idx.isValid() else 0)
            self.focusNextChild()

    def choose_row(self, row: int) -> None:
        key = self.model.key(row)
        if key is not None:
            self.choose(int(key))

    def choose(self, member_id: int) -> None:
        m = mutual_claims.member_standing(self.ctx.db, self.plan_id, member_id)
        parts = [self.tr("<b>{name}</b>　{id}　{unit}　连续参加 {years} 年").format(
            name=m["name"], id=mask_id(m["id_number"]), unit=m["unit_name"], years=m["years"])]
        if m["bank_account"]:
            parts.append(self.tr("{bank} {account}").format(bank=m["bank_name"], account=mask_bank(m["bank_account"])))
        else:
            parts.append(f"<span style='color:{RED}'>{self.tr('未登记银行账号')}</span>")
        if not m["enrolled"]:
            parts.append(f"<span style='color:{RED}'>{self.tr('未参加本年度互助，不能报销')}</span>")
        elif not m["paid"]:
            parts.append(f"<span style='color:{RED}'>{self.tr('所在单位尚未缴纳本年度互助金，缴费入账后才能报销')}</span>")
        if m["advances"]:
            parts.append(self.tr("未冲抵的特殊救助预付 {n} 笔共 {amount} 元").format(n=f'{len(m["advances"]):,}',
                                                                              amount=yuan(m["open_fen"])))
        self.summary.setText("；".join(parts))
        self.member_id = member_id
        self.member = m
        self.chosen.emit(member_id)

    def lock(self) -> None:
        """The member of a registered claim cannot change: only the line about them stays."""
        self.search_edit.hide()
        self.table.hide()
