"""One household derivation (``core.register.derive``) and migration 0008, which brought stored rows in line."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from helpdesk_gui.core import check
from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.admin import policy
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.db import _migrations, row, rows, scalar, write
from helpdesk_gui.core.register import derive, eligibility
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft

ON = dt.date(2026, 3, 10)
RULES = eligibility.Rules(dibao_month_fen=70_000, min_wage_month_fen=169_000)
HEAD = ids.make("530122", dt.date(1975, 5, 6), 123)
SPOUSE = ids.make("530122", dt.date(1977, 8, 9), 224)     # 48, female, even sequence
SON = ids.make("530122", dt.date(1995, 6, 1), 331)        # 30, male


def _half_up(x: Fraction) -> int:
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


def _rules(_region: str) -> eligibility.Rules:
    return RULES


def test_every_derived_column_from_the_household_alone():
    d = derive.derive({"name": "曾志伟", "id_number": HEAD, "phone": "13812345678", "family_size": 3,
                       "annual_income_fen": 1_900_000, "rigid_expense_fen": 900_000}, [], _rules, on=ON)
    assert set(d.columns()) == set(derive.DERIVED_COLUMNS)
    assert (d.name_pinyin, d.name_initials) == ("zengzhiwei", "zzw")      # 曾 read as a surname
    assert (d.id_rev, d.phone_rev) == (HEAD[::-1], "87654321831")
    assert d.hukou_region_code == "530122"                                 # the 户籍地 default: the ID's region
    assert d.per_capita_month_fen == d.income_test_month_fen == 27_778     # (19,000 − 9,000) ÷ 3 ÷ 12
    assert d.category_suggested == "1"
    assert derive.home_region({"hukou_region_code": "530102", "id_number": HEAD}) == "530102"
    typo = HEAD[:17] + ("0" if HEAD[17] != "0" else "1")
    assert derive.home_region({"id_number": typo}) == ""                   # not a valid number: no default


def test_per_capita_is_the_contract_formula_and_the_credit_is_the_income_tests():
    """家庭月人均收入 never carries the minimum-wage credit; the income test's figure does."""
    son = {"name": "张小", "id_number": SON, "identity": "3", "health": "1"}  # no 性别/出生日期: read from the ID
    d = derive.derive({"name": "张三", "id_number": HEAD, "family_size": 2, "annual_income_fen": 1_200_000,
                       "rigid_expense_fen": 0}, [son], _rules, on=ON)
    assert d.per_capita_month_fen == 50_000                                           # 12,000 ÷ 2 ÷ 12
    assert d.income_test_month_fen == _half_up(Fraction(1_200_000 + 169_000 * 12, 24))  # 134,500
    assert d.test.credited_income_fen == 169_000 * 12
    assert d.category_suggested == "2"           # from the income test's figure: 1,345 < 2 × 700
    # a 55-year-old woman is past working age: the sex comes from the ID number, not from a missing column
    older = {"name": "李四", "id_number": ids.make("530122", dt.date(1970, 1, 1), 224), "identity": "3"}
    assert derive.derive({"name": "张三", "id_number": HEAD, "family_size": 2}, [older], _rules,
                         on=ON).test.credited_income_fen == 0


def test_members_monthly_income_reaches_the_income_test_not_the_per_capita():
    """家庭月人均收入 stays the contract's formula on the declared 家庭年收入; the income test counts the
    members' own 月收入 where the declared income is smaller (README, 家庭月人均收入)."""
    wife = {"name": "李秀英", "id_number": SPOUSE, "identity": "1", "monthly_income_fen": 200_000}
    d = derive.derive({"name": "张三", "id_number": HEAD, "family_size": 2, "annual_income_fen": 1_200_000,
                       "rigid_expense_fen": 0}, [wife], _rules, on=ON)
    assert d.per_capita_month_fen == 50_000                                  # 12,000 ÷ 2 ÷ 12
    assert d.test.member_topup_fen == 200_000 * 12 - 1_200_000                # 24,000 − 12,000
    assert d.income_test_month_fen == 100_000                                # 24,000 ÷ 2 ÷ 12
    assert d.category_suggested == "2"                                       # 1,000 < 2 × 700


def test_exclusions_and_accident_loss_reach_the_suggestion():
    fields = {"name": "张三", "id_number": HEAD, "family_size": 1, "annual_income_fen": 2_400_000,
              "rigid_expense_fen": 0}
    assert derive.derive(fields, [], _rules, on=ON).category_suggested is None
    assert derive.derive(fields, [], _rules, on=ON, accident_loss_fen=2_000_000).category_suggested == "3"
    assert derive.derive({**fields, "annual_income_fen": 0}, [], _rules, on=ON,
                         exclusions=["vehicle"]).category_suggested is None


