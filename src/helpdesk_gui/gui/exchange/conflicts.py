"""The conflict screen: one held household (or payment record) compared field by field.

For each field the clerk sees our value and the batch's, differences highlighted, and chooses
本库 / 批次 (or types a new value for plain text fields); then keeps ours entirely, takes theirs
entirely, or applies the merge. Everything is applied by ``core.sync.conflicts.resolve_conflict``
in one transaction, after a confirmation.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.sync import conflicts as exchange_conflicts
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import spec
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import row_of_buttons

DIFFERENT = QColor("#fff2cc")
OURS, THEIRS, TYPED = "ours", "theirs", "typed"
_COLUMNS = {c.field: c for s in (spec.HOUSEHOLDS, spec.RECORDS) for c in spec.SHEET_BY_NAME[s].columns}


def field_label(field: str) -> str:
    col = _COLUMNS.get(field)
    return col.label if col else field


def shown(book: codes.CodeBook, field: str, value: Any) -> str:
    """A stored value of a household or record field as the clerk reads it (labels, yuan)."""
    col = _COLUMNS.get(field)
    if col is None:
        return "" if value is None else str(value)
    return shown_col(book, col, value)


def shown_col(book: codes.CodeBook, col: spec.Col, value: Any) -> str:
    """A stored value of a batch column as the clerk reads it (labels, yuan)."""
    if value is None or value == "":
        return ""
    field = col.field
    if field == "status":
        return book.label("status", str(value))
    if field == "is_migrant":
        return "是" if str(value) == "1" else "否"
    if field == "ethnicity":
        return book.label("ethnicity", str(value))
    if col.kind == spec.M:
        return yuan(int(value))
    if col.kind == spec.L and col.codes:
        return book.labels(col.codes, str(value))
    if col.kind == spec.E and col.codes:
        return book.label(col.codes, str(value))
    return str(value)


def _members_text(book: codes.CodeBook, members: list[list[Any]]) -> str:
    if not members:
        return "（无）"
    return "、".join(f"{m[0]}（{book.label('relation', m[1])}）" for m in members)


class ConflictDialog(QDialog):
    resolved = Signal()

    def __init__(self, ctx: AppContext, conflict_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.conflict = exchange_state.get_conflict(ctx.db, conflict_id)
        c = self.conflict
        self.book = ctx.codebook()
        self.is_household = c["kind"] == "household"
        #: a new archive of the batch (or a station's row) held because its person is in our archive shown
        self.is_new = bool(c["incoming"].get("new"))
        self.incoming: dict[str, Any] = dict(c["incoming"]["values"])
        self.version: int | None = None   # of our household as shown: a change made after is not written over
        if self.is_household:
            fields = [f for f in self.incoming]
            fresh = exchange_conflicts.household_snapshot(ctx.db, int(c["household_id"]), fields)
            self.local = dict(fresh["values"])
            self.version = None if self.is_new else int(fresh["version"])
            self.local_members = [list(m) for m in fresh["members"]]
            self.incoming_members = [list(m) for m in c["incoming"].get("members", [])]
        else:
            self.local = dict(exchange_conflicts.record_snapshot(ctx.db, int(c["record_id"]))["values"])
            self.local_members = self.incoming_members = []
        what = "档案" if self.is_household else "帮扶记录"
        self.setWindowTitle(self.tr("处理交换冲突：{what} {key}").format(what=what, key=c["key"]))
        reason = str(c["incoming"].get("reason") or "")
        if self.is_new:
            text = self.tr("{key}：发送单位 {sender} 的这份档案（{time} 收到）没有导入，因为{reason}。"
                           "左列是本库的那份档案。可以不新增（保留本库），或在本库档案注销后按批次新增。")
        else:
            text = self.tr("{what} {key}：发送单位 {sender} 的批次（{time} 收到）与本库不同{why}。"
                           "黄色是不同之处；请逐项选择采用哪一方。")
        head = QLabel(text.format(what=what, key=c["key"], sender=c["sender_code"], time=local_time(c["created_at"]),
                                  reason=reason, why=f"（{reason}）" if reason else ""))
        head.setWordWrap(True)
        self.fields = [f for f in self.incoming if f not in ("archive_no", "updated_at")]
        self.table = QTableWidget(len(self.fields) + (1 if self.is_household else 0), 5)
        self.table.setHorizontalHeaderLabels([self.tr("项目"), self.tr("本库"), self.tr("批次"), self.tr("采用"),
                                              self.tr("结果")])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.choices: dict[str, QComboBox] = {}
        self.typed: dict[str, QLineEdit] = {}
        for r, f in enumerate(self.fields):
            self._add_row(r, field_label(f), shown(self.book, f, self.local.get(f)),
                          shown(self.book, f, self.incoming.get(f)), f)
        if self.is_household:
            self._add_row(len(self.fields), self.tr("家庭成员"), _members_text(self.book, self.local_members),
                          _members_text(self.book, self.incoming_members), "members")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.only_differences = QCheckBox(self.tr("只显示不同之处 (&D)"))
        self.only_differences.toggled.connect(self._filter)
        self.ours_button = QPushButton(self.tr("全部保留本库"))
        self.theirs_button = QPushButton(self.tr("全部采用批次"))
        self.merge_button = QPushButton(self.tr("按所选合并"))
        self.merge_button.setEnabled(self.is_household and not self.is_new)
        if self.is_new:
            self.ours_button.setText(self.tr("不新增（保留本库）"))
            self.theirs_button.setText(self.tr("按批次新增档案"))
        self.close_button = QPushButton(self.tr("稍后处理"))
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_of_buttons(self.only_differences, right=(
            self.ours_button, self.theirs_button, self.merge_button, self.close_button)))
        self.ours_button.clicked.connect(lambda: self.apply(OURS))
        self.theirs_button.clicked.connect(lambda: self.apply(THEIRS))
        self.merge_button.clicked.connect(lambda: self.apply("edited"))
        self.close_button.clicked.connect(self.reject)
        self.resize(980, 640)

    def _filter(self, only: bool) -> None:
        for r in range(self.table.rowCount()):
            ours, theirs = self.table.item(r, 1), self.table.item(r, 2)
            same = ours is not None and theirs is not None and ours.text() == theirs.text()
            self.table.setRowHidden(r, only and same)

    def _add_row(self, r: int, label: str, ours: str, theirs: str, field: str) -> None:
        items = [QTableWidgetItem(label), QTableWidgetItem(ours), QTableWidgetItem(theirs)]
        differs = ours != theirs
        for i, item in enumerate(items):
            if differs:
                item.setBackground(QBrush(DIFFERENT))
            item.setToolTip(item.text())
            self.table.setItem(r, i, item)
        combo = QComboBox()
        combo.addItem(self.tr("本库"), OURS)
        combo.addItem(self.tr("批次"), THEIRS)
        col = _COLUMNS.get(field)
        if col is not None and col.kind == spec.T and field not in ("id_number", "archive_no", "ethnicity"):
            combo.addItem(self.tr("手工填写"), TYPED)
        combo.setCurrentIndex(1 if differs else 0)
        combo.setEnabled(self.is_household and not self.is_new)
        edit = QLineEdit(theirs if differs else ours)
        edit.setReadOnly(True)
        combo.currentIndexChanged.connect(lambda _i, f=field: self._choice_changed(f))
        self.table.setCellWidget(r, 3, combo)
        self.table.setCellWidget(r, 4, edit)
        self.choices[field] = combo
        self.typed[field] = edit

    def _choice_changed(self, field: str) -> None:
        choice = self.choices[field].currentData()
        edit = self.typed[field]
        edit.setReadOnly(choice != TYPED)
        if field == "members":
            edit.setText(_members_text(self.book, self.local_members if choice == OURS else self.incoming_members))
        elif choice == OURS:
            edit.setText(shown(self.book, field, self.local.get(field)))
        elif choice == THEIRS:
            edit.setText(shown(self.book, field, self.incoming.get(field)))
        else:
            edit.setFocus()
            edit.selectAll()

    def choose(self, field: str, choice: str, text: str | None = None) -> None:
        """Set one field's choice (tests and keyboard users)."""
        combo = self.choices[field]
        combo.setCurrentIndex(combo.findData(choice))
        if text is not None:
            self.typed[field].setText(text)

    def merged(self) -> dict[str, Any]:
        """Stored values chosen field by field (typed text is stored trimmed)."""
        out: dict[str, Any] = {}
        for f in self.incoming:
            combo = self.choices.get(f)
            choice = combo.currentData() if combo is not None else THEIRS
            if choice == OURS:
                out[f] = self.local.get(f)
            elif choice == TYPED:
                out[f] = self.typed[f].text().strip() or None
            else:
                out[f] = self.incoming.get(f)
        return out

    def apply(self, choice: str) -> bool:
        if self.is_new:
            text = {OURS: self.tr("不新增这份档案，本库的档案不变。"),
                    THEIRS: self.tr("在本库新增批次中的这份档案（含家庭成员和帮扶记录）。")}[choice]
        else:
            text = {OURS: self.tr("保留本库的版本，批次中的这一版不再应用。"),
                    THEIRS: self.tr("用批次中的版本替换本库的版本（含家庭成员）。"),
                    "edited": self.tr("按所选逐项合并后保存。")}[choice]
        answer = QMessageBox.question(self, self.tr("确认处理冲突"), text + self.tr("\n确定吗？"),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        values = self.merged() if choice == "edited" else None
        keep_members = choice == "edited" and self.choices["members"].currentData() == OURS
        done = guarded(self, self._resolve, choice, values, keep_members)
        if done:
            self.resolved.emit()
            self.accept()
        return bool(done)

    def _resolve(self, choice: str, values: dict[str, Any] | None, keep_members: bool) -> bool:
        exchange_conflicts.resolve_conflict(self.ctx.db, self.ctx.actor, int(self.conflict["id"]), choice, values,
                                            keep_members=keep_members, expected_version=self.version)
        return True

