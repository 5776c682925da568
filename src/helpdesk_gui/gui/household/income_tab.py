"""收入与刚性支出 and 致困原因与困难类别 tabs, with the income test computed live.

The figures shown come from ``core.register.derive`` (the derivation a save stores): 家庭月人均收入 by
the contract's formula (the figure of the register list, the printed forms and the batch), and on a line of
its own, labelled and explained, the income test's figure (the minimum wage credited to idle able members,
the members' 月收入 counted), from which the category is suggested.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.base.money import format_yuan, yuan
from helpdesk_gui.core.register.derive import Derived
from helpdesk_gui.gui.household.tables import AmountTable
from helpdesk_gui.gui.kit.fields import AmountEdit, CodeCombo, WrapLabel, hint_label
from helpdesk_gui.gui.kit.forms import form_layout

PER_CAPITA_LABEL = "家庭月人均收入"
PER_CAPITA_TIP = ("（家庭年收入 − 刚性支出）÷ 家庭人口 ÷ 12，只用本户填写的数字。\n"
                  "档案列表、打印的档案表和上报的批次都是这个数。")
TEST_LABEL = "收入核算用人均（含失业成员最低工资计入）"
TEST_TIP = ("认定困难类别用这个数，不存为家庭月人均收入：\n"
            "· 处于劳动年龄、身体健康、无业且没有收入证明的家庭成员，按当地最低工资计入收入；\n"
            "· 家庭成员月收入合计 × 12 多于申报的家庭年收入时，差额计入收入。\n"
            "再按（收入 − 刚性支出）÷ 家庭人口 ÷ 12 计算，与低保标准和相对困难线比较。")


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


class IncomeTab(QWidget):
    changed = Signal()

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    def __init__(self, book: codes.CodeBook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.income = AmountTable(book, "income_kind", self.tr("添加收入项目"))
        self.expenses = AmountTable(book, "expense_kind", self.tr("添加刚性支出"))
        self.exclusion_boxes: dict[str, QCheckBox] = {}
        excl = QGroupBox(self.tr("排除条件（任一项成立即不予建档）"))
        excl_layout = QVBoxLayout(excl)
        for item in book.items("exclusion"):
            box = QCheckBox(item.label)
            box.toggled.connect(self._emit_changed)
            self.exclusion_boxes[item.code] = box
            excl_layout.addWidget(box)
        self.total_income = AmountEdit("家庭年收入")
        self.total_rigid = AmountEdit("刚性支出")
        self.total_income.textChanged.connect(self._emit_changed)
        self.total_rigid.textChanged.connect(self._emit_changed)
        totals = QGroupBox(self.tr("没有逐项明细时：全年合计（元）"))
        totals_form = form_layout(totals)
        totals_form.addRow(self.tr("家庭年收入"), self.total_income)
        totals_form.addRow(self.tr("刚性支出"), self.total_rigid)
        self.result = QGroupBox(self.tr("收入核算（与保存时的计算相同）"))
        self.result.setStyleSheet("QGroupBox { background: #f4f8fc; }")
        self.declared = QLabel()
        self.rigid = QLabel()
        self.family = QLabel()
        self.per_capita = QLabel()
        self.per_capita.setObjectName("per_capita")
        self.per_capita.setToolTip(self.tr(PER_CAPITA_TIP))
        self.credited = QLabel()
        self.topup = QLabel()
        self.income_test = QLabel()
        self.income_test.setObjectName("income_test")
        self.income_test.setToolTip(self.tr(TEST_TIP))
        self.lines = QLabel()
        self.suggested = QLabel()
        self.reasons = WrapLabel(style="color: #555555;")
        self.problem = hint_label()
        rf = form_layout(self.result)
        for label, widget, tip in (("家庭年收入", self.declared, ""), ("刚性支出", self.rigid, ""),
                                   ("家庭人口", self.family, ""), (PER_CAPITA_LABEL, self.per_capita, PER_CAPITA_TIP),
                                   ("按最低工资计入", self.credited, TEST_TIP),
                                   ("按成员月收入计入", self.topup, TEST_TIP),
                                   (TEST_LABEL, self.income_test, TEST_TIP), ("低保标准", self.lines, ""),
                                   ("建议困难类别", self.suggested, "")):
            name = QLabel(self.tr(label))
            name.setToolTip(self.tr(tip) if tip else "")
            rf.addRow(name, widget)
        rf.addRow(self.reasons)
        rf.addRow(self.problem)
        self._form = rf
        grid = QGridLayout(self)
        g1 = QGroupBox(self.tr("申请前 12 个月家庭收入"))
        QVBoxLayout(g1).addWidget(self.income)
        g2 = QGroupBox(self.tr("刚性支出"))
        QVBoxLayout(g2).addWidget(self.expenses)
        grid.addWidget(g1, 0, 0)
        grid.addWidget(g2, 0, 1)
        left = QVBoxLayout()
        left.addWidget(totals)
        left.addWidget(excl)
        grid.addLayout(left, 1, 0)
        grid.addWidget(self.result, 1, 1)
        self.income.changed.connect(self._emit_changed)
        self.expenses.changed.connect(self._emit_changed)

    def load(self, h: dict[str, Any]) -> None:
        self.income.load(h.get("income_items", []))
        self.expenses.load(h.get("expenses", []))
        self.total_income.set_fen(h.get("annual_income_fen"))
        self.total_rigid.set_fen(h.get("rigid_expense_fen"))
        kinds = {e["kind"] for e in h.get("exclusions", [])}
        for code, box in self.exclusion_boxes.items():
            box.setChecked(code in kinds)

    def totals(self) -> tuple[int, int]:
        """(annual income, rigid expenses) in fen: the item sums when there are items, else the totals."""
        income, expenses = self.income.items(), self.expenses.items()
        return (sum(i["amount_fen"] for i in income) if income else self.total_income.fen(),
                sum(i["amount_fen"] for i in expenses) if expenses else self.total_rigid.fen())

    def exclusions(self) -> list[dict[str, Any]]:
        return [{"kind": code} for code, box in self.exclusion_boxes.items() if box.isChecked()]

    def show_test(self, derived: Derived | None, error: str = "") -> None:
        """Show the figures ``derive`` computed for the draft (None: the input is incomplete)."""
        figures = (self.declared, self.rigid, self.family, self.per_capita, self.credited, self.topup,
                   self.income_test, self.lines, self.suggested)
        if error or derived is None:
            for w in figures:
                w.setText("—")
            self.reasons.setText("")
            self.problem.setText(self.tr("无法计算：") + error)
            return
        test = derived.test
        suggested = self.book.label("category", test.suggested_category) if test.suggested_category else "不符合建档条件"
        self.problem.setText("")
        self.declared.setText(f"{yuan(test.declared_income_fen)} 元")
        self.rigid.setText(f"{yuan(test.rigid_expense_fen)} 元")
        self.family.setText(f"{test.family_size} 人")
        self.per_capita.setText(_bold(f"{yuan(derived.per_capita_month_fen)} 元"))
        self.credited.setText(f"{yuan(test.credited_income_fen)} 元")
        self.topup.setText(f"{yuan(test.member_topup_fen)} 元")
        self._form.setRowVisible(self.credited, bool(test.credited_income_fen))
        self._form.setRowVisible(self.topup, bool(test.member_topup_fen))
        self.income_test.setText(_bold(f"{yuan(derived.income_test_month_fen)} 元"))
        self.lines.setText(self.tr("{d} 元/月；相对困难线 {r} 元/月").format(
            d=format_yuan(test.dibao_month_fen, grouping=True), r=format_yuan(test.relative_line_fen, grouping=True)))
        self.suggested.setText(_bold(suggested))
        self.reasons.setText("；".join(test.reasons))

    def result_text(self) -> str:
        """What the 收入核算 box says, label by label (for a look at the whole)."""
        out = []
        for r in range(self._form.rowCount()):
            label = self._form.itemAt(r, QFormLayout.ItemRole.LabelRole)
            field = self._form.itemAt(r, QFormLayout.ItemRole.FieldRole) or self._form.itemAt(
                r, QFormLayout.ItemRole.SpanningRole)
            shown = field.widget() if field is not None else None
            if not isinstance(shown, QLabel) or not shown.isVisibleTo(self.result):
                continue
            name = label.widget() if label is not None else None
            text = name.text() if isinstance(name, QLabel) else ""
            out.append(f"{text}：{shown.text()}" if text else shown.text())
        return re.sub(r"<[^>]+>", "", "\n".join(out))


class CausesTab(QWidget):
    changed = Signal()

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    def __init__(self, book: codes.CodeBook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book = book
        self.cause_main = CodeCombo(book, "cause", blank="（请选择）")
        self.secondary: dict[str, QCheckBox] = {}
        sec = QGroupBox(self.tr("次要致困原因（最多三项）"))
        sec_layout = QGridLayout(sec)
        for i, item in enumerate(book.items("cause")):
            box = QCheckBox(item.label)
            box.toggled.connect(self._limit)
            self.secondary[item.code] = box
            sec_layout.addWidget(box, i // 2, i % 2)
        self.other_text = QLineEdit()
        self.other_text.setPlaceholderText(self.tr("选择“其他”时必填"))
        self.category = CodeCombo(book, "category", blank="（尚未认定）")
        self.test_figure = QLabel("—")
        self.test_figure.setToolTip(self.tr(TEST_TIP))
        self.suggested = QLabel("—")
        self.legacy = QLabel()
        self.hint = hint_label()
        form = form_layout()
        form.addRow(self.tr("主要致困原因 *"), self.cause_main)
        form.addRow(sec)
        form.addRow(self.tr("其他致困原因说明"), self.other_text)
        test_name = QLabel(self.tr(TEST_LABEL))
        test_name.setToolTip(self.tr(TEST_TIP))
        form.addRow(test_name, self.test_figure)
        form.addRow(self.tr("系统建议的困难类别"), self.suggested)
        form.addRow(self.tr("认定的困难类别"), self.category)
        form.addRow(self.tr("原困难类别（旧口径）"), self.legacy)
        form.addRow("", self.hint)
        outer = QHBoxLayout(self)
        outer.addLayout(form, 1)
        outer.addStretch(1)
        self.cause_main.currentIndexChanged.connect(self._emit_changed)
        self.other_text.textChanged.connect(self._emit_changed)
        self.category.currentIndexChanged.connect(self._emit_changed)

    def _limit(self) -> None:
        chosen = [c for c, b in self.secondary.items() if b.isChecked()]
        for box in self.secondary.values():
            box.setEnabled(box.isChecked() or len(chosen) < 3)
        self.hint.setText(self.tr("次要致困原因最多选择三项") if len(chosen) >= 3 else "")
        self.changed.emit()

    def load(self, h: dict[str, Any]) -> None:
        self.cause_main.set_code(h.get("cause_main"))
        chosen = set((h.get("causes_secondary") or "").split(","))
        for code, box in self.secondary.items():
            box.setChecked(code in chosen)
        self.other_text.setText(h.get("cause_other_text") or "")
        self.category.set_code(h.get("category"))
        self.legacy.setText(h.get("legacy_category_text") or "—")

    def fields(self) -> dict[str, Any]:
        return {"cause_main": self.cause_main.code(),
                "causes_secondary": [c for c, b in self.secondary.items() if b.isChecked()],
                "cause_other_text": self.other_text.text(), "category": self.category.code()}

    def show_suggestion(self, derived: Derived | None) -> None:
        if derived is None:
            self.test_figure.setText("—")
            self.suggested.setText("—")
        else:
            self.test_figure.setText(self.tr("{pc} 元").format(pc=format_yuan(derived.income_test_month_fen,
                                                                             grouping=True)))
            self.suggested.setText(self.book.label("category", derived.category_suggested)
                                   if derived.category_suggested else self.tr("不符合建档条件"))


def error_text(e: Exception) -> str:
    return str(e) if isinstance(e, HelpdeskError) else "输入不完整"
