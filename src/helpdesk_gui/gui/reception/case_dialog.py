"""登记 and 办结 a service case (维权/法律援助, 追回欠薪, 就业介绍, 技能培训, 应保未保)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QWidget

from helpdesk_gui.core.base import money
from helpdesk_gui.core.casework import services
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog
from helpdesk_gui.gui.reception.entry_dialog import code_combo
from helpdesk_gui.gui.reception.picker import HouseholdPicker


def _fen(edit: QLineEdit, field: str) -> int:
    return money.parse_yuan(edit.text(), field) if edit.text().strip() else 0


class CaseDialog(FormDialog):
    """A new case; the labels of 对方 and 事项 follow the kind chosen."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, kind: str | None = None,
                 person_name: str = "", household_id: int | None = None, reception_id: int | None = None,
                 people: int = 1) -> None:
        super().__init__(self.tr("登记服务事项"), self.tr("登记"), parent)
        self.ctx = ctx
        self.case_id: int | None = None
        self.household_id = household_id
        self.reception_id = reception_id
        self.kind = code_combo(ctx, "service_kind")
        if kind:
            self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self.opened = date_edit(not_after_today=False)
        self.person = QLineEdit(person_name)
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(self.tr("可不填"))
        self.people = QSpinBox()
        self.people.setRange(1, 9999)
        self.people.setValue(people)
        self.people.setSuffix(self.tr(" 人"))
        self.household_label = QLabel(self.tr("（未关联）") if household_id is None else self.tr("已关联"))
        pick = QPushButton(self.tr("选择档案…"))
        pick.clicked.connect(self.pick_household)
        linked = QHBoxLayout()
        linked.addWidget(self.household_label, 1)
        linked.addWidget(pick)
        self.counterpart = QLineEdit()
        self.matter = QPlainTextEdit()
        self.matter.setFixedHeight(60)
        self.claimed = QLineEdit()
        self.claimed.setPlaceholderText(self.tr("元"))
        self.form.addRow(self.tr("服务类别"), self.kind)
        self.form.addRow(self.tr("登记日期"), self.opened)
        self.form.addRow(self.tr("服务对象"), self.person)
        self.form.addRow(self.tr("公民身份号码"), self.id_number)
        self.form.addRow(self.tr("涉及人数"), self.people)
        self.form.addRow(self.tr("关联档案"), linked)
        self.counterpart_label = QLabel()
        self.matter_label = QLabel()
        self.form.addRow(self.counterpart_label, self.counterpart)
        self.form.addRow(self.matter_label, self.matter)
        self.form.addRow(self.tr("涉及（拖欠）金额"), self.claimed)
        self.fields = {"服务类别": self.kind, "登记日期": self.opened, "服务对象姓名": self.person,
                       "公民身份号码": self.id_number, "涉及人数": self.people, "涉及金额": self.claimed,
                       "拖欠金额": self.claimed}
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.counterpart_label.setText(services.COUNTERPART_LABEL[kind])
        self.matter_label.setText(services.MATTER_LABEL[kind])
        self.fields[services.COUNTERPART_LABEL[kind]] = self.counterpart
        self.fields[services.MATTER_LABEL[kind]] = self.matter
        self.claimed.setEnabled(kind in services.MONEY_KINDS)

    def pick_household(self) -> None:
        picker = HouseholdPicker(self.ctx, self, text=self.person.text().strip())
        if picker.exec() and picker.household is not None:
            self.household_id = picker.household_id
            self.household_label.setText(f"{picker.household['archive_no']}　{picker.household['name']}")
            if not self.person.text().strip():
                self.person.setText(str(picker.household["name"]))

    def submit(self) -> None:
        kind = self.kind.currentData()
        draft = services.CaseDraft(
            kind=kind, person_name=self.person.text(), opened_date=day_of(self.opened), household_id=self.household_id,
            reception_id=self.reception_id, person_id_number=self.id_number.text(), people=self.people.value(),
            counterpart=self.counterpart.text(), matter=self.matter.toPlainText(),
            claimed_fen=_fen(self.claimed, "涉及金额") if kind in services.MONEY_KINDS else 0)
        self.case_id = services.open_case(self.ctx.db, self.ctx.actor, draft)
        self.ctx.events.tell(self, "casework_changed")


class CloseCaseDialog(FormDialog):
    """办结: outcome, what happened and (维权, 追回欠薪) the amount recovered."""

    def __init__(self, ctx: AppContext, case: dict[str, object], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("办结服务事项 {no}").format(no=case["case_no"]), self.tr("办结"), parent)
        self.ctx, self.case = ctx, case
        kind = str(case["kind"])
        self.outcome = code_combo(ctx, "service_outcome")
        self.closed = date_edit(not_after_today=False)
        self.result_text = QPlainTextEdit()
        self.result_text.setFixedHeight(70)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("元"))
        self.amount.setEnabled(kind in services.MONEY_KINDS)
        self.form.addRow(self.tr("服务事项"), QLabel(f"{ctx.codebook().label('service_kind', kind)}　{case['person_name']}"
                                                   f"　{case['matter']}"))
        self.form.addRow(self.tr("办理结果"), self.outcome)
        self.form.addRow(self.tr("“办成”即"), QLabel(services.SUCCESS_MEANS[kind]))
        self.form.addRow(self.tr("办结日期"), self.closed)
        self.form.addRow(self.tr("办理情况"), self.result_text)
        self.form.addRow(self.tr("追回（挽回）金额"), self.amount)
        self.fields = {"办理结果": self.outcome, "办结日期": self.closed, "办理情况": self.result_text,
                       "追回金额": self.amount}

    def submit(self) -> None:
        services.close_case(self.ctx.db, self.ctx.actor, int(self.case["id"]),  # type: ignore[call-overload]
                            self.outcome.currentData(), self.result_text.toPlainText(),
                            amount_fen=_fen(self.amount, "追回金额"), on=day_of(self.closed))
        self.ctx.events.tell(self, "casework_changed")
