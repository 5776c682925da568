"""集中帮扶活动 (e.g. 2026 金秋助学, 2027 两节送温暖): one list, many households, decided together.

``create`` picks 在档 households with the register's filters (``core.search``), proposes an amount
for each by a rule (a fixed sum, N months of 低保, the cap itself, or a sum per school level — one row
per student), and files one project application per row (entered by the creator, so the creator can
never approve them). The list is reviewed (amounts changed, rows excluded), publicised once as a
whole, and approved in one step with per-row exceptions (reject, another amount, an override reason).
Each row is an ordinary application, so caps, the second level, snapshots and decisions all apply.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import policy, workdays
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import HelpdeskError, NotFoundError, StateError, ValidationError
from helpdesk_gui.core.base.money import format_yuan, round_fen
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write
from helpdesk_gui.core.register import search
from helpdesk_gui.core.workflow import approval, caps
from helpdesk_gui.core.workflow import steps as workflow

MODES = ("fixed", "months", "cap", "by_level")


@dataclass(frozen=True)
class ProposalRule:
    mode: str
    amount_fen: int = 0
    months: str = "0"                        # months of 低保 (a decimal string)
    levels: dict[str, int] = field(default_factory=dict)   # member_identity code → amount, one row per student

    def describe(self, book: codes.CodeBook) -> str:
        if self.mode == "fixed":
            return f"每户 {format_yuan(self.amount_fen, grouping=True)} 元"
        if self.mode == "months":
            return f"每户 {self.months} 个月低保标准"
        if self.mode == "cap":
            return "按上限规则计算的上限"
        return "按学生就读阶段：" + "、".join(f"{book.label('member_identity', k)} {format_yuan(v, grouping=True)} 元"
                                        for k, v in self.levels.items())

    def check(self) -> ProposalRule:
        if self.mode not in MODES:
            raise ValidationError("拟定金额方式", "不是可选值", self.mode)
        if self.mode == "fixed" and self.amount_fen <= 0:
            raise ValidationError("每户金额", "应大于 0", self.amount_fen)
        if self.mode == "months" and Decimal(self.months) <= 0:
            raise ValidationError("低保月数", "应大于 0", self.months)
        if self.mode == "by_level" and (not self.levels or any(v <= 0 for v in self.levels.values())):
            raise ValidationError("各阶段金额", "至少填写一个就读阶段，金额应大于 0")
        return self


@dataclass(frozen=True)
class RowException:
    """A per-row exception at approval: reject it, or grant another amount (with an override reason if above the cap)."""

    reject: bool = False
    amount_fen: int | None = None
    override_reason: str = ""
    reason: str = ""


def _campaign(db: Database, campaign_id: int) -> dict[str, Any]:
    c = row(db, "SELECT * FROM campaigns WHERE id = ?", [campaign_id])
    if c is None:
        raise NotFoundError("帮扶活动", campaign_id)
    return c


def create(db: Database, actor: Actor, name: str, project: str, rule: ProposalRule, *, year: int | None = None,
           text: str = "", filters: search.Filters | None = None, today: _dt.date | None = None) -> int:
    """Pick the households and file one application per row. Returns the campaign id."""
    actor.require("workflow.apply")
    today = today or _dt.date.today()
    name = workflow.text(name, "活动名称")
    book = codes.load(db)
    if not book.has_code("project", project):
        raise ValidationError("帮扶项目", "必须选择", project)
    rule.check()
    picked = replace(filters or search.Filters(), status="active")
    with write(db):
        if scalar(db, "SELECT count(*) FROM campaigns WHERE name = ?", [name]):
            raise ValidationError("活动名称", "已有同名的帮扶活动", name)
        ids = search.search_ids(db, text, picked)
        if not ids:
            raise ValidationError("选择条件", "没有符合条件的在档家庭")
        cur = db.execute("INSERT INTO campaigns (name, year, project, rule, filters, status, created_by, created_at) "
                         "VALUES (?, ?, ?, ?, ?, 'draft', ?, ?)",
                         [name, year or today.year, project, json.dumps(asdict(rule), ensure_ascii=False),
                          json.dumps({"text": text, **asdict(picked)}, ensure_ascii=False), actor.username, now_iso()])
        cid = int(cur.lastrowid or 0)
        rules = caps.load_rules(db)
        n = skipped = 0
        for hid, beneficiary, level in _rows(db, ids, rule):
            amount = _proposal(db, rule, hid, project, level, beneficiary, today, rules, book)
            if amount <= 0:
                continue
            try:
                app = workflow.file_application(db, actor, hid, "project", project=project, requested_fen=amount,
                                                beneficiary=beneficiary, school_level=level, reason=name, today=today,
                                                campaign_id=cid, book=book)
            except StateError:
                skipped += 1  # already has an open application for this project (and student)
                continue
            db.execute("UPDATE applications SET proposed_fen = ? WHERE id = ?", [amount, app])
            n += 1
        if not n:
            raise ValidationError("选择条件", "符合条件的家庭中没有可拟定金额的（如没有在读学生）")
        audit.record(db, actor.username, "campaign.create", "campaign", name, None,
                     {"project": project, "rule": asdict(rule), "rows": n, "skipped": skipped, "text": text,
                      **asdict(picked)})
    return cid


def _rows(db: Database, ids: list[int], rule: ProposalRule) -> list[tuple[int, str, str | None]]:
    if rule.mode != "by_level":
        return [(hid, "", None) for hid in ids]
    out: list[tuple[int, str, str | None]] = []
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for r in rows(db, f"SELECT household_id, name, identity FROM members WHERE household_id IN "
                          f"({','.join('?' * len(chunk))}) AND identity IN ({','.join('?' * len(rule.levels))}) "
                          "ORDER BY household_id, ord, id", [*chunk, *rule.levels]):
            out.append((int(r["household_id"]), str(r["name"]), str(r["identity"])))
    return out


def _proposal(db: Database, rule: ProposalRule, hid: int, project: str, level: str | None, beneficiary: str,
              on: _dt.date, rules: Mapping[tuple[str, str], caps.CapRule], book: codes.CodeBook) -> int:
    if rule.mode == "fixed":
        return rule.amount_fen
    if rule.mode == "by_level":
        return int(rule.levels.get(level or "", 0))
    if rule.mode == "months":
        region = scalar(db, "SELECT hukou_region_code FROM households WHERE id = ?", [hid]) or ""
        return round_fen(Decimal(rule.months) * policy.lookup(db, str(region), on).dibao_month_fen)
    try:
        return caps.cap_for(db, hid, project, on=on, beneficiary=beneficiary, rules=rules, book=book).cap_fen
    except ValidationError:
        return 0   # a cap that needs a cost cannot be proposed in bulk


def campaign_rows(db: Database, campaign_id: int, *, today: _dt.date | None = None) -> list[dict[str, Any]]:
    """The list with each row's cap now (``over_cap`` when the proposal exceeds it)."""
    on = today or _dt.date.today()
    out = rows(db, "SELECT a.id, a.app_no, a.status, a.household_id, h.archive_no, h.name, h.id_number, h.township, "
                   "h.category, a.beneficiary, a.school_level, a.proposed_fen, a.approved_fen, a.project, a.kind, "
                   "(SELECT count(*) FROM objections o WHERE o.application_id = a.id AND o.result IS NULL) AS objections "
                   "FROM applications a JOIN households h ON h.id = a.household_id WHERE a.campaign_id = ? "
                   "ORDER BY h.archive_no, a.id", [campaign_id])
    rules = caps.load_rules(db)
    book = codes.load(db)
    for r in out:
        try:
            cap = caps.cap_for(db, int(r["household_id"]), str(r["project"]), on=on, beneficiary=str(r["beneficiary"]),
                               exclude_application=int(r["id"]), rules=rules, book=book)
            r["cap_fen"], r["cap_rule"] = cap.cap_fen, cap.text
        except ValidationError as e:
            r["cap_fen"], r["cap_rule"] = None, str(e)
        r["over_cap"] = r["cap_fen"] is not None and (r["proposed_fen"] or 0) > r["cap_fen"]
    return out


