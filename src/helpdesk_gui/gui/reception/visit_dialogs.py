"""The small forms of the visits page: a cadre, a new pair, ending a pair, a care visit, a pair's history."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base import money
from helpdesk_gui.core.casework import visits
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.fields import date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog
from helpdesk_gui.gui.kit.models import Col, RecordModel
from helpdesk_gui.gui.kit.tables import make_view
from helpdesk_gui.gui.reception.entry_dialog import code_combo
from helpdesk_gui.gui.reception.picker import HouseholdPicker
from helpdesk_gui.gui.reception.table import TONES, amount


class CadreDialog(FormDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("新增帮扶干部"), self.tr("保存"), parent)
        self.ctx = ctx
        self.cadre_id: int | None = None
        self.name, self.unit, self.post, self.phone = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        for text, w in (("姓名", self.name), ("单位", self.unit), ("职务", self.post), ("联系电话", self.phone)):
            self.form.addRow(self.tr(text), w)
        self.fields = {"干部姓名": self.name, "单位": self.unit, "职务": self.post, "联系电话": self.phone,
                       "帮扶干部": self.name}

    def submit(self) -> None:
        self.cadre_id = visits.add_cadre(self.ctx.db, self.ctx.actor, self.name.text(), self.unit.text(),
                                         self.post.text(), self.phone.text())
        self.ctx.events.tell(self, "casework_changed")


class _HouseholdField(QWidget):
    """A label with the chosen archive and a 选择档案… button."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id: int | None = None
        self.label = QLabel(self.tr("（请选择）"))
        self.button = QPushButton(self.tr("选择档案…"))
        self.button.clicked.connect(self.pick)
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.label, 1)
        line.addWidget(self.button)

    def pick(self) -> bool:
        picker = HouseholdPicker(self.ctx, self, statuses=visits.PAIRABLE)
        if picker.exec() and picker.household is not None:
            self.set(int(picker.household["id"]), f"{picker.household['archive_no']}　{picker.household['name']}")
            return True
        return False

    def set(self, household_id: int, text: str) -> None:
        self.household_id = household_id
        self.label.setText(text)


