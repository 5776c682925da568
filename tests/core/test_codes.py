"""Tests of helpdesk_gui.core.base.codes (code lists, labels, legacy aliases)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.codes import CodeBook, clean_label
from helpdesk_gui.core.base.errors import ValidationError

PROP = settings(max_examples=100, deadline=None)


@pytest.fixture(scope="module")
def book() -> CodeBook:
    return CodeBook.defaults()


def _labels(book: CodeBook, name: str) -> list[str]:
    return [i.label for i in book.items(name)]


def _pairs(book: CodeBook, name: str) -> list[tuple[str, str]]:
    return [(i.code, i.label) for i in book.items(name)]


# --- the batch contract's lists ------------------------------------------------------------------

CONTRACT: dict[str, list[tuple[str, str]]] = {
    "category": [("1", "深度困难"), ("2", "相对困难"), ("3", "意外致困")],
    "cause": list(zip([str(i) for i in range(1, 11)], [
        "无劳动能力", "有劳动能力而未就业", "下岗失业", "未参加社会保险", "社会保险待遇落实不到位",
        "患重特大疾病", "遭受自然灾害", "遭受意外事故", "子女上学", "其他",
    ])),
    "fund_source": list(zip([str(i) for i in range(1, 10)], [
        "中央财政", "省财政", "地方财政配套", "上级工会拨付", "本级工会经费", "社会捐助", "专户利息",
        "行政拨付", "其他",
    ])),
    "project": list(zip([str(i) for i in range(1, 11)], [
        "生活救助", "医疗救助", "子女助学", "送温暖", "临时救助", "职业培训", "职业介绍", "法律援助",
        "医疗互助", "其他",
    ])),
    "gender": [("1", "男"), ("2", "女")],
    "yes_no": [("1", "是"), ("0", "否")],
    "archive_type": [("1", "城镇困难职工"), ("2", "困难农民工"), ("3", "新就业形态劳动者")],
    "pay_method": [("1", "现金"), ("2", "银行转账"), ("3", "实物")],
    "marital": [("1", "未婚"), ("2", "已婚"), ("3", "离异"), ("4", "丧偶")],
    "hukou_type": [("1", "非农业"), ("2", "农业"), ("3", "农转居")],
    "disability_grade": [("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")],
}


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_contract_lists_exact(book: CodeBook, name: str) -> None:
    assert _pairs(book, name) == CONTRACT[name]


def test_list_sizes(book: CodeBook) -> None:
    assert len(book.items("category")) == 3
    assert len(book.items("cause")) == 10
    assert len(book.items("fund_source")) == 9
    assert len(book.items("project")) == 10
    assert len(book.items("ethnicity")) == 58
    assert [i.code for i in book.items("cause")] == [str(i) for i in range(1, 11)]


def test_status_list(book: CodeBook) -> None:
    labels = _labels(book, "status")
    for label in ("申请中", "在档", "脱困", "注销"):
        assert label in labels
    assert book.code("status", "申请中") == "applying"
    assert book.code("status", "在档") == "active"
    assert book.code("status", "脱困") == "exited"
    assert book.code("status", "注销") == "cancelled"
    assert labels.index("申请中") < labels.index("在档") < labels.index("脱困") < labels.index("注销")


def test_lists_cover_defaults(book: CodeBook) -> None:
    assert set(book.lists()) == set(codes.DEFAULT_LISTS)


@pytest.mark.parametrize("name", sorted(codes.DEFAULT_LISTS))
def test_default_lists_well_formed(book: CodeBook, name: str) -> None:
    title, pairs = codes.DEFAULT_LISTS[name]
    assert title
    code_list = [c for c, _ in pairs]
    label_list = [clean_label(lb) for _, lb in pairs]
    assert len(set(code_list)) == len(code_list), "duplicate code"
    assert len(set(label_list)) == len(label_list), "duplicate label"
    assert [i.order for i in book.items(name)] == list(range(len(pairs)))
    assert all(i.active for i in book.items(name))
    for code, label in pairs:
        assert book.label(name, code) == label
        assert book.code(name, label) == code
        assert book.code(name, label, strict=True) == code
        assert book.has_code(name, code)
        assert book.map_legacy(name, label) == (code, False)


@pytest.mark.parametrize(
    ("name", "alias", "code"),
    [(n, a, c) for n, table in sorted(codes.DEFAULT_ALIASES.items()) for a, c in table.items()],
)
def test_every_alias_resolves_to_existing_code(book: CodeBook, name: str, alias: str, code: str) -> None:
    assert book.has_code(name, code)
    assert book.code(name, alias) == code
    current = {clean_label(lb) for _, lb in codes.DEFAULT_LISTS[name][1]}
    assert clean_label(alias) not in current, "alias would shadow a current label"
    assert book.map_legacy(name, alias) == (code, True)


# --- legacy labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "code"), [("低保户", "1"), ("低保边缘户", "2"), ("意外致困户", "3")])
def test_legacy_category_labels(book: CodeBook, label: str, code: str) -> None:
    assert book.code("category", label) == code
    assert book.map_legacy("category", label) == (code, True)
    assert book.label("category", code) in {"深度困难", "相对困难", "意外致困"}


@pytest.mark.parametrize("label", ["深度困难", "相对困难", "意外致困"])
def test_current_label_is_not_legacy(book: CodeBook, label: str) -> None:
    code, was_legacy = book.map_legacy("category", label)
    assert not was_legacy
    assert book.label("category", code) == label


def test_map_legacy_unknown_raises(book: CodeBook) -> None:
    with pytest.raises(ValidationError):
        book.map_legacy("category", "五保户")


# --- strict mode -------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["低保户", "低保边缘户", "意外致困户", "1", "深度 困难", "深度\u3000困难"])
def test_strict_refuses_aliases_codes_and_variants(book: CodeBook, label: str) -> None:
    with pytest.raises(ValidationError) as info:
        book.code("category", label, strict=True)
    assert "深度困难、相对困难、意外致困" in str(info.value)


def test_strict_accepts_exact_label_with_outer_spaces(book: CodeBook) -> None:
    assert book.code("category", "深度困难", strict=True) == "1"
    assert book.code("category", " 相对困难 ", strict=True) == "2"


# --- lenient resolution ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label", "code"),
    [
        ("category", "深度 困难", "1"),
        ("category", " 深度困难\t", "1"),
        ("category", "深\u3000度\u00a0困 难", "1"),
        ("category", "低保 户", "1"),
        ("category", "1", "1"),
        ("category", " 3 ", "3"),
        ("yes_no", "Ｙ", "1"),
        ("yes_no", "N", "0"),
        ("work_status", "下（待）岗", "2"),
        ("work_status", "失（无）业", "3"),
        ("org_level", "乡镇（街道）帮扶站", "township"),
        ("org_level", "乡镇(街道)帮扶站", "township"),
        ("org_level", "乡镇 （街道） 帮扶站", "township"),
        ("industry", "农、林、牧、渔业", "A"),
        ("industry", "A", "A"),
        ("ethnicity", "汉族", "01"),
        ("ethnicity", "01", "01"),
        ("relation", "妻子", "1"),
        ("status", "在册", "active"),
        ("status", "active", "active"),
    ],
)
def test_code_resolves_variants(book: CodeBook, name: str, label: str, code: str) -> None:
    assert book.code(name, label) == code


# --- unknown labels ----------------------------------------------------------------------------


def test_unknown_label_lists_allowed(book: CodeBook) -> None:
    with pytest.raises(ValidationError) as info:
        book.code("category", "五保户")
    err = info.value
    assert err.field == "困难类别"
    assert err.value == "五保户"
    assert "五保户" in str(err)
    assert "可选：深度困难、相对困难、意外致困" in str(err)


def test_unknown_label_uses_given_field(book: CodeBook) -> None:
    with pytest.raises(ValidationError) as info:
        book.code("cause", "天灾", field="致困原因1")
    assert info.value.field == "致困原因1"
    for label in CONTRACT["cause"]:
        assert label[1] in str(info.value)


@pytest.mark.parametrize("label", ["", "   ", "深度困难户X", "0", "4"])
def test_unknown_or_empty_raises(book: CodeBook, label: str) -> None:
    with pytest.raises(ValidationError):
        book.code("category", label)


def test_unknown_list(book: CodeBook) -> None:
    with pytest.raises(ValidationError) as info:
        book.code("no_such_list", "x")
    assert info.value.field == "no_such_list"
    assert book.items("no_such_list") == []
    assert book.label("no_such_list", "1") == "1"


def test_alias_does_not_leak_between_lists(book: CodeBook) -> None:
    # "女" is an alias in relation (女儿) but a label in gender
    assert book.code("gender", "女") == "2"
    assert book.code("relation", "女") == "2"
    with pytest.raises(ValidationError):
        book.code("category", "女")


# --- labels ------------------------------------------------------------------------------------


def test_labels_of_multi_code_field(book: CodeBook) -> None:
    assert book.labels("cause", "3,6") == "下岗失业、患重特大疾病"
    assert book.labels("cause", "3,6", sep="；") == "下岗失业；患重特大疾病"
    assert book.labels("cause", "10") == "其他"
    assert book.labels("cause", "") == ""
    assert book.labels("cause", None) == ""
    assert book.labels("cause", "3,99") == "下岗失业、99"


def test_label(book: CodeBook) -> None:
    assert book.label("category", "1") == "深度困难"
    assert book.label("category", None) == ""
    assert book.label("category", "") == ""
    assert book.label("category", "9") == "9"


@PROP
@given(st.lists(st.integers(1, 10), min_size=1, max_size=10))
def test_labels_join_each_code(book: CodeBook, nums: list[int]) -> None:
    field = ",".join(map(str, nums))
    shown = book.labels("cause", field)
    assert shown.split("、") == [CONTRACT["cause"][n - 1][1] for n in nums]
    assert [book.code("cause", part) for part in shown.split("、")] == [str(n) for n in nums]


# --- spacing / width variants, as a property -------------------------------------------------

SPACES = st.sampled_from([" ", "\u3000", "\t", "\u00a0", ""])


@PROP
@given(
    st.sampled_from([(n, c, lb) for n, (_, pairs) in codes.DEFAULT_LISTS.items() for c, lb in pairs]),
    st.lists(SPACES, min_size=1, max_size=40),
)
def test_spaced_labels_resolve(book: CodeBook, entry: tuple[str, str, str], spaces: list[str]) -> None:
    name, code, label = entry
    spaced = "".join(ch + spaces[i % len(spaces)] for i, ch in enumerate(label))
    spaced = spaces[0] + spaced
    assert book.code(name, spaced) == code


# --- a database-loaded book -----------------------------------------------------------------


def test_custom_book_order_inactive_and_precedence() -> None:
    items = [
        ("category", "2", "相对困难", 1, 1),
        ("category", "1", "深度困难", 0, 1),
        ("category", "3", "意外致困", 2, 0),
    ]
    aliases = [("category", "低保户", "1"), ("category", "相对困难", "1"), ("other", "x", "9")]
    book = CodeBook(items, aliases)
    assert [i.code for i in book.items("category")] == ["1", "2"]
    assert [i.code for i in book.items("category", active_only=False)] == ["1", "2", "3"]
    # a current label wins over an alias spelled the same
    assert book.code("category", "相对困难") == "2"
    # inactive items still resolve (old records), but are not offered
    assert book.code("category", "意外致困") == "3"
    with pytest.raises(ValidationError) as info:
        book.code("category", "五保户")
    assert "意外致困" not in str(info.value)
    assert "深度困难、相对困难" in str(info.value)


def test_load_from_database_rows() -> None:
    class FakeCursor:
        def __init__(self, rows: list[tuple[object, ...]]) -> None:
            self._rows = rows

        def fetchall(self) -> list[tuple[object, ...]]:
            return self._rows

    class FakeDb:
        def execute(self, sql: str) -> FakeCursor:
            if "code_aliases" in sql:
                return FakeCursor(codes.default_alias_rows())  # type: ignore[arg-type]
            return FakeCursor(codes.default_rows())  # type: ignore[arg-type]

    book = codes.load(FakeDb())
    assert _pairs(book, "category") == CONTRACT["category"]
    assert book.code("category", "低保户") == "1"


def test_clean_label() -> None:
    assert clean_label(" 深度 困难 ") == "深度困难"
    assert clean_label("ＡＢ\u3000ｃ") == "ABc"
    assert clean_label("（街道）") == "(街道)"