def set_amount(db: Database, actor: Actor, application_id: int, amount_fen: int, note: str = "", *,
               today: _dt.date | None = None) -> None:
    """Change a row's proposed amount while the list is being reviewed."""
    workflow.require_any(actor, "workflow.apply", "workflow.review")
    if amount_fen <= 0:
        raise ValidationError("拟帮扶金额", "应大于 0；不帮扶的请移出名单", amount_fen)
    with write(db):
        app = workflow.load(db, application_id)
        workflow.require_status(db, app, ("reviewing",), "调整拟帮扶金额（名单已公示）")
        on = workflow.business_day(app, today)
        workflow.step(db, actor, app, "propose", "reviewing", on, note.strip(),
                      {"from_fen": app["proposed_fen"], "proposed_fen": amount_fen}, proposed_fen=amount_fen)


def publicise(db: Database, actor: Actor, campaign_id: int, opinion: str, *, start: _dt.date | None = None,
              place: str = "", today: _dt.date | None = None) -> int:
    """评议 the whole list and post it as one 公示. Returns the number of rows publicised."""
    actor.require("workflow.review")
    opinion = workflow.text(opinion, "评议意见")
    on = today or _dt.date.today()
    start = start or on
    if start < on:
        raise ValidationError("公示开始日期", "不能早于今天", start.isoformat())
    with write(db):
        c = _campaign(db, campaign_id)
        if c["status"] != "draft":
            raise StateError(f"帮扶活动“{c['name']}”已公示，不能再次公示。")
        apps = rows(db, "SELECT * FROM applications WHERE campaign_id = ? AND status = 'reviewing' ORDER BY id",
                    [campaign_id])
        if not apps:
            raise StateError(f"帮扶活动“{c['name']}”的名单是空的。")
        end, rule = workdays.publicity_end(db, start)
        cur = db.execute("INSERT INTO publicity_periods (campaign_id, start_date, end_date, days, working_days, place, "
                         "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [campaign_id, start.isoformat(), end.isoformat(), rule.days, int(rule.working), place.strip(),
                          actor.username, now_iso()])
        pid = int(cur.lastrowid or 0)
        for app in apps:
            day = workflow.business_day(app, on)
            workflow.step(db, actor, app, "evaluate", "publicity", day, opinion,
                          {"proposed_fen": app["proposed_fen"], "publicity_start": start.isoformat(),
                           "publicity_end": end.isoformat(), "rule": rule.describe(), "campaign_id": campaign_id},
                          publicity_id=pid)
        db.execute("UPDATE campaigns SET status = 'publicity', publicity_id = ? WHERE id = ?", [pid, campaign_id])
        audit.record(db, actor.username, "campaign.publicise", "campaign", c["name"], None,
                     {"rows": len(apps), "start": start.isoformat(), "end": end.isoformat()})
    return len(apps)


