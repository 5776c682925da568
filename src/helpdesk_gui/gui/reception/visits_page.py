"""The 走访与结对 page: pairs with their next visit due (overdue in red), the care visits, the cadres."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.casework import visits
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm
from helpdesk_gui.gui.kit.models import Col, Record, RecordModel
from helpdesk_gui.gui.kit.tables import make_view
from helpdesk_gui.gui.page import Page
from helpdesk_gui.gui.reception.entry_dialog import code_combo
from helpdesk_gui.gui.reception.table import TONES, amount, done
from helpdesk_gui.gui.reception.visit_dialogs import (
    CadreDialog,
    EndPairDialog,
    PairDialog,
    PairHistoryDialog,
    VisitDialog,
)


def _pair_state(r: Record) -> str:
    if r["end_date"]:
        return f"已结束（{r['end_date']}）"
    if r["overdue_days"]:
        return f"逾期 {r['overdue_days']} 天"
    return "今日到期" if r["next_due"] == _dt.date.today().isoformat() else "结对中"


def _pair_tone(r: Record) -> str | None:
    if r["end_date"]:
        return "done"
    if r["overdue_days"]:
        return "alert"
    soon = (_dt.date.today() + _dt.timedelta(days=7)).isoformat()
    return "warn" if str(r["next_due"]) <= soon else None


class _ListTab(QWidget):
    """A search box, filter boxes, a list and buttons; subclasses fill the list."""

    def __init__(self, ctx: AppContext, columns: list[Col], tone=lambda _r: None, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.ctx = ctx
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.filters = QHBoxLayout()
        self.filters.addWidget(self.search_edit, 3)
        self.model = RecordModel(columns, tone, parent=self, palette=TONES)
        self.table: QTableView = make_view(self.model, self)
        self.count_label = QLabel()
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.count_label)
        self.buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(self.filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self.table.setFocus)
        self.writable = not ctx.readonly and ctx.actor.can("pairs.manage")

    def button(self, text: str, slot) -> QPushButton:  # type: ignore[no-untyped-def]
        b = QPushButton(text)
        b.clicked.connect(lambda: slot())
        self.buttons.addWidget(b)
        return b

    def selected(self) -> Record | None:
        idx = self.table.currentIndex()
        return self.model.record(idx.row()) if idx.isValid() else None

    def show_rows(self, rows: list[Record], limit: int) -> None:
        self.model.set_rows(rows)
        more = self.tr("（只显示前 {n} 条，请缩小范围）").format(n=f"{limit:,}") if len(rows) >= limit else ""
        self.count_label.setText(self.tr("共 {n} 条").format(n=f"{len(rows):,}") + more)
        if rows:
            self.table.selectRow(0)

    def refresh(self) -> None:
        raise NotImplementedError


class PairsTab(_ListTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, [
            Col("cadre_name", self.tr("帮扶干部"), 80), Col("cadre_unit", self.tr("干部单位"), 130),
            Col("archive_no", self.tr("档案编号"), 130), Col("household_name", self.tr("户主"), 70),
            Col("township", self.tr("乡镇（街道）"), 90), Col("start_date", self.tr("结对日期"), 90),
            Col("visit_every_days", self.tr("间隔（天）"), 70, right=True),
            Col("last_visit", self.tr("上次走访"), 90), Col("next_due", self.tr("应走访日期"), 90),
            Col("visits", self.tr("走访次数"), 64, right=True), Col("state", self.tr("状态"), 110, _pair_state),
        ], _pair_tone, parent)
        self.search_edit.setPlaceholderText(self.tr("干部姓名或单位、户主姓名、档案编号（Ctrl+F）"))
        self.state_box = QComboBox()
        for text, code in (("应走访（含 7 天内到期）", "due"), ("结对中", "standing"), ("已结束", "ended"),
                           ("全部", None)):
            self.state_box.addItem(self.tr(text), code)
        self.state_box.setCurrentIndex(1)
        self.state_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.filters.addWidget(self.state_box, 1)
        self.new_button = self.button(self.tr("新结对… (Ctrl+N)"), self.new_pair)
        self.visit_button = self.button(self.tr("登记走访… (Enter)"), self.visit_selected)
        self.end_button = self.button(self.tr("结束结对…"), self.end_selected)
        self.history_button = self.button(self.tr("走访记录…"), self.history_selected)
        for b in (self.new_button, self.visit_button, self.end_button):
            b.setEnabled(self.writable)
        self.table.doubleClicked.connect(lambda _i: self.visit_selected())
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.visit_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table, self.visit_selected)

    def refresh(self) -> None:
        self._debounce.stop()
        f = visits.PairFilter(text=self.search_edit.text(), state=self.state_box.currentData())
        found = guarded(self, visits.list_pairs, self.ctx.db, f, limit=5000)
        if found is not None:
            self.show_rows(found, 5000)

    def new_pair(self) -> None:
        if self.writable and PairDialog(self.ctx, self).exec():
            self.refresh()

    def visit_selected(self) -> None:
        p = self.selected()
        if p is None or not self.writable or p["end_date"]:
            return
        if VisitDialog(self.ctx, self, pair=p).exec():
            self.refresh()

    def history_selected(self) -> None:
        p = self.selected()
        if p is not None:
            PairHistoryDialog(self.ctx, p, self).exec()

    def end_selected(self) -> None:
        p = self.selected()
        if p is not None and not p["end_date"] and EndPairDialog(self.ctx, p, self).exec():
            self.refresh()


class VisitsTab(_ListTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        book = ctx.codebook()
        super().__init__(ctx, [
            Col("visit_date", self.tr("走访日期"), 90), Col("archive_no", self.tr("档案编号"), 130),
            Col("household_name", self.tr("户主"), 70), Col("township", self.tr("乡镇（街道）"), 90),
            Col("kind", self.tr("类别"), 96, lambda r: book.label("visit_kind", r["kind"])),
            Col("visitors", self.tr("走访人员"), 130), Col("cadre_name", self.tr("结对干部"), 70),
            Col("money_fen", self.tr("慰问金（元）"), 90, amount("money_fen"), right=True),
            Col("goods", self.tr("慰问品"), 90), Col("goods_fen", self.tr("折价（元）"), 80, amount("goods_fen"), right=True),
            Col("notes", self.tr("走访情况"), 200),
        ], parent=parent)
        self.search_edit.setPlaceholderText(self.tr("户主姓名、档案编号、走访人员（Ctrl+F）"))
        self.kind_box = code_combo(ctx, "visit_kind", first=(self.tr("全部类别"), None))
        self.year_box = QComboBox()
        this_year = _dt.date.today().year
        for y in range(this_year, this_year - 6, -1):
            self.year_box.addItem(self.tr("{y}年").format(y=y), y)
        self.year_box.addItem(self.tr("全部年度"), None)
        for box in (self.kind_box, self.year_box):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
            self.filters.addWidget(box, 1)
        self.sum_label = QLabel()
        self.buttons.insertWidget(1, self.sum_label)
        self.new_button = self.button(self.tr("登记走访… (Ctrl+N)"), self.new_visit)
        self.new_button.setEnabled(self.writable)

    def refresh(self) -> None:
        self._debounce.stop()
        year = self.year_box.currentData()
        f = visits.VisitFilter(text=self.search_edit.text(), kind=self.kind_box.currentData(),
                               date_from=f"{year}-01-01" if year else "", date_to=f"{year}-12-31" if year else "")
        found = guarded(self, visits.list_visits, self.ctx.db, f, limit=5000)
        if found is None:
            return
        self.show_rows(found, 5000)
        fen = sum(int(r["money_fen"]) for r in found)
        goods = sum(int(r["goods_fen"]) for r in found)
        self.sum_label.setText(self.tr("　慰问金 {m} 元，慰问品折价 {g} 元").format(
            m=yuan(fen), g=yuan(goods)))

    def new_visit(self) -> None:
        if self.writable and VisitDialog(self.ctx, self).exec():
            self.refresh()


class CadresTab(_ListTab):
    pairs_requested = Signal(int)     # show this cadre's pairs

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, [
            Col("name", self.tr("姓名"), 90), Col("unit", self.tr("单位"), 180), Col("post", self.tr("职务"), 80),
            Col("phone", self.tr("联系电话"), 110), Col("households", self.tr("结对户数"), 70, right=True),
            Col("due", self.tr("应走访"), 60, right=True),
            Col("active", self.tr("状态"), 60, lambda r: "在用" if r["active"] else "已停用"),
        ], lambda r: None if r["active"] else "done", parent)
        self.search_edit.setVisible(False)
        self.new_button = self.button(self.tr("新增干部… (Ctrl+N)"), self.new_cadre)
        self.pair_button = self.button(self.tr("为该干部结对…"), self.pair_selected)
        self.toggle_button = self.button(self.tr("停用 / 启用"), self.toggle_selected)
        for b in (self.new_button, self.pair_button, self.toggle_button):
            b.setEnabled(self.writable)

    def refresh(self) -> None:
        found = guarded(self, visits.list_cadres, self.ctx.db)
        if found is not None:
            self.show_rows(found, 10**9)

    def new_cadre(self) -> None:
        if self.writable and CadreDialog(self.ctx, self).exec():
            self.refresh()

    def pair_selected(self) -> None:
        c = self.selected()
        if c is not None and c["active"] and PairDialog(self.ctx, self, cadre_id=int(c["id"])).exec():
            self.refresh()

    def toggle_selected(self) -> None:
        c = self.selected()
        if c is None:
            return
        if c["active"] and not confirm(self, self.tr("停用干部"), self.tr("停用 {n} 后不能再为其结对。确定停用吗？")
                                       .format(n=c["name"])):
            return
        if guarded(self, done, visits.set_cadre_active, self.ctx.db, self.ctx.actor, int(c["id"]), not c["active"]):
            self.ctx.events.tell(self, "casework_changed")
            self.refresh()


class VisitsPage(Page):
    listens_to = ("casework_changed", "household_saved", "households_changed")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.pairs = PairsTab(ctx)
        self.visits = VisitsTab(ctx)
        self.cadres = CadresTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.pairs, self.tr("结对帮扶"))
        self.tabs.addTab(self.visits, self.tr("走访慰问"))
        self.tabs.addTab(self.cadres, self.tr("帮扶干部"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        QShortcut(QKeySequence.StandardKey.Find, self, self._find)
        QShortcut(QKeySequence.StandardKey.New, self, self._new)
        self.refresh()
        self.loaded_now()

    def current(self) -> _ListTab:
        tab = self.tabs.currentWidget()
        assert isinstance(tab, _ListTab)
        return tab

    def refresh(self) -> None:
        self.current().refresh()

    def open_item(self, item_id: int) -> None:
        self.show_pair(item_id)

    def show_pair(self, pair_id: int) -> None:
        """From the home page: the pair due for a visit, selected."""
        self.tabs.setCurrentWidget(self.pairs)
        self.pairs.state_box.setCurrentIndex(self.pairs.state_box.findData("due"))
        self.pairs.refresh()
        row = self.pairs.model.row_of(pair_id)
        if row >= 0:
            self.pairs.table.selectRow(row)

    def _find(self) -> None:
        tab = self.current()
        if tab.search_edit.isVisible():
            tab.search_edit.setFocus()
            tab.search_edit.selectAll()

    def _new(self) -> None:
        tab = self.current()
        action = {PairsTab: "new_pair", VisitsTab: "new_visit", CadresTab: "new_cadre"}.get(type(tab))
        if action:
            getattr(tab, action)()

