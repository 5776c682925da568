"""Searching the register: by name, pinyin, ID digits, phone, employer, township and address; filters,
sorting and paging; the "broad" walk-the-sort-order plan gives the same rows as the index plan."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import setup
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.db import rows, write
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register import search
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.core.register.search import Filters

TODAY = dt.date(2025, 3, 10)
ZHANG_ID = ids.make("530122", dt.date(1968, 2, 29), 901)
SHAN_ID = ids.make("530122", dt.date(1970, 3, 1), 903)
ZENG_ID = ids.make("530122", dt.date(1971, 4, 2), 905)
XIE_ID = ids.make("530122", dt.date(1972, 5, 3), 907)
WIFE_ID = ids.make("530122", dt.date(1969, 7, 8), 902)
X_ID = next(i for i in (ids.make("530122", dt.date(1981, 9, 9), s) for s in range(911, 999, 2)) if i.endswith("X"))


def _create(db, actor, name: str, id_number: str, **fields: Any) -> int:
    members = fields.pop("members", [])
    employer = fields.pop("employer", None)
    if employer:
        with write(db):
            fields["employer_id"] = register.get_or_create_employer(db, employer, condition="2")
    d = HouseholdDraft(fields={"name": name, "id_number": id_number, "cause_main": "3", **fields}, members=members,
                       income_items=[{"kind": "wages", "amount_fen": 600_000}])
    return register.create_household(db, actor, d, today=TODAY)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):
    """~200 demo households plus a few hand-made ones, built once for the module (searches only read)."""
    mp = pytest.MonkeyPatch()
    mp.setattr(auth, "SCRYPT_N", 2**8)
    path: Path = tmp_path_factory.mktemp("search") / "helpdesk.db"
    database = setup.initialise(path, "530122", "某某县总工会", "admin1234")
    mp.undo()
    admin = auth.get_actor(database, "admin")
    _create(database, admin, "张三", ZHANG_ID, phone="13900001234", township="幸福乡",
            address="幸福乡向阳路青松小区8号", employer="滇池宏远精密机械有限公司",
            members=[{"name": "王芳", "relation": "配偶", "id_number": WIFE_ID}])
    _create(database, admin, "单雄信", SHAN_ID, phone="0871-66123456", township="幸福乡")
    _create(database, admin, "曾国藩", ZENG_ID, causes_secondary=["9", "4"])
    _create(database, admin, "解缙", XIE_ID, address="某某县文庙街甲1号")
    _create(database, admin, "欧阳修", X_ID)
    demo.generate(database, auth.SYSTEM, 200, seed=5, today=TODAY)
    yield database
    database.conn.close()


@pytest.fixture(scope="module")
def data(db) -> dict[str, Any]:
    households = rows(db, "SELECT h.*, e.name AS employer_name FROM households h "
                          "LEFT JOIN employers e ON e.id = h.employer_id ORDER BY h.id")
    members: dict[int, list[str]] = {}
    for m in rows(db, "SELECT household_id, id_number FROM members WHERE id_number <> ''"):
        members.setdefault(m["household_id"], []).append(m["id_number"])
    return {"households": households, "members": members}


def by_name(data, name: str) -> dict[str, Any]:
    return next(h for h in data["households"] if h["name"] == name)


# ---------------------------------------------------------------- an oracle written from the rules

def _text_match(h: dict[str, Any], members: list[str], q: str) -> bool:
    upper = q.upper()
    if upper.rstrip("X").isdigit():
        digits = upper.isdigit()
        return bool(
            (len(upper) in (15, 18) and (h["id_number"] == upper or upper in members))
            or h["archive_no"].startswith(upper)
            or (len(upper) >= 4 and h["id_number"].endswith(upper))
            or (digits and len(upper) >= 3 and h["phone"].startswith(upper))
            or (digits and len(upper) >= 4 and h["phone"].endswith(upper)))
    if q.isascii() and q.isalpha():
        low = q.lower()
        return h["name_initials"].startswith(low) or h["name_pinyin"].startswith(low)
    return bool(
        h["name"].startswith(q) or h["township"].startswith(q)
        or (h["employer_name"] is not None and q.casefold() in h["employer_name"].casefold())
        or (len(q) >= 3 and q.casefold() in h["address"].casefold()))


def _filter_match(h: dict[str, Any], f: Filters) -> bool:
    secondary = (h["causes_secondary"] or "").split(",")
    return ((not f.status or h["status"] == f.status)
            and (not f.category or h["category"] == f.category)
            and (not f.cause or h["cause_main"] == f.cause or f.cause in secondary)
            and (not f.township or h["township"] == f.township)
            and (not f.year or h["created_date"][:4] == f"{f.year:04d}"))


NO_FILTERS = Filters()


def expected(data, text: str, f: Filters = NO_FILTERS) -> set[int]:
    q = "".join(unicodedata.normalize("NFKC", text).split())
    return {h["id"] for h in data["households"]
            if (not q or _text_match(h, data["members"].get(h["id"], []), q)) and _filter_match(h, f)}


def found(db, text: str, f: Filters = NO_FILTERS, **kw: Any) -> list[dict[str, Any]]:
    return search.search(db, text, f, limit=10_000, **kw)


def names(db, text: str, f: Filters = NO_FILTERS) -> set[str]:
    return {r["name"] for r in found(db, text, f)}


# ---------------------------------------------------------------- what a clerk types

def test_data_is_there(db, data):
    assert len(data["households"]) == 205
    assert search.count(db) == 205
    assert len(search.search(db)) == 50  # default page


def test_name_prefix(db, data):
    assert "张三" in names(db, "张")
    assert all(n.startswith("张") for n in names(db, "张"))
    assert names(db, "张三") >= {"张三"}
    assert {r["id"] for r in found(db, "张")} == expected(data, "张")
    assert names(db, "三") == set()  # a name is matched from its start


def test_pinyin_initials_and_full(db, data):
    assert "张三" in names(db, "zs")
    assert "张三" in names(db, "ZS")           # IME caps lock
    assert "张三" in names(db, "zhangsan")
    assert "张三" in names(db, "zhangs")
    assert "张三" in names(db, "ｚｈａｎｇｓａｎ")  # full-width letters
    assert "张三" in names(db, " zhang san ")  # spaces are ignored
    assert "张三" not in names(db, "zhangsi")
    for q in ("zs", "zhangsan", "zh", "x", "sh"):
        assert {r["id"] for r in found(db, q)} == expected(data, q), q


@pytest.mark.parametrize(("name", "reading", "wrong"), [
    ("单雄信", "shanxiongxin", "danxiongxin"),
    ("曾国藩", "zengguofan", "cengguofan"),
    ("解缙", "xiejin", "jiejin"),
    ("欧阳修", "ouyangxiu", "ouyangxu"),
])
def test_surname_readings(db, name, reading, wrong):
    assert name in names(db, reading)
    assert name in names(db, reading[:4])
    assert name not in names(db, wrong)


def test_surname_readings_in_demo_data(db, data):
    for surname, reading in (("单", "shan"), ("曾", "zeng"), ("解", "xie")):
        people = [h for h in data["households"] if h["name"].startswith(surname)]
        for h in people:
            assert h["name_pinyin"].startswith(reading), h["name"]
            assert h["name_initials"].startswith(reading[0])
            assert h["id"] in {r["id"] for r in found(db, reading)}


def test_id_last_digits(db, data):
    h = data["households"][40]
    for n in (4, 6, 8, 17):
        hits = found(db, h["id_number"][-n:])
        assert h["id"] in {r["id"] for r in hits}
        assert {r["id"] for r in hits} == expected(data, h["id_number"][-n:])
    # the full number finds exactly that household
    assert [r["id"] for r in found(db, h["id_number"])] == [h["id"]]


def test_id_ending_in_x(db):
    assert X_ID.endswith("X")
    assert "欧阳修" in names(db, X_ID[-5:].lower())
    assert "欧阳修" in names(db, X_ID[-5:])
    assert [r["name"] for r in found(db, X_ID.lower())] == ["欧阳修"]


def test_three_digits_do_not_search_id_endings(db, data):
    """Fewer than 4 digits would match far too much of the ID column."""
    zhang = by_name(data, "张三")
    assert {r["id"] for r in found(db, ZHANG_ID[-3:])} == expected(data, ZHANG_ID[-3:])
    assert zhang["phone"].startswith("139")


def test_full_id_of_a_family_member_returns_the_household(db, data):
    assert [r["name"] for r in found(db, WIFE_ID)] == ["张三"]
    demo_member = next((hid, ids_) for hid, ids_ in data["members"].items() if hid > 5 and ids_)
    assert [r["id"] for r in found(db, demo_member[1][0])] == [demo_member[0]]
    # a member's ID ending does not (members are found by their full number only)
    assert "张三" not in names(db, WIFE_ID[-6:])


def test_phone_prefix_and_last_digits(db, data):
    assert "张三" in names(db, "1390000")
    assert "张三" in names(db, "1234")
    assert "张三" in names(db, "001234")
    assert "单雄信" in names(db, "66123456")    # landline: last digits
    for q in ("139", "1390000", "1234", "001234", "66123456"):
        assert {r["id"] for r in found(db, q)} == expected(data, q), q


def test_archive_number_prefix(db, data):
    zhang = by_name(data, "张三")
    assert zhang["archive_no"] == "530122202500001"
    assert [r["name"] for r in found(db, "530122202500001")] == ["张三"]
    assert {r["id"] for r in found(db, "5301222025")} == expected(data, "5301222025")


def test_employer_substring(db, data):
    assert names(db, "宏远精密") == {"张三"}
    assert names(db, "滇池宏远精密机械有限公司") == {"张三"}
    demo_employer = next(h["employer_name"] for h in data["households"] if h["id"] > 5 and h["employer_name"])
    piece = demo_employer[2:5]
    assert {r["id"] for r in found(db, piece)} == expected(data, piece)
    assert all(r["employer_name"] is not None for r in found(db, "有限公司"))


def test_township(db, data):
    assert names(db, "幸福乡") == {"张三", "单雄信"}
    assert {r["id"] for r in found(db, "城关")} == expected(data, "城关")
    assert {r["id"] for r in found(db, "城关")}


def test_address_substring(db, data):
    assert names(db, "青松小区") == {"张三"}
    assert names(db, "向阳路") == {"张三"}
    assert names(db, "文庙街") == {"解缙"}
    hits = {r["id"] for r in found(db, "解放路")}
    assert hits == expected(data, "解放路") and len(hits) > 3
    assert names(db, "青松") == set()     # two characters: the address is not searched


def test_no_match(db):
    assert found(db, "查无此人") == []
    assert search.count(db, "查无此人") == 0
    assert search.search_ids(db, "查无此人") == []


@pytest.mark.parametrize("q", ["*", "?", "[", "]", "[]", "[abc]", "*三", "张*", "张?", "张[", "**?", "1*",
                               "12?4", "[0-9]", "%", "_", "%%%", "___", "\\", "'", '"', '"""', "a*", "z?",
                               "*]*", "^", "-", "530122*"])
