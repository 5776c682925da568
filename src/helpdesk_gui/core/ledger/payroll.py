"""Payments to households (帮扶发放) and payment rosters (发放花名册).

Money leaves a fund only for an approved decision (``core.approval``) to a household 在档 — or,
for 临时救助, to an applicant household when the setting ``temporary_aid_any_status`` allows it.
Every payment goes through a roster: a list of decisions drafted for one fund (a campaign, a
project, a batch), checked, then marked paid with the bank batch number and date. Paying a roster
is ONE transaction: one voucher with a line per household (the bank account paid to is kept on the
line), a 帮扶记录 per line (so ``stats`` and the printed roster count it), and each decision marked
已发放. The signed roster scan is attached to that voucher.

A returned payment (退回) is a red reversal of its line (``return_payment``); the decision can then
be paid again on a new roster (to a corrected account).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.db import get_meta, now_iso, row, rows, scalar, write
from helpdesk_gui.core.db.where import Where
from helpdesk_gui.core.ledger import funds, rosters
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.workflow import approval

BANK_TRANSFER = "2"

_DECISION_SELECT = (
    "SELECT d.id AS decision_id, d.application_id, a.app_no, d.household_id, h.archive_no, h.name, h.status "
    "AS household_status, h.category, h.archive_type, h.township, h.bank_name, h.bank_branch, h.bank_account, "
    "d.project, d.amount_fen, d.decided_on, d.approved_by, d.outcome, d.status, a.beneficiary, a.campaign_id, "
    "d.snapshot FROM decisions d JOIN applications a ON a.id = d.application_id "
    "JOIN households h ON h.id = d.household_id")


def paid_net(db: Database, decision_id: int) -> int:
    """What the ledger has paid for a decision, net of returns (fen, positive)."""
    return -int(scalar(db, "SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE decision_id = ? "
                           "AND kind = 'payment'", [decision_id]))


def _enrich(db: Database, r: dict[str, Any]) -> dict[str, Any]:
    snap = json.loads(r.pop("snapshot"))["household"]
    approved_account = str(snap.get("bank_account") or "")
    current = str(r["bank_account"] or "")
    if not current and approved_account:
        r.update(bank_name=snap.get("bank_name") or "", bank_branch=snap.get("bank_branch") or "",
                 bank_account=approved_account)
    r["approved_bank_account"] = approved_account
    r["bank_changed"] = bool(current and approved_account and current != approved_account)
    r["returned"] = r["status"] == "paid"
    r["in_roster"] = scalar(db, "SELECT p.roster_no FROM payment_roster_rows x JOIN payment_rosters p "
                                "ON p.id = x.roster_id WHERE x.decision_id = ? AND p.status = 'draft'",
                            [r["decision_id"]]) or ""
    return r


def payable(db: Database, *, project: str | None = None, year: int | None = None,
            campaign_id: int | None = None, decision_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Approved grants to pay: 待发放 ones (``approval.payable_decisions``) and paid ones whose
    payment was returned (退回待重发). With the household's current bank account (the approved one
    when the register has none) and whether it changed since approval."""
    wanted = {int(d["decision_id"]) for d in approval.payable_decisions(db, project=project, year=year,
                                                                         campaign_id=campaign_id)}
    w = Where().add("d.status = 'paid'").add("d.outcome = 'approved'").equal("d.project", project)
    if year:
        w.add("substr(d.decided_on, 1, 4) = ?", f"{year:04d}")
    w.equal("a.campaign_id", campaign_id)
    w.add("EXISTS (SELECT 1 FROM ledger_entries e WHERE e.decision_id = d.id AND e.reverses_id IS NOT NULL "
          "AND e.kind = 'payment')")
    w.add("(SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries e WHERE e.decision_id = d.id "
          "AND e.kind = 'payment') = 0")
    returned = {int(r[0]) for r in db.execute(
        f"SELECT d.id FROM decisions d JOIN applications a ON a.id = d.application_id{w.sql}", w.args)}
    ids = wanted | returned
    if decision_ids is not None:
        ids &= {int(i) for i in decision_ids}
    out: list[dict[str, Any]] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        out += [_enrich(db, r) for r in rows(db, _DECISION_SELECT + f" WHERE d.id IN ({','.join('?' * len(chunk))}) "
                                                 "ORDER BY d.id", chunk)]
    return out


