"""新登记: log a visit, letter, phone call or online letter, with the deadline shown as the kind is chosen."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from helpdesk_gui.core.casework import common, reception
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.fields import date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog
from helpdesk_gui.gui.reception.picker import HouseholdPicker


def code_combo(ctx: AppContext, list_name: str, *, first: tuple[str, str | None] | None = None) -> QComboBox:
    box = QComboBox()
    if first is not None:
        box.addItem(first[0], first[1])
    for item in ctx.codebook().items(list_name):
        box.addItem(item.label, item.code)
    return box


class EntryDialog(FormDialog):
    """The new entry's fields; OK logs it through ``core.reception.log_entry`` (``entry_id`` then holds it)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("接待登记"), self.tr("登记"), parent)
        self.ctx = ctx
        self.entry_id: int | None = None
        self.household_id: int | None = None
        self.channel = code_combo(ctx, "reception_channel")
        self.kind = code_combo(ctx, "reception_kind")
        self.received = date_edit(not_after_today=False)
        self.time = QLineEdit(_dt.datetime.now().strftime("%H:%M"))
        self.time.setMaximumWidth(80)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("来访（来信、来电）人姓名；匿名来信写“匿名”"))
        self.visitors = QSpinBox()
        self.visitors.setRange(1, 999)
        self.visitors.setSuffix(self.tr(" 人"))
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText(self.tr("可不填"))
        self.phone = QLineEdit()
        self.unit = QLineEdit()
        self.unit.setPlaceholderText(self.tr("工作单位或住址"))
        self.matter = QPlainTextEdit()
        self.matter.setPlaceholderText(self.tr("反映的问题和诉求"))
        self.matter.setFixedHeight(90)
        self.responsible = QComboBox()
        for u in reception.responsible_users(ctx.db):
            self.responsible.addItem(f"{u['display_name']}（{u['username']}）", u["username"])
        mine = self.responsible.findData(ctx.actor.username)
        if mine >= 0:
            self.responsible.setCurrentIndex(mine)
        self.household_label = QLabel(self.tr("（未关联）"))
        self.pick_button = QPushButton(self.tr("选择档案…"))
        self.pick_button.clicked.connect(self.pick_household)
        self.deadline = QLabel()
        self.deadline.setStyleSheet("color: #1f5fa8;")

        when = QHBoxLayout()
        when.addWidget(self.received)
        when.addWidget(QLabel(self.tr("时间")))
        when.addWidget(self.time)
        when.addStretch(1)
        who = QHBoxLayout()
        who.addWidget(self.name, 1)
        who.addWidget(self.visitors)
        linked = QHBoxLayout()
        linked.addWidget(self.household_label, 1)
        linked.addWidget(self.pick_button)
        self.form.addRow(self.tr("接待方式"), self.channel)
        self.form.addRow(self.tr("事项类别"), self.kind)
        self.form.addRow(self.tr("接待日期"), when)
        self.form.addRow(self.tr("姓名、人数"), who)
        self.form.addRow(self.tr("公民身份号码"), self.id_number)
        self.form.addRow(self.tr("联系电话"), self.phone)
        self.form.addRow(self.tr("工作单位或住址"), self.unit)
        self.form.addRow(self.tr("反映事项"), self.matter)
        self.form.addRow(self.tr("首问负责人"), self.responsible)
        self.form.addRow(self.tr("关联档案"), linked)
        self.form.addRow(self.tr("限期办结"), self.deadline)
        self.fields = {"接待方式": self.channel, "事项类别": self.kind, "接待日期": self.received, "接待时间": self.time,
                       "来访（来信、来电）人": self.name, "公民身份号码": self.id_number, "联系电话": self.phone,
                       "工作单位": self.unit, "反映事项": self.matter, "首问负责人": self.responsible}
        self.checks = {"联系电话": lambda: common.phone(self.phone.text())}
        self.kind.currentIndexChanged.connect(lambda _i: self.update_deadline())
        self.received.dateChanged.connect(lambda _d: self.update_deadline())
        self.setMinimumWidth(560)
        self.update_deadline()
        self.name.setFocus()

    def update_deadline(self) -> None:
        found = guarded(self, reception.deadline_for, self.ctx.db, self.kind.currentData(), day_of(self.received))
        if found:
            end, rule = found
            self.deadline.setText(self.tr("{d}（{rule}）").format(d=end.isoformat(), rule=rule.describe()))

    def pick_household(self) -> None:
        picker = HouseholdPicker(self.ctx, self, text=self.name.text().strip())
        if picker.exec() and picker.household is not None:
            self.set_household(picker.household)

    def set_household(self, h: dict[str, object]) -> None:
        self.household_id = int(h["id"])  # type: ignore[call-overload]
        self.household_label.setText(f"{h['archive_no']}　{h['name']}")
        if not self.name.text().strip():
            self.name.setText(str(h["name"]))
        if not self.phone.text().strip() and h.get("phone"):
            self.phone.setText(str(h["phone"]))

    def draft(self) -> reception.EntryDraft:
        return reception.EntryDraft(
            channel=self.channel.currentData(), kind=self.kind.currentData(), visitor_name=self.name.text(),
            matter=self.matter.toPlainText(), received_date=day_of(self.received), received_time=self.time.text(),
            visitor_id_number=self.id_number.text(), visitor_phone=self.phone.text(), visitor_unit=self.unit.text(),
            visitors=self.visitors.value(), household_id=self.household_id,
            responsible=self.responsible.currentData() or "")

    def submit(self) -> None:
        self.entry_id = reception.log_entry(self.ctx.db, self.ctx.actor, self.draft())
        self.ctx.events.tell(self, "reception_logged", self.entry_id)
