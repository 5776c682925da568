"""会员与缴费: the participating units (left) and their members (right) for the chosen plan year, with
search as you type and 只看本年参加 / 只看未缴费; new and changed units and members, enrolment in the
year (and taking an unpaid one back), a unit's Excel list, and below the contributions received, with
收取互助金 for the chosen unit (finance). ID numbers and bank accounts are masked in the lists."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_bank, mask_id
from helpdesk_gui.core.mutual import contributions as mutual_contributions
from helpdesk_gui.core.mutual import enrolment as mutual_enrolment
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm, row_of_buttons
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import ColumnWidths, setup_table

DEBOUNCE_MS = 200
ALL_UNITS = 0


class MembersTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, page: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.page = page
        self._units: dict[int, dict[str, Any]] = {}
        self._members: dict[int, dict[str, Any]] = {}
        self._loading_units = False
        self.can_enrol = ctx.actor.can("mutual.enrol") and not ctx.readonly
        self.can_pay = ctx.actor.can("mutual.pay") and not ctx.readonly

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("搜索姓名、身份证号或单位（Ctrl+F）"))
        self.enrolled_only = QCheckBox(self.tr("只看本年参加"))
        self.unpaid_only = QCheckBox(self.tr("只看未缴费"))
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.enrolled_only)
        top.addWidget(self.unpaid_only)
        top.addStretch(1)
        top.addWidget(self.count_label)

        # units
        self.units_model = RowsModel([self.tr("单位"), self.tr("会员"), self.tr("本年"), self.tr("未缴")],
                                     right=(1, 2, 3))
        self.units = QTableView()
        setup_table(self.units, self.units_model, "mutual_units")
        self._fit_units = ColumnWidths(ctx, self.units, "mutual/units", air=10).fit
        self.new_unit_button = QPushButton(self.tr("新建单位…"))
        self.edit_unit_button = QPushButton(self.tr("修改单位…"))
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.units, 1)
        ll.addLayout(row_of_buttons(self.new_unit_button, self.edit_unit_button))

        # members
        self.model = RowsModel([self.tr("姓名"), self.tr("性别"), self.tr("身份证号"), self.tr("单位"),
                                self.tr("连续年限"), self.tr("本年参加"), self.tr("缴费"), self.tr("银行账号"),
                                self.tr("困难职工档案")], right=(4,))
        self.table = QTableView()
        setup_table(self.table, self.model, "mutual_members")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self._fit_members = ColumnWidths(ctx, self.table, "mutual/members").fit
        self.new_button = QPushButton(self.tr("新增会员… (Ctrl+N)"))
        self.edit_button = QPushButton(self.tr("修改… (Enter)"))
        self.enrol_button = QPushButton(self.tr("登记参加本年度 (Ctrl+E)"))
        self.withdraw_button = QPushButton(self.tr("撤销参加…"))
        self.import_button = QPushButton(self.tr("从 Excel 导入…"))
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.table, 1)
        rl.addLayout(row_of_buttons(self.new_button, self.edit_button, self.enrol_button, self.withdraw_button,
                              self.import_button))
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(left)
        upper.addWidget(right)
        upper.setStretchFactor(1, 1)
        upper.setSizes([400, 800])

        # contributions received
        self.contrib_model = RowsModel([self.tr("年度"), self.tr("单位"), self.tr("人数"), self.tr("职工缴纳"),
                                        self.tr("单位补贴"), self.tr("工会补贴"), self.tr("合计（元）"), self.tr("收款日期"),
                                        self.tr("凭证号"), self.tr("状态")], right=(2, 3, 4, 5, 6))
        self.contribs = QTableView()
        setup_table(self.contribs, self.contrib_model, "mutual_contributions")
        self._fit_contribs = ColumnWidths(ctx, self.contribs, "mutual/contributions").fit
        self.contrib_label = QLabel()
        self.receive_button = QPushButton(self.tr("收取所选单位互助金…"))
        self.voucher_button = QPushButton(self.tr("查看凭证"))
        lower = QWidget()
        low = QVBoxLayout(lower)
        low.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.contrib_label, 1)
        head.addWidget(self.receive_button)
        head.addWidget(self.voucher_button)
        low.addLayout(head)
        low.addWidget(self.contribs, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setStretchFactor(0, 1)
        split.setSizes([460, 200])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.show_members)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._search_now)
        self.enrolled_only.toggled.connect(lambda _on: self.show_members())
        self.unpaid_only.toggled.connect(lambda _on: self.show_members())
        self.units.selectionModel().currentRowChanged.connect(lambda _c, _p: self._unit_chosen())
        self.table.selectionModel().selectionChanged.connect(lambda _s, _d: self._enable())
        self.contribs.selectionModel().currentRowChanged.connect(lambda _c, _p: self._enable())
        self.table.doubleClicked.connect(lambda _i: self.edit_member())
        self.units.doubleClicked.connect(lambda _i: self.edit_unit())
        self.contribs.doubleClicked.connect(lambda _i: self.open_voucher())
        self.new_unit_button.clicked.connect(lambda: self.new_unit())
        self.edit_unit_button.clicked.connect(lambda: self.edit_unit())
        self.new_button.clicked.connect(lambda: self.new_member())
        self.edit_button.clicked.connect(lambda: self.edit_member())
        self.enrol_button.clicked.connect(lambda: self.enrol_selected())
        self.withdraw_button.clicked.connect(lambda: self.withdraw_selected())
        self.import_button.clicked.connect(lambda: self.import_list())
        self.receive_button.clicked.connect(lambda: self.receive())
        self.voucher_button.clicked.connect(lambda: self.open_voucher())
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.new_member() if self.can_enrol else None)
        QShortcut(QKeySequence("Ctrl+E"), self, lambda: self.enrol_selected())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.table, lambda: self.edit_member())
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, lambda: self.withdraw_selected())
        self.setTabOrder(self.search, self.enrolled_only)
        self.setTabOrder(self.enrolled_only, self.unpaid_only)
        self.setTabOrder(self.unpaid_only, self.units)
        self.setTabOrder(self.units, self.table)
        self._loaded_plan: object = ()
        page.plan_changed.connect(lambda: QTimer.singleShot(0, self._plan_changed))
        self._enable()

    # ------------------------------------------------------------------ lists
    def plan(self) -> dict[str, Any] | None:
        p: dict[str, Any] | None = self.page.plan()
        return p

    def _plan_changed(self) -> None:
        # the page reloads the shown tab itself right after the signal; this only catches what it did not
        if self.isVisible() and self._loaded_plan != self.page.plan_id():
            self.refresh()

    def refresh(self) -> None:
        """Reload units, members and contributions for the chosen plan, keeping the chosen unit."""
        self._loaded_plan = self.page.plan_id()
        self.show_units()
        self.show_members()
        self.show_contributions()

    def show_units(self) -> None:
        keep = self.unit_id()
        found = mutual_members.list_units(self.ctx.db, self.page.plan_id())
        self._units = {int(u["id"]): u for u in found}
        rows = [Row([self.tr("（全部单位）"), f"{sum(u['members'] for u in found):,}",
                     f"{sum(u['enrolled'] for u in found):,}", f"{sum(u['unpaid'] for u in found):,}"], ALL_UNITS)]
        rows += [Row([u["name"], f"{u['members']:,}", f"{u['enrolled']:,}", f"{u['unpaid']:,}" if u["unpaid"] else "",
                      ], int(u["id"]), muted=not u["active"],
                     tips={0: f"联系人：{u['contact'] or '—'}　电话：{u['phone'] or '—'}" + (
                         "（已停用）" if not u["active"] else "")})
                 for u in found]
        self._loading_units = True
        try:
            self.units_model.set_rows(rows)
            row = self.units_model.row_of(keep if keep is not None else ALL_UNITS)
            self.units.selectRow(max(row, 0))
        finally:
            self._loading_units = False
        self._fit_units()

    def unit_id(self) -> int | None:
        """The chosen unit; None for 全部单位."""
        idx = self.units.currentIndex()
        key = self.units_model.key(idx.row()) if idx.isValid() else None
        return None if not key else int(key)

    def _unit_chosen(self) -> None:
        if self._loading_units:
            return
        self.show_members()
        self._enable()

    def _search_now(self) -> None:
        self._debounce.stop()
        self.show_members()
        if self.model.rowCount():
            self.table.setFocus()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_members(self) -> None:
        self._debounce.stop()
        keep = set(self.selected_member_ids())
        plan = self.plan()
        found = mutual_members.list_members(self.ctx.db, plan_id=self.page.plan_id(), unit_id=self.unit_id(),
                                            text=self.search.text(), enrolled_only=self.enrolled_only.isChecked(),
                                            unpaid_only=self.unpaid_only.isChecked())
        self._members = {int(m["id"]): m for m in found}
        book = self.ctx.codebook()
        rows = []
        for m in found:
            enrolled = m["enrolment_id"] is not None
            paid = self.tr("已缴") if m["contribution_id"] else (self.tr("待缴") if enrolled else "")
            years = m.get("years")
            rows.append(Row([m["name"], book.label("gender", m["gender"]) if m["gender"] else "", mask_id(m["id_number"]),
                             m["unit_name"], str(years) if years else ("" if plan is None else "0"),
                             self.tr("参加") if enrolled else "—", paid, mask_bank(m["bank_account"]),
                             m.get("archive_no") or ""],
                            int(m["id"]), muted=plan is not None and not enrolled,
                            tips={7: m["bank_name"]} if m["bank_name"] else {}))
        self.model.set_rows(rows)
        self._fit_members()
        text = self.tr("共 {n} 人").format(n=f"{len(found):,}")
        if len(found) >= 5000:
            text += self.tr("（只列出前 5,000 人，请输入搜索条件）")
        self.count_label.setText(text)
        selection = self.table.selectionModel()
        for mid in keep:
            row = self.model.row_of(mid)
            if row >= 0:
                selection.select(self.model.index(row, 0), selection.SelectionFlag.Select
                                 | selection.SelectionFlag.Rows)
        self._enable()

    def show_contributions(self) -> None:
        pid = self.page.plan_id()
        found = mutual_contributions.contributions(self.ctx.db, pid) if pid is not None else []
        self.contrib_model.set_rows([
            Row([c["period"], c["unit_name"], f"{c['members']:,}", yuan(c["worker_fen"]), yuan(c["unit_fen"]),
                 yuan(c["union_fen"]), yuan(c["amount_fen"]), c["received_on"], c["voucher_no"],
                 self.tr("已冲销") if c["reversed"] else ""], int(c["voucher_id"]), muted=bool(c["reversed"]))
            for c in found])
        self._fit_contribs()
        live = [c for c in found if not c["reversed"]]
        self.contrib_label.setText(self.tr("本年度已收互助金 {n} 笔，{m} 人，合计 {t} 元").format(
            n=f"{len(live):,}", m=f"{sum(int(c['members']) for c in live):,}", t=yuan(sum(int(c['amount_fen']) for c in live))))
        self._enable()

    def selected_member_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [int(self.model.key(r)) for r in rows if self.model.key(r) is not None]

    def _enable(self) -> None:
        plan = self.plan()
        open_ = plan is not None and plan["status"] == "open"
        chosen = [self._members[m] for m in self.selected_member_ids() if m in self._members]
        unit = self._units.get(self.unit_id() or ALL_UNITS)
        self.new_unit_button.setEnabled(self.can_enrol)
        self.edit_unit_button.setEnabled(self.can_enrol and unit is not None)
        self.new_button.setEnabled(self.can_enrol and bool(self._units))
        self.edit_button.setEnabled(self.can_enrol and len(chosen) == 1)
        self.enrol_button.setEnabled(self.can_enrol and open_ and any(m["enrolment_id"] is None for m in chosen))
        self.withdraw_button.setEnabled(self.can_enrol and any(
            m["enrolment_id"] is not None and m["contribution_id"] is None for m in chosen))
        self.import_button.setEnabled(self.can_enrol and open_)
        self.receive_button.setEnabled(self.can_pay and open_ and unit is not None and bool(unit["unpaid"]))
        self.voucher_button.setEnabled(self.ctx.actor.can("ledger.view") and self.contribs.currentIndex().isValid())

    # ------------------------------------------------------------------ actions
    def _written(self) -> None:
        self.refresh()
        self.changed.emit()

    def new_unit(self) -> bool:
        return self._unit_dialog(None)

    def edit_unit(self) -> bool:
        uid = self.unit_id()
        return uid is not None and self._unit_dialog(uid)

    def _unit_dialog(self, unit_id: int | None) -> bool:
        from helpdesk_gui.gui.mutual.unit_dialog import UnitDialog
        if not self.can_enrol:
            return False
        dialog = guarded(self, UnitDialog, self.ctx, self, unit=self._units.get(unit_id) if unit_id else None)
        if dialog is None or dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.show_units()
        row = self.units_model.row_of(dialog.unit_id)
        if row >= 0:
            self.units.selectRow(row)
        self._written()
        return True

    def new_member(self) -> bool:
        return self._member_dialog(None)

    def edit_member(self) -> bool:
        chosen = self.selected_member_ids()
        return len(chosen) == 1 and self._member_dialog(chosen[0])

    def _member_dialog(self, member_id: int | None) -> bool:
        from helpdesk_gui.gui.mutual.member_dialog import MemberDialog
        if not self.can_enrol:
            return False
        enrolled = member_id is not None and self._members.get(member_id, {}).get("enrolment_id") is not None
        dialog = guarded(self, MemberDialog, self.ctx, self, plan=self.plan(), member_id=member_id,
                         unit_id=self.unit_id(), enrolled=enrolled)
        if dialog is None or dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self._written()
        row = self.model.row_of(dialog.member_id)
        if row >= 0:
            self.table.selectRow(row)
        return True

    def enrol_selected(self) -> int:
        pid = self.page.plan_id()
        chosen = [m for m in self.selected_member_ids() if self._members.get(m, {}).get("enrolment_id") is None]
        if pid is None or not chosen or not self.can_enrol:
            return 0
        added = guarded(self, mutual_enrolment.enrol, self.ctx.db, self.ctx.actor, pid, chosen)
        if added is None:
            return 0
        self._written()
        return int(added)

    def withdraw_selected(self) -> int:
        pid = self.page.plan_id()
        chosen = [self._members[m] for m in self.selected_member_ids() if m in self._members]
        unpaid = [m for m in chosen if m["enrolment_id"] is not None and m["contribution_id"] is None]
        if pid is None or not unpaid or not self.can_enrol:
            return 0
        names = "、".join(m["name"] for m in unpaid[:5]) + ("等" if len(unpaid) > 5 else "")
        if not confirm(self, self.tr("撤销参加"), self.tr(
                "撤销 {names} 共 {n} 人的本年度参加登记？（只能撤销未缴费的登记）").format(names=names, n=f"{len(unpaid):,}")):
            return 0
        def run(member_id: int) -> bool:
            mutual_enrolment.withdraw(self.ctx.db, self.ctx.actor, pid, member_id)
            return True

        done = 0
        for m in unpaid:
            if guarded(self, run, int(m["id"])) is None:
                break
            done += 1
        if done:
            self._written()
        return done

    def import_list(self) -> bool:
        pid = self.page.plan_id()
        if pid is None or not self.can_enrol:
            return False
        from helpdesk_gui.gui.mutual.import_dialog import ImportListDialog
        dialog = guarded(self, ImportListDialog, self.ctx, pid, self)
        if dialog is None or dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self._written()
        return True

    def receive(self) -> bool:
        from helpdesk_gui.gui.mutual.contribution_dialog import ContributionDialog
        pid, uid = self.page.plan_id(), self.unit_id()
        if pid is None or uid is None or not self.can_pay:
            return False
        dialog = guarded(self, ContributionDialog, self.ctx, pid, uid, self)
        if dialog is None or dialog.exec() != QDialog.DialogCode.Accepted or dialog.posted is None:
            return False
        self._written()
        QMessageBox.information(self, self.tr("已收取互助金"), self.tr("已记账，凭证号 {no}。").format(
            no=dialog.posted.voucher_no))
        return True

    def open_voucher(self) -> None:
        from helpdesk_gui.gui.ledger.voucher_dialog import VoucherDialog
        idx = self.contribs.currentIndex()
        if not idx.isValid() or not self.ctx.actor.can("ledger.view"):
            return
        dialog = guarded(self, VoucherDialog, self.ctx, int(self.contrib_model.key(idx.row())), self)
        if dialog is not None:
            dialog.exec()