def refusals(db: Database, book: codes.CodeBook, item: dict[str, Any], fund: dict[str, Any],
             pay_method: str) -> list[str]:
    """Why this decision may not be paid from ``fund`` now (empty: it may)."""
    out: list[str] = []
    who = f"{item['name']}（{item['archive_no']}）"
    temporary_ok = item["project"] == approval.TEMPORARY_AID and bool(settings.get(db, "temporary_aid_any_status"))
    if item["household_status"] != "active" and not temporary_ok:
        out.append(f"{who}当前为“{book.label('status', item['household_status'])}”，帮扶只发给在档的家庭")
    refused = funds.refusal(book, fund, project=item["project"], category=item["category"],
                            archive_type=item["archive_type"], campaign_id=item["campaign_id"])
    if refused:
        out.append(f"{who}：{refused}")
    if pay_method == BANK_TRANSFER and not str(item["bank_account"] or "").strip():
        out.append(f"{who}没有银行账号，不能银行转账发放")
    return out


# ---------------------------------------------------------------------------------------- rosters

def _serial(db: Database, kind: str, year: int) -> int:
    db.execute("INSERT INTO ledger_serials (kind, year, last_serial) VALUES (?, ?, 1) ON CONFLICT (kind, year) "
               "DO UPDATE SET last_serial = ledger_serials.last_serial + 1", [kind, year])
    return int(scalar(db, "SELECT last_serial FROM ledger_serials WHERE kind = ? AND year = ?", [kind, year]))


def get_roster(db: Database, roster_id: int) -> dict[str, Any]:
    r = row(db, "SELECT p.*, f.name AS fund_name, v.voucher_no FROM payment_rosters p JOIN funds f ON f.id = p.fund_id "
                "LEFT JOIN vouchers v ON v.id = p.voucher_id WHERE p.id = ?", [roster_id])
    if r is None:
        raise NotFoundError("发放花名册", roster_id)
    return r


