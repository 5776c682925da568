"""The audit viewer: who did what and when, before and after; filters; export. Admins only."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.access import audit, audit_labels
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.ledger import funds
from helpdesk_gui.exchange.listing import export_audit
from helpdesk_gui.gui.context import AppContext, Events
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.worker import Task, save_in_background
from helpdesk_gui.gui.page import Page

SHOWN = 2000


class AuditPage(Page):
    listens_to = Events.NAMES   # every write is audited

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.items: list[dict[str, object]] = []
        self.fund_names: dict[str, str] | None = None   # read when a row's details are first shown
        title = QLabel(self.tr("审计日志"))
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.user_box = QComboBox()
        self.action_box = QComboBox()
        self.action_codes: list[tuple[str, ...]] = []   # per item of action_box: the actions it stands for
        self.entity_box = QComboBox()
        self.entity_box.addItem(self.tr("全部对象"), "")
        for code, label in audit_labels.ENTITY_LABELS.items():
            self.entity_box.addItem(label, code)
        self.entity_id = QLineEdit()
        self.entity_id.setPlaceholderText(self.tr("对象编号（如档案编号）"))
        self.date_from = QLineEdit()
        self.date_from.setPlaceholderText(self.tr("起始日期 YYYY-MM-DD"))
        self.date_to = QLineEdit()
        self.date_to.setPlaceholderText(self.tr("截止日期 YYYY-MM-DD"))
        self.search_button = QPushButton(self.tr("查询"))
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        filters = QHBoxLayout()
        for w in (self.user_box, self.action_box, self.entity_box, self.entity_id, self.date_from, self.date_to,
                  self.search_button, self.export_button):
            filters.addWidget(w)
        self.count_label = QLabel()
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("时间"), self.tr("操作人"), self.tr("操作"), self.tr("对象"),
                                              self.tr("对象编号")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, width in enumerate((130, 90, 130, 110)):
            self.table.setColumnWidth(i, width)
        self.detail = QTextEdit()
        self.detail.setReadOnly(True)
        splitter = QSplitter(Qt.Orientation.Horizontal)   # the details beside the list: a voucher's run long
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setSizes([640, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(filters)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)
        self.search_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(lambda: self.export())
        self.entity_id.returnPressed.connect(self.refresh)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_detail(row))
        self._fill_choices()
        self.refresh()
        self.loaded_now()

    def _fill_choices(self) -> None:
        """The users of the trail; the actions by label, each once (an item's data: its first action code)."""
        self.user_box.clear()
        self.user_box.addItem(self.tr("全部用户"), "")
        for name in guarded(self, audit.usernames, self.ctx.db) or []:
            self.user_box.addItem(name, name)
        self.action_box.clear()
        self.action_box.addItem(self.tr("全部操作"), "")
        self.action_codes = [()]
        for label, codes in audit_labels.action_choices(guarded(self, audit.actions, self.ctx.db) or []):
            self.action_box.addItem(label, codes[0])
            self.action_codes.append(codes)

    def current_filter(self) -> audit.AuditFilter:
        for edit in (self.date_from, self.date_to):
            text = edit.text().strip()
            if text:
                _dt.date.fromisoformat(text)  # raises ValueError on a bad date
        actions = self.action_codes[self.action_box.currentIndex()] if self.action_box.currentIndex() > 0 else ""
        return audit.AuditFilter(username=self.user_box.currentData() or "", action=actions,
                                 entity=self.entity_box.currentData() or "", entity_id=self.entity_id.text().strip(),
                                 date_from=self.date_from.text().strip(), date_to=self.date_to.text().strip())

    def refresh(self) -> None:
        try:
            flt = self.current_filter()
        except ValueError:
            QMessageBox.warning(self, self.tr("日期格式不对"), self.tr("日期请写成 YYYY-MM-DD，如 2026-11-01。"))
            return
        self.items = guarded(self, audit.query, self.ctx.db, flt, limit=SHOWN) or []
        self.fund_names = None   # a fund may have been added or renamed
        total = guarded(self, audit.count, self.ctx.db, flt) or 0
        self.count_label.setText(self.tr("共 {n} 条").format(n=f"{total:,}")
                                 + (self.tr("（显示最新 {m} 条，导出可得全部）").format(m=f"{SHOWN:,}") if total > SHOWN else ""))
        self.table.setRowCount(len(self.items))
        for r, it in enumerate(self.items):
            values = [local_time(str(it["at"])), it["username"], audit_labels.action_label(str(it["action"])),
                      audit_labels.entity_label(str(it["entity"])), it["entity_id"]]
            for c, v in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(str(v)))
        self.detail.clear()
        if self.items:
            self.table.setCurrentCell(0, 0)   # the newest row's details show at once
            self.show_detail(0)               # (no signal when the current cell was (0, 0) already)

    def show_detail(self, row: int) -> None:
        if row < 0 or row >= len(self.items):
            self.detail.clear()
            return
        it = self.items[row]
        book = self.ctx.codebook()
        entity, action = str(it["entity"]), str(it["action"])
        if self.fund_names is None:
            self.fund_names = {str(f["id"]): str(f["name"]) for f in guarded(self, funds.list_funds, self.ctx.db) or []}
        names = self.fund_names

        def section(raw: object) -> str:
            lines = audit_labels.describe(str(raw) if raw else None, entity=entity, action=action, book=book,
                                          funds=names)
            return "\n".join("  " + line for line in lines) if lines else "  —"
        head = self.tr("{at}　{user}　{action}　{entity} {eid}").format(
            at=local_time(str(it["at"])), user=it["username"], action=audit_labels.action_label(action),
            entity=audit_labels.entity_label(entity), eid=it["entity_id"] or "")
        self.detail.setPlainText(self.tr("{head}\n\n修改前：\n{before}\n\n修改后：\n{after}").format(
            head=head.strip(), before=section(it["before"]), after=section(it["after"])))

    def export(self, path: str | None = None) -> Task | None:
        try:
            flt = self.current_filter()
        except ValueError:
            return None
        return save_in_background(
            self, self.ctx, lambda db, target, progress: export_audit(db, target, flt, progress=progress),
            caption=self.tr("导出审计日志"), default_name=f"审计日志_{_dt.date.today():%Y%m%d}.xlsx",
            box_title=self.tr("导出完成"), saved=lambda n, p: self.tr("已导出 {n} 条到\n{p}").format(n=f"{n:,}", p=p), path=path)
