"""The applications list: states on the left with their counts, filters and search on top, the list,
and the chosen application's detail on the right."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.workflow import applications
from helpdesk_gui.core.workflow import steps as workflow
from helpdesk_gui.gui.applications.common import TONES, what
from helpdesk_gui.gui.applications.detail import ApplicationDetail
from helpdesk_gui.gui.applications.new_dialog import NewApplicationDialog
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.models import Col, RecordModel
from helpdesk_gui.gui.kit.tables import make_view

LIMIT = 2000


class ApplicationsTab(QWidget):
    household_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        book = ctx.codebook()
        self.states = QListWidget()
        self.states.setFixedWidth(118)
        for code, label in [("open", "办理中"), *((i.code, i.label) for i in book.items("application_status")),
                            ("", "全部")]:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            self.states.addItem(item)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("申请编号、档案编号、姓名或拼音首字母（Ctrl+F）"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(180)
        self.kind_box = QComboBox()
        self.kind_box.addItem(self.tr("全部类别"), None)
        for i in book.items("application_kind"):
            self.kind_box.addItem(i.label, i.code)
        self.project_box = QComboBox()
        self.project_box.addItem(self.tr("全部项目"), None)
        for i in book.items("project"):
            self.project_box.addItem(i.label, i.code)
        self.new_button = QPushButton(self.tr("受理新申请… (Ctrl+N)"))
        self.new_button.setEnabled(ctx.actor.can("workflow.apply") and not ctx.readonly)
        self.count_label = QLabel()
        self.rules_button = QPushButton(self.tr("上限规则与节假日…"))
        self.model = RecordModel([
            Col("app_no", self.tr("申请编号"), 118), Col("name", self.tr("姓名"), 64),
            Col("what", self.tr("申请事项"), 110, lambda r: what(book, r)),
            Col("status", self.tr("状态"), 76, lambda r: book.label("application_status", r["status"])),
            Col("amount", self.tr("金额（元）"), 84, lambda r: yuan(r["approved_fen"] or r["proposed_fen"]
                                                                  or r["requested_fen"]), right=True),
            Col("received_date", self.tr("受理日期"), 86), Col("township", self.tr("乡镇（街道）"), 80)],
            tone=lambda r: str(r["status"]), parent=self, palette=TONES)
        self.table = make_view(self.model, self)
        self.detail = ApplicationDetail(ctx)
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        filters.addWidget(self.kind_box, 1)
        filters.addWidget(self.project_box, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.rules_button)
        bottom.addWidget(self.new_button)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(filters)
        lv.addWidget(self.table, 1)
        lv.addLayout(bottom)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 6)
        split.setSizes([560, 640])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.states)
        layout.addWidget(split, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self.apply_query)
        self.search_edit.textChanged.connect(lambda _t: self._debounce.start())
        self.search_edit.returnPressed.connect(self.table.setFocus)
        self.states.currentRowChanged.connect(lambda _r: self.apply_query())
        for box in (self.kind_box, self.project_box):
            box.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.new_button.clicked.connect(lambda: self.new_application())
        self.detail.changed.connect(self._changed)
        self.rules_button.clicked.connect(self.show_rules)
        self.detail.household_requested.connect(self.household_requested.emit)
        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_search)
        QShortcut(QKeySequence.StandardKey.New, self, lambda: self.new_application())
        self.setTabOrder(self.search_edit, self.kind_box)
        self.setTabOrder(self.kind_box, self.project_box)
        self.setTabOrder(self.project_box, self.new_button)
        self.setTabOrder(self.new_button, self.table)
        self.states.setCurrentRow(0)

    def query(self) -> applications.Query:
        item = self.states.currentItem()
        return applications.Query(status=(item.data(Qt.ItemDataRole.UserRole) or None) if item else "open",
                                  kind=self.kind_box.currentData(), project=self.project_box.currentData(),
                                  text=self.search_edit.text())

    def apply_query(self, keep: int | None = None) -> None:
        self._debounce.stop()
        keep = keep if keep is not None else self.detail.application_id
        q = self.query()
        found = guarded(self, applications.list_applications, self.ctx.db, q, limit=LIMIT) or []
        self.model.set_rows(found)
        total = guarded(self, applications.count, self.ctx.db, q) or 0
        self.count_label.setText(self.tr("共 {n} 件").format(n=f"{total:,}") + (
            self.tr("，显示最近的 {m} 件，请用筛选缩小范围").format(m=f"{LIMIT:,}") if total > LIMIT else ""))
        self._update_counts()
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.detail.show_application(None)

    def _update_counts(self) -> None:
        counts = guarded(self, applications.counts_by_status, self.ctx.db) or {}
        book = self.ctx.codebook()
        for i in range(self.states.count()):
            item = self.states.item(i)
            code = item.data(Qt.ItemDataRole.UserRole)
            n = (sum(counts.get(s, 0) for s in workflow.OPEN) if code == "open" else
                 sum(counts.values()) if code == "" else counts.get(code, 0))
            label = {"open": "办理中", "": "全部"}.get(code) or book.label("application_status", code)
            item.setText(f"{label}  {n:,}")

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        app_id = self.model.record_id(rows[0].row()) if rows else None
        guarded(self, self.detail.show_application, app_id)

    def _changed(self, app_id: int) -> None:
        self.apply_query(keep=app_id)

    def refresh(self) -> None:
        self.apply_query()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def show_application(self, app_id: int) -> None:
        """Select an application whatever the filters (from a worklist on the home page)."""
        app = guarded(self, workflow.load, self.ctx.db, app_id)
        if app is None:
            return
        self.search_edit.blockSignals(True)
        self.search_edit.setText(str(app["app_no"]))
        self.search_edit.blockSignals(False)
        for box in (self.kind_box, self.project_box):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.states.blockSignals(True)
        self.states.setCurrentRow(self.states.count() - 1)   # 全部
        self.states.blockSignals(False)
        self.apply_query(keep=app_id)

    def show_rules(self) -> None:
        from helpdesk_gui.gui.applications.rules_dialog import RulesDialog
        dialog = guarded(self, RulesDialog, self.ctx, self)
        if dialog is not None:
            dialog.exec()   # caps and holidays: the dialog tells of its changes
            self.refresh()

    def new_application(self, household_id: int | None = None) -> int | None:
        if not self.new_button.isEnabled():
            return None
        dialog = NewApplicationDialog(self.ctx, self, household_id=household_id)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.application_id is None:
            return None
        self.ctx.events.tell(self, "application_moved", dialog.application_id)
        self.show_application(dialog.application_id)
        return dialog.application_id
