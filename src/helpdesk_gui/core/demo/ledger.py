"""Demo data for the fund ledger (``helpdesk demo``): a realistic year of the centre's books.

Called at the end of ``core.demo.generate`` inside its transaction. For the 帮扶记录 the demo made in
the last twelve months it writes what the real program would have: an approved application and its
decision (marked 已发放), and a payment line on a voucher per pay day and fund with its roster. The
money comes first: quarterly allocations (中央、省、上级工会, with 拨款文号), the union's own budget, a
一日捐 donation drive, quarterly interest, and transfers into the purpose funds for 医疗救助 and 助学.
Every month that has ended is closed (and the year, once its December is). Deterministic from the
seed (its own random stream), written with ``executemany``; skipped when the books already have vouchers.

``bulk`` fills a database with many entries for the benchmark (same shapes, valid books).
"""

from __future__ import annotations

import datetime as _dt
import json
import random
import re
from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.db import ids_taken, now_iso, rows, scalar
from helpdesk_gui.core.ledger import loans, periods

#: demo 资金来源 of a 帮扶记录 -> the general fund of that source
SOURCE_FUND = {"1": "中央财政帮扶资金", "4": "上级工会拨付资金", "5": "本级工会帮扶经费", "6": "社会捐助（一日捐）"}
#: own-money payments of these projects go from the purpose fund
PURPOSE_FUND = {"2": "大病救助金", "3": "中小学助学金"}
DONORS = ("县烟草专卖局职工", "云岭建筑有限公司", "金马纺织厂全体职工", "县人民医院", "滇中物流有限公司", "县教育体育局",
          "彩云商贸有限公司", "县农村信用合作联社", "宏达水泥有限公司", "县总工会机关", "县供电局", "县自来水公司")
ENTERED_BY, APPROVED_BY, PAID_BY = "demo_clerk", "demo_approver", "demo_finance"


def insert_many(db: Database, sql: str, rows_: Any) -> None:
    """``executemany`` of an INSERT written with SQLite's numbered parameters (``?5`` used twice; a bare ``?``
    is one more than the largest number before it): sent with plain ``?`` and each row's values laid out in
    that order, which both engines take."""
    order: list[int] = []

    def plain(m: re.Match[str]) -> str:
        order.append(int(m.group(1)) if m.group(1) else max(order, default=0) + 1)
        return "?"
    text = re.sub(r"\?(\d*)", plain, sql)
    db.conn.executemany(text, [tuple(r[i - 1] for i in order) for r in rows_])


#: the tables the demo writes with ids it numbers itself (so that related rows can refer to them)
NUMBERED = ("households", "applications", "decisions", "payment_rosters", "loans", "vouchers", "mutual_members",
            "mutual_claims", "mutual_contributions", "mutual_settlements", "reception_entries", "cadres", "pairs",
            "publicity_periods", "objections")


def ids_all_taken(db: Database) -> None:
    """After the demo's own numbering: a server's identities moved past it (``core.db.ids_taken``)."""
    for table in NUMBERED:
        ids_taken(db, table)


def keep_higher(table: str) -> str:
    """The SET of an upsert of ``table``'s serial counter that never moves it back (SQLite's two-argument max()
    is not PostgreSQL's; the old value named by its table, which PostgreSQL requires)."""
    return (f"last_serial = CASE WHEN excluded.last_serial > {table}.last_serial THEN excluded.last_serial "
            f"ELSE {table}.last_serial END")


class _Books:
    """Vouchers being built in memory: (date, order, kind, summary, ref_no, counterparty, lines)."""

    def __init__(self) -> None:
        # (date, order, kind, summary, ref_no, counterparty, lines, -, roster id)
        self.vouchers: list[tuple[Any, ...]] = []

    def add(self, day: _dt.date, order: int, kind: str, summary: str, lines: list[dict[str, Any]], *,
            ref_no: str = "", counterparty: str = "", roster: int | None = None) -> None:
        self.vouchers.append((day.isoformat(), order, kind, summary, ref_no, counterparty, lines, None, roster))


