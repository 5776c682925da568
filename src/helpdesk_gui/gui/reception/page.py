"""The reception page (接待登记): search, filters, the lazy list with overdue entries in red, new entry,
handling, printing the 接待登记表, and (for an admin) the deadlines by kind."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.casework import reception
from helpdesk_gui.core.casework.reception import DeadlineRule, EntryFilter
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import FormDialog, row_of_buttons
from helpdesk_gui.gui.kit.models import Col, Record, RecordModel
from helpdesk_gui.gui.kit.tables import make_view
from helpdesk_gui.gui.page import Page
from helpdesk_gui.gui.reception.entry_dialog import code_combo
from helpdesk_gui.gui.reception.table import TONES

DEBOUNCE_MS = 200
STATES = (("全部状态", None), ("办理中", "open"), ("已逾期", "overdue"), ("已办结", "closed"), ("逾期办结", "late"))


def _state(r: Record) -> str:
    if r["status"] == "closed":
        return "已办结" + ("（逾期）" if str(r["closed_date"]) > str(r["deadline"]) else "")
    return f"逾期 {r['overdue_days']} 天" if r["overdue_days"] else "办理中"


def _tone(r: Record) -> str | None:
    if r["status"] == "open" and r["overdue_days"]:
        return "alert"
    return "done" if r["status"] == "closed" else None


class DeadlinesDialog(FormDialog):
    """限期办理 by kind: days, and whether they are working days (admin)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("限期办理设置"), self.tr("保存"), parent)
        self.ctx = ctx
        rules = reception.deadline_rules(ctx.db)
        book = ctx.codebook()
        self.rows: dict[str, tuple[QSpinBox, QCheckBox]] = {}
        for kind in reception.KINDS:
            days = QSpinBox()
            days.setRange(0, 365)
            days.setValue(rules[kind].days)
            days.setSuffix(self.tr(" 天"))
            working = QCheckBox(self.tr("按工作日计算（跳过周末和节假日）"))
            working.setChecked(rules[kind].working)
            line = QHBoxLayout()
            line.addWidget(days)
            line.addWidget(working, 1)
            self.form.addRow(book.label("reception_kind", kind), line)
            self.rows[kind] = (days, working)
        self.form.addRow(QLabel(self.tr("0 天为当日办结。修改只影响此后登记的事项，已登记事项的办结期限不变。")))

    def submit(self) -> None:
        reception.set_deadline_rules(self.ctx.db, self.ctx.actor, {
            k: DeadlineRule(days.value(), working.isChecked()) for k, (days, working) in self.rows.items()})
        self.ctx.events.tell(self, "settings_changed")


