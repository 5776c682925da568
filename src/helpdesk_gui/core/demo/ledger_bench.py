"""A large, valid ledger for the benchmark (``benchmarks/run.py --jobs ledger``): years of monthly
allocations, donations, interest, transfers into purpose funds and payment rosters of approved
decisions to households, about ``entries`` ledger lines in all, every one as the program would
have written it (decision, 帮扶记录, voucher numbered per year, fund balances kept by the trigger,
every ended month closed). ``helpdesk check`` passes on the result.

Written with ``executemany`` in one transaction, through the same schema (triggers and checks on).
"""

from __future__ import annotations

import datetime as _dt
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.db import get_meta, now_iso, scalar, write
from helpdesk_gui.core.demo import ledger as ledger_demo

LINES_PER_ROSTER = 100
PAY_FUNDS = ("中央财政帮扶资金", "上级工会拨付资金", "本级工会帮扶经费", "社会捐助（一日捐）", "大病救助金", "中小学助学金")
PROJECT_OF = {"大病救助金": "2", "中小学助学金": "3"}


def _households(db: Database, n: int, county: str, rng: random.Random, stamp: str) -> list[int]:
    first = int(scalar(db, "SELECT coalesce(max(id), 0) FROM households")) + 1
    rows = []
    for i in range(n):
        rows.append((first + i, county, f"{county}BENCH{i:07d}", "active", "1" if i % 2 else "2", f"测试户{i}",
                     f"{county}B{i:011d}", "城关镇" if i % 3 else "板桥镇", "中国农业银行",
                     f"6228{rng.randrange(10**15):015d}", "2020-01-01", stamp, stamp))
    db.conn.executemany("INSERT INTO households (id, sender_code, archive_no, status, category, name, id_number, township, "
                        "bank_name, bank_account, created_date, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return [r[0] for r in rows]


def bulk(db: Database, entries: int, *, years: int = 5, seed: int = 1, today: _dt.date | None = None,
         households: int = 20_000, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """About ``entries`` lines over ``years`` years ending today. Needs a database without vouchers."""
    today = today or _dt.date.today()
    rng = random.Random(seed)
    county = get_meta(db, "county_code") or "530122"
    stamp = now_iso()
    fund_id = {str(n): int(i) for i, n in db.execute("SELECT id, name FROM funds")}
    start = _dt.date(today.year - years + 1, 1, 1)
    months: list[_dt.date] = []
    m = start
    while m <= today:
        months.append(m)
        m = (m + _dt.timedelta(days=32)).replace(day=1)
    per_month = max(1, entries // len(months))
    with write(db):
        if scalar(db, "SELECT count(*) FROM vouchers"):
            raise ValueError("bulk needs a ledger without vouchers")
        hh = _households(db, households, county, rng, stamp)
        first_app = int(scalar(db, "SELECT coalesce(max(id), 0) FROM applications")) + 1
        serial: dict[int, int] = defaultdict(int)
        roster_serial: dict[int, int] = defaultdict(int)
        first_roster = int(scalar(db, "SELECT coalesce(max(id), 0) FROM payment_rosters")) + 1
        books = ledger_demo._Books()
        apps: list[tuple[Any, ...]] = []
        recs: list[tuple[Any, ...]] = []
        rosters: list[tuple[Any, ...]] = []
        for k, month in enumerate(months):
            last = min((month + _dt.timedelta(days=32)).replace(day=1) - _dt.timedelta(days=1), today)
            payments = int(per_month * 0.9)
            need: dict[str, int] = defaultdict(int)
            for r in range(0, payments, LINES_PER_ROSTER):
                fund = PAY_FUNDS[(r // LINES_PER_ROSTER + k) % len(PAY_FUNDS)]
                project = PROJECT_OF.get(fund, rng.choice("1145"))
                day = month + _dt.timedelta(days=rng.randrange(0, (last - month).days + 1))
                roster_id = first_roster + len(rosters)
                roster_serial[day.year] += 1
                lines = []
                for _ in range(min(LINES_PER_ROSTER, payments - r)):
                    hid = hh[rng.randrange(len(hh))]
                    amount = rng.randrange(20_000, 500_000, 500)
                    need[fund] += amount
                    serial[day.year] += 1
                    app_id = first_app + len(apps)
                    record_no = f"B{app_id:09d}"
                    apps.append((app_id, f"SQ{day.year}{serial[day.year]:07d}", hid, project, amount, day.isoformat(),
                                 stamp, record_no))
                    recs.append((county, record_no, hid, project, amount, day.isoformat(), stamp))
                    lines.append({"fund_id": fund_id[fund], "kind": "payment", "amount_fen": -amount, "household_id": hid,
                                  "decision_id": app_id, "project": project, "pay_method": "2", "record_no": record_no,
                                  "roster_id": roster_id, "counterparty": f"测试户{hid}", "memo": f"申请 {app_id}"})
                rosters.append((roster_id, f"HMC{day.year}{roster_serial[day.year]:05d}", f"{day:%Y-%m} 发放", fund_id[fund],
                                day.isoformat(), stamp))
                books.add(day, 2, "payment", f"{day:%Y-%m} 帮扶发放", lines, ref_no=f"DF{roster_id}", roster=roster_id)
            own = "本级工会帮扶经费"
            purpose = {f: ledger_demo._round_up(need[f] * 11 // 10) for f in PROJECT_OF if need.get(f)}
            for fund in ("中央财政帮扶资金", "上级工会拨付资金"):
                if need.get(fund):
                    books.add(month, 0, "receipt", f"{month:%Y-%m} {fund}拨款", [
                        {"fund_id": fund_id[fund], "kind": "allocation",
                         "amount_fen": ledger_demo._round_up(need[fund] * 11 // 10)}],
                        ref_no=f"工发〔{month.year}〕{month.month}号")
            own_total = ledger_demo._round_up(need.get(own, 0) * 11 // 10) + sum(purpose.values())
            books.add(month, 0, "receipt", f"{month:%Y-%m} 本级工会帮扶经费", [
                {"fund_id": fund_id[own], "kind": "allocation", "amount_fen": own_total}], ref_no=f"县工发〔{month.year}〕")
            for fund, cover in purpose.items():   # purpose funds are fed by transfers from the union's own money
                books.add(month, 1, "transfer", f"调入{fund}", [
                    {"fund_id": fund_id[own], "kind": "transfer_out", "amount_fen": -cover, "counterparty": fund},
                    {"fund_id": fund_id[fund], "kind": "transfer_in", "amount_fen": cover, "counterparty": own}])
            gifts = need.get("社会捐助（一日捐）", 0)
            if gifts:
                donors = max(1, min(int(per_month * 0.08), 2_000))
                share = ledger_demo._round_up(gifts * 11 // 10, 100) // donors + 100
                books.add(month, 0, "receipt", "一日捐", [
                    {"fund_id": fund_id["社会捐助（一日捐）"], "kind": "donation", "amount_fen": share,
                     "counterparty": f"捐赠人{d}"} for d in range(donors)], counterparty="职工捐款")
            books.add(last, 3, "receipt", "专户利息", [
                {"fund_id": fund_id["专户利息"], "kind": "interest", "amount_fen": rng.randrange(10_000, 90_000)}])
            if progress:
                progress(k + 1, len(months))
        numbered = ledger_demo.number_books(db, books)
        voucher_of = {v[8]: (vid, no) for vid, no, v in numbered if v[8] is not None}
        ledger_demo.insert_many(db,
            "INSERT INTO applications (id, app_no, household_id, kind, project, status, requested_fen, proposed_fen, "
            "approved_fen, needs_visit, needs_civil_check, needs_publicity, needs_materials, received_date, "
            "last_step_date, entered_by, entered_at, updated_at) VALUES (?, ?, ?, 'project', ?, 'approved', ?5, ?5, ?5, "
            "0, 0, 0, 0, ?6, ?6, 'bench_clerk', ?7, ?7)", [a[:7] for a in apps])
        roster_of_app = {}
        for _vid, no, v in numbered:
            for ln in v[6]:
                if ln.get("decision_id"):
                    roster_of_app[ln["decision_id"]] = no
        ledger_demo.insert_many(db,
            "INSERT INTO decisions (id, application_id, household_id, outcome, kind, project, amount_fen, opinion, "
            "entered_by, approved_by, decided_on, decided_at, snapshot, status, paid_at, paid_by, paid_ref) VALUES "
            "(?1, ?1, ?3, 'approved', 'project', ?4, ?5, '同意', 'bench_clerk', 'bench_approver', ?6, ?7, '{}', 'paid', "
            "?6, 'bench_finance', ?9)", [(*a, roster_of_app[a[0]]) for a in apps])
        db.conn.executemany("INSERT INTO assistance_records (sender_code, record_no, household_id, project, fund_source, "
                            "amount_fen, paid_date, method, approver, origin, created_at) VALUES (?, ?, ?, ?, '5', ?, ?, "
                            "'2', 'bench_approver', 'local', ?)", recs)
        db.conn.executemany("INSERT INTO application_serials (year, last_serial) VALUES (?, ?) ON CONFLICT (year) "
                            "DO UPDATE SET " + ledger_demo.keep_higher("application_serials"), list(serial.items()))
        ledger_demo.write_vouchers(db, numbered, posted_by="bench_finance")
        ledger_demo.insert_many(db,
            "INSERT INTO payment_rosters (id, roster_no, title, fund_id, pay_method, status, created_by, created_at, "
            "paid_date, bank_batch, paid_by, paid_at, voucher_id) VALUES (?1, ?2, ?3, ?4, '2', 'paid', 'bench_finance', "
            "?6, ?5, 'DF', 'bench_finance', ?6, ?7)", [(*r, voucher_of[r[0]][0]) for r in rosters])
        written = ledger_demo.write_entries(db, numbered)
        db.execute("INSERT INTO payment_roster_rows (roster_id, decision_id, household_id, amount_fen) SELECT roster_id, "
                   "decision_id, household_id, -amount_fen FROM ledger_entries WHERE kind = 'payment' ORDER BY id")
        ledger_demo.ids_all_taken(db)
        closed = ledger_demo.close_ended_months(db, today, by="bench_finance")
        audit.record(db, "bench_finance", "demo", "database", county, None,
                     {"households": len(hh), "vouchers": len(numbered)}, households=hh)
    return {"households": len(hh), "vouchers": len(numbered), "ledger_entries": written, "decisions": len(apps),
            "closed_months": closed}
