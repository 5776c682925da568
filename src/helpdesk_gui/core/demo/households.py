"""A realistic synthetic county for trying the program and for benchmarks (``helpdesk demo``).

Valid ID numbers (unique across the register), Chinese names with surname readings, families
with spouses, children and parents, incomes and rigid expenses that agree with the category,
employers with their condition, townships, exited and cancelled archives, and payments.
Same seed and same day, same data. Every derived column (pinyin, reversed numbers, 家庭月人均收入,
the income test's figure and suggestion) comes from ``core.register.derive``, as for a household
saved in the editor; written with ``executemany`` in one transaction.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.db import get_meta, now_iso, scalar, write
from helpdesk_gui.core.demo import ledger as ledger_demo
from helpdesk_gui.core.demo import mutual as mutual_demo
from helpdesk_gui.core.demo import reception as reception_demo
from helpdesk_gui.core.demo import workflow as workflow_demo
from helpdesk_gui.core.demo.ledger import keep_higher
from helpdesk_gui.core.demo.vocabulary import (
    BANKS,
    EMPLOYER_HEADS,
    EMPLOYER_SUFFIX,
    EMPLOYER_TRADES,
    PROJECT_AMOUNTS,
    SCHOOLS,
    STREETS,
    TOWNSHIPS,
    VILLAGES,
    People,
    weighted,
)
from helpdesk_gui.core.register import derive
from helpdesk_gui.core.register import households as register


def generate(db: Database, actor: Actor, households: int, *, seed: int = 1, today: _dt.date | None = None,
             progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Append ``households`` synthetic archives. Returns counts of what was written."""
    rng = random.Random(seed)
    today = today or _dt.date.today()
    county = get_meta(db, "county_code") or "530122"
    regions = [county, county[:4] + f"{(int(county[4:]) + 1) % 100:02d}", county[:4] + f"{(int(county[4:]) + 2) % 100:02d}"]
    used = {r[0] for r in db.execute("SELECT id_number FROM households UNION SELECT id_number FROM members")}
    people = People(rng, regions, used)
    dibao = int(settings.get(db, "default_dibao_month_fen"))
    multiplier = Decimal(str(settings.get(db, "relative_multiplier")))
    stamp = now_iso()
    counts = {"households": 0, "members": 0, "assistance_records": 0, "employers": 0}
    with write(db), register.fts_deferred(db):
        existing_employers = scalar(db, "SELECT count(*) FROM employers") or 0
        employer_ids: list[int] = []
        if existing_employers < 50:
            emp_rows: list[tuple[str, str, str, str, str]] = []
            names: set[str] = set()
            while len(emp_rows) < 400:
                name = rng.choice(EMPLOYER_HEADS) + rng.choice(EMPLOYER_TRADES) + rng.choice(EMPLOYER_SUFFIX)
                if name in names:
                    name = rng.choice(TOWNSHIPS)[:2] + name
                    if name in names:
                        continue
                names.add(name)
                nature = weighted(rng, [("2", 20), ("3", 10), ("4", 45), ("5", 10), ("1", 8), ("8", 7)])
                condition = weighted(rng, [("1", 55), ("2", 20), ("3", 12), ("4", 8), ("5", 5)])
                industry = rng.choice("ABCEFGHKO")
                emp_rows.append((name, nature, condition, industry, county))
            db.conn.executemany("INSERT INTO employers (name, nature, condition, industry, region_code) "
                                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", emp_rows)
            counts["employers"] = len(emp_rows)
        employer_ids = [r[0] for r in db.execute("SELECT id FROM employers ORDER BY id")]
        org_ids = [r[0] for r in db.execute("SELECT id FROM org_units ORDER BY id")]
        if len(org_ids) < 3:
            for t in TOWNSHIPS[:6]:
                db.execute("INSERT INTO org_units (name, level, parent_id, region_code) VALUES (?, 'township', ?, ?) "
                           "ON CONFLICT DO NOTHING",
                           [f"{t}困难职工帮扶站", org_ids[0] if org_ids else None, county])
            org_ids = [r[0] for r in db.execute("SELECT id FROM org_units ORDER BY id")]
        if not scalar(db, "SELECT count(*) FROM policy_standards"):
            db.conn.executemany("INSERT INTO policy_standards (region_code, effective_from, dibao_month_fen, "
                                "min_wage_month_fen, source) VALUES (?, ?, ?, ?, ?)",
                                [(county, "2024-01-01", dibao - 5000, 169000, "演示数据"),
                                 (county, "2025-07-01", dibao, 182000, "演示数据")])
        serials = {str(p): int(n) for p, n in db.execute("SELECT prefix, last_serial FROM archive_serials")}
        next_id = int(scalar(db, "SELECT coalesce(max(id), 0) FROM households")) + 1
        next_record = int(scalar(db, "SELECT coalesce(max(id), 0) FROM assistance_records")) + 1
        h_cols = ["id", "sender_code", "archive_no", "archive_type", "status", "exit_reason", "category", "category_suggested", "name", "name_pinyin", "name_initials", "gender", "ethnicity", "political", "id_number", "id_rev", "birth_date", "health", "disability_type", "work_status", "model_worker", "phone", "phone_rev", "employer_id", "marital", "hukou_type", "is_union_member", "is_migrant", "org_unit_id", "township", "address", "hukou_region_code", "housing_type", "housing_area_m2", "medical_insurance", "single_parent", "zero_employment", "self_help_ability", "bank_name", "bank_branch", "bank_account", "cause_main", "causes_secondary", "family_size", "income_from", "income_to", "annual_income_fen", "rigid_expense_fen", "per_capita_month_fen", "income_test_month_fen", "created_date", "exit_date", "last_review_date", "created_at", "updated_at"]
        at = {c: i for i, c in enumerate(h_cols)}
        rules = derive.RulesBook(db, today)
        m_cols = ["household_id", "ord", "name", "relation", "id_number", "birth_date", "gender", "health", "identity", "school_or_employer", "monthly_income_fen"]
        a_cols = ["sender_code", "record_no", "household_id", "project", "fund_source", "amount_fen", "paid_date", "method", "approver", "remarks", "origin", "created_at"]
        h_rows: list[tuple[Any, ...]] = []
        m_rows: list[tuple[Any, ...]] = []
        a_rows: list[tuple[Any, ...]] = []
        phones: set[str] = set()

        def flush() -> None:
            db.conn.executemany(f"INSERT INTO households ({', '.join(h_cols)}) VALUES ({', '.join('?' * len(h_cols))})",
                                h_rows)
            db.conn.executemany(f"INSERT INTO members ({', '.join(m_cols)}) VALUES ({', '.join('?' * len(m_cols))})",
                                m_rows)
            db.conn.executemany(f"INSERT INTO assistance_records ({', '.join(a_cols)}) "
                                f"VALUES ({', '.join('?' * len(a_cols))})", a_rows)
            counts["households"] += len(h_rows)
            counts["members"] += len(m_rows)
            counts["assistance_records"] += len(a_rows)
            h_rows.clear()
            m_rows.clear()
            a_rows.clear()

        for i in range(households):
            hid = next_id + i
            sex = "1" if rng.random() < 0.58 else "2"
            birth = people.birth(24, 58, today)
            idn = people.id_for(birth, sex)
            surname = people.surname()
            name = surname + people.given(sex)
            created = today - _dt.timedelta(days=rng.randrange(30, 365 * 8))
            year = created.year
            prefix = f"{county}{year}"
            serials[prefix] = serials.get(prefix, 0) + 1
            archive_no = f"{prefix}{serials[prefix]:05d}"
            status = weighted(rng, [("active", 800), ("exited", 80), ("cancelled", 40), ("applying", 30),
                                     ("visiting", 20), ("publicity", 15), ("pending", 15)])
            if status in ("applying", "visiting", "publicity", "pending"):
                created = today - _dt.timedelta(days=rng.randrange(1, 40))
            exit_reason = rng.choice(("retired", "transferred", "deceased", "ineligible")) if status == "cancelled" else None
            exit_date = (created + _dt.timedelta(days=rng.randrange(200, 900))) if status in ("exited", "cancelled") else None
            if exit_date and exit_date > today:
                exit_date = today - _dt.timedelta(days=rng.randrange(1, 30))
            # family
            members: list[tuple[Any, ...]] = []
            spouse = rng.random() < 0.72
            if spouse:
                s_sex = "2" if sex == "1" else "1"
                s_birth = birth + _dt.timedelta(days=rng.randint(-1500, 1500))
                s_ident = weighted(rng, [("1", 35), ("3", 20), ("9", 20), ("8", 15), ("7", 10)])
                s_income = rng.randrange(0, 160000, 100) if s_ident in ("1", "8", "7") else 0
                members.append(("1", people.surname() + people.given(s_sex), s_sex, s_birth,
                                s_ident, "", s_income))
            for _ in range(weighted(rng, [(0, 15), (1, 45), (2, 30), (3, 10)])):
                c_sex = rng.choice("12")
                lo = max(birth.year + 20, today.year - 26)
                c_year = rng.randint(min(lo, today.year - 1), today.year - 1)
                c_birth = _dt.date(c_year, rng.randint(1, 12), rng.randint(1, 28))
                age = ids.age_on(c_birth, today)
                ident = ("26" if age < 6 else "25" if age < 12 else "24" if age < 15 else "23" if age < 18
                         else "21" if age < 23 else weighted(rng, [("1", 50), ("3", 30), ("8", 20)]))
                school = rng.choice(SCHOOLS) if ident in ("21", "22", "23", "24", "25") else ""
                income = rng.randrange(150000, 300000, 100) if ident in ("1", "8") else 0
                members.append(("2", surname + people.given(c_sex), c_sex, c_birth, ident, school, income))
            if rng.random() < 0.12:
                p_birth = birth - _dt.timedelta(days=rng.randint(20 * 365, 32 * 365))
                p_sex = rng.choice("12")
                members.append(("3", surname + people.given(p_sex), p_sex, p_birth, "4", "", rng.randrange(0, 120000, 100)))
            size = 1 + len(members)
            category = weighted(rng, [("1", 45), ("2", 45), ("3", 10)])
            line = dibao if category == "1" else int(dibao * multiplier)
            target_pc = rng.randrange(max(line // 3, 1), line) if category in ("1", "2") else rng.randrange(dibao, line * 2)
            rigid = rng.randrange(0, 3000000, 100) if category != "1" else rng.randrange(0, 800000, 100)
            if category == "3":
                rigid = rng.randrange(2000000, 8000000, 100)
            annual = target_pc * size * 12 + rigid
            earned = sum(m[6] for m in members) * 12
            if earned > annual:   # the members' 月收入 are part of the declared income (the income test counts them)
                members = [(*m[:6], m[6] * annual // earned // 100 * 100) for m in members]
            cause_main = {"1": rng.choice("1236"), "2": rng.choice(["3", "6", "9", "2", "5"]),
                          "3": rng.choice("678")}[category]
            secondary = rng.sample([c for c in ("1", "2", "3", "4", "5", "6", "9") if c != cause_main],
                                   weighted(rng, [(0, 40), (1, 40), (2, 20)]))
            health = cause_main == "6" and rng.choice(["3", "4", "5", "6", "10"]) or weighted(rng, [("1", 70), ("2", 20), ("12", 10)])
            work_status = {"3": "3", "2": "9", "1": "9"}.get(cause_main) or weighted(rng, [("1", 60), ("2", 10), ("7", 15), ("8", 15)])
            while True:
                phone = rng.choice(("13", "15", "18", "17", "19")) + f"{rng.randrange(10**9):09d}"
                if phone not in phones:
                    phones.add(phone)
                    break
            bank, bin_ = rng.choice(BANKS)
            account = bin_ + "".join(str(rng.randrange(10)) for _ in range(15))
            township = rng.choice(TOWNSHIPS)
            address = f"{township}{rng.choice(STREETS)}{rng.choice(VILLAGES)}{rng.randint(1, 300)}号"
            employer = rng.choice(employer_ids) if employer_ids and work_status != "9" else None
            review = (today - _dt.timedelta(days=rng.randrange(0, 500))) if status == "active" else None
            if review and review < created:
                review = None
            updated = max(created, review or created)
            h_row: list[Any] = [
                hid, county, archive_no, "2" if work_status == "8" else weighted(rng, [("1", 90), ("3", 10)]), status,
                exit_reason, category, None, name, "", "", sex,
                "01" if rng.random() < 0.8 else rng.choice(["03", "07", "08", "14", "21"]),
                weighted(rng, [("4", 80), ("1", 15), ("2", 5)]), idn, "", birth.isoformat(), health,
                "4" if health == "19" else None, work_status, "0" if rng.random() < 0.98 else "3", phone, "",
                employer, "2" if spouse else rng.choice("134"), rng.choice("12"), 1 if rng.random() < 0.9 else 0,
                1 if work_status == "8" else 0, rng.choice(org_ids), township, address,
                idn[:6], weighted(rng, [("1", 30), ("2", 20), ("7", 25), ("5", 10), ("6", 10), ("9", 5)]),
                float(rng.randint(25, 110)), weighted(rng, [("1", 60), ("2", 35), ("3", 5)]),
                1 if not spouse and members else 0, 1 if work_status in ("3", "9") and not any(
                    m[6] for m in members) else 0, 1 if rng.random() < 0.6 else 0, bank, f"{township}支行", account,
                cause_main, ",".join(secondary), size, (created - _dt.timedelta(days=365)).isoformat(),
                (created - _dt.timedelta(days=1)).isoformat(), annual, rigid, 0, 0, created.isoformat(),
                exit_date.isoformat() if exit_date else None, review.isoformat() if review else None,
                stamp, f"{updated.isoformat()}T09:00:00+08:00"]
            people_of: list[dict[str, Any]] = []
            for order, (relation, m_name, m_sex, m_birth, ident, school, income) in enumerate(members):
                m_id = people.id_for(m_birth, m_sex, idn[:6]) if m_birth.year < today.year else ""
                m_health = "1" if rng.random() < 0.85 else "2"
                m_rows.append((hid, order, m_name, relation, m_id, m_birth.isoformat(), m_sex,
                               m_health, ident, school, income))
                people_of.append({"name": m_name, "id_number": m_id, "birth_date": m_birth.isoformat(),
                                  "gender": m_sex, "health": m_health, "identity": ident, "monthly_income_fen": income})
            own = {"name": name, "id_number": idn, "phone": phone, "hukou_region_code": h_row[at["hukou_region_code"]],
                   "family_size": size, "annual_income_fen": annual, "rigid_expense_fen": rigid}
            for column, value in derive.derive(own, people_of, rules, on=today).columns().items():
                h_row[at[column]] = value
            h_rows.append(tuple(h_row))
            if status in ("active", "exited"):
                for _ in range(weighted(rng, [(0, 20), (1, 40), (2, 30), (3, 10)])):
                    project = weighted(rng, [("1", 40), ("4", 30), ("3", 15), ("2", 10), ("5", 5)])
                    lo, hi = PROJECT_AMOUNTS[project]
                    paid = created + _dt.timedelta(days=rng.randrange(10, 700))
                    if paid > today:
                        paid = today - _dt.timedelta(days=rng.randrange(1, 60))
                    a_rows.append((county, f"{county}{paid.year}P{next_record:07d}", hid, project,
                                   weighted(rng, [("1", 30), ("4", 30), ("5", 25), ("6", 15)]),
                                   rng.randrange(lo, hi, 5000), paid.isoformat(), "2" if rng.random() < 0.9 else "1",
                                   "演示审批人", "", "local", stamp))
                    next_record += 1
            if len(h_rows) >= 5000:
                flush()
                if progress:
                    progress(i + 1, households)
        flush()
        db.conn.executemany("INSERT INTO archive_serials (prefix, last_serial) VALUES (?, ?) ON CONFLICT (prefix) "
                            "DO UPDATE SET " + keep_higher("archive_serials"), list(serials.items()))
        counts.update(workflow_demo.generate(db, seed=seed, today=today, first_household_id=next_id))
        counts.update(reception_demo.generate(db, seed=seed, today=today, first_household_id=next_id))
        books = ledger_demo.generate(db, seed=seed, today=today, first_household_id=next_id, county=county, close=False)
        counts.update(books)
        counts.update(mutual_demo.generate(db, seed=seed, today=today, county=county, households=households))
        ledger_demo.ids_all_taken(db)
        if books.get("vouchers"):
            counts["closed_months"] = ledger_demo.close_ended_months(db, today, by=ledger_demo.PAID_BY)
        audit.record(db, actor.username, "demo", "database", county, None, {"seed": seed, **counts},
                     households=range(next_id, next_id + households))
    dbm.after_bulk(db)
    if progress:
        progress(households, households)
    return counts
