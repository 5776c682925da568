"""The 维权与就业 page: service cases (维权/法律援助, 追回欠薪, 就业介绍, 技能培训, 应保未保), open and closed."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.casework import services
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import row_of_buttons
from helpdesk_gui.gui.kit.models import Col, Record, RecordModel
from helpdesk_gui.gui.kit.tables import make_view
from helpdesk_gui.gui.page import Page
from helpdesk_gui.gui.reception.case_dialog import CaseDialog, CloseCaseDialog
from helpdesk_gui.gui.reception.entry_dialog import code_combo
from helpdesk_gui.gui.reception.table import TONES, amount

LIMIT = 5000


class ServicesPage(Page):
    listens_to = ("casework_changed", "reception_logged", "household_saved", "households_changed")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        book = ctx.codebook()

        def outcome(r: Record) -> str:
            if r["status"] == "open":
                return "办理中"
            text = str(book.label("service_outcome", r["outcome"]))
            return f"{text}（{services.SUCCESS_MEANS[r['kind']]}）" if r["outcome"] == "success" else text

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("编号、服务对象、对方单位、事项（Ctrl+F）"))
        self.search_edit.setClearButtonEnabled(True)
        self.kind_box = code_combo(ctx, "service_kind", first=(self.tr("全部类别"), None))
        self.state_box = QComboBox()
        for text, code in (("全部状态", None), ("办理中", "open"), ("已办结", "closed")):
            self.state_box.addItem(self.tr(text), code)
        self.year_box = QComboBox()
        self.year_box.addItem(self.tr("全部年度"), None)
        this_year = _dt.date.today().year
        for y in range(this_year, this_year - 6, -1):
            self.year_box.addItem(self.tr("{y}年").format(y=y), y)
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        for box in (self.kind_box, self.state_box, self.year_box):
            filters.addWidget(box, 1)
        self.model = RecordModel([
            Col("case_no", self.tr("编号"), 120), Col("kind", self.tr("类别"), 100,
                                                     lambda r: book.label("service_kind", r["kind"])),
            Col("opened_date", self.tr("登记日期"), 90), Col("person_name", self.tr("服务对象"), 80),
            Col("people", self.tr("人数"), 44, right=True), Col("counterpart", self.tr("对方单位 / 机构"), 150),
            Col("matter", self.tr("事项"), 150),
            Col("claimed_fen", self.tr("涉及金额（元）"), 100, amount("claimed_fen"), right=True),
            Col("outcome", self.tr("办理结果"), 130, outcome), Col("closed_date", self.tr("办结日期"), 90),
            Col("amount_fen", self.tr("追回金额（元）"), 100, amount("amount_fen"), right=True),
            Col("archive_no", self.tr("关联档案"), 130), Col("entry_no", self.tr("接待登记"), 120),
        ], lambda r: "done" if r["status"] == "closed" else None, parent=self, palette=TONES)
        self.table = make_view(self.model, self)
        self.table.doubleClicked.connect(lambda _i: self.close_selected())
        self.count_label = QLabel()
        self.new_button = QPushButton(self.tr("登记… (Ctrl+N)"))
        self.close_button = QPushButton(self.tr("办结… (Enter)"))
        self.open_button = QPushButton(self.tr("打开档案"))
        writable = not ctx.readonly and ctx.actor.can("services.edit")
        self.new_button.setEnabled(writable)
        self.close_button.setEnabled(writable)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_of_buttons(self.count_label, right=(self.new_button, self.close_button, self.open_button)))

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self.table.setFocus)
        for box in (self.kind_box, self.state_box, self.year_box):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_button.clicked.connect(self.new_case)
        self.close_button.clicked.connect(self.close_selected)
        self.open_button.clicked.connect(self._open_household)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.new_button.isEnabled() and self.new_case())
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.close_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table, self.close_selected)
        self.setTabOrder(self.search_edit, self.kind_box)
        self.setTabOrder(self.year_box, self.table)
        self.refresh()
        self.loaded_now()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def case_filter(self) -> services.CaseFilter:
        year = self.year_box.currentData()
        return services.CaseFilter(text=self.search_edit.text(), kind=self.kind_box.currentData(),
                                   state=self.state_box.currentData(), date_from=f"{year}-01-01" if year else "",
                                   date_to=f"{year}-12-31" if year else "")

    def refresh(self) -> None:
        self._debounce.stop()
        found = guarded(self, services.list_cases, self.ctx.db, self.case_filter(), limit=LIMIT)
        if found is None:
            return
        self.model.set_rows(found)
        recovered = sum(int(r["amount_fen"]) for r in found)
        more = self.tr("（只显示前 {n} 件）").format(n=f"{LIMIT:,}") if len(found) >= LIMIT else ""
        self.count_label.setText(self.tr("共 {n} 件，办理中 {o} 件，追回（挽回）金额 {m} 元").format(
            n=f"{len(found):,}", o=f'{sum(r["status"] == "open" for r in found):,}', m=yuan(recovered))
            + more)
        if found:
            self.table.selectRow(0)

    def selected(self) -> Record | None:
        idx = self.table.currentIndex()
        return self.model.record(idx.row()) if idx.isValid() else None

    def new_case(self) -> int | None:
        dialog = CaseDialog(self.ctx, self, kind=self.kind_box.currentData())
        if not dialog.exec():
            return None
        self.refresh()
        return dialog.case_id

    def close_selected(self) -> None:
        c = self.selected()
        if c is None or c["status"] != "open" or not self.close_button.isEnabled():
            return
        if CloseCaseDialog(self.ctx, c, self).exec():
            self.refresh()

    def _open_household(self) -> None:
        c = self.selected()
        if c is not None and c["household_id"]:
            self.household_requested.emit(int(c["household_id"]))