def close_publicity(db: Database, actor: Actor, campaign_id: int, *, today: _dt.date | None = None) -> dict[str, int]:
    """公示期满: rows without open objections go to 待审批; the others wait for their objections."""
    workflow.require_any(actor, "workflow.apply", "workflow.review")
    on = today or _dt.date.today()
    with write(db):
        c = _campaign(db, campaign_id)
        moved = waiting = 0
        for (app_id,) in db.execute("SELECT id FROM applications WHERE campaign_id = ? AND status = 'publicity' "
                                    "ORDER BY id", [campaign_id]).fetchall():
            app = workflow.load(db, int(app_id))
            blockers = workflow.publicity_blockers(db, app, on)
            if any("公示期至" in b for b in blockers):
                raise StateError(f"帮扶活动“{c['name']}”：" + blockers[0] + "。")
            if blockers:
                waiting += 1
                continue
            workflow.close_publicity(db, actor, int(app_id), today=on)
            moved += 1
        if moved:
            db.execute("UPDATE campaigns SET status = 'pending' WHERE id = ?", [campaign_id])
    return {"pending": moved, "waiting": waiting}


def approve(db: Database, actor: Actor, campaign_id: int, opinion: str, *,
            exceptions: Mapping[int, RowException] | None = None, today: _dt.date | None = None) -> dict[str, int]:
    """Approve every 待审批 row in one step, with per-row exceptions. All or nothing: if any row is refused
    (e.g. above its cap without an override reason) nothing is decided and the error names the rows."""
    actor.require("workflow.approve")
    opinion = workflow.text(opinion, "审批意见")
    exceptions = dict(exceptions or {})
    on = today or _dt.date.today()
    counts = {"approved": 0, "second": 0, "rejected": 0}
    books = approval.Books.load(db)
    with write(db):
        c = _campaign(db, campaign_id)
        apps = rows(db, "SELECT a.id, a.app_no, h.name FROM applications a JOIN households h ON h.id = a.household_id "
                        "WHERE a.campaign_id = ? AND a.status = 'pending' ORDER BY a.id", [campaign_id])
        if not apps:
            raise StateError(f"帮扶活动“{c['name']}”没有待审批的名单。")
        unknown = set(exceptions) - {int(a["id"]) for a in apps}
        if unknown:
            raise ValidationError("例外", "只能对本活动待审批的名单设置例外", ",".join(map(str, sorted(unknown))))
        problems: list[str] = []
        for a in apps:
            exc = exceptions.get(int(a["id"]), RowException())
            try:
                if exc.reject:
                    approval.reject(db, actor, int(a["id"]), exc.reason or opinion, today=on)
                    counts["rejected"] += 1
                else:
                    result = approval.approve(db, actor, int(a["id"]), exc.reason or opinion, amount_fen=exc.amount_fen,
                                              override_reason=exc.override_reason, today=on, books=books)
                    counts[result.status] += 1
            except HelpdeskError as e:
                problems.append(f"{a['app_no']} {a['name']}：{e}")
        if problems:
            raise StateError(f"帮扶活动“{c['name']}”未能审批，名单中有 {len(problems)} 户须先处理：" + "；".join(problems[:20]))
        left = scalar(db, f"SELECT count(*) FROM applications WHERE campaign_id = ? AND status IN "
                          f"({','.join('?' * len(workflow.OPEN))})", [campaign_id, *workflow.OPEN])
        if not left:
            db.execute("UPDATE campaigns SET status = 'approved' WHERE id = ?", [campaign_id])
        audit.record(db, actor.username, "campaign.approve", "campaign", c["name"], None,
                     {**counts, "exceptions": {str(k): asdict(v) for k, v in exceptions.items()}})
    return counts


def list_campaigns(db: Database) -> list[dict[str, Any]]:
    out = rows(db, "SELECT c.*, p.start_date, p.end_date, count(a.id) AS rows_total, "
                   "coalesce(sum(CASE WHEN a.status = 'approved' THEN 1 ELSE 0 END), 0) AS rows_approved, "
                   "coalesce(sum(CASE WHEN a.status NOT IN ('withdrawn', 'rejected') THEN "
                   "coalesce(a.approved_fen, a.proposed_fen) END), 0) AS total_fen "
                   "FROM campaigns c LEFT JOIN publicity_periods p ON p.id = c.publicity_id "
                   "LEFT JOIN applications a ON a.campaign_id = c.id GROUP BY c.id, p.start_date, p.end_date "
                   "ORDER BY c.id DESC")
    for r in out:
        r["rule"] = json.loads(r["rule"])
    return out


def get(db: Database, campaign_id: int) -> dict[str, Any]:
    c = _campaign(db, campaign_id)
    c["rule"] = json.loads(c["rule"])
    c["filters"] = json.loads(c["filters"])
    return c
