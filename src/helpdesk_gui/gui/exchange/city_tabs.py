"""The city's tabs of the 数据交换 page (a database initialised with a city code, ``core.city``).

各县上报: each county, its archives here, its latest batch (when, which sheets and rows), what was last sent
to it and what waits for its next batch. 跨县重复: people active in two counties, one line per place; the
clerk keeps one archive and marks the others' 跨县重复, or returns one. 核查结论: the verdicts given, sent or
waiting (a waiting one can be withdrawn), and 退回 of any archive. 下拨各县: the money allocated to each
county, sent once in its next batch beside its 低保 standard.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.base.timefmt import local_time
from helpdesk_gui.core.city import duplicates, region
from helpdesk_gui.core.city import verdicts as city_verdicts
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.errors import guarded
from helpdesk_gui.gui.kit.forms import confirm, hint
from helpdesk_gui.gui.kit.models import Row, RowsModel
from helpdesk_gui.gui.kit.tables import fit_columns, setup_table
from helpdesk_gui.gui.kit.worker import run_task, with_db

COUNTY_HEADERS = ("县区代码", "名称", "档案（户）", "最近收到", "最近收到的批次", "最近发出", "待下发核查结果", "待下发下拨资金")
DUPLICATE_HEADERS = ("公民身份号码", "姓名", "所属县区", "档案编号", "户主", "身份", "档案状态", "市总核查结论")
VERDICT_HEADERS = ("所属县区", "档案编号", "户主", "核查结果", "说明", "下达时间", "下达人", "下发情况")
ALLOCATION_HEADERS = ("下拨给", "年度", "资金来源", "金额（元）", "备注", "登记时间", "下发情况")


def _panel(table: QTableView, note: str, *buttons: QPushButton) -> QWidget:
    w = QWidget()
    v = QVBoxLayout(w)
    v.setContentsMargins(0, 6, 0, 0)
    v.addWidget(hint(note))
    v.addWidget(table, 1)
    h = QHBoxLayout()
    h.addStretch(1)
    for b in buttons:
        h.addWidget(b)
    v.addLayout(h)
    return w


class CityTabs(QObject):
    """Adds the city's tabs to the page's tab widget; ``refresh`` reloads them. Signals ask the page for the rest."""

    changed = Signal()              # a verdict or an allocation was written
    export_requested = Signal(str)  # write the batch for this county
    register_requested = Signal(str)  # show this county's archives
    household_requested = Signal(int)

    def __init__(self, ctx: AppContext, tabs: QTabWidget) -> None:
        super().__init__(tabs)
        self.ctx = ctx
        self.tabs = tabs
        parent = tabs.parentWidget()
        can_decide = ctx.actor.can("exchange.import") and not ctx.readonly
        can_allocate = ctx.actor.can("policy.edit") and not ctx.readonly
        self.county_model = RowsModel([self.tr(h) for h in COUNTY_HEADERS], right=(2, 6, 7), parent=self)
        self.counties = QTableView(parent)
        setup_table(self.counties, self.county_model, "city_counties")
        self.show_register_button = QPushButton(self.tr("查看该县档案"))
        self.export_county_button = QPushButton(self.tr("导出发给该县的批次…"))
        self.export_county_button.setEnabled(ctx.actor.can("exchange.export") and not ctx.readonly)
        self.duplicate_model = RowsModel([self.tr(h) for h in DUPLICATE_HEADERS], parent=self)
        self.duplicates = QTableView(parent)
        setup_table(self.duplicates, self.duplicate_model, "city_duplicates")
        self.keep_button = QPushButton(self.tr("保留所选档案，其他县的标为跨县重复"))
        self.return_dup_button = QPushButton(self.tr("退回所选档案…"))
        self.open_dup_button = QPushButton(self.tr("打开档案"))
        for b in (self.keep_button, self.return_dup_button):
            b.setEnabled(can_decide)
        self.verdict_model = RowsModel([self.tr(h) for h in VERDICT_HEADERS], parent=self)
        self.verdicts = QTableView(parent)
        setup_table(self.verdicts, self.verdict_model, "city_verdicts")
        self.return_button = QPushButton(self.tr("退回档案…"))
        self.withdraw_button = QPushButton(self.tr("撤销未下发的结论"))
        for b in (self.return_button, self.withdraw_button):
            b.setEnabled(can_decide)
        self.allocation_model = RowsModel([self.tr(h) for h in ALLOCATION_HEADERS], right=(3,), parent=self)
        self.allocations = QTableView(parent)
        setup_table(self.allocations, self.allocation_model, "city_allocations")
        self.allocate_button = QPushButton(self.tr("登记下拨资金…"))
        self.delete_allocation_button = QPushButton(self.tr("删除未下发的下拨"))
        for b in (self.allocate_button, self.delete_allocation_button):
            b.setEnabled(can_allocate)
        self.index = {}
        for key, widget, title in (
                ("counties", _panel(self.counties, self.tr(
                    "本市各县区上报的批次：各县的档案按发送单位分开保存（档案编号只在本县唯一）。核查结论和下拨资金随发给该县的"
                    "下一个批次下发（导出时选择该县）。"), self.show_register_button, self.export_county_button),
                 self.tr("各县上报")),
                ("duplicates", _panel(self.duplicates, self.tr(
                    "同一人（按公民身份号码，户主或家庭成员）同时在两个以上县区的有效档案中。选定要保留的档案后，其他县区的档案标为"
                    "“跨县重复”；或退回某一份档案请该县核实。"), self.open_dup_button, self.return_dup_button, self.keep_button),
                 self.tr("跨县重复")),
                ("verdicts", _panel(self.verdicts, self.tr(
                    "市总工会下达的核查结果（通过、退回、跨县重复）。未下发的可以撤销或改下；已下发的不能修改。"),
                    self.return_button, self.withdraw_button), self.tr("核查结论")),
                ("allocations", _panel(self.allocations, self.tr(
                    "下拨给各县区的资金：随该县下一个批次的“政策参数”下发，每行附该县当年的低保标准（在“系统设置—低保标准”中按"
                    "县或本市登记）；金额 0 表示只下发低保标准。"), self.delete_allocation_button, self.allocate_button),
                 self.tr("下拨各县"))):
            self.index[key] = tabs.addTab(widget, title)
        self.show_register_button.clicked.connect(lambda: self._with_county(self.register_requested.emit))
        self.export_county_button.clicked.connect(lambda: self._with_county(self.export_requested.emit))
        self.counties.doubleClicked.connect(lambda _i: self._with_county(self.register_requested.emit))
        self.keep_button.clicked.connect(lambda: self.keep_selected())
        self.return_dup_button.clicked.connect(lambda: self.return_selected())
        self.open_dup_button.clicked.connect(self._open_duplicate)
        self.duplicates.doubleClicked.connect(lambda _i: self._open_duplicate())
        self.return_button.clicked.connect(lambda: self.open_return())
        self.withdraw_button.clicked.connect(lambda: self.withdraw_selected())
        self.allocate_button.clicked.connect(lambda: self.open_allocation())
        self.delete_allocation_button.clicked.connect(lambda: self.delete_selected_allocation())
        self._places: dict[int, tuple[duplicates.Duplicate, duplicates.Place]] = {}
        self.loading = False            # the cross-county list is being looked for on a worker thread

    # ---- data
    def refresh(self, history: list[dict[str, Any]]) -> None:
        db, book = self.ctx.db, self.ctx.codebook()
        known = region.names(db)
        latest: dict[str, dict[str, Any]] = {}
        for line in history:   # newest first
            if line["direction"] == "in" and line["result"] == "imported":
                latest.setdefault(line["counterpart_code"], line)
        waiting = city_verdicts.pending_counts(db)
        self.county_model.set_rows([Row([
            c.code, c.name or "", f"{c.households:,}", local_time(c.last_received_at) if c.last_received_at else "—",
            "；".join(f"{k} {v:,} 行" for k, v in latest[c.code]["rows"].items()) if c.code in latest else "—",
            local_time(c.last_sent_at) if c.last_sent_at else "—", str(waiting.get(c.code, (0, 0))[0]),
            str(waiting.get(c.code, (0, 0))[1])], c.code, muted=not c.households) for c in region.counties(db)])
        # the cross-county list scans every active person of the city: on a worker thread, filled in when done
        self.loading = True
        run_task(self.tabs, self.tr("正在查找跨县重复…"), with_db(self.ctx, lambda wdb, _p, _c: duplicates.cross_county(wdb)),
                 lambda found: self._show_duplicates(found, known), on_failed=lambda _e: self._duplicates_failed(),
                 quiet=True)
        given = city_verdicts.verdicts(db)
        self.verdict_model.set_rows([Row([
            region.label(v["county_code"], known), v["archive_no"], v["household_name"] or "",
            book.label("verify_result", v["result"]), v["note"], local_time(v["decided_at"]), v["decided_by"],
            f"已下发 {local_time(v['sent_at'])}" if v["sent_batch"] else "待下发"], v["id"], muted=bool(v["sent_batch"]),
            tips={4: v["note"]}) for v in given])
        allocated = city_verdicts.allocations(db)
        self.allocation_model.set_rows([Row([
            region.label(a["county_code"], known), str(a["year"]), book.label("fund_source", a["fund_source"]),
            yuan(a["amount_fen"]), a["note"], local_time(a["created_at"]),
            f"已下发 {local_time(a['sent_at'])}" if a["sent_batch"] else "待下发"], a["id"], muted=bool(a["sent_batch"]))
            for a in allocated])
        for table in (self.counties, self.duplicates, self.verdicts, self.allocations):
            fit_columns(table)
        self.tabs.setTabText(self.index["counties"], self.tr("各县上报（{n}）").format(n=f"{len(self.county_model.rows):,}"))
        waiting_verdicts = sum(1 for v in given if not v["sent_batch"])
        self.tabs.setTabText(self.index["verdicts"], self.tr("核查结论（待下发 {n}）").format(n=f"{waiting_verdicts:,}"))

    def _show_duplicates(self, found: list[duplicates.Duplicate], known: dict[str, str]) -> None:
        self.loading = False
        book = self.ctx.codebook()
        self._places = {}
        dup_rows: list[Row] = []
        for d in found:
            for p in d.places:
                key = len(self._places)
                self._places[key] = (d, p)
                said = (book.label("verify_result", p.verdict["result"]) + ("（已下发）" if p.verdict["sent_batch"]
                                                                           else "（待下发）")) if p.verdict else ""
                dup_rows.append(Row([mask_id(d.id_number), p.person_name, region.label(p.county_code, known),
                                     p.archive_no, p.head_name, p.role, book.label("status", p.status), said], key,
                                    muted=d.settled))
        self.duplicate_model.set_rows(dup_rows)
        fit_columns(self.duplicates)
        self.tabs.setTabText(self.index["duplicates"], self.tr("跨县重复（{n} 人）").format(n=f"{len(found):,}"))

    def _duplicates_failed(self) -> None:
        self.loading = False

    # ---- actions
    def _with_county(self, then: Any) -> None:
        code = self.county_model.key(self.counties.currentIndex().row())
        if code:
            then(str(code))

    def _selected_place(self) -> tuple[duplicates.Duplicate, duplicates.Place] | None:
        key = self.duplicate_model.key(self.duplicates.currentIndex().row())
        return self._places.get(key) if key is not None else None

    def _open_duplicate(self) -> None:
        chosen = self._selected_place()
        if chosen is not None:
            self.household_requested.emit(chosen[1].household_id)

    def keep_selected(self, *, ask: bool = True) -> int:
        """The selected archive stays; the person's archives in the other counties are marked 跨县重复."""
        chosen = self._selected_place()
        if chosen is None:
            return 0
        d, keep = chosen
        others = {p.household_id: p for p in d.places if p.county_code != keep.county_code}
        if not others:
            return 0
        names = "、".join(f"{p.county_code} 档案 {p.archive_no}" for p in others.values())
        if ask and not confirm(self.counties, self.tr("跨县重复"), self.tr(
                "保留 {county} 的档案 {no}，把 {others} 标为“跨县重复”？\n核查结果随发给各县的下一个批次下发。").format(
                county=keep.county_code, no=keep.archive_no, others=names)):
            return 0
        done = 0
        for hid in others:
            if guarded(self.counties, city_verdicts.record_verdict, self.ctx.db, self.ctx.actor, hid,
                       city_verdicts.DUPLICATE, keep_household_id=keep.household_id) is not None:
                done += 1
        if done:
            self.changed.emit()
        return done

    def return_selected(self, reason: str | None = None) -> int | None:
        chosen = self._selected_place()
        if chosen is None:
            return None
        place = chosen[1]
        if reason is None:
            reason, ok = QInputDialog.getText(self.counties, self.tr("退回档案"), self.tr(
                "退回 {county} 的档案 {no}（{name}）的原因：").format(county=place.county_code, no=place.archive_no,
                                                               name=place.head_name))
            if not ok:
                return None
        verdict: int | None = guarded(self.counties, city_verdicts.record_verdict, self.ctx.db, self.ctx.actor,
                                      place.household_id, city_verdicts.RETURNED, reason)
        if verdict is not None:
            self.changed.emit()
        return verdict

    def open_return(self) -> QWidget | None:
        from helpdesk_gui.gui.exchange.city_dialogs import VerdictDialog
        dialog: VerdictDialog | None = guarded(self.counties, VerdictDialog, self.ctx, self.tabs.window())
        if dialog is not None:
            dialog.accepted.connect(self.changed.emit)
            dialog.open()
        return dialog

    def withdraw_selected(self) -> None:
        verdict_id = self.verdict_model.key(self.verdicts.currentIndex().row())
        if verdict_id is None:
            return
        if guarded(self.verdicts, city_verdicts.withdraw_verdict, self.ctx.db, self.ctx.actor, verdict_id) is None:
            self.changed.emit()

    def open_allocation(self) -> QWidget | None:
        from helpdesk_gui.gui.exchange.city_dialogs import AllocationDialog
        dialog: AllocationDialog | None = guarded(self.allocations, AllocationDialog, self.ctx, self.tabs.window())
        if dialog is not None:
            dialog.accepted.connect(self.changed.emit)
            dialog.open()
        return dialog

    def delete_selected_allocation(self) -> None:
        allocation_id = self.allocation_model.key(self.allocations.currentIndex().row())
        if allocation_id is None:
            return
        if guarded(self.allocations, city_verdicts.delete_allocation, self.ctx.db, self.ctx.actor,
                   allocation_id) is None:
            self.changed.emit()
