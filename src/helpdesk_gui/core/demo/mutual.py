"""Demo data of 职工医疗互助 (``helpdesk demo``): last year's and this year's plans, participating
units and their members, contributions, claims in every state, special advances and the quarterly
settlements already paid — as the real program would have written them, amounts by the real rule.

Called by ``core.demo.generate`` inside its transaction, after the ledger demo and before the ended
months are closed; written with ``executemany``; deterministic from the seed; skipped when the
database already has plans. The fund gets a yearly 上级工会 allocation on top of the contributions so
that it never runs short.
"""

from __future__ import annotations

import datetime as _dt
import json
import random
from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.db import now_iso, scalar
from helpdesk_gui.core.demo import ledger as ledger_demo
from helpdesk_gui.core.demo.vocabulary import (
    BANKS,
    EMPLOYER_HEADS,
    EMPLOYER_SUFFIX,
    EMPLOYER_TRADES,
    SURNAMES,
    People,
)
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.core.mutual.rule import History, Receipt, compute

CLERK, APPROVER, FINANCE = ledger_demo.ENTERED_BY, ledger_demo.APPROVED_BY, ledger_demo.PAID_BY
HOSPITALS = ("县人民医院", "县中医医院", "市第一人民医院", "省第一人民医院", "昆明医科大学第一附属医院", "县妇幼保健院")


def _day_in(rng: random.Random, first: _dt.date, last: _dt.date) -> _dt.date:
    return first + _dt.timedelta(days=rng.randrange(max((last - first).days, 0) + 1))


