"""The reimbursement rule of 职工医疗互助, as a pure function with its steps written out.

For one claim (one or more receipts of one member in one plan year):

1. **补助**: the self-paid part within the pooled segment (统筹段自付) of the claim's receipts,
   above the plan's deductible (起付线, per claim), at the plan's rate; the rate rises by
   ``loyalty_points`` for every ``loyalty_years`` consecutive years of membership, up to
   ``max_rate_pct``; at most ``claim_cap_fen`` per claim.
2. **康复金**: when the member's pooled payments (统筹支付) of the year, this claim included,
   exceed a band's threshold, the band's amount is due once a year; a later claim that reaches a
   higher band gets the difference.
3. **年度最高**: 补助 + 康复金 of the year at most ``year_cap_fen`` (the 补助 is cut first).
4. **冲抵预付**: special advances (大病特殊救助预付) still open are set against the result, oldest
   first; what remains is paid by the quarterly settlement.

Amounts are integer fen; a percentage of fen rounds half up to the fen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from helpdesk_gui.core.base.money import format_yuan, round_fen


@dataclass(frozen=True)
class Rule:
    deductible_fen: int = 100_000
    rate_pct: int = 50
    loyalty_years: int = 5
    loyalty_points: int = 5
    max_rate_pct: int = 80
    claim_cap_fen: int | None = None
    year_cap_fen: int | None = None
    rehab_bands: tuple[tuple[int, int], ...] = ()   # (pooled payment above, 康复金), any order


@dataclass(frozen=True)
class Receipt:
    total_fen: int
    insurance_fen: int      # 统筹支付 (paid by the medical insurance fund)
    self_fen: int           # 统筹段自付
    label: str = ""


@dataclass(frozen=True)
class History:
    """What the member already has in the plan year (approved or settled claims, other than this one)."""

    years: int = 1                          # consecutive years of membership, this plan year included
    year_paid_fen: int = 0                  # 补助 + 康复金 already granted this year
    year_insurance_fen: int = 0             # 统筹支付 on earlier claims this year
    year_rehab_fen: int = 0                 # 康复金 already granted this year
    advances: tuple[tuple[str, int], ...] = ()   # (advance number, amount still to settle), oldest first


@dataclass(frozen=True)
class Result:
    total_fen: int
    insurance_fen: int
    self_fen: int
    rate_pct: int
    subsidy_fen: int
    rehab_fen: int
    offsets: tuple[tuple[str, int], ...]
    steps: tuple[str, ...] = field(default=())

    @property
    def granted_fen(self) -> int:
        """补助 + 康复金 (what counts towards the yearly maximum)."""
        return self.subsidy_fen + self.rehab_fen

    @property
    def offset_fen(self) -> int:
        return sum(a for _no, a in self.offsets)

    @property
    def payable_fen(self) -> int:
        return self.granted_fen - self.offset_fen


def _y(fen: int) -> str:
    return format_yuan(fen, grouping=True) + " 元"


def rate_for(rule: Rule, years: int) -> tuple[int, int]:
    """(rate %, loyalty steps) for ``years`` consecutive years of membership."""
    steps = max(years, 0) // rule.loyalty_years
    return min(rule.rate_pct + steps * rule.loyalty_points, max(rule.max_rate_pct, rule.rate_pct)), steps


def band_for(rule: Rule, pooled_fen: int) -> tuple[int, int] | None:
    """The highest 康复金 band whose threshold ``pooled_fen`` exceeds, as (threshold, amount)."""
    hit = [b for b in rule.rehab_bands if pooled_fen > b[0]]
    return max(hit) if hit else None


def compute(rule: Rule, receipts: Sequence[Receipt], history: History = History()) -> Result:
    total = sum(r.total_fen for r in receipts)
    insurance = sum(r.insurance_fen for r in receipts)
    own = sum(r.self_fen for r in receipts)
    steps = [f"单据 {len(receipts)} 张：医疗总费用 {_y(total)}，统筹支付 {_y(insurance)}，统筹段自付 {_y(own)}"]

    # 1. 补助
    rate, loyalty = rate_for(rule, history.years)
    if loyalty:
        capped = "（已到最高比例）" if rate < rule.rate_pct + loyalty * rule.loyalty_points else ""
        steps.append(f"连续参加 {history.years} 年：比例 {rule.rate_pct}% + {loyalty} × {rule.loyalty_points} 个百分点"
                     f" = {rate}%{capped}")
    else:
        steps.append(f"连续参加 {history.years} 年（不满 {rule.loyalty_years} 年不提高）：比例 {rate}%")
    above = max(own - rule.deductible_fen, 0)
    if above == 0:
        subsidy = 0
        steps.append(f"统筹段自付 {_y(own)} 未超过起付线 {_y(rule.deductible_fen)}：补助 0 元")
    else:
        subsidy = round_fen(Decimal(above) * rate / 100)
        steps.append(f"（{_y(own)} − 起付线 {_y(rule.deductible_fen)}）× {rate}% = {_y(subsidy)}")
        if rule.claim_cap_fen is not None and subsidy > rule.claim_cap_fen:
            subsidy = rule.claim_cap_fen
            steps.append(f"每次补助最高 {_y(rule.claim_cap_fen)}：补助按 {_y(subsidy)}")

    # 2. 康复金
    rehab = 0
    pooled = history.year_insurance_fen + insurance
    band = band_for(rule, pooled)
    if band is not None:
        due = max(band[1] - history.year_rehab_fen, 0)
        earlier = f"，本年已享受 {_y(history.year_rehab_fen)}" if history.year_rehab_fen else ""
        steps.append(f"本年统筹支付累计 {_y(pooled)}，超过 {_y(band[0])}：康复金 {_y(band[1])}{earlier}，"
                     f"本次 {_y(due)}")
        rehab = due

    # 3. 年度最高
    if rule.year_cap_fen is not None and history.year_paid_fen + subsidy + rehab > rule.year_cap_fen:
        room = max(rule.year_cap_fen - history.year_paid_fen, 0)
        subsidy = min(subsidy, room)
        rehab = min(rehab, room - subsidy)
        steps.append(f"每人每年最高 {_y(rule.year_cap_fen)}，本年已得 {_y(history.year_paid_fen)}："
                     f"本次最多 {_y(room)}（补助 {_y(subsidy)}，康复金 {_y(rehab)}）")

    # 4. 冲抵预付
    granted = subsidy + rehab
    left = granted
    offsets: list[tuple[str, int]] = []
    for number, open_fen in history.advances:
        if left <= 0:
            break
        take = min(open_fen, left)
        if take > 0:
            offsets.append((number, take))
            left -= take
            steps.append(f"冲抵特殊救助预付款 {number}（未冲抵 {_y(open_fen)}）：{_y(take)}")
    steps.append(f"本次核定 {_y(granted)}" + (f"，冲抵预付 {_y(granted - left)}" if offsets else "")
                 + f"，结算应付 {_y(left)}")
    return Result(total, insurance, own, rate, subsidy, rehab, tuple(offsets), tuple(steps))