def _round_up(fen: int, step: int = 1_000_000) -> int:
    return max(step, -(-fen // step) * step)


def _quarter_start(day: _dt.date) -> _dt.date:
    return _dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def generate(db: Database, *, seed: int, today: _dt.date, first_household_id: int, county: str,
             close: bool = True) -> dict[str, int]:
    """The year's books; ``close=False`` leaves the ended months open (the caller adds more, then closes)."""
    if scalar(db, "SELECT count(*) FROM vouchers"):
        return {"vouchers": 0, "ledger_entries": 0}
    rng = random.Random(seed * 7919 + 5)
    start = (today.replace(day=1) - _dt.timedelta(days=330)).replace(day=1)
    fund_id = {str(n): int(i) for i, n in db.execute("SELECT id, name FROM funds")}
    stamp = now_iso()
    recs = rows(db, "SELECT a.id, a.record_no, a.household_id, a.project, a.fund_source, a.amount_fen, a.paid_date, "
                    "a.method, h.category, h.name, h.archive_no, h.bank_name, h.bank_branch, h.bank_account, "
                    "h.id_number FROM assistance_records a JOIN households h ON h.id = a.household_id "
                    "WHERE a.household_id >= ? AND a.sender_code = ? AND a.paid_date BETWEEN ? AND ? "
                    "ORDER BY a.paid_date, a.id", [first_household_id, county, start.isoformat(), today.isoformat()])
    # central money is for 深度困难 and 相对困难 households only (the fund's restriction)
    moved = [(r["id"],) for r in recs if r["fund_source"] == "1" and r["category"] not in ("1", "2")]
    db.conn.executemany("UPDATE assistance_records SET fund_source = '5' WHERE id = ?", moved)
    # payments go out in monthly batches (one roster per month, fund and project), on the month's last day
    redated: list[tuple[str, int]] = []
    for r in recs:
        paid = _dt.date.fromisoformat(r["paid_date"])
        batch = min((paid.replace(day=28) + _dt.timedelta(days=4)).replace(day=1) - _dt.timedelta(days=1), today)
        if batch != paid:
            r["paid_date"] = batch.isoformat()
            redated.append((batch.isoformat(), r["id"]))
    db.conn.executemany("UPDATE assistance_records SET paid_date = ? WHERE id = ?", redated)
    for r in recs:
        if r["fund_source"] == "1" and r["category"] not in ("1", "2"):
            r["fund_source"] = "5"
        fund = SOURCE_FUND.get(str(r["fund_source"]), "本级工会帮扶经费")
        if r["fund_source"] == "5" and r["project"] in PURPOSE_FUND:
            fund = PURPOSE_FUND[str(r["project"])]
        r["fund"] = fund_id[fund]

    books = _Books()
    # what each fund pays per quarter decides what comes in at the quarter's start
    need: dict[tuple[int, _dt.date], int] = defaultdict(int)
    for r in recs:
        need[(r["fund"], _quarter_start(_dt.date.fromisoformat(r["paid_date"])))] += int(r["amount_fen"])
    quarters = sorted({q for _f, q in need} | {_quarter_start(start)})
    own, donation, interest = fund_id["本级工会帮扶经费"], fund_id["社会捐助（一日捐）"], fund_id["专户利息"]
    doc = 0
    for q in quarters:
        day = max(q, start)
        for name, payer, prefix in (("中央财政帮扶资金", "市总工会（转中央财政资金）", "财社"),
                                    ("上级工会拨付资金", "市总工会", "市工发")):
            amount = need.get((fund_id[name], q), 0)
            if amount:
                doc += 1
                amount = _round_up(amount * 11 // 10)
                books.add(day, 0, "receipt", f"{q.year}年第{(q.month + 2) // 3}季度{name}拨款", [
                    {"fund_id": fund_id[name], "kind": "allocation", "amount_fen": amount, "counterparty": payer}],
                    ref_no=f"{prefix}〔{q.year}〕{rng.randint(10, 99)}号", counterparty=payer)
        purpose_need = {f: need.get((fund_id[f], q), 0) for f in PURPOSE_FUND.values()}
        own_need = need.get((own, q), 0) + sum(_round_up(a) for a in purpose_need.values() if a)
        books.add(day, 0, "receipt", f"{q.year}年第{(q.month + 2) // 3}季度本级工会帮扶经费", [
            {"fund_id": own, "kind": "allocation", "amount_fen": _round_up(own_need * 12 // 10 + 1)}],
            ref_no=f"县工发〔{q.year}〕{rng.randint(1, 60)}号", counterparty="县总工会经审会")
        for name, amount in purpose_need.items():
            if amount:
                books.add(day, 1, "transfer", f"本级工会经费调入{name}", [
                    {"fund_id": own, "kind": "transfer_out", "amount_fen": -_round_up(amount), "counterparty": name},
                    {"fund_id": fund_id[name], "kind": "transfer_in", "amount_fen": _round_up(amount),
                     "counterparty": "本级工会帮扶经费"}])
        gifts = need.get((donation, q), 0)
        if gifts:
            total = _round_up(gifts * 13 // 10, 100_000)
            donors = rng.sample(DONORS, 4)
            shares = [total // 4] * 3 + [total - 3 * (total // 4)]
            books.add(day, 0, "receipt", f"{q.year}年“一日捐”捐款", [
                {"fund_id": donation, "kind": "donation", "amount_fen": s, "counterparty": d} for d, s in zip(donors, shares)],
                counterparty="、".join(donors))
        end = (q.replace(month=q.month + 2) if q.month < 10 else q.replace(month=12)) + _dt.timedelta(days=20)
        if end < today:
            books.add(end, 0, "receipt", "专户存款季度利息", [
                {"fund_id": interest, "kind": "interest", "amount_fen": rng.randrange(80_000, 400_000, 100),
                 "counterparty": "中国农业银行"}], counterparty="中国农业银行")

    loan_rows, schedule_rows, loan_serial = _loans(db, rng, books, start, today, first_household_id,
                                                   fund_id["创业周转金"], stamp)

    # payments: one voucher (and roster) per batch day, fund and project
    book = codes.load(db)
    by_day: dict[tuple[str, int, str], list[dict[str, Any]]] = defaultdict(list)
    for r in recs:
        by_day[(r["paid_date"], r["fund"], str(r["project"]))].append(r)
    serial = {r[0]: int(r[1]) for r in db.execute("SELECT year, last_serial FROM application_serials")}
    app_rows: list[tuple[Any, ...]] = []
    app_roster: list[int] = []
    first_app = int(scalar(db, "SELECT coalesce(max(id), 0) FROM applications")) + 1
    roster_rows: list[tuple[Any, ...]] = []
    roster_serial: dict[int, int] = defaultdict(int)
    first_roster = int(scalar(db, "SELECT coalesce(max(id), 0) FROM payment_rosters")) + 1
    for (day_text, fid, project), items in sorted(by_day.items()):
        day = _dt.date.fromisoformat(day_text)
        roster_id = first_roster + len(roster_rows)
        roster_serial[day.year] += 1
        lines = []
        for r in items:
            decided = day - _dt.timedelta(days=rng.randint(5, 25))
            serial[decided.year] = serial.get(decided.year, 0) + 1
            app_id = first_app + len(app_rows)
            snapshot = {"household": {k: r[k] for k in ("name", "archive_no", "id_number", "bank_name", "bank_branch",
                                                         "bank_account", "category")}, "demo": True}
            app_roster.append(roster_id)
            app_rows.append((app_id, f"SQ{decided.year}{serial[decided.year]:06d}", r["household_id"], r["project"],
                             int(r["amount_fen"]), (decided - _dt.timedelta(days=20)).isoformat(), decided.isoformat(),
                             stamp, json.dumps(snapshot, ensure_ascii=False), day_text))
            lines.append({"fund_id": fid, "kind": "payment", "amount_fen": -int(r["amount_fen"]), "household_id":
                          r["household_id"], "decision_id": app_id, "project": r["project"], "pay_method": r["method"],
                          "bank_name": r["bank_name"], "bank_branch": r["bank_branch"],
                          "bank_account": r["bank_account"] if r["method"] == "2" else "", "record_no": r["record_no"],
                          "roster_id": roster_id, "counterparty": r["name"],
                          "memo": f"{book.label('project', r['project'])} 申请 {app_rows[-1][1]}"})
        title = f"{day.year}年{day.month}月{book.label('project', project)}发放"
        roster_rows.append((roster_id, f"HMC{day.year}{roster_serial[day.year]:04d}", title, fid,
                            day_text, f"DF{day:%Y%m%d}{rng.randint(100, 999)}", stamp))
        books.add(day, 2, "payment", f"{title}（{len(items)} 户）", lines, ref_no=roster_rows[-1][5],
                  roster=roster_id)

    numbered = number_books(db, books)
    voucher_of_roster = {v[8]: (vid, no) for vid, no, v in numbered if v[8] is not None}
    app_rows = [(*a, voucher_of_roster[roster][1]) for a, roster in zip(app_rows, app_roster)]
    insert_many(db,
        "INSERT INTO applications (id, app_no, household_id, kind, project, status, requested_fen, proposed_fen, "
        "approved_fen, needs_visit, needs_civil_check, needs_publicity, needs_materials, received_date, last_step_date, "
        "entered_by, entered_at, updated_at) VALUES (?, ?, ?, 'project', ?, 'approved', ?5, ?5, ?5, 0, 0, 0, 0, ?6, ?7, "
        f"'{ENTERED_BY}', ?8, ?8)", [a[:8] for a in app_rows])
    insert_many(db,
        "INSERT INTO decisions (id, application_id, household_id, outcome, kind, project, amount_fen, opinion, entered_by, "
        "approved_by, decided_on, decided_at, snapshot, status, paid_at, paid_by, paid_ref) VALUES (?1, ?1, ?3, "
        f"'approved', 'project', ?4, ?5, '同意', '{ENTERED_BY}', '{APPROVED_BY}', ?7, ?8, ?9, 'paid', ?10, '{PAID_BY}', ?11)",
        app_rows)
    db.conn.executemany("INSERT INTO application_serials (year, last_serial) VALUES (?, ?) ON CONFLICT (year) "
                        "DO UPDATE SET " + keep_higher("application_serials"), list(serial.items()))
    write_vouchers(db, numbered, posted_by=PAID_BY)
    insert_many(db,
        "INSERT INTO payment_rosters (id, roster_no, title, fund_id, pay_method, status, created_by, created_at, paid_date, "
        f"bank_batch, paid_by, paid_at, voucher_id) VALUES (?1, ?2, ?3, ?4, '2', 'paid', '{PAID_BY}', ?7, ?5, ?6, "
        f"'{PAID_BY}', ?7, ?8)", [(*r, voucher_of_roster[r[0]][0]) for r in roster_rows])
    db.conn.executemany("INSERT INTO ledger_serials (kind, year, last_serial) VALUES ('roster', ?, ?) "
                        "ON CONFLICT (kind, year) DO UPDATE SET " + keep_higher("ledger_serials"),
                        list(roster_serial.items()))
    db.conn.executemany("INSERT INTO loans (id, loan_no, fund_id, household_id, principal_fen, issued_date, purpose, "
                        f"approved_by, approval_ref, guarantor, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                        f"'{APPROVED_BY}', ?, '', '{PAID_BY}', ?)", loan_rows)
    db.conn.executemany("INSERT INTO loan_schedule (loan_id, seq, due_date, amount_fen) VALUES (?, ?, ?, ?)",
                        schedule_rows)
    db.conn.executemany("INSERT INTO ledger_serials (kind, year, last_serial) VALUES ('loan', ?, ?) "
                        "ON CONFLICT (kind, year) DO UPDATE SET " + keep_higher("ledger_serials"),
                        list(loan_serial.items()))
    entries = write_entries(db, numbered)
    db.execute("INSERT INTO payment_roster_rows (roster_id, decision_id, household_id, amount_fen) SELECT roster_id, "
               "decision_id, household_id, -amount_fen FROM ledger_entries WHERE kind = 'payment' AND roster_id >= ? "
               "ORDER BY id", [first_roster])
    waiting = _waiting(db, rng, today, first_household_id, serial, stamp)
    closed = close_ended_months(db, today, by=PAID_BY) if close else 0
    return {"vouchers": len(numbered), "ledger_entries": entries, "closed_months": closed, "decisions_to_pay": waiting}


def _waiting(db: Database, rng: random.Random, today: _dt.date, first_household_id: int, serial: dict[int, int],
             stamp: str) -> int:
    """Work for the finance clerk: grants approved in the last fortnight and not paid yet, and the city's
    下拨资金 of this year not yet posted."""
    ids = [int(r[0]) for r in db.execute("SELECT id FROM households WHERE id >= ? AND status = 'active' ORDER BY id",
                                         [first_household_id])]
    chosen = rng.sample(ids, min(len(ids), max(3, min(200, len(ids) // 100))))
    app_rows: list[tuple[Any, ...]] = []
    first_app = int(scalar(db, "SELECT coalesce(max(id), 0) FROM applications")) + 1
    for hid in chosen:
        h = rows(db, "SELECT name, archive_no, id_number, bank_name, bank_branch, bank_account, category FROM households "
                     "WHERE id = ?", [hid])[0]
        decided = today - _dt.timedelta(days=rng.randint(0, 14))
        serial[decided.year] = serial.get(decided.year, 0) + 1
        project = rng.choice(("1", "1", "4", "5"))
        amount = rng.randrange(50_000, 300_000, 5_000)
        app_rows.append((first_app + len(app_rows), f"SQ{decided.year}{serial[decided.year]:06d}", hid, project, amount,
                         (decided - _dt.timedelta(days=20)).isoformat(), decided.isoformat(), stamp,
                         json.dumps({"household": h, "demo": True}, ensure_ascii=False)))
    insert_many(db,
        "INSERT INTO applications (id, app_no, household_id, kind, project, status, requested_fen, proposed_fen, "
        "approved_fen, needs_visit, needs_civil_check, needs_publicity, needs_materials, received_date, last_step_date, "
        "entered_by, entered_at, updated_at) VALUES (?, ?, ?, 'project', ?, 'approved', ?5, ?5, ?5, 0, 0, 0, 0, ?6, ?7, "
        f"'{ENTERED_BY}', ?8, ?8)", [a[:8] for a in app_rows])
    insert_many(db,
        "INSERT INTO decisions (id, application_id, household_id, outcome, kind, project, amount_fen, opinion, entered_by, "
        "approved_by, decided_on, decided_at, snapshot, status) VALUES (?1, ?1, ?3, 'approved', 'project', ?4, ?5, '同意', "
        f"'{ENTERED_BY}', '{APPROVED_BY}', ?7, ?8, ?9, 'unpaid')", app_rows)
    db.conn.executemany("INSERT INTO application_serials (year, last_serial) VALUES (?, ?) ON CONFLICT (year) "
                        "DO UPDATE SET " + keep_higher("application_serials"), list(serial.items()))
    county = str(scalar(db, "SELECT value FROM meta WHERE key = 'county_code'") or "530122")
    db.execute("INSERT INTO exchange_allocations (batch_id, sender_code, region_code, year, fund_source, amount_fen, "
               "dibao_month_fen, received_at) VALUES (?, ?, ?, ?, '1', ?, ?, ?)",
               [f"demo-{today.year}-allocation", county[:4] + "00", county, today.year,
                rng.randrange(20_000_000, 60_000_000, 1_000_000), 70_000, stamp])
    return len(app_rows)


Numbered = list[tuple[int, str, tuple[Any, ...]]]
PURPOSES = ("开办早餐店", "经营小卖部", "开设家政服务点", "购置农用机械", "开办修理铺", "养殖肉牛", "开设网店", "经营小吃摊")


def _loans(db: Database, rng: random.Random, books: _Books, start: _dt.date, today: _dt.date, first_household_id: int,
           fund: int, stamp: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[int, int]]:
    """创业周转金: an allocation into the revolving fund, a few loans to 在档 households with monthly
    schedules, repayments on (or a little after) the due dates, and some borrowers who stopped paying."""
    households = rows(db, "SELECT id, name, bank_name, bank_branch, bank_account FROM households WHERE id >= ? "
                          "AND status = 'active' ORDER BY id", [first_household_id])
    n = max(2, min(40, len(households) // 2500))
    if len(households) < n or (today - start).days < 120:
        return [], [], {}
    chosen = rng.sample(households, n)
    first_loan = int(scalar(db, "SELECT coalesce(max(id), 0) FROM loans")) + 1
    principals = [rng.randrange(1_000_000, 5_000_001, 100_000) for _ in chosen]
    books.add(start, 0, "receipt", "市总工会拨入创业周转金", [
        {"fund_id": fund, "kind": "allocation", "amount_fen": _round_up(sum(principals) * 11 // 10),
         "counterparty": "市总工会"}], ref_no=f"市工发〔{start.year}〕{rng.randint(10, 99)}号", counterparty="市总工会")
    loan_rows: list[tuple[Any, ...]] = []
    schedule_rows: list[tuple[Any, ...]] = []
    serial: dict[int, int] = defaultdict(int)
    for i, (h, principal) in enumerate(zip(chosen, principals)):
        loan_id = first_loan + i
        issued = start + _dt.timedelta(days=rng.randrange(5, max(6, (today - start).days - 60)))
        serial[issued.year] += 1
        loan_no = f"JK{issued.year}{serial[issued.year]:04d}"
        loan_rows.append((loan_id, loan_no, fund, h["id"], principal, issued.isoformat(), rng.choice(PURPOSES),
                          f"县工发〔{issued.year}〕{rng.randint(60, 99)}号", stamp))
        books.add(issued, 1, "loan", f"创业周转金借款 {loan_no} {h['name']}", [
            {"fund_id": fund, "kind": "loan", "amount_fen": -principal, "household_id": h["id"], "loan_id": loan_id,
             "counterparty": h["name"], "memo": f"借款 {loan_no}", "bank_name": h["bank_name"],
             "bank_branch": h["bank_branch"], "bank_account": h["bank_account"]}], counterparty=h["name"])
        first_due = loans.add_months(issued, 1)
        plan = loans.schedule(principal, 12, first_due)
        schedule_rows += [(loan_id, k + 1, d, a) for k, (d, a) in enumerate(plan)]
        stops = rng.random() < 0.3
        for k, (due, amount) in enumerate(plan):
            paid_on = _dt.date.fromisoformat(due) + _dt.timedelta(days=rng.randint(0, 10))
            if paid_on > today or (stops and k >= 2):
                break
            books.add(paid_on, 0, "repayment", f"收回周转金借款 {loan_no} {h['name']}", [
                {"fund_id": fund, "kind": "repayment", "amount_fen": amount, "household_id": h["id"], "loan_id": loan_id,
                 "counterparty": h["name"], "memo": f"还款 {loan_no} 第 {k + 1} 期"}], counterparty=h["name"])
    return loan_rows, schedule_rows, dict(serial)


def number_books(db: Database, books: _Books) -> Numbered:
    """(voucher id, 凭证号, voucher) in date order: receipts before transfers before payments on a day."""
    ordered = sorted(books.vouchers, key=lambda v: (v[0], v[1]))
    seq = {int(y): int(s) for y, s in db.execute("SELECT year, max(seq) FROM vouchers GROUP BY year")}
    first_voucher = int(scalar(db, "SELECT coalesce(max(id), 0) FROM vouchers")) + 1
    out: Numbered = []
    for n, v in enumerate(ordered):
        year = int(v[0][:4])
        seq[year] = seq.get(year, 0) + 1
        out.append((first_voucher + n, f"{year:04d}-{seq[year]:04d}", v))
    return out


def write_vouchers(db: Database, numbered: Numbered, *, posted_by: str) -> None:
    stamp = now_iso()
    db.conn.executemany(
        "INSERT INTO vouchers (id, year, seq, voucher_no, kind, entry_date, summary, ref_no, counterparty, posted_by, "
        "posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(vid, int(v[0][:4]), int(no[5:]), no, v[2], v[0], v[3], v[4], v[5], posted_by, stamp) for vid, no, v in numbered])


_COLS = ("fund_id", "kind", "amount_fen", "memo", "counterparty", "household_id", "decision_id", "project",
         "pay_method", "bank_name", "bank_branch", "bank_account", "record_no", "roster_id", "loan_id")
_TEXT = {"memo", "counterparty", "bank_name", "bank_branch", "bank_account"}


def write_entries(db: Database, numbered: Numbered) -> int:
    e_rows = [(vid, i + 1, v[0], *(ln.get(c, "" if c in _TEXT else None) for c in _COLS))
              for vid, _no, v in numbered for i, ln in enumerate(v[6])]
    db.conn.executemany(f"INSERT INTO ledger_entries (voucher_id, line, entry_date, {', '.join(_COLS)}) "
                        f"VALUES ({', '.join('?' * (len(_COLS) + 3))})", e_rows)
    return len(e_rows)


def close_ended_months(db: Database, today: _dt.date, *, by: str) -> int:
    """Close every month from the first entry up to the last ended month (and each year whose December is)."""
    first = scalar(db, "SELECT min(entry_date) FROM ledger_entries")
    if not first:
        return 0
    month = _dt.date.fromisoformat(str(first)).replace(day=1)
    stamp = now_iso()
    fund_ids = [int(r[0]) for r in db.execute("SELECT id FROM funds ORDER BY id")]
    running = dict.fromkeys(fund_ids, 0)
    monthly: dict[str, dict[int, int]] = defaultdict(dict)
    for m, f, s in db.execute("SELECT substr(entry_date, 1, 7), fund_id, sum(amount_fen) FROM ledger_entries "
                              "GROUP BY 1, 2"):
        monthly[str(m)][int(f)] = int(s)
    p_rows: list[tuple[Any, ...]] = []
    while month < today.replace(day=1):
        period = f"{month.year:04d}-{month.month:02d}"
        for f, s in monthly.get(period, {}).items():
            running[f] += s
        balances = json.dumps({str(f): running[f] for f in fund_ids})
        start, end = periods.bounds(period)
        p_rows.append((period, "month", start, end, stamp, by, balances))
        if month.month == 12:
            p_rows.append((f"{month.year:04d}", "year", f"{month.year:04d}-01-01", end, stamp, by, balances))
        month = (month + _dt.timedelta(days=32)).replace(day=1)
    db.conn.executemany("INSERT INTO ledger_periods (period, kind, start_date, end_date, closed_at, closed_by, balances) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", p_rows)
    db.conn.executemany("INSERT INTO ledger_period_log (period, action, at, by_user, reason, balances) "
                        "VALUES (?, 'close', ?, ?, '', ?)", [(p[0], p[4], p[5], p[6]) for p in p_rows])
    return sum(1 for p in p_rows if p[1] == "month")