def list_rosters(db: Database, *, status: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    where = "WHERE p.status = ?" if status else ""
    return rows(db, "SELECT p.*, f.name AS fund_name, v.voucher_no, (SELECT count(DISTINCT x.household_id) FROM "
                    "payment_roster_rows x WHERE x.roster_id = p.id) AS households, (SELECT count(*) FROM "
                    "payment_roster_rows x WHERE x.roster_id = p.id) AS lines, (SELECT coalesce(sum(amount_fen), 0) FROM "
                    "payment_roster_rows x WHERE x.roster_id = p.id) AS total_fen FROM payment_rosters p "
                    f"JOIN funds f ON f.id = p.fund_id LEFT JOIN vouchers v ON v.id = p.voucher_id {where} "
                    "ORDER BY p.id DESC LIMIT ?", ([status] if status else []) + [limit])


def _check_items(db: Database, items: list[dict[str, Any]], fund: dict[str, Any], pay_method: str,
                 roster_id: int | None) -> None:
    book = codes.load(db)
    problems: list[str] = []
    for it in items:
        problems += refusals(db, book, it, fund, pay_method)
        if it["in_roster"] and (roster_id is None or it["in_roster"] != scalar(
                db, "SELECT roster_no FROM payment_rosters WHERE id = ?", [roster_id])):
            problems.append(f"{it['name']}（{it['archive_no']}）已在待发放的花名册 {it['in_roster']} 中")
    if problems:
        more = f"等 {len(problems)} 处问题" if len(problems) > 5 else ""
        raise StateError("不能发放：" + "；".join(problems[:5]) + more + "。")


def create_roster(db: Database, actor: Actor, title: str, fund_id: int, decision_ids: Sequence[int], *,
                  pay_method: str = BANK_TRANSFER, project: str | None = None, campaign_id: int | None = None,
                  note: str = "", today: _dt.date | None = None) -> int:
    """A draft roster (待发放) of approved decisions to be paid from one fund."""
    actor.require("ledger.post")
    title = title.strip()
    if not title:
        raise ValidationError("花名册名称", "不能为空")
    book = codes.load(db)
    if not book.has_code("pay_method", pay_method):
        raise ValidationError("发放方式", "不是可选值", pay_method)
    ids = list(dict.fromkeys(int(i) for i in decision_ids))
    if not ids:
        raise ValidationError("发放名单", "至少要有一户")
    year = (today or _dt.date.today()).year
    with write(db):
        fund = funds.get(db, fund_id)
        items = payable(db, decision_ids=ids)
        missing = set(ids) - {int(i["decision_id"]) for i in items}
        if missing:
            nos = [str(r[0]) for r in db.execute(
                f"SELECT a.app_no FROM decisions d JOIN applications a ON a.id = d.application_id "
                f"WHERE d.id IN ({','.join('?' * len(missing))})", sorted(missing))]
            raise StateError("以下审批决定不是待发放状态（已发放、未批准或不存在）：" + "、".join(nos or map(str, missing)) + "。")
        _check_items(db, items, fund, pay_method, None)
        roster_no = f"HMC{year}{_serial(db, 'roster', year):04d}"
        cur = db.execute("INSERT INTO payment_rosters (roster_no, title, project, campaign_id, fund_id, pay_method, "
                         "note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [roster_no, title, project, campaign_id, fund_id, pay_method, note.strip(), actor.username,
                          now_iso()])
        roster_id = int(cur.lastrowid or 0)
        db.conn.executemany("INSERT INTO payment_roster_rows (roster_id, decision_id, household_id, amount_fen) "
                            "VALUES (?, ?, ?, ?)", [(roster_id, it["decision_id"], it["household_id"],
                                                     it["amount_fen"]) for it in items])
        audit.record(db, actor.username, "create", "payment_roster", roster_no, None,
                     {"title": title, "fund": fund["name"], "households": len(items),
                      "total_fen": sum(int(it["amount_fen"]) for it in items)})
    return roster_id


def remove_from_roster(db: Database, actor: Actor, roster_id: int, decision_ids: Sequence[int]) -> int:
    actor.require("ledger.post")
    with write(db):
        r = get_roster(db, roster_id)
        if r["status"] != "draft":
            raise StateError(f"花名册 {r['roster_no']} 已发放或已作废，不能再修改。")
        ids = [int(i) for i in decision_ids]
        n = db.execute(f"DELETE FROM payment_roster_rows WHERE roster_id = ? AND decision_id IN "
                       f"({','.join('?' * len(ids))})", [roster_id, *ids]).rowcount
        audit.record(db, actor.username, "update", "payment_roster", r["roster_no"], None, {"removed": ids})
    return int(n)


def cancel_roster(db: Database, actor: Actor, roster_id: int, reason: str) -> None:
    """作废 a draft roster: its decisions become payable on another roster."""
    actor.require("ledger.post")
    if not reason.strip():
        raise ValidationError("作废原因", "必须填写")
    with write(db):
        r = get_roster(db, roster_id)
        if r["status"] != "draft":
            raise StateError(f"花名册 {r['roster_no']} 已发放或已作废。")
        db.execute("UPDATE payment_rosters SET status = 'cancelled', note = ? WHERE id = ?",
                   [(r["note"] + "；" if r["note"] else "") + "作废：" + reason.strip(), roster_id])
        audit.record(db, actor.username, "status", "payment_roster", r["roster_no"], {"status": "draft"},
                     {"status": "cancelled", "reason": reason.strip()})


