"""The 建库导入 wizard: pick the centre's archive list → confirm the column mapping (the archive sheet and, if
there is one, the sheet of past payments) → the households as read, and every problem → import.

Reading and writing run off the GUI thread (``exchange.adopt``); a list with any error writes nothing,
and its annotated copy with the 错误清单 can be saved for correcting. Only a system administrator
opens it (``register.adopt``): from the 数据交换 page, or right after the database is created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.exchange import adopt
from helpdesk_gui.exchange.adopt_columns import ARCHIVE, HISTORY, AdoptMapping
from helpdesk_gui.exchange.annotate import write_report
from helpdesk_gui.exchange.mapping import Mapping
from helpdesk_gui.exchange.problems import LEVEL_LABELS, column_letter
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.exchange.mapping_table import show_mapping
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import form_layout, hint
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table
from helpdesk_gui.gui.kit.worker import Task, run_task

STEPS = ("选择文件", "列对应", "检查结果", "确认导入")
HOUSEHOLD_HEADERS = ("行", "档案编号", "姓名", "公民身份号码", "档案状态", "困难类别", "建档日期", "家庭成员", "帮扶记录",
                     "帮扶金额（元）")
PROBLEM_HEADERS = ("级别", "工作表", "行", "列", "填写的内容", "问题说明")
SHOWN = 5000
LAYOUT_NOTE = (
    "本中心已有的档案花名册（Excel），每行一人：户主一行（“与户主关系”空着或写户主、本人），家庭成员写在户主下面"
    "（与户主关系写配偶、子女……）。以往的帮扶写在“帮扶日期、帮扶项目、帮扶金额”几列：可以写在该户任一行，"
    "一户多次的可以另起一行（只填帮扶几列，或重复户主的姓名和身份证号）；也可以放在另一张工作表，"
    "每次发放一行，用户主的身份证号或档案编号对应到户。\n"
    "导入后直接成为在册档案（在档、脱困、注销，照表中所写），原档案编号照用，没有的按建档年度编号。"
    "先检查全部内容，有一处错误则一户也不导入；导入前自动备份数据库。")


class AdoptWizard(QDialog):
    imported = Signal(object)       # exchange.adopt.AdoptOutcome

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ctx.actor.require("register.adopt")
        self.ctx = ctx
        self.proposal: AdoptMapping | None = None
        self.analysis: adopt.AdoptAnalysis | None = None
        self.outcome: adopt.AdoptOutcome | None = None
        self.setWindowTitle(self.tr("建库导入：导入已有档案"))
        self.step_label = QLabel()
        self.step_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.stack = QStackedWidget()
        for page in (self._file_page(), self._mapping_page(), self._check_page(), self._confirm_page()):
            self.stack.addWidget(page)
        self.back_button = QPushButton(self.tr("上一步 (&B)"))
        self.next_button = QPushButton(self.tr("下一步 (&N)"))
        self.import_button = QPushButton(self.tr("导入 (&I)"))
        self.close_button = QPushButton(self.tr("关闭"))
        bar = QHBoxLayout()
        bar.addStretch(1)
        for b in (self.back_button, self.next_button, self.import_button, self.close_button):
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bar)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(lambda: self.next())
        self.import_button.clicked.connect(lambda: self.start_import())
        self.close_button.clicked.connect(self.reject)
        self.resize(1100, 700)
        self.show_step(0)

    # ---- pages
    def _file_page(self) -> QWidget:
        w = QWidget()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(self.tr("Excel 工作簿（.xlsx）"))
        browse = QPushButton(self.tr("浏览… (&O)"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = form_layout(w)
        form.addRow(self.tr("档案花名册"), row)
        form.addRow(hint(self.tr(LAYOUT_NOTE)))
        return w

    def _mapping_page(self) -> QWidget:
        w = QWidget()
        self.archive_note = QLabel()
        self.archive_note.setWordWrap(True)
        self.archive_table = self._mapping_table()
        self.history_check = QCheckBox(self.tr("同时导入帮扶记录表"))
        self.history_note = QLabel()
        self.history_note.setWordWrap(True)
        self.history_table = self._mapping_table()
        self.history_check.toggled.connect(self.history_table.setEnabled)
        v = QVBoxLayout(w)
        v.addWidget(self.archive_note)
        v.addWidget(self.archive_table, 3)
        v.addWidget(self.history_check)
        v.addWidget(self.history_note)
        v.addWidget(self.history_table, 2)
        return w

    def _mapping_table(self) -> QTableWidget:
        table = QTableWidget(0, 3)
        table.setHorizontalHeaderLabels([self.tr("表头（花名册原文）"), self.tr("对应的内容"), self.tr("相似度")])
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return table

    def _check_page(self) -> QWidget:
        w = QWidget()
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.household_model = RowsModel([self.tr(h) for h in HOUSEHOLD_HEADERS], right=(0, 7, 8, 9), parent=self)
        self.household_table = QTableView()
        setup_table(self.household_table, self.household_model, "adopt_households")
        self.problem_model = RowsModel([self.tr(h) for h in PROBLEM_HEADERS], right=(2,), parent=self)
        self.problem_table = QTableView()
        setup_table(self.problem_table, self.problem_model, "adopt_problems")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.household_table, self.tr("档案"))
        self.tabs.addTab(self.problem_table, self.tr("问题"))
        self.report_button = QPushButton(self.tr("保存标注副本（含错误清单）… (&S)"))
        self.report_button.clicked.connect(lambda: self.save_report())
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.report_button)
        v = QVBoxLayout(w)
        v.addWidget(self.verdict)
        v.addWidget(self.tabs, 1)
        v.addLayout(row)
        return w

    def _confirm_page(self) -> QWidget:
        w = QWidget()
        self.confirm_label = QLabel()
        self.confirm_label.setWordWrap(True)
        self.confirm_label.setStyleSheet("font-size: 11pt;")
        v = QVBoxLayout(w)
        v.addWidget(self.confirm_label)
        v.addStretch(1)
        return w

    # ---- navigation
    def show_step(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.step_label.setText("　→　".join(f"【{s}】" if i == step else s for i, s in enumerate(STEPS)))
        done = self.outcome is not None
        self.back_button.setEnabled(step > 0 and not done)
        self.next_button.setVisible(step < 3)
        self.import_button.setVisible(step == 3 and not done)
        self.import_button.setEnabled(self.analysis is not None and self.analysis.can_import)
        self.close_button.setText(self.tr("完成") if done else self.tr("关闭"))

    def back(self) -> None:
        self.show_step(max(self.stack.currentIndex() - 1, 0))

    def next(self) -> Task | None:
        step = self.stack.currentIndex()
        if step == 0:
            path = Path(self.path_edit.text().strip())
            if not path.is_file():
                QMessageBox.warning(self, self.tr("选择文件"), self.tr("请选择要导入的档案花名册（Excel 文件）。"))
                return None
            if guarded(self, self.propose, path):
                self.show_step(1)
            return None
        if step == 1:
            return self.start_analysis()
        if step == 2:
            self.refresh_confirm()
            self.show_step(3)
        return None

    def browse(self) -> None:
        path = files.open_file(self, self.tr("选择档案花名册"), self.tr("Excel 工作簿 (*.xlsx);;所有文件 (*)"))
        if path is not None:
            self.path_edit.setText(str(path))

    # ---- mapping
    def propose(self, path: Path) -> bool:
        from helpdesk_gui.exchange.adopt_columns import propose_adopt
        self.proposal = m = propose_adopt(path)
        show_mapping(self.archive_table, self.archive_note, m.archive, ARCHIVE.labels)
        self.archive_note.setText(self.tr("档案表：工作表“{sheet}”，第 {row} 行是表头。请核对每一列对应的内容；"
                                          "选“（不导入）”的列会被忽略。").format(sheet=m.archive.sheet,
                                                                     row=m.archive.header_row))
        has_history = m.history is not None
        self.history_check.setVisible(has_history)
        self.history_table.setVisible(has_history)
        self.history_check.setChecked(has_history)
        if m.history is not None:
            show_mapping(self.history_table, self.history_note, m.history, HISTORY.labels)
            self.history_note.setText(self.tr("帮扶记录表：工作表“{sheet}”，第 {row} 行是表头，每行一次发放，"
                                              "用身份证号码或档案编号对应到户。").format(sheet=m.history.sheet,
                                                                         row=m.history.header_row))
        else:
            self.history_note.setText(self.tr("没有找到单独的帮扶记录表：只导入档案表中所写的帮扶记录。"))
        return True

    @staticmethod
    def _columns(table: QTableWidget) -> dict[str, Any]:
        columns: dict[str, Any] = {}
        for r in range(table.rowCount()):
            box, header = table.cellWidget(r, 1), table.item(r, 0)
            assert isinstance(box, QComboBox) and header is not None
            columns[header.text()] = box.currentData()
        return columns

    def chosen_mapping(self) -> AdoptMapping:
        assert self.proposal is not None
        m: Mapping = self.proposal.archive
        data: dict[str, Any] = {"sheet": m.sheet, "header_row": m.header_row, "columns": self._columns(self.archive_table)}
        h = self.proposal.history
        if h is not None and self.history_check.isChecked():
            data["history"] = {"sheet": h.sheet, "header_row": h.header_row, "columns": self._columns(self.history_table)}
        return AdoptMapping.from_json(data)

    # ---- checking
    def start_analysis(self) -> Task | None:
        chosen: AdoptMapping | None = guarded(self, self.chosen_mapping)
        if chosen is None:
            return None
        path, ctx = Path(self.path_edit.text().strip()), self.ctx

        def job(_progress: Any, cancelled: Any) -> adopt.AdoptAnalysis:
            db = ctx.worker_db()
            try:
                return adopt.analyse(db, ctx.actor, path, chosen, cancelled=cancelled)
            finally:
                dbm.close(db)

        self.next_button.setEnabled(False)
        return run_task(self, self.tr("正在检查档案花名册…"), job, self._analysed,
                        on_failed=lambda _e: self.next_button.setEnabled(True))

    def _analysed(self, analysis: adopt.AdoptAnalysis) -> None:
        self.next_button.setEnabled(True)
        self.analysis = analysis
        book = self.ctx.codebook()
        self.household_model.set_rows([Row([
            str(h.row), h.values.get("archive_no") or self.tr("（导入时编号）"), str(h.values.get("name") or ""),
            mask_id(h.values.get("id_number")), adopt.STATUS_LABELS.get(str(h.values.get("status")), ""),
            book.label("category", h.values.get("category")) + (f"（原：{h.values['legacy_category_text']}）"
                                                                if h.values.get("legacy_category_text") else ""),
            str(h.values.get("created_date") or ""), str(len(h.members)), str(len(h.records)),
            yuan(sum(int(r[2]) for r in h.records), blank_zero=True)], h.row, tone="overdue" if h.bad else None,
            tips={1: self.tr("原表没有档案编号：导入时按建档年度编号")} if not h.values.get("archive_no") else {})
            for h in analysis.households[:SHOWN]])
        p = analysis.problems
        self.problem_model.set_rows([Row([
            LEVEL_LABELS[x.level], x.sheet, "" if x.row is None else str(x.row),
            x.column + (f"（{column_letter(x.col_index)} 列）" if x.col_index is not None else ""), x.value, x.reason],
            i, muted=x.level == "warning", tips={5: x.reason}) for i, x in enumerate(p.items[:SHOWN])])
        for table in (self.household_table, self.problem_table):
            fit_columns(table)
        self.tabs.setTabText(0, self.tr("档案（{n} 户）").format(n=f"{len(analysis.households):,}"))
        self.tabs.setTabText(1, self.tr("问题（{n}）").format(n=f"{len(p.items):,}"))
        if analysis.already is not None:
            text, color = self.tr("这个文件已于 {t} 建库导入过，不会再次导入。").format(
                t=local_time(analysis.already["exchanged_at"])), "#555555"
        elif p.errors:
            text = self.tr("发现 {s}：有错误的花名册一户也不会导入（红色的行有错误）。请保存标注副本，改正后重新导入。").format(
                s=p.summary())
            color = "#b3261e"
            self.tabs.setCurrentIndex(1)
        else:
            text, color = self.tr("可以导入：{what}。{s}。").format(what=analysis.summary(), s=p.summary()), "#1f7a1f"
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"color: {color}; font-weight: bold;")
        self.show_step(2)

    def save_report(self, path: str | None = None) -> Path | None:
        if self.analysis is None:
            return None
        source = self.analysis.path
        if path is None:
            chosen = files.save_file(self, self.tr("保存标注副本"), source.stem + "_错误清单.xlsx",
                                     self.tr("Excel 工作簿 (*.xlsx)"))
            if chosen is None:
                return None
            path = str(chosen)
        out = guarded(self, write_report, source, self.analysis.problems, Path(path))
        if out is not None:
            QMessageBox.information(self, self.tr("标注副本"), self.tr("已保存：{p}").format(p=out))
        return out  # type: ignore[no-any-return]

    def refresh_confirm(self) -> None:
        a = self.analysis
        if a is None:
            return
        if not a.can_import:
            self.confirm_label.setText(self.tr("不能导入：请先改正“检查结果”中列出的错误。") if a.already is None
                                       else self.tr("这个文件已经导入过。"))
        else:
            self.confirm_label.setText(self.tr("确认建库导入：{what}。\n导入前自动备份数据库；全部写入或全不写入。"
                                               "导入后可在“档案管理”中查看。").format(what=a.summary()))

    # ---- import
    def start_import(self) -> Task | None:
        a = self.analysis
        if a is None or not a.can_import:
            return None
        ctx = self.ctx

        def job(_progress: Any, _cancelled: Any) -> adopt.AdoptOutcome:
            db = ctx.worker_db()
            try:
                return adopt.commit(db, ctx.actor, a, folder=ctx.folder)
            finally:
                dbm.close(db)

        self.import_button.setEnabled(False)
        return run_task(self, self.tr("正在导入…"), job, self._imported, on_failed=lambda _e: self.show_step(3))

    def _imported(self, outcome: adopt.AdoptOutcome) -> None:
        self.outcome = outcome
        self.confirm_label.setText(outcome.message())
        self.show_step(3)
        self.imported.emit(outcome)