def generate(db: Database, *, seed: int, today: _dt.date, county: str, households: int) -> dict[str, int]:
    if scalar(db, "SELECT count(*) FROM mutual_plans"):
        return {}
    fund = mutual_plans.default_fund(db)
    if fund is None:
        return {}
    rng = random.Random(seed * 104_729 + 11)
    # invented members never take the ID number of someone in the register (archive heads join on purpose below)
    used = {str(r[0]) for r in db.execute("SELECT id_number FROM mutual_members UNION ALL SELECT id_number FROM "
                                          "households UNION ALL SELECT id_number FROM members")}
    people = People(rng, [county], used)
    stamp = now_iso()
    years = (today.year - 1, today.year)

    # plans: the settings' rules
    plan_ids: dict[int, int] = {}
    plans: dict[int, dict[str, Any]] = {}
    for year in years:
        values = mutual_plans._plan_values(mutual_plans.default_draft(db, year))
        cols = [*values, "created_by", "created_at", "updated_at"]
        cur = db.execute(f"INSERT INTO mutual_plans ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         [*values.values(), FINANCE, stamp, stamp])
        plan_ids[year] = int(cur.lastrowid or 0)
        plans[year] = mutual_plans.get_plan(db, plan_ids[year])

    # units and members
    n_units = max(6, min(120, households // 800))
    n_members = max(40, min(12_000, households // 8))
    names: set[str] = set()
    while len(names) < n_units:
        names.add(rng.choice(EMPLOYER_HEADS) + rng.choice(EMPLOYER_TRADES) + rng.choice(EMPLOYER_SUFFIX) + "工会")
    unit_names = sorted(names)
    db.conn.executemany("INSERT INTO mutual_units (name, contact, phone, created_at) VALUES (?, ?, ?, ?)",
                        [(n, rng.choice(SURNAMES) + "主席", f"0871-6{rng.randrange(10**6):06d}", stamp) for n in unit_names])
    unit_ids = [int(r[0]) for r in db.execute("SELECT id FROM mutual_units ORDER BY name")]
    first_member = int(scalar(db, "SELECT coalesce(max(id), 0) FROM mutual_members")) + 1
    m_rows: list[tuple[Any, ...]] = []
    # some members are heads of hardship archives (the members list links them)
    heads = [tuple(r) for r in db.execute("SELECT id_number, name, gender, birth_date, bank_name, bank_account "
                                          "FROM households WHERE status = 'active' AND id_number <> '' ORDER BY id")]
    for head in rng.sample(heads, min(len(heads), n_members // 10)):
        m_rows.append((first_member + len(m_rows), head[0], head[1], head[2], head[3],
                       unit_ids[len(m_rows) % len(unit_ids)], f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                       head[4] or BANKS[0][0], head[5] or BANKS[0][1] + f"{rng.randrange(10**15):015d}", None, CLERK,
                       stamp, stamp))
    for i in range(len(m_rows), n_members):
        sex = "1" if rng.random() < 0.62 else "2"
        birth = people.birth(22, 58, today)
        bank, prefix = rng.choice(BANKS)
        since = rng.randint(2008, years[0] - 1) if rng.random() < 0.6 else None
        m_rows.append((first_member + i, people.id_for(birth, sex, county), people.surname() + people.given(sex), sex,
                       birth.isoformat(), unit_ids[i % len(unit_ids)], f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                       bank, prefix + f"{rng.randrange(10**15):015d}", since, CLERK, stamp, stamp))
    db.conn.executemany("INSERT INTO mutual_members (id, id_number, name, gender, birth_date, unit_id, phone, bank_name, "
                        "bank_account, since_year, created_by, created_at, updated_at) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", m_rows)
    members = [(int(r[0]), int(r[5]), str(r[2]), str(r[7]), str(r[8]), r[9]) for r in m_rows]

    # enrolment and contributions: a receipt per unit in January, an allocation to cover the claims
    books = ledger_demo._Books()
    enrolled: dict[int, set[int]] = {}
    contribution_rows: list[tuple[Any, ...]] = []
    enrol_rows: list[tuple[Any, ...]] = []
    for year in years:
        plan = plans[year]
        stay = {m[0] for m in members if rng.random() < (0.93 if year == years[0] else 0.95)}
        enrolled[year] = stay
        by_unit: dict[int, list[int]] = defaultdict(list)
        for mid, uid, *_rest in members:
            if mid in stay:
                by_unit[uid].append(mid)
        for uid, mids in sorted(by_unit.items()):
            paid_on = min(_dt.date(year, 1, rng.randint(8, 28)), today)
            n = len(mids)
            shares = (n * int(plan["worker_fen"]), n * int(plan["unit_fen"]), n * int(plan["union_fen"]))
            unit = unit_names[unit_ids.index(uid)]
            lines = [{"fund_id": fund, "kind": "contribution", "amount_fen": fen, "counterparty": who,
                      "memo": f"{year}年度医疗互助金{label}（{n} 人）"}
                     for fen, who, label in zip(shares, (unit, unit, "工会"), ("职工个人缴纳", "单位补贴", "工会补贴"),
                                                strict=True) if fen]
            books.add(paid_on, 0, "receipt", f"收{unit}{year}年度医疗互助金 {n} 人", lines, counterparty=unit)
            contribution_rows.append((year, uid, n, *shares, sum(shares), paid_on.isoformat(), len(books.vouchers) - 1))
            enrol_rows += [(plan_ids[year], mid, uid, f"{year}-01-05", len(contribution_rows) - 1) for mid in mids]
        books.add(_dt.date(year, 1, 6), 0, "receipt", f"上级工会拨入{year}年度职工医疗互助补充资金",
                  [{"fund_id": fund, "kind": "allocation", "amount_fen": max(50_000_000, len(stay) * 40_000),
                    "counterparty": "市总工会"}], ref_no=f"市工发〔{year}〕{rng.randint(10, 40)}号", counterparty="市总工会")

    # claims: about 2 % of the members a year, decided through the year; settled by quarter
    history: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])   # (year, member) -> paid, ins, rehab
    paid_years = {m[0]: {y for y in years if m[0] in enrolled[y]} for m in members}
    first_year = years[0]
    claims: list[dict[str, Any]] = []
    serial: dict[int, int] = defaultdict(int)
    by_id = {m[0]: m for m in members}
    for year in years:
        plan = plans[year]
        rule = mutual_plans.rule_of(plan)
        last_day = min(_dt.date(year, 12, 31), today)
        if last_day < _dt.date(year, 2, 1):
            continue
        pool = sorted(enrolled[year])
        for mid in rng.sample(pool, max(3, len(pool) // 50)):
            recent = year == today.year and rng.random() < 0.3     # the clerk's and approver's work of the moment
            submitted = _day_in(rng, max(_dt.date(year, 2, 1), today - _dt.timedelta(days=25)) if recent
                                else _dt.date(year, 2, 1), last_day)
            receipts = []
            for k in range(rng.choice((1, 1, 1, 2, 3))):
                kind = rng.choice("1223334")
                big = kind in "34" and rng.random() < 0.08
                own = rng.randrange(30_000, 2_500_000 if big else 1_200_000, 100)
                ins = rng.randrange(100_000, 16_000_000 if big else 3_000_000, 100) if kind in "34" else 0
                day = _day_in(rng, _dt.date(year, 1, 10), submitted)
                prefix = "TJMZZYYB"[int(kind) * 2 - 2:int(kind) * 2]
                receipts.append((kind, f"{prefix}{year}{len(claims):05d}{k}",
                                 rng.choice(HOSPITALS), day.isoformat(), own + ins + rng.randrange(0, 200_000, 100), ins,
                                 own))
            claims.append({"year": year, "member": mid,
                           "submitted": submitted, "receipts": receipts, "rule": rule})
    claims.sort(key=lambda c: c["submitted"])
    for c in claims:                       # numbered in the order they were registered
        serial[c["submitted"].year] += 1
        c["no"] = f"HZ{c['submitted'].year}-{serial[c['submitted'].year]:04d}"
    claim_rows: list[tuple[Any, ...]] = []
    receipt_rows: list[tuple[Any, ...]] = []
    first_claim = int(scalar(db, "SELECT coalesce(max(id), 0) FROM mutual_claims")) + 1
    for n, c in enumerate(claims):
        cid = first_claim + n
        c["id"] = cid
        age = (today - c["submitted"]).days
        status = "draft" if age < 10 else ("rejected" if rng.random() < 0.04 else "approved")
        decided = min(c["submitted"] + _dt.timedelta(days=rng.randint(3, 9)), today)
        years_in = mutual_members._run(paid_years[c["member"]], c["year"], by_id[c["member"]][5], first_year)
        h: list[int] = history[(c["year"], c["member"])]
        result = compute(c["rule"], [Receipt(r[4], r[5], r[6]) for r in c["receipts"]],
                         History(years_in, h[0], h[1], h[2]))
        live = 0 if status == "rejected" else 1
        receipt_rows += [(cid, c["member"], i, *r, live) for i, r in enumerate(c["receipts"])]
        if status == "approved":
            h[0] += result.granted_fen
            h[1] += result.insurance_fen
            h[2] += result.rehab_fen
            c.update(result=result, decided=decided)
        claim_rows.append((cid, c["no"], plan_ids[c["year"]], c["member"], status, c["submitted"].isoformat(),
                           result.total_fen, result.insurance_fen, result.self_fen,
                           years_in if status == "approved" else None, result.rate_pct if status == "approved" else None,
                           *((result.subsidy_fen, result.rehab_fen, 0, result.payable_fen,
                              json.dumps(list(result.steps), ensure_ascii=False)) if status == "approved" else
                             (None,) * 5), CLERK, stamp, None if status == "draft" else APPROVER,
                           None if status == "draft" else decided.isoformat() + "T10:00:00+08:00",
                           "非定点医疗机构费用，不予报销" if status == "rejected" else ""))
    db.conn.executemany(
        "INSERT INTO mutual_claims (id, claim_no, plan_id, member_id, status, submitted_on, total_fen, insurance_fen, "
        "self_fen, years, rate_pct, subsidy_fen, rehab_fen, offset_fen, payable_fen, steps, created_by, created_at, "
        "decided_by, decided_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", claim_rows)
    db.conn.executemany("INSERT INTO mutual_receipts (claim_id, member_id, ord, kind, receipt_no, hospital, receipt_date, "
                        "total_fen, insurance_fen, self_fen, live) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", receipt_rows)

    # quarterly settlements of the ended quarters, paid on the 10th of the next month
    settle_rows: list[tuple[Any, ...]] = []
    settled: dict[int, list[dict[str, Any]]] = {}
    current = mutual_settle.quarter_of(today)
    quarters = sorted({mutual_settle.quarter_of(c["decided"]) for c in claims if "decided" in c} - {current})
    first_settlement = int(scalar(db, "SELECT coalesce(max(id), 0) FROM mutual_settlements")) + 1
    for k, q in enumerate(quarters):
        _first, last = mutual_settle.quarter_bounds(q)
        paid_on = min(_dt.date.fromisoformat(last) + _dt.timedelta(days=10), today)
        batch = [c for c in claims if "decided" in c and mutual_settle.quarter_of(c["decided"]) == q]
        sid = first_settlement + k
        settled[sid] = batch
        total = sum(c["result"].payable_fen for c in batch)
        lines = [{"fund_id": fund, "kind": "mutual_aid", "amount_fen": -c["result"].payable_fen,
                  "counterparty": by_id[c["member"]][2], "memo": f"医疗互助报销 {c['no']}",
                  "bank_name": by_id[c["member"]][3], "bank_account": by_id[c["member"]][4]}
                 for c in batch if c["result"].payable_fen > 0]
        if not lines:          # advances settled everything: nothing to pay
            settle_rows.append((sid, f"JS{q.replace('-', '')}-01", q, fund, len(batch), total, FINANCE, stamp,
                                paid_on.isoformat(), None, FINANCE, stamp))
            continue
        books.add(paid_on, 2, "payment", f"{mutual_settle.quarter_label(q)}医疗互助报销结算 JS{q.replace('-', '')}-01"
                  f"（{len(lines)} 人次）", lines, ref_no=f"JS{q.replace('-', '')}-01", counterparty="医疗互助会员")
        settle_rows.append((sid, f"JS{q.replace('-', '')}-01", q, fund, len(batch), total, FINANCE, stamp,
                            paid_on.isoformat(), len(books.vouchers) - 1, FINANCE, stamp))

    # the books: numbered after what is there, then the links to vouchers and entries
    numbered = ledger_demo.number_books(db, books)
    voucher_of = {id(v): vid for vid, _no, v in numbered}
    vid_by_index = [voucher_of[id(v)] for v in books.vouchers]
    ledger_demo.write_vouchers(db, numbered, posted_by=FINANCE)
    entries = ledger_demo.write_entries(db, numbered)
    first_contribution = int(scalar(db, "SELECT coalesce(max(id), 0) FROM mutual_contributions")) + 1
    db.conn.executemany(
        "INSERT INTO mutual_contributions (id, plan_id, unit_id, members, worker_fen, unit_fen, union_fen, amount_fen, "
        "received_on, voucher_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(first_contribution + i, plan_ids[r[0]], *r[1:7], r[7], vid_by_index[r[8]], FINANCE, stamp)
         for i, r in enumerate(contribution_rows)])
    db.conn.executemany("INSERT INTO mutual_enrolments (plan_id, member_id, unit_id, enrolled_on, contribution_id, "
                        "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(*e[:4], first_contribution + e[4], CLERK, stamp) for e in enrol_rows])
    db.conn.executemany(
        "INSERT INTO mutual_settlements (id, settle_no, quarter, fund_id, status, claims, total_fen, created_by, "
        "created_at, paid_date, voucher_id, posted_by, posted_at) VALUES (?, ?, ?, ?, 'posted', ?, ?, ?, ?, ?, ?, ?, ?)",
        [(*s[:9], None if s[9] is None else vid_by_index[s[9]], *s[10:]) for s in settle_rows])
    pay_rows: list[tuple[Any, ...]] = []
    for s in settle_rows:
        entry_ids = [] if s[9] is None else [int(r[0]) for r in db.execute(
            "SELECT id FROM ledger_entries WHERE voucher_id = ? ORDER BY line", [vid_by_index[s[9]]])]
        paying = [c for c in settled[s[0]] if c["result"].payable_fen > 0]
        pay_rows += [(eid, c["id"], s[0], c["result"].payable_fen) for eid, c in zip(entry_ids, paying, strict=True)]
        db.conn.executemany("UPDATE mutual_claims SET status = 'settled', settlement_id = ? WHERE id = ?",
                            [(s[0], c["id"]) for c in settled[s[0]]])
    db.conn.executemany("INSERT INTO mutual_payments (entry_id, claim_id, settlement_id, amount_fen) VALUES (?, ?, ?, ?)",
                        pay_rows)
    db.conn.executemany("INSERT INTO mutual_serials (kind, year, last_serial) VALUES ('claim', ?, ?) "
                        "ON CONFLICT (kind, year) DO UPDATE SET " + ledger_demo.keep_higher("mutual_serials"),
                        list(serial.items()))
    # last year's plan is closed once its late claims are in (after March)
    if today.month > 3:
        db.execute("UPDATE mutual_plans SET status = 'closed' WHERE period < ?", [str(today.year)])
    return {"mutual_members": len(members), "mutual_claims": len(claims), "mutual_settlements": len(settle_rows),
            "mutual_vouchers": len(numbered), "mutual_entries": entries}
