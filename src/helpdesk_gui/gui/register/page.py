"""The register page (档案管理): search as you type, filters, the lazy list, export, open, cancel."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.city import region
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register import search
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.fields import refill_choices
from helpdesk_gui.gui.kit.forms import row_of_buttons
from helpdesk_gui.gui.kit.worker import Task, save_in_background
from helpdesk_gui.gui.page import Page
from helpdesk_gui.gui.printing.buttons import RegisterPrintButton
from helpdesk_gui.gui.register.model import HouseholdTableModel

DEBOUNCE_MS = 200


class RegisterPage(Page):
    listens_to = ("household_saved", "households_changed", "batch_imported", "application_moved")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        book = ctx.codebook()
        self.model = HouseholdTableModel(ctx.db, book, reveal=False, parent=self)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("搜索：姓名、拼音首字母、身份证号后几位、电话、单位、乡镇、地址（Ctrl+F）"))
        self.search_edit.setClearButtonEnabled(True)
        self.status_box = self._combo(self.tr("全部状态"), [(i.code, i.label) for i in book.items("status")])
        self.category_box = self._combo(self.tr("全部类别"), [(i.code, i.label) for i in book.items("category")])
        self.cause_box = self._combo(self.tr("全部致困原因"), [(i.code, i.label) for i in book.items("cause")])
        self.township_box = self._combo(self.tr("全部乡镇"), [(t, t) for t in register.townships(ctx.db)])
        this_year = _dt.date.today().year
        self.year_box = self._combo(self.tr("全部年度"), [(str(y), f"{y}年建档") for y in range(this_year, this_year - 12, -1)])
        # 所属县区: at the city (or wherever several senders' archives are), by the batches' sender
        self.county_box = self._combo(self.tr("全部县区"), [])
        self.county_box.setToolTip(self.tr("按档案所属县区（批次的发送单位）筛选"))
        self._fill_counties()

        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        for box in (self.county_box, self.status_box, self.category_box, self.cause_box, self.township_box,
                    self.year_box):
            filters.addWidget(box, 1)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for i, width in enumerate((128, 62, 40, 146, 100, 150, 84, 70, 104, 60, 100, 56, 84)):
            header.resizeSection(i, width)
        header.setStretchLastSection(True)
        state = ctx.qsettings().value("register/header")
        if state is not None:
            header.restoreState(state)
        self._county_column(region.shows_counties(ctx.db))
        self.table.doubleClicked.connect(self._open_index)

        self.count_label = QLabel()
        self.new_button = QPushButton(self.tr("新建档案 (Ctrl+N)"))
        self.open_button = QPushButton(self.tr("打开 (Enter)"))
        self.life_button = QPushButton(self.tr("脱困 / 注销 / 返困…"))
        self.export_button = QPushButton(self.tr("导出当前列表到 Excel…"))
        self.reveal_button = QPushButton(self.tr("查看完整号码…"))
        self.reveal_button.setToolTip(self.tr("显示所选档案的完整身份证号、电话和银行账号（会记入审计日志）"))
        self.reveal_button.setVisible(ctx.actor.can("register.reveal"))
        can_edit = ctx.actor.can("register.edit")
        self.new_button.setEnabled(can_edit)
        self.life_button.setEnabled(ctx.actor.can("register.status"))
        self.print_button = RegisterPrintButton(ctx, self, self.selected_id, lambda: self.model.ids)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_of_buttons(self.count_label, right=(
            self.new_button, self.open_button, self.life_button, self.reveal_button, self.export_button,
            self.print_button)))

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_query)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self._focus_table)
        for box in (self.county_box, self.status_box, self.category_box, self.cause_box, self.township_box,
                    self.year_box):
            box.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.new_button.clicked.connect(self.new_household_requested.emit)
        self.open_button.clicked.connect(self.open_selected)
        self.life_button.clicked.connect(self._life_selected)
        self.export_button.clicked.connect(lambda: self.export_view())
        self.reveal_button.clicked.connect(self.reveal_selected)

        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, self._new_if_allowed)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.open_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table, self.open_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, self._life_selected)

        self.setTabOrder(self.search_edit, self.county_box)
        self.setTabOrder(self.county_box, self.status_box)
        self.setTabOrder(self.year_box, self.table)
        self.apply_query()
        self.loaded_now()

    def _combo(self, all_label: str, items: list[tuple[str, str]]) -> QComboBox:
        box = QComboBox()
        box.addItem(all_label, None)
        for code, label in items:
            box.addItem(label, code)
        return box

    def _fill_counties(self) -> None:
        """The 所属县区 choices again (a batch may have brought a new county); the one chosen stays chosen."""
        db = self.ctx.db
        shown = region.shows_counties(db)
        self.model.county_names = region.names(db)
        refill_choices(self.county_box, region.sender_choices(db) if shown else [])
        self.county_box.setVisible(shown)
        if hasattr(self, "table"):
            self._county_column(shown)

    def _county_column(self, shown: bool) -> None:
        """所属县区 (the model's last column) is shown second, after 档案编号, unless the clerk has moved it."""
        column = len(self.model.columns) - 1
        header = self.table.horizontalHeader()
        self.table.setColumnHidden(column, not shown)
        if shown and header.visualIndex(column) == column:
            header.moveSection(column, 1)
            header.resizeSection(column, 116)

    def set_county(self, code: str | None) -> None:
        """Show one county's archives (None: every county)."""
        self.county_box.setCurrentIndex(max(self.county_box.findData(code), 0) if code else 0)

    def open_item(self, item_id: int) -> None:
        """Another page asks for one county's archives (its 6-digit code as the item: the city's 各县上报)."""
        self.set_county(f"{item_id:06d}")

    # ---- query
    def filters(self) -> search.Filters:
        year = self.year_box.currentData()
        return search.Filters(status=self.status_box.currentData(), category=self.category_box.currentData(),
                              cause=self.cause_box.currentData(), township=self.township_box.currentData(),
                              year=int(year) if year else None, county=self.county_box.currentData())

    def apply_query(self) -> None:
        self._debounce.stop()
        guarded(self, self.model.set_query, self.search_edit.text(), self.filters())
        self.count_label.setText(self.tr("共 {n} 户").format(n=f"{self.model.rowCount():,}"))
        if self.model.rowCount():
            self.table.selectRow(0)

    def save_state(self) -> None:
        """Column widths and order, remembered between runs."""
        self.ctx.qsettings().setValue("register/header", self.table.horizontalHeader().saveState())

    def refresh(self) -> None:
        """The query again; the archive selected stays selected if it is still in the list."""
        keep = self.selected_id()
        self._fill_counties()
        self.apply_query()
        row = self.model.row_of(keep) if keep is not None else -1
        if row > 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _focus_table(self) -> None:
        self.apply_query()
        self.table.setFocus()

    # ---- actions
    def selected_id(self) -> int | None:
        idx = self.table.currentIndex()
        if not idx.isValid():
            return None
        return self.model.household_id(idx.row())

    def _open_index(self, index: QModelIndex) -> None:
        self.household_requested.emit(self.model.household_id(index.row()))

    def open_selected(self) -> None:
        hid = self.selected_id()
        if hid is not None:
            self.household_requested.emit(hid)

    def _new_if_allowed(self) -> None:
        if self.ctx.actor.can("register.edit"):
            self.new_household_requested.emit()

    def _life_selected(self) -> None:
        hid = self.selected_id()
        if hid is not None and self.ctx.actor.can("register.status"):
            self.life_requested.emit(hid)

    def reveal_selected(self) -> dict[str, str] | None:
        hid = self.selected_id()
        if hid is None:
            return None
        shown: dict[str, str] | None = guarded(self, register.reveal, self.ctx.db, self.ctx.actor, hid)
        if shown:
            QMessageBox.information(self, self.tr("完整信息（已记入审计日志）"), self.tr(
                "档案 {no}  {name}\n公民身份号码：{idn}\n手机号码：{phone}\n开户银行：{bank}\n银行账号：{account}").format(
                no=shown["archive_no"], name=shown["name"], idn=shown["id_number"], phone=shown["phone"] or "—",
                bank=shown["bank_name"] or "—", account=shown["bank_account"] or "—"))
        return shown

    def export_view(self, path: str | None = None) -> Task | None:
        if not self.model.rowCount():
            QMessageBox.information(self, self.tr("导出"), self.tr("当前列表没有档案。"))
            return None
        from helpdesk_gui.exchange.listing import export_households  # openpyxl: only when exporting
        ids = list(self.model.ids)
        return save_in_background(
            self, self.ctx, lambda db, target, progress: export_households(db, target, ids, reveal=False, progress=progress),
            caption=self.tr("导出到 Excel"), default_name=f"档案列表_{_dt.date.today():%Y%m%d}.xlsx",
            box_title=self.tr("导出完成"), saved=lambda n, p: self.tr("已导出 {n} 户到\n{path}").format(n=f"{n:,}", path=p),
            path=path)