def test_glob_and_like_characters_are_literal(db, data, q):
    got = {r["id"] for r in found(db, q)}
    assert got == expected(data, q)
    assert len(got) < 205
    assert search.count(db, q) == len(got)


# ---------------------------------------------------------------- filters

FILTERS = [
    Filters(status="active"), Filters(status="exited"), Filters(category="1"), Filters(category="3"),
    Filters(cause="9"), Filters(cause="4"), Filters(township="城关镇"), Filters(year=2025), Filters(year=2019),
    Filters(status="active", category="2", cause="6"), Filters(year=2024, township="石门乡"),
]


@pytest.mark.parametrize("f", FILTERS)
def test_filters(db, data, f):
    got = {r["id"] for r in found(db, "", f)}
    assert got == expected(data, "", f)
    assert search.count(db, "", f) == len(got)


def test_filters_with_text(db, data):
    for q in ("z", "张", "解放路", "530122"):
        for f in FILTERS:
            assert {r["id"] for r in found(db, q, f)} == expected(data, q, f), (q, f)


def test_secondary_cause_filter(db, data):
    zeng = by_name(data, "曾国藩")
    assert zeng["cause_main"] == "3" and zeng["causes_secondary"] == "9,4"
    for cause in ("3", "9", "4"):
        assert zeng["id"] in {r["id"] for r in found(db, "", Filters(cause=cause))}
    assert zeng["id"] not in {r["id"] for r in found(db, "", Filters(cause="1"))}
    # "1" must not match "10" (codes are matched whole)
    assert all("1" in [h["cause_main"], *(h["causes_secondary"] or "").split(",")]
               for h in data["households"] if h["id"] in {r["id"] for r in found(db, "", Filters(cause="1"))})