def pay_roster(db: Database, actor: Actor, roster_id: int, *, paid_date: _dt.date, bank_batch: str = "",
               today: _dt.date | None = None) -> ledger.Posted:
    """Mark a roster paid: one voucher, a line and a 帮扶记录 per household, decisions 已发放."""
    actor.require("ledger.post")
    actor.require("decisions.pay")
    bank_batch = bank_batch.strip()
    with write(db):
        r = get_roster(db, roster_id)
        if r["status"] != "draft":
            raise StateError(f"花名册 {r['roster_no']} 已发放或已作废。")
        if r["pay_method"] == BANK_TRANSFER and not bank_batch:
            raise ValidationError("银行批次号", "银行转账发放须填写银行代发批次号")
        ids = [int(x[0]) for x in db.execute("SELECT decision_id FROM payment_roster_rows WHERE roster_id = ? "
                                             "ORDER BY id", [roster_id])]
        if not ids:
            raise StateError(f"花名册 {r['roster_no']} 没有发放对象。")
        fund = funds.get(db, int(r["fund_id"]))
        by_id = {int(i["decision_id"]): i for i in payable(db, decision_ids=ids)}
        gone = [i for i in ids if i not in by_id]
        if gone:
            raise StateError(f"花名册 {r['roster_no']} 中有 {len(gone)} 项审批决定已不是待发放状态，请移出后再发放。")
        items = [by_id[i] for i in ids]
        _check_items(db, items, fund, str(r["pay_method"]), roster_id)
        book = codes.load(db)
        year = paid_date.year
        number = ledger.voucher_no(year, ledger.next_seq(db, year))   # the number post() will allocate, for the record numbers
        lines = [ledger.Line(
            int(fund["id"]), "payment", -int(it["amount_fen"]),
            memo=f"{book.label('project', it['project'])} {it['name']}（{it['archive_no']}）申请 {it['app_no']}",
            counterparty=str(it["name"]), household_id=int(it["household_id"]), decision_id=int(it["decision_id"]),
            project=it["project"], pay_method=str(r["pay_method"]), bank_name=str(it["bank_name"] or ""),
            bank_branch=str(it["bank_branch"] or ""),
            bank_account=str(it["bank_account"] or "") if r["pay_method"] == BANK_TRANSFER else "",
            record_no=f"{number}-{n + 1:03d}", roster_id=roster_id) for n, it in enumerate(items)]
        posted = ledger.post(db, actor, "payment", paid_date, f"发放 {r['title']}（花名册 {r['roster_no']}）", lines,
                             ref_no=bank_batch, today=today, audit_detail={"roster": r["roster_no"]})
        assert posted.voucher_no == number
        sender = get_meta(db, "county_code")
        approvers = {str(u): str(n) for u, n in db.execute("SELECT username, display_name FROM users")}
        at = now_iso()
        db.conn.executemany(
            "INSERT INTO assistance_records (sender_code, record_no, household_id, project, fund_source, amount_fen, "
            "paid_date, method, approver, remarks, origin, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'local', ?)",
            [(sender, ln.record_no, ln.household_id, ln.project, fund["source"], -ln.amount_fen, paid_date.isoformat(),
              r["pay_method"], approvers.get(str(it["approved_by"]), str(it["approved_by"])),
              f"凭证 {number}，花名册 {r['roster_no']}" + (f"，银行批次 {bank_batch}" if bank_batch else ""), at)
             for ln, it in zip(lines, items)])
        for it in items:
            if it["status"] == "unpaid":
                approval.mark_paid(db, actor, int(it["decision_id"]), number, paid_at=paid_date.isoformat())
        db.execute("UPDATE payment_rosters SET status = 'paid', paid_date = ?, bank_batch = ?, voucher_id = ?, "
                   "paid_by = ?, paid_at = ? WHERE id = ?",
                   [paid_date.isoformat(), bank_batch, posted.voucher_id, actor.username, at, roster_id])
        audit.record(db, actor.username, "status", "payment_roster", r["roster_no"], {"status": "draft"},
                     {"status": "paid", "voucher": number, "bank_batch": bank_batch, "paid_date": paid_date.isoformat()})
    return posted


def pay_decisions(db: Database, actor: Actor, decision_ids: Sequence[int], fund_id: int, *, paid_date: _dt.date,
                  bank_batch: str = "", pay_method: str = BANK_TRANSFER, title: str = "",
                  today: _dt.date | None = None) -> tuple[int, ledger.Posted]:
    """Draft a roster and pay it at once (one transaction). Returns (roster id, voucher)."""
    with write(db):
        roster_id = create_roster(db, actor, title or f"{paid_date.isoformat()} 帮扶发放", fund_id, decision_ids,
                                  pay_method=pay_method, today=today)
        posted = pay_roster(db, actor, roster_id, paid_date=paid_date, bank_batch=bank_batch, today=today)
    return roster_id, posted


