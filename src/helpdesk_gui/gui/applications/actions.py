"""Each step of an application as a dialog: what it asks, and which core function it calls.

``run(parent, ctx, action, application_id)`` shows the dialog for ``action`` (one of
``core.applications.ACTIONS``) and returns True when the step was taken.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from helpdesk_gui.core.admin import workdays
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.register import attachments, lookup
from helpdesk_gui.core.workflow import approval, caps
from helpdesk_gui.core.workflow import steps as workflow
from helpdesk_gui.gui.applications import common
from helpdesk_gui.gui.applications.approve_dialog import ApproveDialog
from helpdesk_gui.gui.applications.common import what
from helpdesk_gui.gui.applications.step_dialog import Field, StepDialog
from helpdesk_gui.gui.context import AppContext

TITLES = {"material": "补充材料", "visit": "登记入户调查", "civil_request": "申请经济状况核对",
          "civil_answer": "登记经济状况核对结果", "evaluate": "评议", "objection": "登记异议",
          "handle_objection": "处理异议", "close_publicity": "公示期满，提交审批", "approve": "审批",
          "reject": "不予批准", "return": "退回补正", "resubmit": "补正后重新提交", "withdraw": "撤回申请"}


def _material(ctx: AppContext, app_id: int, v: dict[str, Any]) -> object:
    if not v["material_type"]:
        raise ValidationError("材料类型", "必须选择")
    stored, sha = "", ""
    if v["file"]:
        sha, stored = attachments.store(ctx.folder, Path(v["file"]))
    return workflow.add_material(ctx.db, ctx.actor, app_id, v["material_type"], v["title"], stored, sha, today=common.today())


def dialog_for(parent: QWidget | None, ctx: AppContext, action: str, app_id: int) -> QDialog:
    """The dialog of one step (not shown yet): tests fill and apply it, ``run`` executes it."""
    book = ctx.codebook()
    db, actor = ctx.db, ctx.actor
    app = workflow.load(db, app_id)
    intro = f"申请 {app['app_no']}：{what(book, app)}"
    title = TITLES[action]

    def step(fields: list[Field], submit: Any, ok: str = "确定", extra: str = "") -> StepDialog:
        return StepDialog(title, fields, submit, book, parent, intro=intro + (f"\n{extra}" if extra else ""), ok_text=ok)

    if action == "approve":
        return ApproveDialog(ctx, app_id, parent)
    if action == "material":
        missing = workflow.missing_materials(db, app)
        first = next((i.code for i in book.items("material_type") if i.label in missing), None)
        return step([Field("material_type", "材料类型", "code", "material_type", default=first),
                     Field("title", "名称"), Field("file", "扫描件文件", placeholder="可留空（已收纸质材料）")],
                    lambda v: _material(ctx, app_id, v), extra="尚缺：" + "、".join(missing) if missing else "")
    if action == "visit":
        return step([Field("visit_date", "调查日期", "date", default=common.today()),
                     Field("visitors", "调查人员", placeholder="如：李审核、社区王主任"),
                     Field("findings", "调查情况", "lines", placeholder="家庭人口、住房、收入、致困原因等核实情况")],
                    lambda v: workflow.record_visit(db, actor, app_id, v["visit_date"] or common.today(), v["visitors"],
                                                    v["findings"], today=common.today()))
    if action == "civil_request":
        return step([Field("note", "说明", placeholder="如：请核对家庭成员车辆、房产、存款情况")],
                    lambda v: workflow.request_civil_check(db, actor, app_id, v["note"], today=common.today()))
    if action == "civil_answer":
        return step([Field("result", "核对结果", "code", "civil_check_result"),
                     Field("answered", "回复日期", "date", default=common.today()), Field("note", "说明", "lines")],
                    lambda v: workflow.answer_civil_check(db, actor, app_id, v["result"] or "", v["note"],
                                                          answered=v["answered"], today=common.today()))
    if action == "evaluate":
        return _evaluate(parent, ctx, app, intro)
    if action == "objection":
        return step([Field("raised", "提出日期", "date", default=common.today()), Field("raised_by", "提出人", placeholder="可匿名"),
                     Field("content", "异议内容", "lines")],
                    lambda v: workflow.log_objection(db, actor, app_id, v["content"], raised_by=v["raised_by"],
                                                     raised=v["raised"], today=common.today()))
    if action == "handle_objection":
        objection = workflow.open_objections(db, app_id)[0]
        return step([Field("result", "处理结果", "code", "objection_result"), Field("handling", "核实和处理情况", "lines")],
                    lambda v: workflow.handle_objection(db, actor, int(objection["id"]), v["result"] or "",
                                                        v["handling"], today=common.today()),
                    extra=f"异议（{objection['raised_date']}，{objection['raised_by'] or '匿名'}）：{objection['content']}\n"
                          "异议成立的，申请将退回补正并须重新公示。")
    if action == "close_publicity":
        pub = workflow.publicity_of(db, app)
        return step([], lambda _v: workflow.close_publicity(db, actor, app_id, today=common.today()), ok="提交审批",
                    extra=f"公示期 {pub['start_date']} 至 {pub['end_date']} 已满，没有未处理的异议。" if pub else "")
    if action == "reject":
        return step([Field("opinion", "不予批准的理由", "lines")],
                    lambda v: approval.reject(db, actor, app_id, v["opinion"], today=common.today()), ok="不予批准")
    if action == "return":
        return step([Field("opinion", "需补正的内容", "lines")],
                    lambda v: workflow.return_application(db, actor, app_id, v["opinion"], today=common.today()), ok="退回")
    if action == "resubmit":
        return step([Field("note", "补正情况", "lines")],
                    lambda v: workflow.resubmit(db, actor, app_id, v["note"], today=common.today()), ok="重新提交")
    if action == "withdraw":
        return step([Field("reason", "撤回原因", "lines")],
                    lambda v: workflow.withdraw(db, actor, app_id, v["reason"], today=common.today()), ok="撤回")
    raise ValueError(action)


def _evaluate(parent: QWidget | None, ctx: AppContext, app: dict[str, Any], intro: str) -> StepDialog:
    db, actor, book = ctx.db, ctx.actor, ctx.codebook()
    app_id = int(app["id"])
    fields = [Field("opinion", "评议意见", "lines", default="经评议，情况属实，同意")]
    extra = ""
    if app["kind"] == "project":
        amount = app["proposed_fen"] or app["requested_fen"]
        try:
            cap = caps.cap_for(db, int(app["household_id"]), str(app["project"]), on=common.today(), cost_fen=app["cost_fen"],
                               beneficiary=str(app["beneficiary"]), exclude_application=app_id,
                               membership_years=int(json.loads(app["details"]).get("membership_years", 0)))
            extra = f"上限 {yuan(cap.cap_fen)} 元：{cap.text}"
            amount = amount or cap.cap_fen
        except ValidationError as e:
            extra = str(e)
        fields.append(Field("proposed", "拟帮扶金额（元）", "money", default=amount))
    if app["kind"] in ("new_archive", "change"):
        suggested = app["proposed_category"] or json.loads(app["details"]).get("category") or lookup.category_or_suggested(
            db, int(app["household_id"]))
        fields.append(Field("category", "困难类别", "code", "category", default=suggested))
    if app["needs_publicity"]:
        rule = workdays.publicity_rule(db)
        fields += [Field("start", "公示开始日期", "date", default=common.today()),
                   Field("place", "公示地点", default="社区公示栏、单位公示栏"),
                   Field("rule", "公示期", "info", default=f"不少于 {rule.describe()}（按系统设置）")]
    return StepDialog(TITLES["evaluate"], fields, lambda v: workflow.evaluate(
        db, actor, app_id, v["opinion"], proposed_fen=v.get("proposed"), category=v.get("category"),
        publicity_start=v.get("start"), place=v.get("place") or "", today=common.today()),
        book, parent, intro=intro + (f"\n{extra}" if extra else ""), ok_text="评议并公示" if app["needs_publicity"] else "评议")


def run(parent: QWidget | None, ctx: AppContext, action: str, app_id: int) -> bool:
    dialog = dialog_for(parent, ctx, action, app_id)
    return dialog.exec() == QDialog.DialogCode.Accepted
