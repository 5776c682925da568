"""What the 医疗互助 tests share (core, window, printing, exchange): ID numbers, receipts and a small scheme."""

from __future__ import annotations

import datetime as dt
from typing import Any

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.mutual import contributions as mutual_contributions
from helpdesk_gui.core.mutual import enrolment as mutual_enrolment
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual.claims import ReceiptDraft
from helpdesk_gui.core.mutual.members import MemberDraft

Y = 100  # fen per yuan
UNIT = "县煤业公司工会"
NAMES = ("张三", "李四", "王五")


def idn(n: int) -> str:
    """A valid, distinct ID number for test person ``n``."""
    return ids.make("530122", dt.date(1975, 1, 1) + dt.timedelta(days=n * 37), n % 900)


def receipt(no: str, self_yuan: float, insurance_yuan: float = 0, kind: str = "3", day: str = "2026-03-10") -> ReceiptDraft:
    """A receipt with that self-paid and pooled amount (the total is 100 yuan more)."""
    s, i = round(self_yuan * Y), round(insurance_yuan * Y)
    return ReceiptDraft(kind, no, day, s + i + 10_000, i, s, "县人民医院")


def build_scheme(db: Any) -> dict[str, Any]:
    """Plans 2025 and 2026, a unit with three members (张三, 李四, 王五) enrolled and paid in both years; the
    fund holds the contributions plus 200,000 yuan of union money."""
    clerk, finance = auth.get_actor(db, "clerk"), auth.get_actor(db, "finance")
    for year in (2025, 2026):
        mutual_plans.create_plan(db, finance, mutual_plans.default_draft(db, year))
    unit = mutual_members.save_unit(db, clerk, UNIT, contact="李华")
    members = [mutual_members.save_member(db, clerk, MemberDraft(name, idn(i), unit, phone="13812345678",
                                                                 bank_name="中国农业银行",
                                                                 bank_account=f"622848000000000{i:04d}"))
               for i, name in enumerate(NAMES, start=1)]
    for year in (2025, 2026):
        plan = mutual_plans.plan_by_period(db, year)
        mutual_enrolment.enrol(db, clerk, plan["id"], members, on=dt.date(year, 1, 5))
        mutual_contributions.receive_contribution(db, finance, plan["id"], unit, on=dt.date(year, 1, 20),
                                                  ref_no=f"缴{year}")
    fund = mutual_plans.default_fund(db)
    assert fund is not None
    ledger.post_receipt(db, finance, fund, 200_000 * Y, "other_in", "工会划入互助金", on=dt.date(2026, 2, 1))
    return {"db": db, "unit": unit, "members": members, "plan": mutual_plans.plan_by_period(db, 2026)["id"],
            "plan25": mutual_plans.plan_by_period(db, 2025)["id"], "fund": fund}