def return_payment(db: Database, actor: Actor, entry_id: int, reason: str, *, on: _dt.date | None = None,
                   today: _dt.date | None = None) -> ledger.Posted:
    """退回: the bank returned one household's payment. A red reversal of that line."""
    e = row(db, "SELECT voucher_id, kind FROM ledger_entries WHERE id = ?", [entry_id])
    if e is None:
        raise NotFoundError("分录", entry_id)
    if e["kind"] != "payment":
        raise StateError("只有帮扶发放的分录才能登记退回。")
    return ledger.reverse(db, actor, int(e["voucher_id"]), "发放退回：" + reason.strip() if reason.strip() else "",
                          entry_ids=[entry_id], on=on, today=today)


def roster_lines(db: Database, roster_id: int) -> list[dict[str, Any]]:
    """The rows of a roster as the roster screen shows them, with what happened to each payment."""
    out = rows(db, "SELECT x.decision_id, x.household_id, x.amount_fen, h.archive_no, h.name, h.id_number, h.township, "
                   "a.app_no, d.project, e.id AS entry_id, e.bank_name, e.bank_account, e.record_no, "
                   "r.id AS returned_entry FROM payment_roster_rows x JOIN households h ON h.id = x.household_id "
                   "JOIN decisions d ON d.id = x.decision_id JOIN applications a ON a.id = d.application_id "
                   "LEFT JOIN ledger_entries e ON e.roster_id = x.roster_id AND e.decision_id = x.decision_id "
                   "AND e.reverses_id IS NULL "
                   "LEFT JOIN ledger_entries r ON r.reverses_id = e.id WHERE x.roster_id = ? ORDER BY x.id",
                   [roster_id])
    if out and out[0]["entry_id"] is None:   # draft: show the account that would be paid
        accounts = {int(i["decision_id"]): i for i in payable(db, decision_ids=[o["decision_id"] for o in out])}
        for o in out:
            it = accounts.get(int(o["decision_id"]))
            if it:
                o.update(bank_name=it["bank_name"], bank_account=it["bank_account"], bank_changed=it["bank_changed"])
    return out


def roster_query(db: Database, roster_id: int) -> rosters.RosterQuery:
    """The printed 帮扶资金发放花名册 of a paid roster (``core.rosters`` / the printing forms)."""
    r = get_roster(db, roster_id)
    if r["status"] != "paid":
        raise StateError(f"花名册 {r['roster_no']} 还没有发放，发放后才能打印签收花名册。")
    nos = tuple(str(x[0]) for x in db.execute(
        "SELECT e.record_no FROM ledger_entries e WHERE e.roster_id = ? AND e.kind = 'payment' AND e.reverses_id IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM ledger_entries x WHERE x.reverses_id = e.id) ORDER BY e.line", [roster_id]))
    if not nos:
        raise StateError(f"花名册 {r['roster_no']} 的发放已全部退回，没有可打印的发放记录。")
    return rosters.RosterQuery(project=None, record_nos=nos)


def attach_scan(db: Database, actor: Actor, folder: Path, roster_id: int, source: Path) -> int:
    """The signed roster scan goes on the roster's voucher."""
    r = get_roster(db, roster_id)
    if r["voucher_id"] is None:
        raise StateError(f"花名册 {r['roster_no']} 还没有发放，没有凭证可附。")
    return ledger.attach(db, actor, folder, int(r["voucher_id"]), source, f"签收花名册 {r['roster_no']}")


def describe_total(items: Sequence[dict[str, Any]]) -> str:
    """户数 (each household once, though it may have two grants on one roster), 笔数 and the amount."""
    households = len({i["household_id"] for i in items})
    return (f"{households} 户 {len(items)} 笔，合计 "
            f"{format_yuan(sum(int(i['amount_fen']) for i in items), grouping=True)} 元")
