"""The 职工医疗互助 forms: the quarterly settlement roster and the claim's approval form, with the members,
amounts, totals in 人民币大写 and the approver; numbers masked unless revealed; ``helpdesk print`` selects them."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk_gui.cli import main
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual import settle as mutual_settle
from helpdesk_gui.printing import render, template
from helpdesk_gui.printing.sources import Selection
from mutual_kit import UNIT, Y, idn, receipt

from .conftest import pdf_text, squash


@pytest.fixture
def scheme(mutual_scheme, clerk, approver, finance):
    """Plan 2026 (after 2025), three paid members; 张三's and 王五's claims approved and settled in a draft
    settlement of this quarter, and a claim of 李四 still waiting for approval."""
    db = mutual_scheme["db"]
    members = mutual_scheme["members"]
    plan = mutual_plans.plan_by_period(db, 2026)["id"]
    zhang, li, wang = members
    c1 = mutual_claims.create_claim(db, clerk, plan, zhang, [receipt("ZY001", 5_000), receipt("MZ01", 1_000, kind="2")],
                                    submitted_on=dt.date(2026, 4, 2))
    c3 = mutual_claims.create_claim(db, clerk, plan, wang, [receipt("ZY003", 3_000, 130_000)],
                                    submitted_on=dt.date(2026, 4, 3))
    for c in (c1, c3):
        mutual_claims.approve_claim(db, approver, c)
    draft = mutual_claims.create_claim(db, clerk, plan, li, [receipt("ZY002", 2_200)], submitted_on=dt.date(2026, 5, 6))
    sid = mutual_settle.create_settlement(db, finance, mutual_settle.quarter_of(dt.date.today()))
    return {"db": db, "plan": plan, "claims": (c1, c3), "draft": draft, "settlement": sid, "members": members}


def printed(db, actor, key, out, *, reveal=False, **selection) -> str:
    render.render(db, template.find(key), Selection(**selection), out, actor=actor, reveal=reveal)
    return squash("".join(pdf_text(out)))


def test_settlement_roster_lists_each_claim_with_totals_in_words(scheme, finance, tmp_path):
    db = scheme["db"]
    s = mutual_settle.get_settlement(db, scheme["settlement"])
    text = printed(db, finance, "mutual_roster", tmp_path / "roster.pdf", mutual_settlement=scheme["settlement"])
    assert "某某县总工会职工医疗互助金报销结算花名册" in text
    assert f"结算单号：{s['settle_no']}" in text and mutual_settle.quarter_label(s["quarter"]) in text
    assert "职工医疗互助金" in text and "未记账" in text
    for value in ("HZ2026-0001", "HZ2026-0002", "张三", "王五", UNIT, "中国农业银行", mask_id(idn(1)), "****0001",
                  "2,500.00", "1,000.00", "5,000.00", "6,000.00"):
        assert squash(value) in text, value
    assert "李四" not in text                               # waiting for approval: not in the settlement
    assert idn(1) not in text and "6228480000000000001" not in text     # masked by default
    assert "合计（2人次）8,500.00" in text
    assert "应付金额合计人民币（大写）：捌仟伍佰元整（¥8,500.00）" in text
    assert "康复金5,000.00元" in text and "补助3,500.00元" in text
    assert "经办人：赵出纳" in text and "财务负责人（签字）：" in text and "领款人签字" in text


def test_roster_reveals_full_numbers_for_a_role_that_may(scheme, reviewer, tmp_path):
    text = printed(scheme["db"], reviewer, "mutual_roster", tmp_path / "r.pdf", reveal=True,
                   mutual_settlement=scheme["settlement"])
    assert idn(3) in text and "6228480000000000003" in text


def test_claim_form_shows_receipts_steps_and_the_approver(scheme, clerk, tmp_path):
    db = scheme["db"]
    _c1, c3 = scheme["claims"]
    text = printed(db, clerk, "mutual_claim", tmp_path / "claim.pdf", mutual_claims=(c3, scheme["draft"]))
    first, second = (squash(t) for t in pdf_text(tmp_path / "claim.pdf"))
    assert "某某县总工会职工医疗互助报销审批表" in first and "报销编号：HZ2026-0002" in first
    for value in ("王五", "男" if int(idn(3)[16]) % 2 else "女", mask_id(idn(3)), "138****5678", UNIT, "2026年度",
                  "已批准待结算", "连续参加2年", "住院费用结算单", "ZY003", "县人民医院", "2026.03.10",
                  "133,100.00", "130,000.00", "3,000.00", "合计1张：医疗总费用133,100.00元", "康复金5,000.00元", "6,000.00",
                  "人民币（大写）陆仟元整", "审批人（签字）：王主任", "经办人（签字）：张经办", "同意报销"):
        assert squash(value) in first, value
    assert f"{dt.date.today().year}年{dt.date.today().month}月{dt.date.today().day}日" in first  # the approval date
    assert "未审批" not in first and idn(3) not in text
    # the claim still waiting: the live calculation, marked, no approver
    assert "李四" in second and "未审批" in second and "（2,200.00元−起付线1,000.00元）×50%=600.00元" in second
    assert "人民币（大写）陆佰元整" in second
    assert "审批人（签字）：" in second and "王主任" not in second


def test_blank_forms_print_without_a_selection(database, clerk, tmp_path):
    text = printed(database, clerk, "mutual_claim", tmp_path / "blank.pdf")
    assert "医疗互助报销审批表" in text and "审批人（签字）：" in text
    text = printed(database, clerk, "mutual_roster", tmp_path / "blank_roster.pdf")
    assert "结算花名册" in text and "（本结算没有报销）" in text


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_print_command_lists_and_prints_both(scheme, tmp_path, capsys):
    code, out, _ = run(capsys, "print", "--list")
    assert code == 0 and "mutual_roster" in out and "职工医疗互助金报销结算花名册" in out
    assert "mutual_claim" in out and "医疗互助报销审批表" in out
    s = mutual_settle.get_settlement(scheme["db"], scheme["settlement"])
    out_pdf = tmp_path / "roster.pdf"
    code, out, err = run(capsys, "print", "mutual_roster", "--settlement", s["settle_no"], "--out", str(out_pdf))
    assert code == 0, err
    assert "已打印“职工医疗互助金报销结算花名册”：1 份" in out
    assert "捌仟伍佰元整" in squash("".join(pdf_text(out_pdf)))
    code, out, err = run(capsys, "print", "mutual_claim", "--claim", "HZ2026-0001,HZ2026-0003", "--out", str(out_pdf))
    assert code == 0, err
    assert "2 份" in out and len(pdf_text(out_pdf)) == 2
    code, _out, err = run(capsys, "print", "mutual_roster", "--out", str(out_pdf))
    assert code == 2 and "--settlement" in err
    code, _out, err = run(capsys, "print", "mutual_claim", "--claim", "HZ2099-0001", "--out", str(out_pdf))
    assert code == 1 and "HZ2099-0001" in err


def test_claim_form_shows_the_advance_it_settles(scheme, clerk, approver, finance, tmp_path):
    db = scheme["db"]
    li = scheme["members"][1]
    mutual_claims.pay_advance(db, finance, scheme["plan"], li, 300 * Y, reason="住院急需", approved_by="approver")
    for when in ("draft", "approved"):
        if when == "approved":
            mutual_claims.approve_claim(db, approver, scheme["draft"])
        text = printed(db, clerk, "mutual_claim", tmp_path / f"{when}.pdf", mutual_claims=(scheme["draft"],))
        assert "预付YF2026-0001冲抵300.00元" in text, when
        assert "补助600.00元" in text and "冲抵预付300.00元" in text and "人民币（大写）叁佰元整¥300.00" in text
        assert ("未审批" in text) == (when == "draft")
