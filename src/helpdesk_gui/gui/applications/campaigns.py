"""集中帮扶活动 tab: the campaigns, and the chosen one's list — review amounts, remove rows, publicise,
close the 公示, and approve the whole list in one step with the per-row exceptions marked here."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.workflow import campaigns
from helpdesk_gui.core.workflow import steps as workflow
from helpdesk_gui.core.workflow.campaigns import RowException
from helpdesk_gui.gui.applications import common
from helpdesk_gui.gui.applications.campaign_dialog import CampaignDialog
from helpdesk_gui.gui.applications.common import TONES
from helpdesk_gui.gui.applications.step_dialog import Field, StepDialog
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.models import Col, RecordModel
from helpdesk_gui.gui.kit.tables import make_view
from helpdesk_gui.gui.kit.worker import Task, run_task, with_db


class CampaignsTab(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        book = ctx.codebook()
        self.exceptions: dict[int, RowException] = {}
        self._shown: int | None = None
        self.campaigns = RecordModel([
            Col("name", self.tr("活动"), 150), Col("project", self.tr("项目"), 70, lambda r: book.label("project", r["project"])),
            Col("status", self.tr("状态"), 70, lambda r: book.label("campaign_status", r["status"])),
            Col("rows_total", self.tr("名单"), 50, right=True), Col("total_fen", self.tr("金额（元）"), 90,
                                                                  lambda r: yuan(r["total_fen"]), right=True),
            Col("publicity", self.tr("公示期"), 170, lambda r: f"{r['start_date']} 至 {r['end_date']}" if r["start_date"]
                else ""), Col("created_by", self.tr("创建人"), 70)], parent=self, palette=TONES)
        self.campaign_view = make_view(self.campaigns, self)
        self.rows = RecordModel([
            Col("app_no", self.tr("申请编号"), 116), Col("name", self.tr("姓名"), 60),
            Col("id_number", self.tr("身份证号"), 150, lambda r: mask_id(r["id_number"])),
            Col("beneficiary", self.tr("学生"), 60), Col("category", self.tr("类别"), 64,
                                                      lambda r: book.label("category", r["category"])),
            Col("proposed_fen", self.tr("拟帮扶（元）"), 86, lambda r: yuan(r["proposed_fen"]), right=True),
            Col("cap_fen", self.tr("上限（元）"), 80, lambda r: yuan(r["cap_fen"]), right=True),
            Col("status", self.tr("状态"), 70, lambda r: book.label("application_status", r["status"])),
            Col("note", self.tr("提示与审批例外"), 220, self._note)],
            tone=lambda r: "returned" if r["over_cap"] or r["objections"] else str(r["status"]), parent=self, palette=TONES)
        self.row_view = make_view(self.rows, self)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text in (("new", "新建活动…"), ("publicise", "评议并公示…"), ("close", "公示期满"), ("approve", "一次审批…")):
            b = QPushButton(self.tr(text))
            self.buttons[key] = b
            bar.addWidget(b)
        bar.addStretch(1)
        row_bar = QHBoxLayout()
        for key, text in (("amount", "调整金额…"), ("remove", "移出名单…"), ("exception", "审批例外…"),
                          ("clear", "取消例外")):
            b = QPushButton(self.tr(text))
            self.buttons[key] = b
            row_bar.addWidget(b)
        row_bar.addStretch(1)
        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.addLayout(bar)
        tv.addWidget(self.campaign_view)
        bottom = QWidget()
        bv = QVBoxLayout(bottom)
        bv.setContentsMargins(0, 0, 0, 0)
        bv.addWidget(self.info)
        bv.addLayout(row_bar)
        bv.addWidget(self.row_view, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.buttons["new"].clicked.connect(self.new_campaign)
        self.buttons["publicise"].clicked.connect(self.publicise)
        self.buttons["close"].clicked.connect(self.close_publicity)
        self.buttons["approve"].clicked.connect(self.approve)
        self.buttons["amount"].clicked.connect(self.change_amount)
        self.buttons["remove"].clicked.connect(self.remove_row)
        self.buttons["exception"].clicked.connect(self.set_exception)
        self.buttons["clear"].clicked.connect(self.clear_exception)
        self.campaign_view.selectionModel().selectionChanged.connect(self._campaign_selected)
        self.row_view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.refresh()

    def _note(self, r: dict[str, Any]) -> str:
        parts = []
        if r["over_cap"]:
            parts.append(self.tr("超过上限"))
        if r["objections"]:
            parts.append(self.tr("有未处理的异议"))
        exc = self.exceptions.get(int(r["id"]))
        if exc is not None:
            parts.append(self.tr("例外：不予批准（{r}）").format(r=exc.reason) if exc.reject else
                         self.tr("例外：批 {a} 元{o}").format(a=yuan(exc.amount_fen) if exc.amount_fen else "原拟金额",
                                                       o=f"，超限理由：{exc.override_reason}" if exc.override_reason else ""))
        return "；".join(parts)

    # ---- contents
    def campaign_id(self) -> int | None:
        rows = self.campaign_view.selectionModel().selectedRows()
        return self.campaigns.record_id(rows[0].row()) if rows else None

    def row_id(self) -> int | None:
        rows = self.row_view.selectionModel().selectedRows()
        return self.rows.record_id(rows[0].row()) if rows else None

    def refresh(self, keep: int | None = None) -> None:
        keep = keep if keep is not None else self.campaign_id()
        self.campaigns.set_rows(guarded(self, campaigns.list_campaigns, self.ctx.db) or [])
        row = self.campaigns.row_of(keep) if keep is not None else -1
        if row < 0 and self.campaigns.rowCount():
            row = 0
        if row >= 0:
            self.campaign_view.selectRow(row)
        self._show_rows()

    def _campaign_selected(self, _a: QItemSelection, _b: QItemSelection) -> None:
        if self.campaign_id() != self._shown:
            self.exceptions.clear()   # exceptions belong to the list they were marked on
        self._show_rows()

    def _show_rows(self) -> None:
        cid = self.campaign_id()
        self._shown = cid
        found = guarded(self, campaigns.campaign_rows, self.ctx.db, cid, today=common.today()) if cid else []
        self.rows.set_rows(found or [])
        if cid:
            c = campaigns.get(self.ctx.db, cid)
            over = sum(1 for r in self.rows.records() if r["over_cap"])
            self.info.setText(self.tr("“{name}”：{rule}。名单 {n} 行{over}。").format(
                name=c["name"], rule=campaigns.ProposalRule(**c["rule"]).describe(self.ctx.codebook()), n=f"{len(self.rows.records()):,}",
                over=self.tr("，其中 {k} 行超过上限（审批时须写明超限理由或改为例外）").format(k=f"{over:,}") if over else ""))
        else:
            self.info.setText(self.tr("还没有帮扶活动。点“新建活动…”按条件选出名单。"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        a = self.ctx.actor
        status = next((r["status"] for r in self.campaigns.records() if int(r["id"]) == self.campaign_id()), None)
        row_status = next((r["status"] for r in self.rows.records() if int(r["id"]) == self.row_id()), None)
        writable = not self.ctx.readonly
        self.buttons["new"].setEnabled(writable and a.can("workflow.apply"))
        self.buttons["publicise"].setEnabled(writable and a.can("workflow.review") and status == "draft")
        self.buttons["close"].setEnabled(writable and status == "publicity")
        self.buttons["approve"].setEnabled(writable and a.can("workflow.approve") and status in ("pending", "publicity"))
        self.buttons["amount"].setEnabled(writable and row_status == "reviewing")
        self.buttons["remove"].setEnabled(writable and a.can("workflow.apply") and row_status in workflow.OPEN)
        self.buttons["exception"].setEnabled(writable and a.can("workflow.approve") and row_status == "pending")
        self.buttons["clear"].setEnabled(self.row_id() in self.exceptions)

    # ---- actions
    def _step(self, title: str, fields: list[Field], submit: Any, ok: str = "确定") -> bool:
        dialog = StepDialog(title, fields, submit, self.ctx.codebook(), self, ok_text=ok)
        done = dialog.exec() == QDialog.DialogCode.Accepted
        if done:
            self.refresh()
            self.changed.emit()
        return done

    def new_campaign(self) -> Task | None:
        """Gather the choices, then pick the households and file the rows off the GUI thread."""
        dialog = CampaignDialog(self.ctx, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.request:
            return None
        req, actor, day = dialog.request, self.ctx.actor, common.today()

        return run_task(self, self.tr("正在按条件生成名单…"), with_db(self.ctx, lambda db, _p, _c: campaigns.create(
            db, actor, req["name"], req["project"], req["rule"], year=req["year"], text=req["text"],
            filters=req["filters"], today=day)), lambda cid: self._created(int(cid)))

    def _created(self, campaign_id: int) -> None:
        self.refresh(campaign_id)
        self.changed.emit()

    def publicise(self) -> None:
        cid = self.campaign_id()
        if cid:
            self._step(self.tr("评议并公示名单"), [Field("opinion", "评议意见", "lines", default="经评议，同意名单"),
                                                Field("start", "公示开始日期", "date", default=common.today()),
                                                Field("place", "公示地点", default="县总工会网站、社区公示栏")],
                       lambda v: campaigns.publicise(self.ctx.db, self.ctx.actor, cid, v["opinion"], start=v["start"],
                                                     place=v["place"], today=common.today()), ok="公示")

    def close_publicity(self) -> None:
        cid = self.campaign_id()
        if not cid:
            return
        result = guarded(self, campaigns.close_publicity, self.ctx.db, self.ctx.actor, cid, today=common.today())
        if result is not None:
            QMessageBox.information(self, self.tr("公示期满"), self.tr("{p} 行已提交审批；{w} 行有未处理的异议，处理后再提交。")
                                    .format(p=f'{result["pending"]:,}', w=f'{result["waiting"]:,}'))
            self.refresh()
            self.changed.emit()

    def approve(self) -> Task | None:
        """The opinion in a dialog; the whole list is then decided off the GUI thread, all or nothing."""
        cid = self.campaign_id()
        if not cid:
            return None
        n = sum(1 for r in self.rows.records() if r["status"] == "pending")
        asked: dict[str, str] = {}
        dialog = StepDialog(self.tr("一次审批"), [Field("info", "名单", "info", default=self.tr(
            "待审批 {n} 行，其中例外 {e} 行。超过上限又没有超限理由的行会使审批整体不能完成。").format(n=f"{n:,}", e=f"{len(self.exceptions):,}")),
            Field("opinion", "审批意见", "lines", default="同意")], lambda v: asked.update(opinion=v["opinion"]),
            self.ctx.codebook(), self, ok_text="批准名单")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        actor, day, exceptions = self.ctx.actor, common.today(), dict(self.exceptions)

        return run_task(self, self.tr("正在审批名单…"), with_db(self.ctx, lambda db, _p, _c: campaigns.approve(
            db, actor, cid, asked["opinion"], exceptions=exceptions, today=day)), lambda _r: self._created(cid))

    def change_amount(self) -> None:
        rid = self.row_id()
        if rid:
            self._step(self.tr("调整拟帮扶金额"), [Field("amount", "拟帮扶金额（元）", "money"), Field("note", "说明")],
                       lambda v: campaigns.set_amount(self.ctx.db, self.ctx.actor, rid, v["amount"] or 0, v["note"],
                                                      today=common.today()))

    def remove_row(self) -> None:
        rid = self.row_id()
        if rid:
            self._step(self.tr("移出名单"), [Field("reason", "移出原因", "lines")],
                       lambda v: workflow.withdraw(self.ctx.db, self.ctx.actor, rid, v["reason"], today=common.today()), ok="移出")

    def set_exception(self) -> None:
        rid = self.row_id()
        if not rid:
            return

        def keep(v: dict[str, Any]) -> None:
            self.exceptions[rid] = RowException(reject=v["action"] == "reject", amount_fen=v["amount"],
                                                override_reason=v["override"], reason=v["reason"])

        if self._step(self.tr("审批例外"), [
                Field("action", "办理", "choice", choices=(("approve", "批准（可改金额、写超限理由）"), ("reject", "不予批准"))),
                Field("amount", "批准金额（元，留空按拟帮扶金额）", "money"), Field("override", "超限理由"),
                Field("reason", "意见或不予批准的理由")], keep):
            self.rows.set_rows(self.rows.records())

    def clear_exception(self) -> None:
        self.exceptions.pop(self.row_id() or -1, None)
        self.rows.set_rows(self.rows.records())
        self._update_buttons()
