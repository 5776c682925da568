"""The 数据交换 page: what was sent and received, and what waits for the clerk.

Tabs: the history of batches (direction, counterpart, rows, result, file); conflicts held by an
import (compared field by field in ``ConflictDialog``); 核查结果 from the city that need the
clerk (退回, 跨县重复); 下拨资金 received in 政策参数 (kept until the fund ledger posts them). At the city
(a database initialised with a city code) the city's own tabs follow (``city_tabs``: each county's batches,
跨县重复, the verdicts and allocations sent down). Buttons open the import wizard, the export dialog and
write blank templates.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import format_yuan, yuan
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.city import region
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import templates
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit import files
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import hint, row_of_buttons
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table
from helpdesk_gui.gui.page import Page

HISTORY_HEADERS = ("时间", "方向", "对方", "类型", "行数", "结果", "批次编号", "文件")
CONFLICT_HEADERS = ("发现时间", "类型", "档案或记录编号", "发送单位", "批次", "不同之处")
FLAG_HEADERS = ("收到时间", "档案编号", "姓名", "核查结果", "说明", "保留的档案")
KIND_LABELS = {"sheet": "基层报表", "adopt": "建库导入"}
ALLOCATION_HEADERS = ("收到时间", "地区代码", "年度", "资金来源", "下拨金额（元）", "低保标准（元/月）", "入账情况")


class ExchangePage(Page):
    """The page; ``refresh()`` reloads every tab from the database. ``household_requested``: a flagged archive."""

    # the ledger posts the allocations received; a saved archive may settle what a flag or conflict names
    listens_to = ("batch_imported", "payment_posted", "household_saved", "households_changed")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialogs: list[QWidget] = []
        title = QLabel(self.tr("数据交换"))
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        can_import = ctx.actor.can("exchange.import") and not ctx.readonly
        can_export = ctx.actor.can("exchange.export") and not ctx.readonly
        self.import_button = QPushButton(self.tr("导入批次… (Ctrl+I)"))
        self.sheet_button = QPushButton(self.tr("导入基层报表…"))
        self.export_button = QPushButton(self.tr("导出批次… (Ctrl+E)"))
        self.template_button = QPushButton(self.tr("空白模板…"))
        self.adopt_button = QPushButton(self.tr("建库导入…"))
        self.adopt_button.setToolTip(self.tr("把本中心已有的档案花名册（Excel）导入为在册档案（系统管理员）"))
        self.adopt_button.setVisible(ctx.actor.can("register.adopt"))
        self.adopt_button.setEnabled(not ctx.readonly)
        self.key_button = QPushButton(self.tr("交换密钥…"))
        self.key_button.setToolTip(self.tr("与市总工会共用的签名密钥：查看指纹，系统管理员可设置"))
        self.import_button.setEnabled(can_import)
        self.sheet_button.setEnabled(can_import)
        self.export_button.setEnabled(can_export)
        bar = row_of_buttons(self.import_button, self.sheet_button, self.export_button, self.template_button,
                             right=(self.adopt_button, self.key_button))

        self.history_model = RowsModel([self.tr(h) for h in HISTORY_HEADERS], right=(4,), parent=self)
        self.history = QTableView()
        setup_table(self.history, self.history_model, "history")
        self.conflict_model = RowsModel([self.tr(h) for h in CONFLICT_HEADERS], parent=self)
        self.conflicts = QTableView()
        setup_table(self.conflicts, self.conflict_model, "conflicts")
        self.resolve_button = QPushButton(self.tr("逐项比较并处理… (Enter)"))
        self.resolve_button.setEnabled(can_import)
        self.flag_model = RowsModel([self.tr(h) for h in FLAG_HEADERS], parent=self)
        self.flags = QTableView()
        setup_table(self.flags, self.flag_model, "flags")
        self.open_flag_button = QPushButton(self.tr("打开档案"))
        self.handle_flag_button = QPushButton(self.tr("标记为已处理…"))
        self.handle_flag_button.setEnabled(can_import)
        self.allocation_model = RowsModel([self.tr(h) for h in ALLOCATION_HEADERS], right=(4, 5), parent=self)
        self.allocations = QTableView()
        setup_table(self.allocations, self.allocation_model, "allocations")

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._with(self.history, hint(self.tr(
            "每次导入、导出和被拒收的批次都记录在这里；同一批次编号不会被导入两次。"))), self.tr("交换记录"))
        self.tabs.addTab(self._with(self.conflicts, hint(self.tr(
            "双方在上次交换之后都修改过的档案、与本库内容不同的帮扶记录：导入时没有应用，等待经办人逐项决定。")),
            self.resolve_button), self.tr("待处理冲突"))
        self.tabs.addTab(self._with(self.flags, hint(self.tr("市总工会核查退回或跨县重复的档案，处理后标记。")),
                                    self.open_flag_button, self.handle_flag_button), self.tr("核查结果"))
        self.tabs.addTab(self._with(self.allocations, hint(self.tr(
            "市总工会在“政策参数”中下拨的资金。收到的记录不能修改；资金台账登记收入后在此显示已入账。"))),
            self.tr("下拨资金"))

        self.city = None
        if region.is_city(ctx.db):
            from helpdesk_gui.gui.exchange.city_tabs import CityTabs
            self.city = CityTabs(ctx, self.tabs)
            self.city.changed.connect(self.refresh)
            self.city.export_requested.connect(lambda code: self.open_export(code))
            self.city.register_requested.connect(lambda code: self.item_requested.emit("register", int(code)))
            self.city.household_requested.connect(self.household_requested.emit)
            self.tabs.setCurrentIndex(self.city.index["counties"])

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

        self.import_button.clicked.connect(lambda: self.open_wizard("batch"))
        self.sheet_button.clicked.connect(lambda: self.open_wizard("sheet"))
        self.export_button.clicked.connect(lambda: self.open_export())
        self.template_button.clicked.connect(lambda: self.save_templates())
        self.key_button.clicked.connect(self.open_key)
        self.adopt_button.clicked.connect(lambda: self.open_adopt())
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.conflicts.doubleClicked.connect(lambda _i: self.resolve_selected())
        self.handle_flag_button.clicked.connect(lambda: self.handle_selected_flag())
        self.open_flag_button.clicked.connect(self.open_selected_flag)
        QShortcut(QKeySequence("Ctrl+I"), self, lambda: self.import_button.isEnabled() and self.open_wizard("batch"))
        QShortcut(QKeySequence("Ctrl+E"), self, lambda: self.export_button.isEnabled() and self.open_export())
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.conflicts, self.resolve_selected)
        self.setTabOrder(self.import_button, self.sheet_button)
        self.setTabOrder(self.sheet_button, self.export_button)
        self.setTabOrder(self.export_button, self.template_button)
        self.setTabOrder(self.template_button, self.tabs)
        self.refresh()
        self.loaded_now()

    @staticmethod
    def _with(table: QTableView, note: QLabel, *buttons: QPushButton) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 6, 0, 0)
        v.addWidget(note)
        v.addWidget(table, 1)
        if buttons:
            h = QHBoxLayout()
            h.addStretch(1)
            for b in buttons:
                h.addWidget(b)
            v.addLayout(h)
        return w

    # ---- data
    def refresh(self) -> None:
        db = self.ctx.db
        book = self.ctx.codebook()
        lines = exchange_state.history(db)
        self.history_model.set_rows([Row([
            local_time(r["exchanged_at"]), book.label("exchange_direction", r["direction"]),
            " ".join(x for x in (r["counterpart_code"], r["counterpart_name"]) if x),
            KIND_LABELS.get(r["kind"]) or ("完整" if r["mode"] == "full" else "增量" if r["mode"] else "批次"),
            f"{sum(r['rows'].values()):,}", book.label("exchange_result", r["result"]),
            r["batch_id"][:13] + ("…" if len(r["batch_id"]) > 13 else ""), Path(r["file_name"]).name],
            r["id"], muted=r["result"] == "rejected",
            tips={4: "；".join(f"{k} {v:,} 行" for k, v in r["rows"].items()), 6: r["batch_id"], 7: r["file_name"],
                  5: str(r["summary"].get("first_error", ""))}) for r in lines])
        conflicts = exchange_state.open_conflicts(db)
        self.conflict_model.set_rows([Row([
            local_time(c["created_at"]), "档案" if c["kind"] == "household" else "帮扶记录", c["key"], c["sender_code"],
            c["batch_id"][:8], self._difference(c)], c["id"]) for c in conflicts])
        flags = exchange_state.open_flags(db)
        self.flag_model.set_rows([Row([
            local_time(f["created_at"]), f["archive_no"], f["household_name"] or "", book.label("verify_result", f["result"]),
            f["note"], f["keep_archive_no"]], f["id"]) for f in flags])
        allocations = exchange_state.allocations(db)
        self.allocation_model.set_rows([Row([
            local_time(a["received_at"]), a["region_code"], str(a["year"]), book.label("fund_source", a["fund_source"]),
            yuan(a["amount_fen"]), format_yuan(a["dibao_month_fen"]),
            f"已入账 {a['posted_ref']}" if a["posted_at"] else "待入账"], a["id"], muted=bool(a["posted_at"]))
            for a in allocations])
        for table in (self.history, self.conflicts, self.flags, self.allocations):
            fit_columns(table)
        self.tabs.setTabText(1, self.tr("待处理冲突（{n}）").format(n=f"{len(conflicts):,}"))
        self.tabs.setTabText(2, self.tr("核查结果（{n}）").format(n=f"{len(flags):,}"))
        unposted = sum(1 for a in allocations if not a["posted_at"])
        self.tabs.setTabText(3, self.tr("下拨资金（{n}）").format(n=unposted))
        sent = next((r for r in lines if r["direction"] == "out" and r["result"] == "sent"), None)
        got = next((r for r in lines if r["direction"] == "in" and r["result"] == "imported"), None)
        parts = [self.tr("最近发出：{t}").format(t=local_time(sent["exchanged_at"])) if sent else self.tr("还没有发出过批次"),
                 self.tr("最近导入：{t}").format(t=local_time(got["exchanged_at"])) if got else self.tr("还没有导入过批次")]
        if conflicts or flags:
            parts.append(self.tr("待处理：冲突 {c} 项，核查结果 {f} 项").format(c=f"{len(conflicts):,}", f=f"{len(flags):,}"))
        if self.city is not None:
            self.city.refresh(lines)
            sent_in = sum(1 for r in self.city.county_model.rows if r.cells[3] != "—")
            parts.insert(0, self.tr("本市 {n} 个县区已上报").format(n=f"{sent_in:,}"))
        self.summary.setText("；".join(parts) + "。")

    def busy(self) -> bool:
        return self.city is not None and self.city.loading

    @staticmethod
    def _difference(c: dict[str, object]) -> str:
        incoming = c["incoming"]["values"]  # type: ignore[index]
        local = c["local"]["values"]  # type: ignore[index]
        differ = [k for k, v in incoming.items() if k != "updated_at" and local.get(k) != v]
        from helpdesk_gui.gui.exchange.conflicts import field_label
        names = [field_label(k) for k in differ]
        text = "、".join(names[:6]) + ("等" if len(names) > 6 else "") if names else "（成员或时间）"
        reason = c["incoming"].get("reason")  # type: ignore[attr-defined]
        return f"{reason}：{text}" if reason else text

    def open_item(self, item_id: int) -> None:
        self.show_conflict(item_id)

    def show_conflict(self, conflict_id: int) -> None:
        """Bring a held conflict into view (a double-click on the home page's worklist)."""
        self.refresh()
        self.tabs.setCurrentIndex(1)
        row = self.conflict_model.row_of(conflict_id)
        if row >= 0:
            self.conflicts.selectRow(row)
            self.conflicts.setFocus()

    # ---- actions
    def open_wizard(self, kind: str, path: str | None = None) -> QWidget | None:
        from helpdesk_gui.gui.exchange.wizard import ImportWizard
        wizard: ImportWizard | None = guarded(self, ImportWizard, self.ctx, kind, self)
        if wizard is None:
            return None
        wizard.imported.connect(self._after_import)
        self.dialogs.append(wizard)
        wizard.finished.connect(lambda _r, w=wizard: self.dialogs.remove(w) if w in self.dialogs else None)
        if path:
            wizard.path_edit.setText(path)
        wizard.show()
        return wizard

    def open_adopt(self, path: str | None = None) -> QWidget | None:
        """建库导入 (a system administrator): the centre's existing archive list as in-register households."""
        from helpdesk_gui.gui.exchange.adopt_wizard import AdoptWizard
        wizard: AdoptWizard | None = guarded(self, AdoptWizard, self.ctx, self)
        if wizard is None:
            return None
        wizard.imported.connect(lambda _o: self._after_import())
        self.dialogs.append(wizard)
        wizard.finished.connect(lambda _r, w=wizard: self.dialogs.remove(w) if w in self.dialogs else None)
        if path:
            wizard.path_edit.setText(path)
        wizard.show()
        return wizard

    def _after_import(self) -> None:
        """A batch or a sheet imported, or a held conflict resolved: archives and records may have changed."""
        self.refresh()
        self.ctx.events.tell(self, "batch_imported")

    def open_key(self) -> QWidget | None:
        from helpdesk_gui.gui.exchange.key_dialog import KeyDialog
        dialog: KeyDialog | None = guarded(self, KeyDialog, self.ctx, self)
        if dialog is not None:
            dialog.open()
        return dialog

    def open_export(self, county: str | None = None) -> QWidget | None:
        from helpdesk_gui.gui.exchange.export_dialog import ExportDialog
        dialog: ExportDialog | None = guarded(self, ExportDialog, self.ctx, self, receiver=county)
        if dialog is None:
            return None
        dialog.exported.connect(self.refresh)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.show()
        return dialog

    def save_templates(self, folder: str | None = None) -> None:
        if folder is None:
            chosen = files.choose_folder(self, self.tr("空白模板保存到哪个文件夹"))
            if chosen is None:
                return
            folder = str(chosen)
        paths = guarded(self, templates.write_all, Path(folder))
        if paths:
            QMessageBox.information(self, self.tr("空白模板"), self.tr("已在 {folder} 生成 {n} 个模板：\n{names}").format(
                folder=folder, n=f"{len(paths):,}", names="\n".join(p.name for p in paths)))

    def resolve_selected(self) -> QWidget | None:
        conflict_id = self.conflict_model.key(self.conflicts.currentIndex().row())
        if conflict_id is None or not self.resolve_button.isEnabled():
            return None
        from helpdesk_gui.gui.exchange.conflicts import ConflictDialog
        dialog: ConflictDialog | None = guarded(self, ConflictDialog, self.ctx, conflict_id, self)
        if dialog is None:
            return None
        dialog.resolved.connect(self._after_import)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.show()
        return dialog

    def handle_selected_flag(self, note: str | None = None) -> None:
        flag_id = self.flag_model.key(self.flags.currentIndex().row())
        if flag_id is None:
            return
        if note is None:
            note, ok = QInputDialog.getText(self, self.tr("核查结果已处理"), self.tr("处理情况（如：已补交材料并重新上报）："))
            if not ok:
                return
        if guarded(self, exchange_state.handle_flag, self.ctx.db, self.ctx.actor, flag_id, note) is None:
            self.refresh()
            self.ctx.events.tell(self, "batch_imported")

    def open_selected_flag(self) -> None:
        flag_id = self.flag_model.key(self.flags.currentIndex().row())
        flag = next((f for f in exchange_state.open_flags(self.ctx.db) if f["id"] == flag_id), None)
        if flag and flag["household_id"]:
            self.household_requested.emit(int(flag["household_id"]))
