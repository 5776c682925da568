"""年度复核 tab: create the year's tasks (off the GUI thread), see what the re-run income test flagged and
which archives the random sample picked for home checks, record checks and outcomes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.workflow import review
from helpdesk_gui.gui.applications import common
from helpdesk_gui.gui.applications.common import TONES
from helpdesk_gui.gui.applications.step_dialog import Field, StepDialog
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.models import Col, RecordModel
from helpdesk_gui.gui.kit.tables import make_view
from helpdesk_gui.gui.kit.worker import Task, run_task, with_db

SHOW = (("open", "待办"), ("flagged", "测算提示不符"), ("sampled", "抽中入户核查"), ("approval", "审批中"),
        ("done", "已办结"), ("all", "全部"))


class ReviewTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        book = ctx.codebook()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(common.today().year)
        self.year.setPrefix(self.tr("复核年度 "))
        self.show_box = QComboBox()
        for code, label in SHOW:
            self.show_box.addItem(self.tr(label), code)
        self.create_button = QPushButton(self.tr("生成本年度复核任务"))
        self.summary = QLabel()
        self.model = RecordModel([
            Col("archive_no", self.tr("档案编号"), 128), Col("name", self.tr("姓名"), 64),
            Col("township", self.tr("乡镇（街道）"), 80),
            Col("category_now", self.tr("现类别"), 64, lambda r: book.label("category", r["category_now"])),
            Col("per_capita_fen", self.tr("测算月人均"), 80, lambda r: yuan(r["per_capita_fen"]), right=True),
            Col("suggested", self.tr("测算类别"), 80, lambda r: book.label("category", r["category_suggested"])
                or self.tr("不符合")),
            Col("sampled", self.tr("抽查"), 60, lambda r: (self.tr("已核查") if r["checked_date"] else self.tr("待核查"))
                if r["sampled"] else ""),
            Col("state", self.tr("结论"), 110, self._state), Col("flag_reason", self.tr("提示"), 300)],
            tone=lambda r: "done" if r["status"] == "done" else ("returned" if r["flagged"] else None), parent=self, palette=TONES)
        self.view = make_view(self.model, self)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.year)
        bar.addWidget(self.create_button)
        bar.addWidget(self.show_box)
        bar.addStretch(1)
        for key, text in (("check", "登记核查…"), ("keep", "保留…"), ("change", "调整类别…"), ("exit", "脱困退出…")):
            b = QPushButton(self.tr(text))
            self.buttons[key] = b
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        self.create_button.clicked.connect(self.create_tasks)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.show_box.currentIndexChanged.connect(lambda _i: self.refresh())
        for key in ("check", "keep", "change", "exit"):
            self.buttons[key].clicked.connect(lambda _c=False, k=key: self.act(k))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    def _state(self, r: dict[str, Any]) -> str:
        book = self.ctx.codebook()
        if r["status"] == "open":
            return self.tr("待办")
        outcome = book.label("review_outcome", r["outcome"])
        return outcome + (self.tr("（{s}）").format(s=book.label("application_status", r["app_status"]))
                          if r["status"] == "approval" and r["app_status"] else "")

    def refresh(self) -> None:
        year = self.year.value()
        show = self.show_box.currentData()
        kw: dict[str, Any] = {}
        if show in ("open", "approval", "done"):
            kw["status"] = show
        elif show == "flagged":
            kw["flagged"] = True
        elif show == "sampled":
            kw["sampled"] = True
        self.model.set_rows(guarded(self, review.list_tasks, self.ctx.db, year, **kw) or [])
        s = guarded(self, review.summary, self.ctx.db, year) or {}
        self.summary.setText(self.tr("{y} 年：复核任务 {t} 户，测算提示不符 {f} 户，抽中入户核查 {s} 户（已核查 {c} 户），"
                                     "审批中 {a} 户，已办结 {d} 户。").format(
            y=year, t=f'{s.get("tasks", 0):,}', f=f'{s.get("flagged", 0):,}', s=f'{s.get("sampled", 0):,}', c=f'{s.get("checked", 0):,}',
            a=f'{s.get("approval", 0):,}', d=f'{s.get("done", 0):,}'))
        self._update_buttons()

    def selected(self) -> dict[str, Any] | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        can = self.ctx.actor.can("review.manage") and not self.ctx.readonly
        self.create_button.setEnabled(can)
        t = self.selected()
        open_ = bool(t and t["status"] == "open")
        for key in ("check", "keep", "change", "exit"):
            self.buttons[key].setEnabled(can and open_)

    def create_tasks(self) -> Task | None:
        year = self.year.value()

        return run_task(self, self.tr("正在生成复核任务并重新测算收入…"), with_db(
            self.ctx, lambda db, progress, _c: review.create_tasks(db, self.ctx.actor, year, today=common.today(),
                                                                   progress=progress)),
            lambda _r: self._created())

    def _created(self) -> None:
        self.refresh()
        self.changed.emit()

    def act(self, key: str) -> bool:
        t = self.selected()
        if t is None:
            return False
        db, actor, tid = self.ctx.db, self.ctx.actor, int(t["id"])
        intro = f"{t['archive_no']} {t['name']}：{t['flag_reason'] or '测算结果与现类别一致'}"
        if key == "check":
            fields = [Field("date", "核查日期", "date", default=common.today()), Field("note", "核查情况", "lines")]
            submit: Any = lambda v: review.record_check(db, actor, tid, v["date"] or common.today(), v["note"], today=common.today())  # noqa: E731
        elif key == "keep":
            fields = [Field("note", "复核说明", "lines")]
            submit = lambda v: review.decide(db, actor, tid, "keep", v["note"], today=common.today())  # noqa: E731
        elif key == "change":
            fields = [Field("category", "调整为", "code", "category", default=t["category_suggested"]),
                      Field("note", "理由", "lines")]
            submit = lambda v: review.decide(db, actor, tid, "change", v["note"], new_category=v["category"],  # noqa: E731
                                             today=common.today())
        else:
            fields = [Field("note", "脱困理由", "lines")]
            submit = lambda v: review.decide(db, actor, tid, "exit", v["note"], today=common.today())  # noqa: E731
        titles = {"check": "登记入户核查", "keep": "复核结论：保留", "change": "复核结论：调整困难类别",
                  "exit": "复核结论：脱困退出"}
        extra = "" if key in ("check", "keep") else "\n调整类别和脱困退出将生成年度复核申请，由审批人审批后生效。"
        dialog = StepDialog(self.tr(titles[key]), fields, submit, self.ctx.codebook(), self, intro=intro + extra)
        done = dialog.exec() == QDialog.DialogCode.Accepted
        if done:
            self.refresh()
            self.changed.emit()
        return done
