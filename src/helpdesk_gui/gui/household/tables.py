"""Editable row tables for the editor: family members, income items, rigid expenses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.register import lookup
from helpdesk_gui.gui.household.secret import SecretEdit
from helpdesk_gui.gui.kit.fields import RED, AmountEdit, CodeCombo, DateEdit, hint_label


class RowTable(QWidget):
    """A table whose cells are real input widgets, with 添加/删除 buttons and a hint line."""

    changed = Signal()

    def _emit_changed(self, *_args: object) -> None:
        self.changed.emit()

    def __init__(self, headers: list[str], factories: list[Callable[[], QWidget]], widths: list[int],
                 add_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.factories = factories
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(30)
        for i, w in enumerate(widths):
            self.table.setColumnWidth(i, w)
        self.table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(add_label)
        self.remove_button = QPushButton(self.tr("删除选中行"))
        self.hint = hint_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_selected)

    def add_row(self) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, make in enumerate(self.factories):
            w = make()
            if isinstance(w, QLineEdit):
                w.textChanged.connect(self._emit_changed)
            elif isinstance(w, CodeCombo):
                w.currentIndexChanged.connect(self._emit_changed)
            self.table.setCellWidget(r, c, w)
        self.changed.emit()
        return r

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for r in rows:
            self.table.removeRow(r)
        if rows:
            self.changed.emit()

    def cell(self, r: int, c: int) -> Any:
        return self.table.cellWidget(r, c)

    def clear(self) -> None:
        self.table.setRowCount(0)

    def row_count(self) -> int:
        return self.table.rowCount()


class MembersTable(RowTable):
    """家庭成员: each ID number is checked as it is typed, as the head's is (``lookup.check_id_number``), and a
    number that reads gives the member's 出生日期 and 性别 (性别 can only be chosen while there is no number)."""

    HEADERS = ["姓名", "与户主关系", "公民身份号码", "出生日期", "性别", "健康状况", "人员身份", "单位或学校",
               "月收入（元）"]
    NAME, RELATION, ID, BIRTH, GENDER, HEALTH, IDENTITY, SCHOOL, INCOME = range(9)

    def __init__(self, book: codes.CodeBook, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(self.HEADERS, [
            QLineEdit, lambda: CodeCombo(book, "relation"), lambda: SecretEdit(mask_id), lambda: DateEdit("出生日期"),
            lambda: CodeCombo(book, "gender"), lambda: CodeCombo(book, "health"),
            lambda: CodeCombo(book, "member_identity"), QLineEdit, lambda: AmountEdit("月收入"),
        ], [90, 90, 170, 100, 86, 100, 90, 160, 100], "添加家庭成员", parent)
        self.db = db
        self.household_id: int | None = None
        self._problems: dict[int, str] = {}     # id(ID cell) -> what its live check says
        income = self.table.horizontalHeaderItem(self.INCOME)
        if income is not None:
            income.setToolTip(self.tr("成员本人的月收入（工资、养老金等），计入收入核算：成员月收入合计 × 12 "
                                      "多于申报的家庭年收入时，差额计入收入"))
        self.change_button = QPushButton(self.tr("更改所选成员的身份证号…"))
        self.change_button.setToolTip(self.tr("已隐藏的号码不能查看；清空所选行的号码以输入新号码（也可在号码上右键 → 更改…）"))
        self.change_button.setVisible(False)
        self.change_button.clicked.connect(self.change_selected_id)
        self.buttons.insertWidget(2, self.change_button)

    def add_row(self) -> int:
        r = super().add_row()
        secret = self.cell(r, self.ID)
        secret.textChanged.connect(lambda _t, s=secret: self.check_id(s))
        self.cell(r, self.NAME).textChanged.connect(lambda _t, s=secret: self.check_id(s))
        return r

    def remove_selected(self) -> None:
        super().remove_selected()
        live = {id(self.cell(r, self.ID)) for r in range(self.row_count())}
        self._problems = {k: v for k, v in self._problems.items() if k in live}
        self._show_problems()

    def load(self, members: list[dict[str, Any]], *, masked: bool = False, can_change: bool = True,
             household_id: int | None = None) -> None:
        """``masked``: the members' stored ID numbers are shown masked (右键 → 更改… types a new one)."""
        self.household_id = household_id
        self.clear()
        self._problems = {}
        for m in members:
            r = self.add_row()
            self.cell(r, self.NAME).setText(m.get("name") or "")
            self.cell(r, self.RELATION).set_code(m.get("relation"))
            self.cell(r, self.GENDER).set_code(m.get("gender"))
            secret, born = self.cell(r, self.ID), self.cell(r, self.BIRTH)
            born.set_iso(m.get("birth_date"))
            secret.load(m.get("id_number"), masked=masked, can_change=can_change)
            if secret.is_masked():     # the birth date is the hidden middle of the number: hidden with it
                born.load_masked(m.get("birth_date"))
                secret.masked_changed.connect(lambda on, s=secret, b=born: on or b.unmask(show=bool(s.text())))
            self.cell(r, self.HEALTH).set_code(m.get("health"))
            self.cell(r, self.IDENTITY).set_code(m.get("identity"))
            self.cell(r, self.SCHOOL).setText(m.get("school_or_employer") or "")
            self.cell(r, self.INCOME).set_fen(m.get("monthly_income_fen"))
        self.change_button.setVisible(masked and can_change and any(
            self.cell(r, self.ID).is_masked() for r in range(self.row_count())))

    def check_id(self, secret: SecretEdit) -> None:
        """The live check of one member's number; a number that reads fills 出生日期 (unless it is hidden with
        the number) and 性别."""
        r = next((r for r in range(self.row_count()) if self.cell(r, self.ID) is secret), -1)
        if r < 0:
            return
        check = lookup.check_id_number(self.db, secret.value(), exclude_household=self.household_id)
        parsed, gender, born = check.parsed, self.cell(r, self.GENDER), self.cell(r, self.BIRTH)
        if parsed is not None:
            gender.set_code(parsed.sex)
            if not secret.is_masked() and not born.isReadOnly():
                born.set_iso(parsed.birth_date.isoformat())
        gender.setEnabled(parsed is None)
        name = self.cell(r, self.NAME).text().strip()
        where = self.tr("第 {n} 位家庭成员{name}的").format(n=r + 1, name=f"“{name}”" if name else "")
        # why a save would refuse it goes under the table, in red; what to check by eye on the cell
        secret.setStyleSheet(f"QLineEdit {{ border: 1px solid {RED}; }}" if check.problem else "")
        tip = check.problem or "；".join(check.warnings)
        secret.setToolTip(tip if tip or not secret.is_masked() else secret.toolTip())
        if check.problem:
            self._problems[id(secret)] = f"{where}公民身份号码：{check.problem}"
        else:
            self._problems.pop(id(secret), None)
        self._show_problems()

    def _show_problems(self) -> None:
        order = [id(self.cell(r, self.ID)) for r in range(self.row_count())]
        self.hint.setText("；".join(self._problems[k] for k in order if k in self._problems))

    def change_selected_id(self) -> None:
        r = self.table.currentRow()
        if r < 0:
            selected = self.table.selectedIndexes()
            r = selected[0].row() if selected else -1
        if r >= 0:
            self.cell(r, self.ID).change()

    def secret_cells(self) -> list[SecretEdit]:
        return [self.cell(r, self.ID) for r in range(self.row_count())]

    def members(self) -> list[dict[str, Any]]:
        out = []
        for r in range(self.row_count()):
            out.append({
                "name": self.cell(r, self.NAME).text(), "relation": self.cell(r, self.RELATION).code(),
                "id_number": self.cell(r, self.ID).value(), "birth_date": self.cell(r, self.BIRTH).iso(),
                "gender": self.cell(r, self.GENDER).code(), "health": self.cell(r, self.HEALTH).code(),
                "identity": self.cell(r, self.IDENTITY).code(), "school_or_employer": self.cell(r, self.SCHOOL).text(),
                "monthly_income_fen": self.cell(r, self.INCOME).fen(),
            })
        return out


class AmountTable(RowTable):
    """Income items or rigid expenses: kind, amount over the 12 months (yuan), note."""

    def __init__(self, book: codes.CodeBook, list_name: str, add_label: str, parent: QWidget | None = None) -> None:
        super().__init__(["项目", "12 个月金额（元）", "说明"], [
            lambda: CodeCombo(book, list_name), lambda: AmountEdit("金额"), QLineEdit,
        ], [170, 130, 200], add_label, parent)

    def load(self, items: list[dict[str, Any]]) -> None:
        self.clear()
        for it in items:
            r = self.add_row()
            self.cell(r, 0).set_code(it.get("kind"))
            self.cell(r, 1).set_fen(it.get("amount_fen"))
            self.cell(r, 2).setText(it.get("note") or "")

    def items(self) -> list[dict[str, Any]]:
        return [{"kind": self.cell(r, 0).code(), "amount_fen": self.cell(r, 1).fen(), "note": self.cell(r, 2).text()}
                for r in range(self.row_count())]