def test_status_filter_values(db):
    counted = sum(search.count(db, "", Filters(status=s)) for s in register.TRANSITIONS)
    assert counted == 205
    assert search.count(db, "", Filters(status="applying")) >= 5  # the hand-made ones


# ---------------------------------------------------------------- sorting and paging

def _sort_values(db) -> dict[str, dict[int, Any]]:
    out: dict[str, dict[int, Any]] = {}
    for key, expr in search.SORT_KEYS.items():
        out[key] = {r[0]: r[1] for r in db.execute(f"SELECT h.id, {expr} FROM households h")}
    return out


def _python_order(values: dict[int, Any], ids_: set[int], descending: bool) -> list[int]:
    def key(i: int) -> tuple[Any, ...]:
        v = values[i]
        return (v is not None, v if v is not None else 0, i)   # SQLite: NULL sorts first
    return sorted(ids_, key=key, reverse=descending)


@pytest.mark.parametrize("key", list(search.SORT_KEYS))
@pytest.mark.parametrize("descending", [False, True])
def test_sort_matches_python(db, data, key, descending):
    values = _sort_values(db)[key]
    for q, f in (("", Filters()), ("z", Filters()), ("", Filters(status="active")), ("解放路", Filters())):
        want = _python_order(values, expected(data, q, f), descending)
        assert [r["id"] for r in found(db, q, f, order_by=key, descending=descending)] == want, (key, q)
        assert search.search_ids(db, q, f, order_by=key, descending=descending) == want