class ReceptionPage(Page):
    listens_to = ("reception_logged", "casework_changed", "application_moved", "household_saved",
                  "households_changed")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        book = ctx.codebook()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("搜索：登记编号、姓名、电话、单位、反映事项（Ctrl+F）"))
        self.search_edit.setClearButtonEnabled(True)
        self.channel_box = code_combo(ctx, "reception_channel", first=(self.tr("全部方式"), None))
        self.kind_box = code_combo(ctx, "reception_kind", first=(self.tr("全部类别"), None))
        self.state_box = QComboBox()
        for text, code in STATES:
            self.state_box.addItem(self.tr(text), code)
        self.who_box = QComboBox()
        self.who_box.addItem(self.tr("全部负责人"), None)
        self.who_box.addItem(self.tr("我负责的"), ctx.actor.username)
        for u in reception.responsible_users(ctx.db):
            if u["username"] != ctx.actor.username:
                self.who_box.addItem(str(u["display_name"]), u["username"])
        self.year_box = QComboBox()
        self.year_box.addItem(self.tr("全部年度"), None)
        this_year = _dt.date.today().year
        for y in range(this_year, this_year - 6, -1):
            self.year_box.addItem(self.tr("{y}年").format(y=y), y)
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        for box in (self.channel_box, self.kind_box, self.state_box, self.who_box, self.year_box):
            filters.addWidget(box, 1)

        self.model = RecordModel([
            Col("entry_no", self.tr("登记编号"), 120, sort_key="entry_no"),
            Col("received_date", self.tr("接待日期"), 90, sort_key="received_date"),
            Col("channel", self.tr("方式"), 64, lambda r: book.label("reception_channel", r["channel"]), sort_key="channel"),
            Col("kind", self.tr("类别"), 48, lambda r: book.label("reception_kind", r["kind"]), sort_key="kind"),
            Col("visitor_name", self.tr("来访人"), 80, sort_key="visitor_name"),
            Col("visitors", self.tr("人数"), 40, right=True),
            Col("matter", self.tr("反映事项"), 240),
            Col("responsible_name", self.tr("首问负责人"), 84, sort_key="responsible"),
            Col("deadline", self.tr("限办日期"), 90, sort_key="deadline"),
            Col("status", self.tr("状态"), 116, _state, sort_key="overdue"),
            Col("archive_no", self.tr("关联档案"), 130),
            Col("result", self.tr("办理结果"), 160),
        ], _tone, parent=self, palette=TONES)
        self.order_by, self.descending = "received_date", True
        self.table = make_view(self.model, self)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort)
        self.table.doubleClicked.connect(lambda _i: self.handle_selected())

        self.count_label = QLabel()
        self.overdue_label = QPushButton()
        self.overdue_label.setFlat(True)
        self.overdue_label.setToolTip(self.tr("只看逾期未办结的事项"))
        self.overdue_label.setStyleSheet("color: #9b1c1c; font-weight: bold; text-decoration: underline;")
        self.overdue_label.clicked.connect(self.show_overdue)
        self.new_button = QPushButton(self.tr("新登记 (Ctrl+N)"))
        self.handle_button = QPushButton(self.tr("办理… (Enter)"))
        self.print_button = QPushButton(self.tr("打印接待登记表…"))
        self.rules_button = QPushButton(self.tr("限期办理设置…"))
        writable = not ctx.readonly
        self.new_button.setEnabled(writable and ctx.actor.can("reception.edit"))
        self.rules_button.setVisible(ctx.actor.can("settings.edit"))
        self.rules_button.setEnabled(writable)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_of_buttons(self.count_label, self.overdue_label, right=(
            self.new_button, self.handle_button, self.print_button, self.rules_button)))

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_query)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self._focus_table)
        for box in (self.channel_box, self.kind_box, self.state_box, self.who_box, self.year_box):
            box.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.new_button.clicked.connect(self.new_entry)
        self.handle_button.clicked.connect(self.handle_selected)
        self.print_button.clicked.connect(lambda: self.print_sheet())
        self.rules_button.clicked.connect(self.edit_rules)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, self._new_if_allowed)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.handle_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Enter), self.table, self.handle_selected)
        self.setTabOrder(self.search_edit, self.channel_box)
        self.setTabOrder(self.year_box, self.table)
        self.apply_query()
        self.loaded_now()

    # ---- query
    def entry_filter(self) -> EntryFilter:
        year = self.year_box.currentData()
        return EntryFilter(text=self.search_edit.text(), channel=self.channel_box.currentData(),
                           kind=self.kind_box.currentData(), state=self.state_box.currentData(),
                           responsible=self.who_box.currentData(),
                           date_from=f"{year}-01-01" if year else "", date_to=f"{year}-12-31" if year else "")

    def apply_query(self) -> None:
        self._debounce.stop()
        f = self.entry_filter()
        today = _dt.date.today()
        ids = guarded(self, reception.entry_ids, self.ctx.db, f, today=today, order_by=self.order_by,
                      descending=self.descending)
        if ids is None:
            return
        db = self.ctx.db
        self.model.set_ids(ids, lambda chunk: reception.rows_by_ids(db, chunk, today=today))
        self.count_label.setText(self.tr("共 {n} 件").format(n=f"{len(ids):,}"))
        overdue = guarded(self, reception.overdue_count, self.ctx.db, today) or 0
        self.overdue_label.setText(self.tr("逾期未办结 {n} 件").format(n=f"{overdue:,}") if overdue else "")
        self.overdue_label.setVisible(bool(overdue))
        if ids:
            self.table.selectRow(0)

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        key = self.model.columns[column].sort_key
        if key is None:
            return
        self.order_by, self.descending = key, order == Qt.SortOrder.DescendingOrder
        self.apply_query()

    def refresh(self) -> None:
        keep = self.selected_id()
        self.apply_query()
        if keep is not None and self.model.row_of(keep) > 0:
            self.table.selectRow(self.model.row_of(keep))

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _focus_table(self) -> None:
        self.apply_query()
        self.table.setFocus()

    def show_overdue(self) -> None:
        self.state_box.setCurrentIndex(self.state_box.findData("overdue"))

    def open_item(self, item_id: int) -> None:
        self.select_entry(item_id)

    def select_entry(self, entry_id: int) -> None:
        row = self.model.row_of(entry_id)
        if row < 0:
            for box in (self.channel_box, self.kind_box, self.state_box, self.who_box, self.year_box):
                box.setCurrentIndex(0)
            self.search_edit.clear()
            self.apply_query()
            row = self.model.row_of(entry_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    # ---- actions
    def selected_id(self) -> int | None:
        idx = self.table.currentIndex()
        return self.model.record_id(idx.row()) if idx.isValid() else None

    def _new_if_allowed(self) -> None:
        if self.new_button.isEnabled():
            self.new_entry()

    def new_entry(self) -> int | None:
        from helpdesk_gui.gui.reception.entry_dialog import EntryDialog
        dialog = EntryDialog(self.ctx, self)
        if not dialog.exec() or dialog.entry_id is None:
            return None
        self.apply_query()
        self.select_entry(dialog.entry_id)
        return dialog.entry_id

    def handle_selected(self) -> None:
        eid = self.selected_id()
        if eid is not None:
            self.handle(eid)

    def handle(self, entry_id: int) -> None:
        from helpdesk_gui.gui.reception.handle_dialog import HandleDialog
        dialog = guarded(self, HandleDialog, self.ctx, entry_id, self)
        if dialog is None:
            return
        dialog.household_requested.connect(self.household_requested)
        dialog.changed.connect(lambda: self.ctx.events.tell(self, "reception_logged", entry_id))
        dialog.exec()
        self.apply_query()
        self.select_entry(entry_id)

    def edit_rules(self) -> None:
        DeadlinesDialog(self.ctx, self).exec()

    def print_sheet(self, path: str | None = None) -> Path | None:
        from helpdesk_gui.core.reports.figures import Period
        from helpdesk_gui.printing.reports import print_reception_sheet
        f = self.entry_filter()
        today = _dt.date.today()
        period = Period.parse(f.date_from or today.replace(day=1).isoformat(), f.date_to or today.isoformat())
        if path is None:
            chosen = files.save_file(self, self.tr("打印接待登记表"),
                                     f"接待登记表_{period.start:%Y%m%d}-{period.end:%Y%m%d}.pdf", self.tr("PDF 文件 (*.pdf)"))
            if chosen is None:
                return None
            path = str(chosen)
        printed = guarded(self, print_reception_sheet, self.ctx.db, period, Path(path), actor=self.ctx.actor,
                          user_dir=self.ctx.folder / "forms")
        if printed is not None:
            QMessageBox.information(self, self.tr("打印"), self.tr("已生成 {p}（{n} 页）").format(p=printed.path,
                                                                                             n=f"{printed.pages:,}"))
            return Path(printed.path)
        return None