def test_the_editor_save_stores_what_the_preview_shows(database, clerk):
    d = HouseholdDraft(fields={"name": "单雄信", "id_number": HEAD, "phone": "13812345678"},
                       members=[{"name": "单小", "relation": "2", "id_number": SON, "identity": "3",
                                 "health": "1"}],
                       income_items=[{"kind": "wages", "amount_fen": 1_200_000}])
    preview = derive.derive_draft(database, d, on=ON)
    hid = register.create_household(database, clerk, d, today=ON)
    stored = row(database, f"SELECT {', '.join(derive.DERIVED_COLUMNS)} FROM households WHERE id = ?", [hid])
    assert stored == preview.columns()
    assert (stored["name_pinyin"], stored["hukou_region_code"]) == ("shanxiongxin", "530122")
    assert (stored["per_capita_month_fen"], stored["income_test_month_fen"]) == (50_000, 134_500)


def test_update_keeps_an_entered_region_and_fills_an_empty_one(database, clerk):
    hid = register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "张三", "id_number": HEAD, "hukou_region_code": "530102"}), today=ON)
    register.update_household(database, clerk, hid, HouseholdDraft(fields={"name": "张三", "id_number": HEAD}),
                              today=ON)
    assert scalar(database, "SELECT hukou_region_code FROM households WHERE id = ?", [hid]) == "530102"
    register.update_household(database, clerk, hid, HouseholdDraft(
        fields={"name": "张三", "id_number": HEAD, "hukou_region_code": ""}), today=ON)
    assert scalar(database, "SELECT hukou_region_code FROM households WHERE id = ?", [hid]) == "530122"


def test_rules_book_looks_each_region_up_once(database, monkeypatch):
    calls: list[str] = []
    real = policy.lookup

    def counting(db, region, on):
        calls.append(region)
        return real(db, region, on)
    monkeypatch.setattr(policy, "lookup", counting)
    book = derive.RulesBook(database, ON)
    for region in ["530122", "530102", "530122", "", "530122"]:
        book(region)
    assert calls == ["530122", "530102", ""]


# ---------------------------------------------------------------- migration 0008

def _old_database(path):
    """A database at schema 0007, as an older program left it (application id set, no 0008)."""
    db = dbm.connect(path)
    db.execute(f"PRAGMA application_id = {dbm.APPLICATION_ID}")
    _migrations.apply(db, stop_before="0008_derive")
    assert "income_test_month_fen" not in {c.name for c in db["households"].columns}
    return db


_COLS = ("id", "sender_code", "archive_no", "status", "name", "id_number", "hukou_region_code", "family_size",
         "annual_income_fen", "rigid_expense_fen", "per_capita_month_fen", "category_suggested", "created_date",
         "created_at", "updated_at")


