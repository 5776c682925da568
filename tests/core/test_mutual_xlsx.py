"""医疗互助 reports as tables and as a workbook: every 合计 equals its column, the cells are yuan."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from helpdesk_gui.core.base import ids
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import contributions as mutual_contributions
from helpdesk_gui.core.mutual import enrolment as mutual_enrolment
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.core.mutual import xlsx as mutual_xlsx
from helpdesk_gui.core.mutual.claims import ReceiptDraft
from helpdesk_gui.core.mutual.members import MemberDraft

Y = 100


@pytest.fixture
def year(database, clerk, approver, finance):
    """Plan 2026: two units (3 + 2 members), both paid; one claim each, settled in November."""
    db = database
    plan = mutual_plans.create_plan(db, finance, mutual_plans.default_draft(db, 2026))
    units = [mutual_members.save_unit(db, clerk, n) for n in ("县煤业公司工会", "县人民医院工会")]
    members = []
    for i in range(5):
        members.append(mutual_members.save_member(db, clerk, MemberDraft(
            f"会员{i}", ids.make("530122", dt.date(1970 + i, 3, 1), i * 2 + 1), units[0 if i < 3 else 1])))
    mutual_enrolment.enrol(db, clerk, plan, members, on=dt.date(2026, 1, 5))
    for u in units:
        mutual_contributions.receive_contribution(db, finance, plan, u, on=dt.date(2026, 1, 20))
    ledger.post_receipt(db, finance, mutual_plans.default_fund(db), 100_000 * Y, "other_in", "工会划入",
                        on=dt.date(2026, 2, 1))
    for n, mid in (("ZY1", members[0]), ("ZY2", members[3])):
        cid = mutual_claims.create_claim(db, clerk, plan, mid, [ReceiptDraft("3", n, "2026-03-01", 9_000 * Y, 2_000 * Y,
                                                                             7_000 * Y, "县医院")])
        mutual_claims.approve_claim(db, approver, cid)
    sid = mutual_settle.create_settlement(db, finance, "2026-Q4")
    mutual_settle.post_settlement(db, finance, sid, paid_date=dt.date(2026, 11, 5), today=dt.date(2026, 11, 5))
    return {"db": db, "plan": plan}


def test_tables_add_up(year) -> None:
    db, plan = year["db"], year["plan"]
    members = mutual_xlsx.build(db, "members", plan)
    assert [r[0] for r in members.rows] == ["县人民医院工会", "县煤业公司工会"]
    assert members.total == ("合计", 5, 5, 0, 2)
    contributions = mutual_xlsx.build(db, "contributions", plan)
    assert contributions.total == ("合计", 5, 100 * Y, 25 * Y, 50 * Y, 175 * Y, 2)
    claims = mutual_xlsx.build(db, "claims", plan)
    assert claims.total is not None and claims.total[0] == "合计" and claims.total[1] == 2
    assert claims.total[2] == sum(r[2] for r in claims.rows) == claims.total[4] == 2 * 3_000 * Y
    assert "2026-01-01 至 2026-12-31" in claims.subtitle
    assert mutual_xlsx.build(db, "claims", plan, date_from="2026-01-01", date_to="2026-10-31").rows == ()
    fund = dict(mutual_xlsx.build(db, "fund", plan).rows)
    assert fund["互助金缴费收入"] == 175 * Y and fund["报销支付"] == -6_000 * Y
    assert fund["期末余额"] == fund["期初余额"] + 175 * Y - 6_000 * Y + 100_000 * Y == fund["期初余额"] + sum(
        fund[k] for k in ("互助金缴费收入", "报销支付", "特殊救助预付", "其他收支（净额）"))


def test_export_writes_the_cells(year, tmp_path) -> None:
    db, plan = year["db"], year["plan"]
    path = mutual_xlsx.export(tmp_path / "互助.xlsx", mutual_xlsx.build_all(db, plan))
    wb = load_workbook(path)
    assert wb.sheetnames == ["会员情况", "缴费情况", "报销支付", "资金收支"]
    ws = wb["缴费情况"]
    assert ws["A1"].value == "2026 年度职工医疗互助金缴费情况"
    assert "某某县总工会" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["单位", "缴费人数", "职工缴纳", "单位补贴", "工会补贴", "合计金额", "缴款笔数"]
    assert [c.value for c in ws[4]] == ["县人民医院工会", 2, 40.0, 10.0, 20.0, 70.0, 1]
    assert [c.value for c in ws[6]] == ["合计", 5, 100.0, 25.0, 50.0, 175.0, 2]
    assert ws["F6"].number_format == "#,##0.00" and ws["F6"].font.bold
    fund = wb["资金收支"]
    values = {fund.cell(r, 1).value: fund.cell(r, 2).value for r in range(4, fund.max_row + 1)}
    assert values["报销支付"] == -6000.0 and values["已批准待结算（应付未付）"] == 0
    assert wb["会员情况"]["A6"].value == "合计" and wb["会员情况"]["B6"].value == 5
    assert not (tmp_path / "互助.xlsx.part").exists()