class PairDialog(FormDialog):
    """结对: a cadre and an archive, the start date and how often the cadre visits."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, cadre_id: int | None = None) -> None:
        super().__init__(self.tr("新结对"), self.tr("结对"), parent)
        self.ctx = ctx
        self.pair_id: int | None = None
        self.cadre = QComboBox()
        for c in visits.list_cadres(ctx.db, active_only=True):
            self.cadre.addItem(f"{c['name']}（{c['unit']}，已结对 {c['households']} 户）", c["id"])
        if cadre_id is not None:
            self.cadre.setCurrentIndex(max(self.cadre.findData(cadre_id), 0))
        self.household = _HouseholdField(ctx, self)
        self.start = date_edit(not_after_today=False)
        self.every = QSpinBox()
        self.every.setRange(1, 366)
        self.every.setValue(int(settings.get(ctx.db, "pair_visit_every_days")))
        self.every.setSuffix(self.tr(" 天走访一次"))
        self.note = QLineEdit()
        self.form.addRow(self.tr("帮扶干部"), self.cadre)
        self.form.addRow(self.tr("结对档案"), self.household)
        self.form.addRow(self.tr("结对日期"), self.start)
        self.form.addRow(self.tr("走访间隔"), self.every)
        self.form.addRow(self.tr("备注"), self.note)
        self.fields = {"结对日期": self.start, "走访间隔": self.every}

    def submit(self) -> None:
        from helpdesk_gui.core.base.errors import ValidationError
        if self.cadre.currentData() is None:
            raise ValidationError("帮扶干部", "请先在“帮扶干部”中新增干部")
        if self.household.household_id is None:
            raise ValidationError("结对档案", "请选择档案")
        self.pair_id = visits.make_pair(self.ctx.db, self.ctx.actor, int(self.cadre.currentData()),
                                        self.household.household_id, start=day_of(self.start),
                                        every_days=self.every.value(), note=self.note.text())
        self.ctx.events.tell(self, "casework_changed")


class EndPairDialog(FormDialog):
    def __init__(self, ctx: AppContext, pair: dict[str, object], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("结束结对"), self.tr("结束结对"), parent)
        self.ctx, self.pair = ctx, pair
        self.on = date_edit(not_after_today=False)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如：家庭已脱困、干部调离"))
        self.form.addRow(self.tr("结对"), QLabel(f"{pair['cadre_name']} — {pair['archive_no']} {pair['household_name']}"))
        self.form.addRow(self.tr("结束日期"), self.on)
        self.form.addRow(self.tr("结束原因"), self.reason)
        self.fields = {"结束日期": self.on, "结束原因": self.reason}

    def submit(self) -> None:
        visits.end_pair(self.ctx.db, self.ctx.actor, int(self.pair["id"]), self.reason.text(),  # type: ignore[call-overload]
                        on=day_of(self.on))
        self.ctx.events.tell(self, "casework_changed")


class VisitDialog(FormDialog):
    """走访慰问: a visit to an archive, by one of its pairs or not, with money and goods given."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, pair: dict[str, object] | None = None) -> None:
        super().__init__(self.tr("登记走访慰问"), self.tr("登记"), parent)
        self.ctx = ctx
        self.visit_id: int | None = None
        self.household = _HouseholdField(ctx, self)
        self.household.button.clicked.connect(lambda: self._load_pairs())
        self.pair = QComboBox()
        self.kind = code_combo(ctx, "visit_kind")
        self.on = date_edit(not_after_today=False)
        self.visitors = QLineEdit()
        self.visitors.setPlaceholderText(self.tr("走访人员，如：县总工会主席 张某某"))
        self.money = QLineEdit()
        self.money.setPlaceholderText(self.tr("元，没有不填"))
        self.goods = QLineEdit()
        self.goods.setPlaceholderText(self.tr("如：米、油、棉被"))
        self.goods_value = QLineEdit()
        self.goods_value.setPlaceholderText(self.tr("元"))
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        self.form.addRow(self.tr("走访档案"), self.household)
        self.form.addRow(self.tr("结对"), self.pair)
        self.form.addRow(self.tr("走访类别"), self.kind)
        self.form.addRow(self.tr("走访日期"), self.on)
        self.form.addRow(self.tr("走访人员"), self.visitors)
        self.form.addRow(self.tr("慰问金"), self.money)
        self.form.addRow(self.tr("慰问品"), self.goods)
        self.form.addRow(self.tr("慰问品折价"), self.goods_value)
        self.form.addRow(self.tr("走访情况"), self.notes)
        self.fields = {"走访类别": self.kind, "走访日期": self.on, "走访人员": self.visitors, "慰问金": self.money,
                       "慰问品": self.goods, "慰问品折价": self.goods_value, "走访情况": self.notes}
        if pair is not None:
            self.household.set(int(pair["household_id"]),  # type: ignore[call-overload]
                               f"{pair['archive_no']}　{pair['household_name']}")
            self._load_pairs(int(pair["id"]))  # type: ignore[call-overload]
            self.kind.setCurrentIndex(max(self.kind.findData("pair"), 0))
            self.visitors.setText(str(pair["cadre_name"]))
        else:
            self._load_pairs()

    def _load_pairs(self, select: int | None = None) -> None:
        self.pair.clear()
        self.pair.addItem(self.tr("（不是结对干部走访）"), None)
        if self.household.household_id is not None:
            for p in visits.standing_pairs_of(self.ctx.db, self.household.household_id):
                self.pair.addItem(f"{p['cadre_name']}（{p['cadre_unit']}）", p["id"])
        if select is not None:
            self.pair.setCurrentIndex(max(self.pair.findData(select), 0))

    def submit(self) -> None:
        from helpdesk_gui.core.base.errors import ValidationError
        if self.household.household_id is None:
            raise ValidationError("走访档案", "请选择档案")

        def fen(edit: QLineEdit, field: str) -> int:
            return money.parse_yuan(edit.text(), field) if edit.text().strip() else 0

        self.visit_id = visits.record_visit(self.ctx.db, self.ctx.actor, visits.VisitDraft(
            household_id=self.household.household_id, visit_date=day_of(self.on), kind=self.kind.currentData(),
            visitors=self.visitors.text(), money_fen=fen(self.money, "慰问金"), goods=self.goods.text(),
            goods_fen=fen(self.goods_value, "慰问品折价"), notes=self.notes.toPlainText(),
            pair_id=self.pair.currentData()))
        self.ctx.events.tell(self, "casework_changed")


class PairHistoryDialog(QDialog):
    """A pair's visit history (newest first) with its next visit due."""

    def __init__(self, ctx: AppContext, pair: dict[str, object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        book = ctx.codebook()
        self.setWindowTitle(self.tr("走访记录"))
        head = QLabel(self.tr("{c}（{u}）结对 {no} {name}：自 {start} 起每 {every} 天走访一次，下次应于 {due} 前走访").format(
            c=pair["cadre_name"], u=pair["cadre_unit"], no=pair["archive_no"], name=pair["household_name"],
            start=pair["start_date"], every=pair["visit_every_days"], due=pair["next_due"]))
        head.setWordWrap(True)
        self.model = RecordModel([
            Col("visit_date", self.tr("走访日期"), 90), Col("kind", self.tr("类别"), 96,
                                                          lambda r: book.label("visit_kind", r["kind"])),
            Col("visitors", self.tr("走访人员"), 110), Col("money_fen", self.tr("慰问金（元）"), 90, amount("money_fen"), right=True),
            Col("goods", self.tr("慰问品"), 90), Col("notes", self.tr("走访情况"), 200)], parent=self, palette=TONES)
        self.model.set_rows(visits.pair_history(ctx.db, int(pair["id"])))  # type: ignore[call-overload]
        table = make_view(self.model, self)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(table, 1)
        layout.addWidget(close)
        self.resize(720, 420)