def test_migration_makes_every_stored_row_agree_with_derive(tmp_path):
    path = tmp_path / "helpdesk.db"
    db = _old_database(path)
    stamp = "2025-01-01T09:00:00+08:00"
    other = ids.make("530102", dt.date(1980, 1, 1), 11)
    households = [
        # the editor stored the income test's figure (credited son) as 家庭月人均收入
        (1, "530122", "A1", "active", "张三", HEAD, "530122", 2, 1_200_000, 0, 134_500, "2"),
        # a batch import: no 户籍地, no suggestion; its per-capita was already the contract's
        (2, "530100", "B1", "active", "李四", SPOUSE, "", 3, 1_000_000, 0, 27_778, None),
        # the demo: suggestion copied from the decided category, per-capita off by rounding
        (3, "530122", "C1", "active", "王五", other, "530102", 3, 100, 0, 0, "3"),
        # expenses above income: a negative per-capita, rounded half away from zero (−6 ÷ 12 = −0.5 → −1)
        (4, "530122", "D1", "applying", "赵六", ids.make("530122", dt.date(1966, 2, 3), 15), "", 1, 0, 6, 0, None),
        # an exclusion flag blocks the suggestion; an accident loss suggests 意外致困
        (5, "530122", "E1", "active", "钱七", ids.make("530122", dt.date(1981, 3, 4), 17), "", 1, 0, 0, 0, "1"),
        (6, "530122", "F1", "active", "孙八", ids.make("530122", dt.date(1982, 4, 5), 19), "", 1, 3_000_000,
         0, 250_000, None),
    ]
    with db.conn:
        db.conn.executemany(f"INSERT INTO households ({', '.join(_COLS)}) VALUES ({', '.join('?' * len(_COLS))})",
                            [(*h, "2025-01-01", stamp, stamp) for h in households])
        db.execute("INSERT INTO members (household_id, ord, name, relation, id_number, identity, health) "
                   "VALUES (1, 0, '张小', '2', ?, '3', '1')", [SON])
        db.execute("INSERT INTO exclusions (household_id, kind, evidence) VALUES (5, 'vehicle', '')")
        db.execute("INSERT INTO rigid_expenses (household_id, kind, amount_fen) VALUES (6, 'accident', 2800000)")
        db.execute("INSERT INTO policy_standards (region_code, effective_from, dibao_month_fen, min_wage_month_fen) "
                   "VALUES ('530102', '2020-01-01', 90000, 200000)")
        db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('default_region_code', '\"530122\"')")
    db.conn.close()

    db = dbm.open_db(path)                                      # 0008 runs on open
    assert dbm.pending_migrations(db) == []
    got = {r["id"]: r for r in rows(db, f"SELECT id, {', '.join(derive.DERIVED_COLUMNS)}, updated_at "
                                        "FROM households ORDER BY id")}
    assert [got[i]["per_capita_month_fen"] for i in range(1, 7)] == [50_000, 27_778, 3, -1, 0, 250_000]
    assert [got[i]["income_test_month_fen"] for i in range(1, 7)] == [134_500, 27_778, 3, -1, 0, 250_000]
    assert [got[i]["category_suggested"] for i in range(1, 7)] == ["2", "1", "1", "1", None, "3"]
    assert [got[i]["hukou_region_code"] for i in range(1, 7)] == ["530122", "530122", "530102", "530122",
                                                                   "530122", "530122"]
    assert {r["updated_at"] for r in got.values()} == {stamp}   # nothing a person changed
    # and each row is exactly what the live derivation gives today (the frozen formula agrees with it)
    today = dt.date.today()
    book = derive.RulesBook(db, today)
    for h in rows(db, "SELECT * FROM households ORDER BY id"):
        members = rows(db, "SELECT * FROM members WHERE household_id = ?", [h["id"]])
        excl = [r["kind"] for r in rows(db, "SELECT kind FROM exclusions WHERE household_id = ?", [h["id"]])]
        loss = int(scalar(db, "SELECT coalesce(sum(amount_fen), 0) FROM rigid_expenses WHERE household_id = ? "
                              "AND kind = 'accident'", [h["id"]]))
        live = derive.derive(h, members, book, on=today, exclusions=excl, accident_loss_fen=loss).columns()
        assert {c: h[c] for c in derive.DERIVED_COLUMNS if c not in ("name_pinyin", "name_initials", "id_rev",
                                                                       "phone_rev")} == {
            c: v for c, v in live.items() if c not in ("name_pinyin", "name_initials", "id_rev", "phone_rev")}
    db.conn.close()


@pytest.mark.parametrize(("income", "rigid", "size"), [(0, 0, 1), (18, 0, 1), (6, 0, 1), (1_000_000, 0, 3),
                                                        (0, 1_200_006, 7), (5, 11, 1), (123_457, 1, 4)])
def test_migration_per_capita_sql_is_the_contracts_formula(tmp_path, income, rigid, size):
    db = _old_database(tmp_path / "helpdesk.db")
    stamp = "2025-01-01T09:00:00+08:00"
    with db.conn:
        db.execute(f"INSERT INTO households ({', '.join(_COLS)}) VALUES ({', '.join('?' * len(_COLS))})",
                   [1, "530122", "A1", "active", "张三", HEAD, "", size, income, rigid, 999, None, "2025-01-01",
                    stamp, stamp])
    _migrations.apply(db)
    assert scalar(db, "SELECT per_capita_month_fen FROM households") == eligibility.per_capita_month(income, rigid, size)
    db.conn.close()


def test_check_reports_a_per_capita_that_disagrees(database, clerk):
    hid = register.create_household(database, clerk, HouseholdDraft(
        fields={"name": "张三", "id_number": HEAD, "family_size": 3, "annual_income_fen": 1_000_000}), today=ON)
    assert check.run(database) == []
    with write(database):
        database.execute("UPDATE households SET per_capita_month_fen = 1 WHERE id = ?", [hid])
    failure, bypassed = check.run(database)   # and the raw UPDATE left no audit row
    assert "家庭月人均收入 0.01 元" in failure and "277.78 元不符" in failure
    assert "内容与审计日志最后一次记录不一致" in bypassed