def test_unknown_sort_key_falls_back_to_archive_number(db):
    assert search.search_ids(db, order_by="drop table") == search.search_ids(db, order_by="archive_no")


def test_paging(db):
    all_ids = search.search_ids(db, "", order_by="name")
    assert len(all_ids) == 205 == search.count(db)
    pages: list[int] = []
    for offset in range(0, 205, 30):
        page = search.search(db, "", order_by="name", limit=30, offset=offset)
        assert len(page) == min(30, 205 - offset)
        pages += [r["id"] for r in page]
    assert pages == all_ids
    assert search.search(db, "", limit=10, offset=205) == []


@pytest.mark.parametrize("q", ["", "z", "张", "530122", "解放路", "1390000", "有限公司", "城关"])
def test_search_ids_count_and_search_agree(db, q):
    rows_ = found(db, q)
    assert [r["id"] for r in rows_] == search.search_ids(db, q)
    assert len(rows_) == search.count(db, q)
    assert search.rows_by_ids(db, [r["id"] for r in rows_]) == {r["id"]: r for r in rows_}


def test_list_rows_carry_codes_and_employer(db, data):
    r = found(db, "zhangsan")[0]
    assert r["name"] == "张三" and r["status"] == "applying" and r["gender"] == "1"
    assert r["employer_name"] == "滇池宏远精密机械有限公司"
    assert r["per_capita_month_fen"] == 25_000 and r["family_size"] == 2   # 6,000 yuan ÷ 2 ÷ 12
    assert set(r) == {"id", "archive_no", "name", "gender", "id_number", "birth_date", "phone", "township",
                      "category", "status", "cause_main", "family_size", "per_capita_month_fen", "created_date",
                      "updated_at", "sender_code", "employer_name"}


