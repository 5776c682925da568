"""The import wizard: pick a file → (a station's sheet: confirm the column mapping) → preview grid →
problems → confirm. Reading and writing run off the GUI thread with progress and cancel; a
cancelled or refused import writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import foreign, importer, keys, mapping
from helpdesk_gui.exchange.annotate import write_report
from helpdesk_gui.exchange.problems import LEVEL_LABELS, column_letter
from helpdesk_gui.exchange.safety import Cancelled as ExchangeCancelled
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.exchange.conflicts import shown_col
from helpdesk_gui.gui.exchange.mapping_table import show_mapping
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import form_layout
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table
from helpdesk_gui.gui.kit.worker import Cancelled, Task, run_task

PREVIEW_ROWS = 200
SHOWN_PROBLEMS = 5000
BAD_ROW = QColor("#ffc7ce")
STEPS = ("选择文件", "列对应", "预览", "问题", "确认导入")


class ImportWizard(QDialog):
    imported = Signal(object)       # Outcome

    def __init__(self, ctx: AppContext, kind: str = "batch", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ctx.actor.require("exchange.import")
        self.ctx = ctx
        self.kind = kind
        self.analysis: importer.Analysis | None = None
        self.outcome: importer.Outcome | None = None
        self.proposal: mapping.Mapping | None = None
        title = self.tr("导入交换批次") if kind == "batch" else self.tr("导入基层帮扶站报表")
        self.setWindowTitle(title)
        self.step_label = QLabel()
        self.step_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self._file_page())
        self.stack.addWidget(self._mapping_page())
        self.stack.addWidget(self._preview_page())
        self.stack.addWidget(self._problems_page())
        self.stack.addWidget(self._confirm_page())
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
        self.next_button.clicked.connect(self.next)
        self.import_button.clicked.connect(self.start_import)
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
        form.addRow(self.tr("文件"), row)
        self.station_edit = QLineEdit()
        self.saved_box = QComboBox()
        self.saved_box.addItem(self.tr("（按列名自动对应）"), None)
        for m in exchange_state.list_mappings(self.ctx.db):
            self.saved_box.addItem(m["name"], m["name"])
        if self.kind == "sheet":
            form.addRow(self.tr("报送单位"), self.station_edit)
            form.addRow(self.tr("已保存的列对应"), self.saved_box)
            note = self.tr("基层帮扶站自己的表格：程序找到表头行，按列名提出对应关系，请在下一步核对。"
                           "每一行都导入为“申请中”的档案，不会直接进入在档。")
        else:
            note = self.tr("与市总工会（或其他县）交换的批次，格式 1.0：先检查全部内容，确认后一次性写入，"
                           "有错误则一行也不写入。导入前自动备份数据库。")
        hint = QLabel(note)
        hint.setWordWrap(True)
        form.addRow(hint)
        return w

    def _mapping_page(self) -> QWidget:
        w = QWidget()
        self.mapping_note = QLabel()
        self.mapping_note.setWordWrap(True)
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setHorizontalHeaderLabels([self.tr("表头（报表原文）"), self.tr("对应的列"), self.tr("相似度")])
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.save_name = QLineEdit()
        self.save_name.setPlaceholderText(self.tr("如：龙泉街道帮扶站"))
        self.save_button = QPushButton(self.tr("保存对应关系"))
        self.save_button.clicked.connect(self.save_mapping)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("保存为")))
        row.addWidget(self.save_name, 1)
        row.addWidget(self.save_button)
        v = QVBoxLayout(w)
        v.addWidget(self.mapping_note)
        v.addWidget(self.mapping_table, 1)
        v.addLayout(row)
        return w

    def _preview_page(self) -> QWidget:
        w = QWidget()
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.preview_tabs = QTabWidget()
        v = QVBoxLayout(w)
        v.addWidget(self.plan_label)
        v.addWidget(self.preview_tabs, 1)
        return w

    def _problems_page(self) -> QWidget:
        w = QWidget()
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.problem_model = RowsModel([self.tr(h) for h in ("级别", "工作表", "行", "列", "填写的内容", "问题说明")],
                                       right=(2,), parent=self)
        self.problem_table = QTableView()
        setup_table(self.problem_table, self.problem_model, "problems")
        self.report_button = QPushButton(self.tr("保存标注副本（含错误清单）… (&S)"))
        self.report_button.clicked.connect(lambda: self.save_report())
        self.accept_unsigned = QCheckBox(self.tr("我已核对内容，确认作为未签名的批次导入"))
        row = QHBoxLayout()
        row.addWidget(self.accept_unsigned)
        row.addStretch(1)
        row.addWidget(self.report_button)
        v = QVBoxLayout(w)
        v.addWidget(self.verdict)
        v.addWidget(self.problem_table, 1)
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
        names = [s for i, s in enumerate(STEPS) if i != 1 or self.kind == "sheet"]
        shown = STEPS[step]
        self.step_label.setText("　→　".join(f"【{s}】" if s == shown else s for s in names))
        done = self.outcome is not None
        self.back_button.setEnabled(step > 0 and not done)
        self.next_button.setVisible(step < 4)
        self.import_button.setVisible(step == 4 and not done)
        self.import_button.setEnabled(self.analysis is not None and self._can_import())
        self.close_button.setText(self.tr("完成") if done else self.tr("关闭"))

    def _can_import(self) -> bool:
        a = self.analysis
        if a is None or a.already is not None or a.problems.errors:
            return False
        return not a.needs_confirmation or self.accept_unsigned.isChecked()

    def back(self) -> None:
        step = self.stack.currentIndex() - 1
        if step == 1 and self.kind != "sheet":
            step = 0
        self.show_step(max(step, 0))

    def next(self) -> Task | None:
        step = self.stack.currentIndex()
        if step == 0:
            path = Path(self.path_edit.text().strip())
            if not path.is_file():
                QMessageBox.warning(self, self.tr("选择文件"), self.tr("请选择要导入的 Excel 文件。"))
                return None
            if self.kind == "sheet":
                if guarded(self, self.propose, path):
                    self.show_step(1)
                return None
            return self.start_analysis()
        if step == 1:
            return self.start_analysis()
        if step in (2, 3):
            self.refresh_confirm()
            self.show_step(step + 1)
        return None

    def browse(self) -> None:
        path = files.open_file(self, self.tr("选择要导入的文件"), self.tr("Excel 工作簿 (*.xlsx);;所有文件 (*)"))
        if path is not None:
            self.path_edit.setText(str(path))

    # ---- mapping (stations' sheets)
    def propose(self, path: Path) -> bool:
        saved = self.saved_box.currentData()
        if saved:
            raw = exchange_state.get_mapping(self.ctx.db, saved)
            self.proposal = mapping.Mapping.from_json(raw)
            self.save_name.setText(saved)
        else:
            self.proposal = mapping.propose(path)
        m = self.proposal
        with_header = mapping.propose(path, sheet=m.sheet) if saved else m
        show_mapping(self.mapping_table, self.mapping_note, m, mapping.TARGETS,
                     headers=list(with_header.columns) + list(with_header.unmapped), scores=with_header.scores)
        if not self.station_edit.text().strip():
            self.station_edit.setText(saved or path.stem)
        return True

    def chosen_mapping(self) -> mapping.Mapping:
        assert self.proposal is not None
        columns: dict[str, Any] = {}
        for r in range(self.mapping_table.rowCount()):
            box = self.mapping_table.cellWidget(r, 1)
            header = self.mapping_table.item(r, 0)
            assert isinstance(box, QComboBox) and header is not None
            columns[header.text()] = box.currentData()
        return mapping.Mapping.from_json({"sheet": self.proposal.sheet, "header_row": self.proposal.header_row,
                                          "columns": columns})

    def save_mapping(self) -> None:
        m = guarded(self, self.chosen_mapping)
        if m is None:
            return
        if guarded(self, exchange_state.save_mapping, self.ctx.db, self.ctx.actor, self.save_name.text(),
                   m.to_json()) is None and self.save_name.text().strip():
            QMessageBox.information(self, self.tr("列对应"), self.tr("已保存为“{name}”，下次可直接选用。").format(
                name=self.save_name.text().strip()))

    # ---- analysis
    def start_analysis(self) -> Task | None:
        path = Path(self.path_edit.text().strip())
        ctx, kind = self.ctx, self.kind
        chosen: mapping.Mapping | None = guarded(self, self.chosen_mapping) if kind == "sheet" else None
        if kind == "sheet" and chosen is None:
            return None
        station = self.station_edit.text().strip()
        key = keys.load_key(ctx.folder)

        def job(progress: Any, cancelled: Any) -> importer.Analysis:
            db = ctx.worker_db()
            try:
                if chosen is not None:
                    return foreign.analyse_sheet(db, ctx.actor, path, chosen, station=station, cancelled=cancelled)
                return importer.analyse(db, ctx.actor, path, key=key, progress=progress, cancelled=cancelled)
            except ExchangeCancelled:
                raise Cancelled() from None
            finally:
                dbm.close(db)

        self.next_button.setEnabled(False)
        return run_task(self, self.tr("正在检查文件…"), job, self._analysed,
                        on_failed=lambda _e: self.next_button.setEnabled(True))

    def _analysed(self, analysis: importer.Analysis) -> None:
        self.next_button.setEnabled(True)
        self.analysis = analysis
        self.fill_preview()
        self.fill_problems()
        self.show_step(2)

    def fill_preview(self) -> None:
        a = self.analysis
        assert a is not None
        book = self.ctx.codebook()
        if a.already is not None:
            text = self.tr("这个文件已于 {t} 导入过，不会再次导入。").format(t=local_time(a.already["exchanged_at"]))
        elif a.problems.errors:
            text = self.tr("发现 {n} 个错误，不能导入（红色的行有错误，详见下一步“问题”）。").format(n=f"{a.problems.errors:,}")
        elif a.batch.kind == "sheet":
            text = self.tr("将新增“申请中”的档案 {n} 户。").format(n=f"{len(a.plan.new):,}")
            if a.batch.member_rows:
                text += self.tr("表中户主下方的 {m} 行是家庭成员，随所在的户导入。").format(m=f"{len(a.batch.member_rows):,}")
        else:
            m = a.batch.manifest
            text = self.tr("批次 {id}，来自 {sender}（{name}），生成于 {t}。将：{plan}。").format(
                id=m.batch_id, sender=m.sender, name=m.sender_name, t=m.get("生成时间"), plan=a.plan.summary())
        self.plan_label.setText(text)
        self.preview_tabs.clear()
        for name, rows in a.batch.sheets.items():
            cols = rows.present
            table = QTableWidget(min(len(rows.values), PREVIEW_ROWS), len(cols) + 1)
            table.setHorizontalHeaderLabels([self.tr("行"), *[c.label for c in cols]])
            table.verticalHeader().hide()
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            index = [rows.sheet.labels.index(c.label) for c in cols]
            for r, values in enumerate(rows.values[:PREVIEW_ROWS]):
                items = [QTableWidgetItem(str(rows.rownums[r]))]
                items += [QTableWidgetItem(rows.raw.get((r, i)) or shown_col(book, c, values[i]))
                          for c, i in zip(cols, index, strict=True)]
                for c, item in enumerate(items):
                    if r in rows.bad:
                        item.setBackground(QBrush(BAD_ROW))
                    table.setItem(r, c, item)
            table.resizeColumnsToContents()
            more = f"（前 {PREVIEW_ROWS} 行）" if len(rows.values) > PREVIEW_ROWS else ""
            self.preview_tabs.addTab(table, f"{name} {len(rows.values):,} 行{more}")

    def fill_problems(self) -> None:
        a = self.analysis
        assert a is not None
        p = a.problems
        rows = [Row([LEVEL_LABELS[x.level], x.sheet, "" if x.row is None else str(x.row),
                     x.column + (f"（{column_letter(x.col_index)} 列）" if x.col_index is not None else ""), x.value,
                     x.reason], i, muted=x.level == "warning", tips={5: x.reason})
                for i, x in enumerate(p.items[:SHOWN_PROBLEMS])]
        self.problem_model.set_rows(rows)
        fit_columns(self.problem_table)
        if a.already is not None:
            verdict, color = self.tr("已导入过的文件，不会再次导入。"), "#555555"
        elif p.errors:
            verdict = self.tr("发现 {s}：有错误的批次一行也不会导入。请保存标注副本发回对方修改。").format(s=p.summary())
            color = "#b3261e"
        elif p.confirms:
            verdict, color = self.tr("{s}。如确认内容无误，请勾选下方的确认后再导入。").format(s=p.summary()), "#9c5700"
        else:
            verdict, color = self.tr("{s}，可以导入。").format(s=p.summary()), "#1f7a1f"
        self.verdict.setText(verdict)
        self.verdict.setStyleSheet(f"color: {color}; font-weight: bold;")
        self.accept_unsigned.setVisible(p.confirms > 0)
        self.accept_unsigned.setChecked(False)

    def save_report(self, path: str | None = None) -> Path | None:
        if self.analysis is None:
            return None
        source = self.analysis.batch.path
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
        if not self._can_import():
            self.confirm_label.setText(self.tr("不能导入：请先处理“问题”一步中列出的错误。") if a.problems.errors or
                                       a.already else self.tr("请先在“问题”一步勾选确认。"))
        elif a.batch.kind == "sheet":
            self.confirm_label.setText(self.tr("确认导入：新增“申请中”的档案 {n} 户。导入前自动备份数据库；"
                                               "全部写入或全不写入。").format(n=f"{len(a.plan.new):,}"))
        else:
            self.confirm_label.setText(self.tr("确认导入：{plan}。\n导入前自动备份数据库；全部写入或全不写入。"
                                               "双方都修改过的档案会留作“待处理冲突”。").format(plan=a.plan.summary()))

    # ---- import
    def start_import(self) -> Task | None:
        a = self.analysis
        if a is None or not self._can_import():
            return None
        ctx, accept = self.ctx, self.accept_unsigned.isChecked()

        def job(progress: Any, _cancelled: Any) -> importer.Outcome:
            db = ctx.worker_db()
            try:
                if a.batch.kind == "sheet":
                    return foreign.commit_sheet(db, ctx.actor, a, folder=ctx.folder, progress=progress)
                return importer.commit(db, ctx.actor, a, accept_unsigned=accept, folder=ctx.folder, progress=progress)
            except ExchangeCancelled:
                raise Cancelled() from None
            finally:
                dbm.close(db)

        self.import_button.setEnabled(False)
        return run_task(self, self.tr("正在导入…"), job, self._imported, on_failed=lambda _e: self.show_step(4))

    def _imported(self, outcome: importer.Outcome) -> None:
        self.outcome = outcome
        self.confirm_label.setText(outcome.message())
        self.show_step(4)
        self.imported.emit(outcome)
