"""办理: one reception entry — its details and handling notes; record what was done, close it with a
result, hand it over, link it to an archive, start an application or a service case from it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base import codes, money
from helpdesk_gui.core.base.privacy import mask_id, mask_phone
from helpdesk_gui.core.casework import reception
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.fields import date_edit, day_of
from helpdesk_gui.gui.kit.forms import FormDialog, confirm, form_layout, row_of_buttons
from helpdesk_gui.gui.reception.entry_dialog import code_combo
from helpdesk_gui.gui.reception.picker import HouseholdPicker
from helpdesk_gui.gui.reception.table import done

NOTE_ACTIONS = {"note": "办理", "reassign": "转交", "link": "关联档案", "application": "发起申请", "close": "办结"}


class ApplicationDialog(FormDialog):
    """发起申请 from an entry: the kind, and for a project its project and amounts."""

    def __init__(self, ctx: AppContext, entry_id: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("发起申请"), self.tr("受理申请"), parent)
        self.ctx, self.entry_id = ctx, entry_id
        self.application_id: int | None = None
        self.kind = code_combo(ctx, "application_kind")
        self.project = code_combo(ctx, "project")
        self.requested = QLineEdit()
        self.requested.setPlaceholderText(self.tr("元，可不填"))
        self.cost = QLineEdit()
        self.cost.setPlaceholderText(self.tr("元；医疗救助等按自付费用计算上限时填写"))
        self.beneficiary = QLineEdit()
        self.beneficiary.setPlaceholderText(self.tr("子女助学：学生姓名或身份证号"))
        self.form.addRow(self.tr("申请类别"), self.kind)
        self.form.addRow(self.tr("帮扶项目"), self.project)
        self.form.addRow(self.tr("申请金额"), self.requested)
        self.form.addRow(self.tr("自付费用"), self.cost)
        self.form.addRow(self.tr("受助学生"), self.beneficiary)
        self.fields = {"帮扶项目": self.project, "申请金额": self.requested, "自付费用": self.cost,
                       "受助学生": self.beneficiary}
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()

    def _kind_changed(self) -> None:
        project = self.kind.currentData() == "project"
        for w in (self.project, self.requested, self.cost, self.beneficiary):
            w.setEnabled(project)

    def submit(self) -> None:
        project = self.kind.currentData() == "project"
        requested = money.parse_yuan(self.requested.text(), "申请金额") if project and self.requested.text().strip() else None
        cost = money.parse_yuan(self.cost.text(), "自付费用") if project and self.cost.text().strip() else None
        self.application_id = reception.start_application(
            self.ctx.db, self.ctx.actor, self.entry_id, self.kind.currentData(),
            project=self.project.currentData() if project else None, requested_fen=requested, cost_fen=cost,
            beneficiary=self.beneficiary.text() if project else "")
        self.ctx.events.tell(self, "application_moved", self.application_id)


class ReassignDialog(FormDialog):
    def __init__(self, ctx: AppContext, entry: dict[str, object], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("转交首问负责人"), self.tr("转交"), parent)
        self.ctx, self.entry = ctx, entry
        self.user = QComboBox()
        for u in reception.responsible_users(ctx.db):
            if u["username"] != entry["responsible"]:
                self.user.addItem(f"{u['display_name']}（{u['username']}）", u["username"])
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如：原负责人调岗、休假"))
        self.form.addRow(self.tr("新的负责人"), self.user)
        self.form.addRow(self.tr("转交原因"), self.reason)
        self.fields = {"首问负责人": self.user, "转交原因": self.reason}

    def submit(self) -> None:
        reception.reassign(self.ctx.db, self.ctx.actor, int(self.entry["id"]),  # type: ignore[call-overload]
                           self.user.currentData() or "", self.reason.text())


class HandleDialog(QDialog):
    changed = Signal()                 # something was written: the list refreshes
    household_requested = Signal(int)  # open this archive in the editor

    def __init__(self, ctx: AppContext, entry_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.entry_id = ctx, entry_id
        self.book: codes.CodeBook = ctx.codebook()
        self.setWindowTitle(self.tr("接待事项办理"))
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.details = form_layout()
        self.values: dict[str, QLabel] = {}
        for key, text in (("what", "方式、类别"), ("when", "接待日期"), ("who", "来访人"), ("phone", "联系电话"),
                          ("unit", "工作单位或住址"), ("matter", "反映事项"), ("responsible", "首问负责人"),
                          ("deadline", "限期办结"), ("household", "关联档案"), ("application", "申请"),
                          ("cases", "服务事项"), ("result", "办理结果")):
            label = QLabel()
            label.setWordWrap(True)
            self.values[key] = label
            self.details.addRow(self.tr(text), label)
        self.notes = QTableWidget(0, 4)
        self.notes.setHorizontalHeaderLabels([self.tr("日期"), self.tr("环节"), self.tr("办理情况"), self.tr("经办人")])
        self.notes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.notes.verticalHeader().setVisible(False)
        self.notes.horizontalHeader().setStretchLastSection(False)
        for i, w in enumerate((90, 70, 330, 80)):
            self.notes.setColumnWidth(i, w)
        self.notes.setMinimumHeight(120)

        self.note_text = QPlainTextEdit()
        self.note_text.setPlaceholderText(self.tr("今天做了什么：联系了谁、了解到什么、下一步"))
        self.note_text.setFixedHeight(54)
        self.note_button = QPushButton(self.tr("记录办理情况"))
        self.result_text = QPlainTextEdit()
        self.result_text.setPlaceholderText(self.tr("办结必须写明办理结果"))
        self.result_text.setFixedHeight(54)
        self.closed_on = date_edit(not_after_today=False)
        self.close_button = QPushButton(self.tr("办结"))
        self.close_button.setStyleSheet("font-weight: bold;")
        self.link_button = QPushButton(self.tr("关联档案…"))
        self.open_button = QPushButton(self.tr("打开档案"))
        self.apply_button = QPushButton(self.tr("发起申请…"))
        self.case_button = QPushButton(self.tr("登记服务事项…"))
        self.reassign_button = QPushButton(self.tr("转交负责人…"))
        self.done_button = QPushButton(self.tr("关闭"))

        act = QGroupBox(self.tr("办理"))
        grid = form_layout(act)
        row1 = QHBoxLayout()
        row1.addWidget(self.note_text, 1)
        row1.addWidget(self.note_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.result_text, 1)
        col = QVBoxLayout()
        col.addWidget(self.closed_on)
        col.addWidget(self.close_button)
        row2.addLayout(col)
        grid.addRow(self.tr("办理情况"), row1)
        grid.addRow(self.tr("办理结果"), row2)
        self.action_box = act
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.details)
        layout.addWidget(self.notes, 1)
        layout.addWidget(act)
        layout.addLayout(row_of_buttons(self.link_button, self.open_button, self.apply_button, self.case_button,
                                        self.reassign_button, right=(self.done_button,)))
        self.resize(760, 720)

        self.note_button.clicked.connect(self.add_note)
        self.close_button.clicked.connect(self.close_entry)
        self.link_button.clicked.connect(self.link_household)
        self.open_button.clicked.connect(self._open_household)
        self.apply_button.clicked.connect(self.start_application)
        self.case_button.clicked.connect(self.open_case)
        self.reassign_button.clicked.connect(self.reassign)
        self.done_button.clicked.connect(self.accept)
        QShortcut(QKeySequence("Ctrl+Return"), self.note_text, self.add_note)
        QShortcut(QKeySequence("Ctrl+Return"), self.result_text, self.close_entry)
        self.refresh()

    # ---- showing
    def refresh(self) -> None:
        """Show the entry as stored (raises when it cannot be read: the caller guards the first show)."""
        e = reception.get_entry(self.ctx.db, self.entry_id)
        self.entry = e
        b = self.book
        state = self.tr("已办结") if e["status"] == "closed" else (
            self.tr("逾期 {n} 天").format(n=f'{e["overdue_days"]:,}') if e["overdue_days"] else self.tr("办理中"))
        self.title.setText(f"{e['entry_no']}　{state}")
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold;" + (" color: #9b1c1c;" if e["overdue_days"] else ""))
        v = self.values
        v["what"].setText(f"{b.label('reception_channel', e['channel'])}·{b.label('reception_kind', e['kind'])}")
        v["when"].setText(f"{e['received_date']} {e['received_time']}")
        people = self.tr("（{n} 人）").format(n=f'{e["visitors"]:,}') if e["visitors"] > 1 else ""
        idn = mask_id(e["visitor_id_number"]) if e["visitor_id_number"] else ""
        v["who"].setText(f"{e['visitor_name']}{people}　{idn}")
        v["phone"].setText(mask_phone(e["visitor_phone"]) or "—")
        v["unit"].setText(e["visitor_unit"] or "—")
        v["matter"].setText(e["matter"])
        v["responsible"].setText(str(e["responsible_name"]))
        v["deadline"].setText(f"{e['deadline']}（{e['deadline_rule']}）")
        v["household"].setText(f"{e['archive_no']}　{e['household_name']}" if e["household_id"] else self.tr("（未关联）"))
        v["application"].setText(e["app_no"] or "—")
        v["cases"].setText("、".join(f"{c['case_no']}（{b.label('service_kind', c['kind'])}）" for c in e["cases"]) or "—")
        v["result"].setText(f"{e['result']}（{e['closed_date']}）" if e["status"] == "closed" else "—")
        self.notes.setRowCount(len(e["notes"]))
        for r, n in enumerate(e["notes"]):
            for c, text in enumerate((n["on_date"], NOTE_ACTIONS.get(n["action"], n["action"]), n["note"], n["by_name"])):
                self.notes.setItem(r, c, QTableWidgetItem(str(text)))
        self.notes.resizeRowsToContents()
        is_open = e["status"] == "open"
        can = self.ctx.actor.can("reception.edit") and not self.ctx.readonly
        self.action_box.setVisible(is_open and can)
        self.link_button.setEnabled(can)
        self.open_button.setEnabled(e["household_id"] is not None)
        self.apply_button.setEnabled(can and e["household_id"] is not None and e["application_id"] is None
                                     and self.ctx.actor.can("workflow.apply"))
        self.case_button.setEnabled(not self.ctx.readonly and self.ctx.actor.can("services.edit"))
        self.reassign_button.setEnabled(can and is_open)

    # ---- actions
    def _done(self) -> None:
        self.changed.emit()
        guarded(self, self.refresh)

    def add_note(self) -> bool:
        if guarded(self, done, reception.add_note, self.ctx.db, self.ctx.actor, self.entry_id,
                   self.note_text.toPlainText()):
            self.note_text.clear()
            self._done()
            return True
        return False

    def close_entry(self) -> bool:
        result = self.result_text.toPlainText().strip()
        if result and not confirm(self, self.tr("办结"), self.tr("办结后办理结果不能再修改。确定办结吗？")):
            return False
        if guarded(self, done, reception.close_entry, self.ctx.db, self.ctx.actor, self.entry_id, result,
                   on=day_of(self.closed_on)):
            self._done()
            return True
        return False

    def link_household(self) -> None:
        picker = HouseholdPicker(self.ctx, self, text=str(self.entry["visitor_name"]))
        if picker.exec() and picker.household_id is not None and guarded(
                self, done, reception.link_household, self.ctx.db, self.ctx.actor, self.entry_id,
                picker.household_id):
            self._done()

    def _open_household(self) -> None:
        if self.entry["household_id"]:
            self.household_requested.emit(int(self.entry["household_id"]))

    def start_application(self) -> None:
        dialog = ApplicationDialog(self.ctx, self.entry_id, self)
        if dialog.exec():
            self._done()

    def open_case(self) -> None:
        from helpdesk_gui.gui.reception.case_dialog import CaseDialog
        e = self.entry
        dialog = CaseDialog(self.ctx, self, kind="legal" if e["kind"] == "rights" else None,
                            person_name=str(e["visitor_name"]), household_id=e["household_id"],
                            reception_id=self.entry_id, people=int(e["visitors"]))
        if dialog.exec():
            self._done()

    def reassign(self) -> None:
        if ReassignDialog(self.ctx, self.entry, self).exec():
            self._done()