# ---------------------------------------------------------------- the broad plan

@pytest.mark.parametrize("q", ["z", "w", "l", "张", "530122", "解放路", "有限公司", "13", "城关"])
@pytest.mark.parametrize("key", ["archive_no", "name", "per_capita", "updated_at"])
def test_broad_and_narrow_plans_agree(db, monkeypatch, q, key):
    narrow = search.search(db, q, order_by=key, limit=20)
    narrow_filtered = search.search(db, q, Filters(status="active"), order_by=key, descending=True, limit=20,
                                    offset=3)
    monkeypatch.setattr(search, "BROAD", 5)
    if search.count(db, q) > 5:
        assert search._is_broad(db, q)
    assert search.search(db, q, order_by=key, limit=20) == narrow
    assert search.search(db, q, Filters(status="active"), order_by=key, descending=True, limit=20,
                         offset=3) == narrow_filtered


def test_broad_plan_over_budget_falls_back(db, monkeypatch):
    narrow = search.search(db, "z", Filters(category="3"), limit=20)
    monkeypatch.setattr(search, "BROAD", 1)
    monkeypatch.setattr(search, "BROAD_BUDGET", 50)
    assert search.search(db, "z", Filters(category="3"), limit=20) == narrow
    # the progress handler is removed afterwards
    assert db.execute("SELECT count(*) FROM households").fetchone()[0] == 205


def test_is_broad_threshold(db, monkeypatch):
    assert not search._is_broad(db, "")
    assert not search._is_broad(db, "z")            # far below the real threshold
    monkeypatch.setattr(search, "BROAD", 5)
    assert search._is_broad(db, "z")
    assert not search._is_broad(db, "zhangsan")


# ---------------------------------------------------------------- anything a clerk might type

QUERY_PARTS = st.one_of(
    st.text(alphabet="张王李单曾解三放路镇乡号小区有限公司zhangsxieZ0123456789X*?[]%_\\\"' ", min_size=0, max_size=6),
    st.sampled_from(["zs", "zhangsan", "shan", "zeng", "xie", "解放路", "城关镇", "1390000", "有限", "530122"]),
)


@given(q=QUERY_PARTS, key=st.sampled_from(list(search.SORT_KEYS)), descending=st.booleans(),
       f=st.sampled_from([Filters(), *FILTERS]), broad=st.booleans())
@settings(max_examples=150, deadline=None)
def test_any_query_matches_the_oracle(db, data, q, key, descending, f, broad):
    old = search.BROAD
    search.BROAD = 3 if broad else old
    try:
        got = search.search(db, q, f, order_by=key, descending=descending, limit=25, offset=2)
    finally:
        search.BROAD = old
    everything = search.search_ids(db, q, f, order_by=key, descending=descending)
    assert set(everything) == expected(data, q, f)
    assert [r["id"] for r in got] == everything[2:27]
    assert search.count(db, q, f) == len(everything)


@given(index=st.integers(0, 204), part=st.sampled_from(["name", "pinyin", "initials", "id", "phone", "address",
                                                          "township"]),
       size=st.integers(1, 8))
@settings(max_examples=150, deadline=None)
def test_a_piece_of_a_household_finds_it(db, data, index, part, size):
    h = data["households"][index]
    if part == "name":
        q = h["name"][:size]
    elif part == "pinyin":
        q = h["name_pinyin"][:size]
    elif part == "initials":
        q = h["name_initials"][:size]
    elif part == "id":
        q = h["id_number"][-max(size, 4):]
    elif part == "phone":
        q = h["phone"][:max(size, 3)] if h["phone"] else h["name"]
    elif part == "address":
        start = size % max(len(h["address"]) - 3, 1)
        q = h["address"][start:start + max(size, 3)] if len(h["address"]) >= 3 else h["name"]
    else:
        q = h["township"][:size] if h["township"] else h["name"]
    assert h["id"] in set(search.search_ids(db, q)), q
