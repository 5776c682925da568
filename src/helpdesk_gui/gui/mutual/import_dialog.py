"""导入参加名单: a unit's 医疗互助 member list from its own spreadsheet (``exchange.mutual_list``).

The clerk picks the file and the unit; the dialog proposes which column is which (each one can be
corrected), then shows every row with the bad ones highlighted and the problems with sheet, row
and column. 导入 is enabled only when no row has an error; then members are created or updated
and enrolled in the plan in one transaction. Reading and importing run off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.privacy import mask_bank, mask_id, mask_phone
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual.enrolment import ListResult
from helpdesk_gui.exchange import mutual_list, mutual_rows
from helpdesk_gui.exchange.mapping import Mapping
from helpdesk_gui.exchange.mutual_list import ListPreview
from helpdesk_gui.exchange.mutual_rows import ListDraft
from helpdesk_gui.exchange.problems import ERROR, LEVEL_LABELS
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.exchange.mapping_table import show_mapping
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import ERROR_STYLE, HINT_STYLE
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import setup_table
from helpdesk_gui.gui.kit.worker import Task, run_task, with_db

BAD_ROW = QColor("#ffe4e6")
BAD_CELL = QColor("#ffb3ba")
NEW_UNIT = QColor("#fff4cc")
BY_ROW = "（按名单中每行所写的单位）"
SHOWN_ROWS = 3000
MASKS = {mutual_rows.ID: mask_id, mutual_rows.ACCOUNT: mask_bank, mutual_rows.PHONE: mask_phone}


class ImportListDialog(QDialog):
    """Choose a unit's list, check it, import it; ``imported`` carries the ``ListResult``."""

    imported = Signal(object)

    def __init__(self, ctx: AppContext, plan_id: int, parent: QWidget | None = None, *,
                 unit_id: int | None = None) -> None:
        super().__init__(parent)
        ctx.actor.require("mutual.enrol")
        self.ctx = ctx
        self.plan_id = plan_id
        self.plan = mutual_plans.get_plan(ctx.db, plan_id)
        self.path: Path | None = None
        self.proposal: Mapping | None = None
        self.preview: ListPreview | None = None
        self.list_result: ListResult | None = None
        self.unit_names: dict[int, str] = {}
        self.setWindowTitle(self.tr("导入参加名单 — {0} 年度医疗互助").format(self.plan["period"]))
        self._build(unit_id)
        self.resize(1120, 760)

    # ------------------------------------------------------------------ building

    def _build(self, unit_id: int | None) -> None:
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("单位报来的 Excel 名单（.xlsx）"))
        self.browse_button = QPushButton(self.tr("选择文件… (&F)"))
        self.browse_button.clicked.connect(self.browse)
        self.unit_box = QComboBox()
        self.unit_box.setEditable(True)
        self.unit_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit_box.setMinimumContentsLength(24)
        self.unit_box.addItem(self.tr(BY_ROW), None)
        for u in mutual_members.list_units(self.ctx.db, active_only=True):
            self.unit_box.addItem(str(u["name"]), int(u["id"]))
        self.unit_box.setCurrentIndex(max(self.unit_box.findData(unit_id), 0) if unit_id is not None else 0)
        self.unit_box.setToolTip(self.tr("名单中没有写单位的行归入此单位；输入新的单位名称，导入时新建该单位"))
        self.unit_box.activated.connect(lambda _i: self.check())
        edit = self.unit_box.lineEdit()
        if edit is not None:
            edit.editingFinished.connect(self._unit_typed)
        self._last_unit = self.unit_choice()
        grid = QGridLayout()
        file_label = QLabel(self.tr("名单文件："))
        grid.addWidget(file_label, 0, 0)
        grid.addWidget(self.path_edit, 0, 1)
        grid.addWidget(self.browse_button, 0, 2)
        unit_label = QLabel(self.tr("所在单位(&U)："))
        unit_label.setBuddy(self.unit_box)
        grid.addWidget(unit_label, 1, 0)
        grid.addWidget(self.unit_box, 1, 1, 1, 2)
        grid.setColumnStretch(1, 1)

        self.mapping_note = QLabel(self.tr("选择文件后，程序找到表头行并按列名提出对应关系，请核对。"))
        self.mapping_note.setWordWrap(True)
        self.mapping_note.setStyleSheet(HINT_STYLE)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setObjectName("mapping")
        self.mapping_table.setHorizontalHeaderLabels([self.tr("表头（名单原文）"), self.tr("对应的内容"), self.tr("相似度")])
        self.mapping_table.verticalHeader().hide()
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel(self.tr("列对应")))
        lv.addWidget(self.mapping_note)
        lv.addWidget(self.mapping_table, 1)

        self.preview_table = QTableWidget(0, 0)
        self.preview_table.setObjectName("preview")
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_table.verticalHeader().hide()
        self.problem_model = RowsModel([self.tr(h) for h in ("级别", "工作表", "行", "列", "填写的内容", "问题说明")],
                                       right=(2,), parent=self)
        self.problem_table = QTableView()
        setup_table(self.problem_table, self.problem_model, "problems")
        right = QSplitter(Qt.Orientation.Vertical)
        for title, table in ((self.tr("名单预览（有错误的行标红）"), self.preview_table),
                             (self.tr("问题清单"), self.problem_table)):
            box = QWidget()
            bv = QVBoxLayout(box)
            bv.setContentsMargins(0, 0, 0, 0)
            bv.addWidget(QLabel(title))
            bv.addWidget(table, 1)
            right.addWidget(box)
        right.setSizes([420, 220])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([330, 790])

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.import_button = QPushButton(self.tr("导入 (&I)"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.do_import)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(split, 1)
        layout.addLayout(bar)
        for a, b in ((self.browse_button, self.unit_box), (self.unit_box, self.mapping_table),
                     (self.mapping_table, self.preview_table), (self.preview_table, self.problem_table),
                     (self.problem_table, self.import_button), (self.import_button, self.close_button)):
            QWidget.setTabOrder(a, b)
        QShortcut(QKeySequence("Ctrl+O"), self, self.browse)
        self.browse_button.setFocus()

    # ------------------------------------------------------------------ choosing

    def unit_choice(self) -> tuple[int | None, str]:
        """(unit id, "") for a registered unit, (None, name) for a new one, (None, "") for 按每行."""
        text = self.unit_box.currentText().strip()
        if not text or text == self.tr(BY_ROW):
            return None, ""
        index = self.unit_box.findText(text, Qt.MatchFlag.MatchExactly)
        if index > 0:
            return int(self.unit_box.itemData(index)), ""
        return None, text

    def _unit_typed(self) -> None:
        if self.unit_choice() != self._last_unit:
            self.check()

    def browse(self) -> None:
        path = files.open_file(self, self.tr("选择单位报来的参加名单"), self.tr("Excel 工作簿 (*.xlsx);;所有文件 (*)"))
        if path is not None:
            self.load(path)

    def load(self, path: Path | str) -> Task | None:
        """Read ``path``: propose the mapping, then check every row (returns the checking task)."""
        path = Path(path)
        proposal = guarded(self, mutual_list.propose, path)
        if proposal is None:
            return None
        self.path = path
        self.path_edit.setText(str(path))
        self.proposal = proposal
        self._show_mapping(proposal)
        return self.check()

    def _show_mapping(self, m: Mapping) -> None:
        show_mapping(self.mapping_table, self.mapping_note, m, mutual_rows.LABELS, on_change=self.check)

    def set_target(self, header: str, target: str | None) -> Task | None:
        """Correct one column's target (as the clerk does with the combo), then check again."""
        for r in range(self.mapping_table.rowCount()):
            item = self.mapping_table.item(r, 0)
            box = self.mapping_table.cellWidget(r, 1)
            if item is not None and item.text() == header and isinstance(box, QComboBox):
                box.setCurrentIndex(max(box.findData(target), 0))
                return self.check()
        raise KeyError(header)

    def chosen_mapping(self) -> Mapping:
        assert self.proposal is not None
        columns: dict[str, Any] = {}
        for r in range(self.mapping_table.rowCount()):
            item = self.mapping_table.item(r, 0)
            box = self.mapping_table.cellWidget(r, 1)
            if item is not None and isinstance(box, QComboBox):
                columns[item.text()] = box.currentData()
        return mutual_list.mapping_from_json({"sheet": self.proposal.sheet, "header_row": self.proposal.header_row,
                                              "columns": columns})

    # ------------------------------------------------------------------ checking

    def check(self) -> Task | None:
        """Check every row with the chosen mapping and unit, off the GUI thread."""
        if self.path is None or self.proposal is None:
            return None
        self.import_button.setEnabled(False)
        self.preview = None
        try:
            chosen = self.chosen_mapping()
        except ValidationError as e:  # shown in place: the clerk corrects it in the column list
            self.summary.setText(self.tr("请核对列对应：{0}").format(e))
            self.summary.setStyleSheet(ERROR_STYLE)
            self.preview_table.setRowCount(0)
            self.problem_model.set_rows([])
            return None
        unit_id, unit_name = self._last_unit = self.unit_choice()
        ctx, path, plan_id = self.ctx, self.path, self.plan_id

        return run_task(self, self.tr("正在检查名单…"), with_db(ctx, lambda db, _p, cancelled: mutual_list.read(
            db, path, chosen, unit_id, unit_name=unit_name, plan_id=plan_id, cancelled=cancelled)), self._show_preview)

    def _show_preview(self, preview: object) -> None:
        assert isinstance(preview, ListPreview)
        self.preview = preview
        errors: dict[int, dict[str, str]] = {}
        for p in preview.problems.items:
            if p.level == ERROR and p.row is not None:
                errors.setdefault(p.row, {})[p.column] = p.reason
        labels = [self.tr("行"), self.tr("导入后"), *preview.columns]
        table = self.preview_table
        table.clear()
        table.setColumnCount(len(labels))
        table.setHorizontalHeaderLabels(labels)
        shown = preview.rows[:SHOWN_ROWS]
        table.setRowCount(len(shown))
        for r, row in enumerate(shown):
            bad = errors.get(row.row, {})
            state = row.state or self.tr("有错误")
            if row.draft is not None and row.draft.unit_name:
                state += self.tr("（新单位）")
            items = [QTableWidgetItem(str(row.row)), QTableWidgetItem(state)]
            shown_values = self._as_imported(row.draft) if row.draft is not None else row.cells
            for label in preview.columns:
                text = shown_values.get(label, "")
                if label not in bad and label in MASKS and text:
                    text = MASKS[label](text)
                item = QTableWidgetItem(text)
                if label in bad:
                    item.setBackground(QBrush(BAD_CELL))
                    item.setToolTip(bad[label])
                items.append(item)
            for c, item in enumerate(items):
                if bad and c < 2:
                    item.setBackground(QBrush(BAD_ROW))
                    item.setToolTip("；".join(f"{k}：{v}" for k, v in bad.items()))
                elif row.draft is not None and row.draft.unit_name and c == 1:
                    item.setBackground(QBrush(NEW_UNIT))
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        self.problem_model.set_rows([
            Row([LEVEL_LABELS[p.level], p.sheet, "" if p.row is None else str(p.row), p.column, p.value, p.reason],
                key=p.row, tips={5: p.reason}) for p in sorted(preview.problems.items, key=lambda p: p.level != ERROR)])
        self.problem_table.resizeColumnsToContents()
        self.summary.setText(preview.summary())
        self.summary.setStyleSheet(ERROR_STYLE if preview.problems.errors else "")
        self.import_button.setEnabled(preview.ok and not self.ctx.readonly)

    def _as_imported(self, d: ListDraft) -> dict[str, str]:
        """A good row as it will be stored (names without padding, digits only, the unit it goes to)."""
        if d.unit_id not in self.unit_names:
            self.unit_names = {int(u["id"]): str(u["name"]) for u in mutual_members.list_units(self.ctx.db)}
        unit = d.unit_name or self.unit_names.get(d.unit_id, "")
        return {mutual_rows.NAME: d.name, mutual_rows.ID: d.id_number, mutual_rows.UNIT: unit,
                mutual_rows.PHONE: d.phone, mutual_rows.BANK: d.bank_name, mutual_rows.ACCOUNT: d.bank_account,
                mutual_rows.SINCE: "" if d.since_year is None else str(d.since_year), mutual_rows.NOTE: d.note}

    # ------------------------------------------------------------------ importing

    def do_import(self) -> Task | None:
        """Write the checked list (one transaction); tell the clerk what happened and close."""
        if self.preview is None or not self.preview.ok or self.path is None:
            return None
        chosen = guarded(self, self.chosen_mapping)
        if chosen is None:
            return None
        unit_id, unit_name = self.unit_choice()
        ctx, path, plan_id = self.ctx, self.path, self.plan_id

        self.import_button.setEnabled(False)
        return run_task(self, self.tr("正在导入名单…"), with_db(ctx, lambda db, _p, _c: mutual_list.import_list(
            db, ctx.actor, plan_id, unit_id, path, chosen, unit_name=unit_name)), self._imported,
            on_failed=lambda _e: self.check())

    def _imported(self, result: object) -> None:
        assert isinstance(result, ListResult)
        self.list_result = result
        QMessageBox.information(self, self.tr("导入参加名单"), self.tr("新增会员 {0} 人，更新 {1} 人，登记参加 {2} 人（已参加 {3} 人）").format(
            result.created, result.updated, result.enrolled, result.already))
        self.imported.emit(result)
        self.accept()
