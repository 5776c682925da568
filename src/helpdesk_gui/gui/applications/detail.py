"""One application in full: who and what, what still blocks it, the materials checklist, the timeline
of every step (who, when, opinion), visits, checks, objections, the decision — and a button per step,
enabled exactly when the core says this user may take it now (the reason is the tooltip)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.workflow import applications
from helpdesk_gui.gui.applications import actions, common
from helpdesk_gui.gui.applications.common import TONES, what
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import form_layout
from helpdesk_gui.gui.kit.models import Col, RecordModel
from helpdesk_gui.gui.kit.tables import make_view

#: button text (with its Alt mnemonic) per action
BUTTONS = {"material": "补充材料(&M)", "visit": "入户调查(&V)", "civil_request": "申请核对(&C)",
           "civil_answer": "核对结果(&K)", "evaluate": "评议公示(&E)", "objection": "登记异议(&O)",
           "handle_objection": "处理异议(&H)", "close_publicity": "公示期满(&P)", "approve": "审批(&A)",
           "reject": "不予批准(&J)", "return": "退回补正(&R)", "resubmit": "重新提交(&S)", "withdraw": "撤回(&W)"}


class ApplicationDetail(QWidget):
    changed = Signal(int)            # an application was moved on (its id)
    household_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application_id: int | None = None
        self.app: dict[str, Any] = {}
        self.header = QLabel(self.tr("请在左边的列表中选择一份申请"))
        self.header.setStyleSheet("font-size: 13pt; font-weight: bold; padding: 2px;")
        self.header.setWordWrap(True)
        self.state = QLabel()
        self.state.setStyleSheet("font-size: 11pt; color: #1f4f8a;")
        self.info = form_layout()
        self.info.setHorizontalSpacing(14)
        self.info.setVerticalSpacing(3)
        self.fields: dict[str, QLabel] = {}
        for key, label in (("household", "档案"), ("amounts", "金额"), ("dates", "受理与期限"), ("publicity", "公示"),
                           ("entered", "录入人"), ("materials", "必备材料")):
            w = QLabel()
            w.setWordWrap(True)
            self.fields[key] = w
            self.info.addRow(self.tr(label), w)
        self.blockers = QLabel()
        self.blockers.setWordWrap(True)
        self.blockers.setStyleSheet("color: #8a5a00; background: #fff4d6; padding: 4px;")
        self.timeline = RecordModel([
            Col("on_date", self.tr("日期"), 86), Col("action", self.tr("环节"), 110, self._action),
            Col("by_user", self.tr("办理人"), 80, self._user), Col("to_status", self.tr("办理后状态"), 86, self._status),
            Col("opinion", self.tr("意见与情况"), 300, self._opinion)], parent=self, palette=TONES)
        self.timeline_view = make_view(self.timeline, self)
        self.records = QTabWidget()
        self.records.addTab(self.timeline_view, self.tr("办理记录"))
        self.visits = RecordModel([Col("visit_date", self.tr("调查日期"), 90), Col("visitors", self.tr("调查人员"), 140),
                                 Col("findings", self.tr("调查情况"), 320)], parent=self, palette=TONES)
        self.checks = RecordModel([Col("requested_date", self.tr("申请日期"), 90),
                                 Col("answered_date", self.tr("回复日期"), 90),
                                 Col("result", self.tr("结果"), 110, lambda r: self._label("civil_check_result", r["result"])
                                     if r["result"] else self.tr("未回复")),
                                 Col("answer_note", self.tr("说明"), 260)], parent=self, palette=TONES)
        self.objections = RecordModel([Col("raised_date", self.tr("提出日期"), 90), Col("raised_by", self.tr("提出人"), 80),
                                     Col("content", self.tr("异议内容"), 220),
                                     Col("result", self.tr("处理结果"), 90, lambda r: self._label("objection_result",
                                                                                              r["result"]) or "未处理"),
                                     Col("handling", self.tr("处理情况"), 220)],
                                    tone=lambda r: None if r["result"] else "returned", parent=self, palette=TONES)
        self.materials = RecordModel([Col("material_type", self.tr("材料类型"), 150,
                                        lambda r: self._label("material_type", r["material_type"])),
                                    Col("title", self.tr("名称"), 160), Col("file_name", self.tr("文件"), 200),
                                    Col("added_by", self.tr("登记人"), 80, lambda r: self._user(r, "added_by"))],
                                   parent=self, palette=TONES)
        for model, title in ((self.visits, "入户调查"), (self.checks, "经济状况核对"), (self.objections, "异议"),
                             (self.materials, "材料")):
            self.records.addTab(make_view(model, self), self.tr(title))
        self.decision = QLabel()
        self.decision.setWordWrap(True)
        self.decision.setStyleSheet("padding: 6px;")
        self.decision.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.decision.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.records.addTab(self.decision, self.tr("审批决定"))
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(4)
        for i, action in enumerate(applications.ACTIONS):
            b = QPushButton(self.tr(BUTTONS[action]))
            b.setEnabled(False)
            b.clicked.connect(lambda _c=False, a=action: self.take(a))
            self.buttons[action] = b
            grid.addWidget(b, i // 5, i % 5)
        self.open_household = QPushButton(self.tr("打开档案"))
        self.open_household.clicked.connect(lambda: self.household_requested.emit(int(self.app["household_id"]))
                                            if self.app else None)
        grid.addWidget(self.open_household, 2, 3, 1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.state)
        layout.addLayout(self.info)
        layout.addWidget(self.blockers)
        layout.addLayout(grid)
        layout.addWidget(self.records, 1)
        self._users: dict[str, str] = {}
        self.blockers.hide()

    # ---- labels
    def _label(self, list_name: str, code: Any) -> str:
        return self.ctx.codebook().label(list_name, code)

    def _user(self, r: dict[str, Any], key: str = "by_user") -> str:
        name = str(r.get(key) or "")
        return self._users.get(name, name)

    def _action(self, r: dict[str, Any]) -> str:
        return self._label("workflow_action", r["action"])

    def _status(self, r: dict[str, Any]) -> str:
        return self._label("application_status", r["to_status"])

    def _opinion(self, r: dict[str, Any]) -> str:
        data = r.get("data") or {}
        text = str(r.get("opinion") or "")
        if data.get("publicity_start"):
            text += f"（公示 {data['publicity_start']} 至 {data.get('publicity_end', '')}）"
        if data.get("amount_fen"):
            text += f"（金额 {yuan(data['amount_fen'])} 元" + (f"，上限 {yuan(data['cap_fen'])} 元"
                                                               if data.get("cap_fen") is not None else "") + "）"
        if data.get("override_reason"):
            text += f"（超限理由：{data['override_reason']}）"
        return text

    # ---- contents
    def show_application(self, application_id: int | None) -> None:
        self.application_id = application_id
        if application_id is None:
            self.app = {}
            self.header.setText(self.tr("请在左边的列表中选择一份申请"))
            for b in self.buttons.values():
                b.setEnabled(False)
            return
        self._users = {str(u["username"]): str(u["display_name"]) for u in auth.list_users(self.ctx.db)}
        d = applications.detail(self.ctx.db, application_id, today=common.today())
        self.app = d
        book = self.ctx.codebook()
        h = d["household"]
        self.header.setText(f"{d['app_no']}  {what(book, d)}  —  {h['name']}")
        self.state.setText(self.tr("当前环节：{s}").format(s=book.label("application_status", d["status"])))
        self.fields["household"].setText(self.tr("{no}（{status}，{cat}），身份证 {idn}，{town}").format(
            no=h["archive_no"], status=book.label("status", h["status"]),
            cat=book.label("category", h["category"]) or self.tr("未定类别"), idn=mask_id(h["id_number"]),
            town=h["township"] or ""))
        amounts = []
        for key, label in (("cost_fen", "自付费用"), ("requested_fen", "申请"), ("proposed_fen", "拟帮扶"),
                           ("approved_fen", "批准")):
            if d.get(key) is not None:
                amounts.append(f"{label} {yuan(d[key])} 元")
        self.fields["amounts"].setText("，".join(amounts) or self.tr("（无金额）"))
        due = f"，入户调查期限 {d['visit_due_date']}" if d["visit_due_date"] and d["status"] == "accepted" else ""
        self.fields["dates"].setText(self.tr("受理 {r}{due}").format(r=d["received_date"], due=due))
        pub = d["publicity"]
        self.fields["publicity"].setText(f"{pub['start_date']} 至 {pub['end_date']}（{pub['place'] or '未写地点'}）"
                                         if pub else (self.tr("尚未公示") if d["needs_publicity"] else self.tr("不需公示")))
        self.fields["entered"].setText(self._user(d, "entered_by") + self.tr("（录入人不能审批本申请）"))
        req = [book.label("material_type", c) for c in d["required_materials"]]
        self.fields["materials"].setText("、".join(f"{m} ✗" if m in d["missing_materials"] else f"{m} ✓" for m in req)
                                         or self.tr("无"))
        self.blockers.setVisible(bool(d["blockers"]))
        self.blockers.setText(self.tr("尚待办理：") + "；".join(d["blockers"]))
        self.timeline.set_rows(d["steps"])
        self.visits.set_rows(d["visits"])
        self.checks.set_rows(d["civil_checks"])
        self.objections.set_rows(d["objections"])
        self.materials.set_rows(d["materials"])
        self.decision.setText(self._decision_text(d.get("decision")))
        allowed = guarded(self, applications.available_actions, self.ctx.db, self.ctx.actor, application_id,
                          today=common.today()) or {}
        for action, b in self.buttons.items():
            why = allowed.get(action, "当前状态下不能办理")
            b.setEnabled(not why)
            b.setToolTip(why)

    def _decision_text(self, d: dict[str, Any] | None) -> str:
        if not d:
            return self.tr("尚未作出审批决定。")
        snap = d["snapshot"]
        lines = [self.tr("{outcome}，{on}，审批人 {by}").format(
            outcome="批准" if d["outcome"] == "approved" else "不予批准", on=d["decided_on"],
            by=self._user(d, "approved_by") + (f"（初审 {self._user(d, 'first_approver')}）" if d["first_approver"] else ""))]
        if d["amount_fen"]:
            lines.append(self.tr("批准金额 {a} 元").format(a=yuan(d["amount_fen"])) + (
                self.tr("，上限 {c} 元：{rule}").format(c=yuan(d["cap_fen"]), rule=d["cap_rule"])
                if d["cap_fen"] is not None else ""))
        if d["override_reason"]:
            lines.append(self.tr("超限理由：{r}").format(r=d["override_reason"]))
        if d["category"]:
            lines.append(self.tr("困难类别：{c}").format(c=self._label("category", d["category"])))
        lines.append(self.tr("意见：{o}").format(o=d["opinion"]))
        lines.append(self.tr("发放状态：{s}").format(s=self._label("decision_status", d["status"])))
        hh = snap.get("household", {})
        facts = [str(hh.get("name", ""))]
        if hh.get("family_size"):
            facts.append(self.tr("家庭人口 {n}").format(n=hh["family_size"]))
        if hh.get("per_capita_month_fen") is not None:
            facts.append(self.tr("月人均 {pc} 元").format(pc=yuan(hh["per_capita_month_fen"])))
        if hh.get("bank_account"):
            facts.append(self.tr("账号 ****{a}").format(a=str(hh["bank_account"])[-4:]))
        lines.append(self.tr("审批时的档案（快照，之后修改档案不影响）：") + "，".join(facts))
        return "\n".join(lines)

    # ---- steps
    def take(self, action: str) -> bool:
        if self.application_id is None or not self.buttons[action].isEnabled():
            return False
        app_id = self.application_id
        done = bool(guarded(self, actions.run, self, self.ctx, action, app_id))
        if done:
            self.show_application(app_id)
            self.changed.emit(app_id)
            self.ctx.events.tell(self, "application_moved", app_id)
            if self.app:   # the archive's status may have moved with the application
                self.ctx.events.tell(self, "household_saved", int(self.app["household_id"]))
        return done
