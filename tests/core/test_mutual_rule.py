"""The 医疗互助 reimbursement rule, table-driven: each row is a case a clerk would check by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpdesk_gui.core.mutual.rule import History, Receipt, Rule, compute

Y = 100  # fen per yuan

SEED = Rule(deductible_fen=1_000 * Y, rate_pct=50, loyalty_years=5, loyalty_points=5, max_rate_pct=80,
            claim_cap_fen=20_000 * Y, year_cap_fen=50_000 * Y,
            rehab_bands=((120_000 * Y, 5_000 * Y), (200_000 * Y, 8_000 * Y), (300_000 * Y, 10_000 * Y)))


def one(self_yuan: float, insurance_yuan: float = 0, total_yuan: float | None = None) -> list[Receipt]:
    s, i = round(self_yuan * Y), round(insurance_yuan * Y)
    return [Receipt(round(total_yuan * Y) if total_yuan is not None else s + i, i, s)]


# (case, receipts, history, rate %, 补助 yuan, 康复金 yuan, offsets, payable yuan)
CASES = [
    ("below the deductible", one(800), History(years=1), 50, 0, 0, (), 0),
    ("exactly the deductible", one(1_000), History(years=1), 50, 0, 0, (), 0),
    ("one fen above", one(1_000.01), History(years=1), 50, 0.01, 0, (), 0.01),   # 0.5 fen rounds half up
    ("above the deductible", one(5_000), History(years=1), 50, 2_000, 0, (), 2_000),
    ("4 years: no step yet", one(5_000), History(years=4), 50, 2_000, 0, (), 2_000),
    ("5 years: +5 points", one(5_000), History(years=5), 55, 2_200, 0, (), 2_200),
    ("9 years: still one step", one(5_000), History(years=9), 55, 2_200, 0, (), 2_200),
    ("10 years: +10 points", one(5_000), History(years=10), 60, 2_400, 0, (), 2_400),
    ("15 years: +15 points", one(5_000), History(years=15), 65, 2_600, 0, (), 2_600),
    ("30 years: up to the 80 % maximum", one(5_000), History(years=30), 80, 3_200, 0, (), 3_200),
    ("per-claim cap", one(60_000), History(years=1), 50, 20_000, 0, (), 20_000),
    ("several receipts add up", [Receipt(300_000, 100_000, 150_000), Receipt(200_000, 50_000, 150_000)],
     History(years=1), 50, 1_000, 0, (), 1_000),
    ("pooled payment at 120,000: no 康复金", one(3_000, 120_000), History(years=1), 50, 1_000, 0, (), 1_000),
    ("pooled above 120,000: 康复金 5,000", one(3_000, 120_000.01), History(years=1), 50, 1_000, 5_000, (), 6_000),
    ("pooled above 200,000: 8,000", one(3_000, 250_000), History(years=1), 50, 1_000, 8_000, (), 9_000),
    ("pooled above 300,000: 10,000", one(3_000, 300_001), History(years=1), 50, 1_000, 10_000, (), 11_000),
    ("pooled crosses 120,000 over the year", one(3_000, 30_000),
     History(years=1, year_insurance_fen=100_000 * Y), 50, 1_000, 5_000, (), 6_000),
    ("higher band later: the difference", one(3_000, 90_000),
     History(years=1, year_paid_fen=5_000 * Y, year_insurance_fen=130_000 * Y, year_rehab_fen=5_000 * Y),
     50, 1_000, 3_000, (), 4_000),
    ("band already paid: nothing more", one(3_000, 10_000),
     History(years=1, year_paid_fen=5_000 * Y, year_insurance_fen=130_000 * Y, year_rehab_fen=5_000 * Y),
     50, 1_000, 0, (), 1_000),
    ("yearly cap cuts the 补助", one(20_000), History(years=1, year_paid_fen=45_000 * Y), 50, 5_000, 0, (), 5_000),
    ("yearly cap reached", one(20_000), History(years=1, year_paid_fen=50_000 * Y), 50, 0, 0, (), 0),
    ("yearly cap cuts 康复金 after 补助", one(9_000, 150_000), History(years=1, year_paid_fen=42_000 * Y),
     50, 4_000, 4_000, (), 8_000),
    ("advance settled in full", one(9_000), History(years=1, advances=(("YF2026-0001", 3_000 * Y),)),
     50, 4_000, 0, (("YF2026-0001", 3_000),), 1_000),
    ("advance larger than the claim", one(5_000), History(years=1, advances=(("YF2026-0001", 10_000 * Y),)),
     50, 2_000, 0, (("YF2026-0001", 2_000),), 0),
    ("two advances, oldest first", one(9_000),
     History(years=1, advances=(("YF2026-0001", 1_000 * Y), ("YF2026-0002", 5_000 * Y))),
     50, 4_000, 0, (("YF2026-0001", 1_000), ("YF2026-0002", 3_000)), 0),
    ("nothing granted: the advance waits", one(500), History(years=1, advances=(("YF2026-0001", 3_000 * Y),)),
     50, 0, 0, (), 0),
]


@pytest.mark.parametrize(("case", "receipts", "hist", "rate", "subsidy", "rehab", "offsets", "payable"), CASES,
                         ids=[c[0] for c in CASES])
def test_rule(case: str, receipts: list[Receipt], hist: History, rate: int, subsidy: float, rehab: float,
              offsets: tuple[tuple[str, float], ...], payable: float) -> None:
    r = compute(SEED, receipts, hist)
    assert r.rate_pct == rate
    assert r.subsidy_fen == round(subsidy * Y)
    assert r.rehab_fen == round(rehab * Y)
    assert r.offsets == tuple((no, round(a * Y)) for no, a in offsets)
    assert r.payable_fen == round(payable * Y)
    assert r.steps[-1].endswith(f"结算应付 {r.payable_fen // 100:,}.{r.payable_fen % 100:02d} 元")


def test_steps_show_the_calculation() -> None:
    r = compute(SEED, one(5_000, 130_000), History(years=10, advances=(("YF2026-0003", 1_000 * Y),)))
    text = "\n".join(r.steps)
    assert "统筹段自付 5,000.00 元" in text
    assert "连续参加 10 年：比例 50% + 2 × 5 个百分点 = 60%" in text
    assert "（5,000.00 元 − 起付线 1,000.00 元）× 60% = 2,400.00 元" in text
    assert "超过 120,000.00 元：康复金 5,000.00 元" in text
    assert "冲抵特殊救助预付款 YF2026-0003" in text
    assert text.endswith("本次核定 7,400.00 元，冲抵预付 1,000.00 元，结算应付 6,400.00 元")


def test_uncapped_rule() -> None:
    rule = Rule(deductible_fen=0, rate_pct=50, claim_cap_fen=None, year_cap_fen=None)
    assert compute(rule, one(1_000_000)).subsidy_fen == 500_000 * Y


@given(st.lists(st.tuples(st.integers(0, 10**8), st.integers(0, 10**8)), min_size=1, max_size=5),
       st.integers(0, 40), st.integers(0, 6 * 10**6), st.integers(0, 10**6))
def test_never_more_than_the_caps(parts: list[tuple[int, int]], years: int, paid: int, advance: int) -> None:
    receipts = [Receipt(s + i + 1, i, s) for s, i in parts]
    hist = History(years=years, year_paid_fen=paid, advances=(("YF", advance),) if advance else ())
    r = compute(SEED, receipts, hist)
    assert 0 <= r.subsidy_fen <= SEED.claim_cap_fen  # type: ignore[operator]
    assert r.granted_fen <= max(SEED.year_cap_fen - paid, 0)  # type: ignore[operator]
    assert 0 <= r.payable_fen <= r.granted_fen and r.offset_fen <= advance
    assert r.subsidy_fen <= sum(s for s, _ in parts)
