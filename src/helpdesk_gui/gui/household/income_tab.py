"""收入与刚性支出 and 致困原因与困难类别 tabs, with the income test computed live.

The figures shown come from ``core.register.derive`` (the derivation a save stores): 家庭月人均收入 by
the contract's formula, and, labelled apart, the income test's figure with the minimum wage credited.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
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
from helpdesk_gui.gui.kit.fields import AmountEdit, CodeCombo, hint_label
from helpdesk_gui.gui.kit.forms import form_layout


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
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setStyleSheet("QLabel { background: #f4f8fc; border: 1px solid #c9d8ea; padding: 8px; }")
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
        if error or derived is None:
            self.result.setText(self.tr("无法计算：") + error)
            return
        test = derived.test
        suggested = self.book.label("category", test.suggested_category) if test.suggested_category else "不符合建档条件"
        credited = (f"<br>按最低工资计入：{yuan(test.credited_income_fen)} 元"
                    if test.credited_income_fen else "")
        self.result.setText(
            f"<b>收入核算</b><br>家庭年收入：{yuan(test.declared_income_fen)} 元"
            f"<br>刚性支出：{yuan(test.rigid_expense_fen)} 元"
            f"<br>家庭人口：{test.family_size} 人"
            f"<br>家庭月人均收入 = (年收入 − 刚性支出) ÷ 人口 ÷ 12 = "
            f"<b>{yuan(derived.per_capita_month_fen)} 元</b>（存档和上报的数字）{credited}"
            f"<br>收入核算月人均收入 = (年收入 + 按最低工资计入 − 刚性支出) ÷ 人口 ÷ 12 = "
            f"<b>{yuan(derived.income_test_month_fen)} 元</b>（认定困难类别用这个数）"
            f"<br>低保标准：{format_yuan(test.dibao_month_fen)} 元/月；相对困难线：{format_yuan(test.relative_line_fen)} 元/月"
            f"<br>建议困难类别：<b>{suggested}</b><br><span style='color:#555'>{'；'.join(test.reasons)}</span>")


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
        self.suggested = QLabel("—")
        self.legacy = QLabel()
        self.hint = hint_label()
        form = form_layout()
        form.addRow(self.tr("主要致困原因 *"), self.cause_main)
        form.addRow(sec)
        form.addRow(self.tr("其他致困原因说明"), self.other_text)
        form.addRow(self.tr("收入核算月人均收入（含按最低工资计入）"), self.test_figure)
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
