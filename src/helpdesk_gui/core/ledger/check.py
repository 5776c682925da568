"""The ledger's part of ``helpdesk check`` (账账相符): every failure as a Chinese sentence.

* each fund's kept balance equals the sum of its entries, and no fund ends any day below zero;
* voucher numbers run 1, 2, 3 … in every year without a gap, every voucher has lines dated as it is;
* every payment line links to an approved decision that is marked paid, no decision is paid more
  than its amount, and every payment still standing has its 帮扶记录;
* every reversal line negates the line it reverses;
* no entry sits in a closed period having been posted after the closing, and the balances stored
  at each closing still equal the entries.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import json

from sqlite_utils import Database

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.core.db import get_meta
from helpdesk_gui.core.ledger import periods

LIMIT = 20


def run(db: Database) -> list[str]:
    if "ledger_entries" not in db.table_names():
        return []
    out: list[str] = []
    names = {int(i): str(n) for i, n in db.execute("SELECT id, name FROM funds")}

    sums = {int(f): int(s) for f, s in db.execute("SELECT fund_id, sum(amount_fen) FROM ledger_entries GROUP BY fund_id")}
    for fund_id, kept in db.execute("SELECT fund_id, balance_fen FROM fund_balances"):
        if int(kept) != sums.get(int(fund_id), 0):
            out.append(f"资金“{names.get(int(fund_id), fund_id)}”的余额 {yuan(kept)} 元与分录合计 "
                       f"{yuan(sums.get(int(fund_id), 0))} 元不符")
    missing = set(sums) - {int(r[0]) for r in db.execute("SELECT fund_id FROM fund_balances")}
    out += [f"资金“{names.get(f, f)}”没有余额记录" for f in sorted(missing)]

    running: dict[int, int] = {}
    days: dict[int, tuple[list[str], list[int]]] = {}   # fund -> (dates, balance at the end of each)
    negative: set[int] = set()
    for fund_id, day, total in db.execute("SELECT fund_id, entry_date, sum(amount_fen) FROM ledger_entries "
                                          "GROUP BY fund_id, entry_date ORDER BY fund_id, entry_date"):
        bal = running[int(fund_id)] = running.get(int(fund_id), 0) + int(total)
        dates, balances = days.setdefault(int(fund_id), ([], []))
        dates.append(str(day))
        balances.append(bal)
        if bal < 0 and int(fund_id) not in negative:
            negative.add(int(fund_id))
            out.append(f"资金“{names.get(int(fund_id), fund_id)}”在 {day} 日终余额为 {yuan(bal)} 元，出现透支")

    for year, n, low, high in db.execute("SELECT year, count(*), min(seq), max(seq) FROM vouchers GROUP BY year"):
        if n != high or low != 1:
            have = {int(r[0]) for r in db.execute("SELECT seq FROM vouchers WHERE year = ?", [year])}
            gaps = [f"{year}-{s:04d}" for s in range(1, int(high) + 1) if s not in have][:10]
            out.append(f"{year} 年凭证号不连续，缺少：{'、'.join(gaps)}")
    for (no,) in db.execute("SELECT v.voucher_no FROM vouchers v WHERE NOT EXISTS "
                            "(SELECT 1 FROM ledger_entries e WHERE e.voucher_id = v.id) LIMIT ?", [LIMIT]):
        out.append(f"凭证 {no} 没有分录")
    for no, line in db.execute("SELECT v.voucher_no, e.line FROM ledger_entries e JOIN vouchers v ON v.id = e.voucher_id "
                               "WHERE e.entry_date <> v.entry_date LIMIT ?", [LIMIT]):
        out.append(f"凭证 {no} 第 {line} 行的日期与凭证日期不符")

    for no, line, outcome, _status in db.execute(
            "SELECT v.voucher_no, e.line, d.outcome, d.status FROM ledger_entries e JOIN vouchers v ON v.id = e.voucher_id "
            "LEFT JOIN decisions d ON d.id = e.decision_id WHERE e.kind = 'payment' AND e.reverses_id IS NULL "
            "AND (d.id IS NULL OR d.outcome <> 'approved' OR d.status <> 'paid') LIMIT ?", [LIMIT]):
        why = "没有对应的审批决定" if outcome is None else "对应的审批决定未批准" if outcome != "approved" \
            else "对应的审批决定未登记为已发放"
        out.append(f"凭证 {no} 第 {line} 行的帮扶支出{why}")
    for app_no, paid, amount in db.execute(
            "SELECT a.app_no, -sum(e.amount_fen), d.amount_fen FROM ledger_entries e JOIN decisions d ON d.id = e.decision_id "
            "JOIN applications a ON a.id = d.application_id WHERE e.kind = 'payment' "
            "GROUP BY e.decision_id, a.app_no, d.amount_fen "
            "HAVING -sum(e.amount_fen) > coalesce(d.amount_fen, 0) LIMIT ?", [LIMIT]):
        out.append(f"申请 {app_no} 已发放 {yuan(paid)} 元，超过批准金额 {yuan(amount or 0)} 元")
    sender = get_meta(db, "county_code")
    for no, line, record_no in db.execute(
            "SELECT v.voucher_no, e.line, e.record_no FROM ledger_entries e JOIN vouchers v ON v.id = e.voucher_id "
            "WHERE e.kind = 'payment' AND e.reverses_id IS NULL AND NOT EXISTS (SELECT 1 FROM ledger_entries r "
            "WHERE r.reverses_id = e.id) AND NOT EXISTS (SELECT 1 FROM assistance_records a WHERE a.sender_code = ? "
            "AND a.record_no = e.record_no AND a.amount_fen = -e.amount_fen) LIMIT ?", [sender, LIMIT]):
        out.append(f"凭证 {no} 第 {line} 行的帮扶支出没有对应的帮扶记录（{record_no or '无编号'}）")

    for no, line in db.execute(
            "SELECT v.voucher_no, r.line FROM ledger_entries r JOIN vouchers v ON v.id = r.voucher_id "
            "JOIN ledger_entries e ON e.id = r.reverses_id WHERE r.amount_fen <> -e.amount_fen OR r.fund_id <> e.fund_id "
            "OR r.kind <> e.kind OR e.reverses_id IS NOT NULL LIMIT ?", [LIMIT]):
        out.append(f"冲销凭证 {no} 第 {line} 行与被冲销的分录不相符")

    late = 0
    for period, no, posted_at, closed_at in db.execute(
            "SELECT p.period, v.voucher_no, v.posted_at, p.closed_at FROM ledger_periods p JOIN vouchers v "
            "ON v.entry_date BETWEEN p.start_date AND p.end_date ORDER BY v.id"):
        if late == LIMIT:
            break
        if _instant(posted_at) > _instant(closed_at):   # compared as moments: the offsets may differ
            late += 1
            out.append(f"{periods.label(period)}已结账，但凭证 {no} 是结账之后记入该期间的")
    for period, end, stored in db.execute("SELECT period, end_date, balances FROM ledger_periods ORDER BY start_date"):
        for fund_id, fen in json.loads(stored).items():
            dates, balances = days.get(int(fund_id), ([], []))
            i = bisect.bisect_right(dates, str(end))
            now = balances[i - 1] if i else 0
            if now != int(fen):
                out.append(f"{periods.label(period)}结账时资金“{names.get(int(fund_id), fund_id)}”期末余额 {yuan(fen)} 元，"
                           f"现在按分录计算为 {yuan(now)} 元，已结账期间的账目被改动")
    return out


def _instant(text: str) -> _dt.datetime:
    """An ISO time stamp (``now_iso``) as a moment; one without an offset is this computer's local time."""
    moment = _dt.datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.astimezone()
