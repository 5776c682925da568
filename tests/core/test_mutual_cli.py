"""``helpdesk mutual-...`` end to end, and the demo's 医疗互助 books."""

from __future__ import annotations

import datetime as dt
import json

from helpdesk_gui import cli
from helpdesk_gui.core import check
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.mutual import enrolment as mutual_enrolment
from helpdesk_gui.core.mutual import members as mutual_members
from helpdesk_gui.core.mutual import plans as mutual_plans
from helpdesk_gui.core.mutual.members import MemberDraft


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def as_user(monkeypatch, name: str, password: str = "passw0rd!") -> None:
    monkeypatch.setenv("HELPDESK_USER", name)
    monkeypatch.setenv("HELPDESK_PASSWORD", password)


def test_mutual_commands(folder, database, capsys, monkeypatch, clerk) -> None:
    monkeypatch.delenv("HELPDESK_USER")
    code, _out, err = run(capsys, "mutual-plan-new", "--year", "2026")
    assert code == 2 and "HELPDESK_USER" in err
    as_user(monkeypatch, "clerk")
    code, _out, err = run(capsys, "mutual-plan-new", "--year", "2026")
    assert code == 1 and "无权设置医疗互助方案" in err
    as_user(monkeypatch, "finance")
    code, out, _ = run(capsys, "mutual-plan-new", "--year", "2026")
    assert code == 0 and "统筹段自付超过 1,000.00 元的部分按 50% 补助" in out
    plan = mutual_plans.plan_by_period(database, 2026)
    unit = mutual_members.save_unit(database, clerk, "县水泥厂工会")
    members = [mutual_members.save_member(database, clerk,
                                          MemberDraft(n, ids.make("530122", dt.date(1980, 3, i), i), unit))
               for i, n in enumerate(("张三", "李四"), start=1)]
    mutual_enrolment.enrol(database, clerk, plan["id"], members)
    code, out, _ = run(capsys, "mutual-members", "--year", "2026", "--unpaid")
    assert code == 0 and "张三" in out and "待缴费" in out and "共 2 人" in out
    code, out, _ = run(capsys, "mutual-contribute", "--year", "2026", "--unit", "县水泥厂工会", "--date", "2026-02-01")
    assert code == 0 and "已入账：凭证 2026-0001" in out
    code, out, _ = run(capsys, "mutual-plans", "--json")
    assert json.loads(out)[0]["received_fen"] == 7_000 and json.loads(out)[0]["paid"] == 2

    from helpdesk_gui.core.ledger import posting as ledger
    from helpdesk_gui.core.mutual import claims as mutual_claims
    finance = auth.get_actor(database, "finance")
    ledger.post_receipt(database, finance, int(plan["fund_id"]), 10_000_000, "other_in", "工会补充", on=dt.date(2026, 2, 2))
    receipt = mutual_claims.ReceiptDraft("3", "ZY88", "2026-03-01", 800_000, 200_000, 500_000, "县医院")
    mutual_claims.create_claim(database, clerk, plan["id"], members[0], [receipt])
    code, out, _ = run(capsys, "mutual-claim", "HZ" + str(dt.date.today().year) + "-0001")
    assert code == 0 and "住院费用结算单 ZY88" in out and "未审批" in out and "结算应付 2,000.00 元" in out
    code, _out, err = run(capsys, "mutual-approve", f"HZ{dt.date.today().year}-0001")
    assert code == 1 and "无权审批" in err
    as_user(monkeypatch, "approver")
    code, out, _ = run(capsys, "mutual-approve", f"HZ{dt.date.today().year}-0001")
    assert code == 0 and "结算应付 2,000.00 元" in out
    quarter = f"{dt.date.today().year}-Q{(dt.date.today().month - 1) // 3 + 1}"
    code, out, _ = run(capsys, "mutual-settle", "--quarter", quarter, "--json")
    assert code == 0 and json.loads(out) == {"quarter": quarter, "claims": 1, "total_fen": 200_000}
    as_user(monkeypatch, "finance")
    code, out, _ = run(capsys, "mutual-settle", "--quarter", quarter, "--post", "--batch", "YH001")
    assert code == 0 and "合计 2,000.00 元（贰仟元整）" in out
    settle_no = str(scalar(database, "SELECT settle_no FROM mutual_settlements"))
    code, _out, err = run(capsys, "mutual-bankfile", settle_no, "--out", str(folder / "代发.xlsx"))
    assert code == 1 and "张三 没有登记银行账号" in err and not (folder / "代发.xlsx").exists()
    m = mutual_members.get_member(database, members[0])
    mutual_members.save_member(database, clerk, MemberDraft(m["name"], m["id_number"], m["unit_id"], bank_name="农业银行",
                                                            bank_account="6228480000000000001"), members[0])
    code, out, _ = run(capsys, "mutual-bankfile", settle_no, "--out", str(folder / "代发.xlsx"))
    assert code == 0 and "1 笔，合计 2,000.00 元" in out
    from openpyxl import load_workbook
    ws = load_workbook(folder / "代发.xlsx").active
    assert [c.value for c in ws[4]] == [1, "张三", "农业银行", "6228480000000000001", 2000, f"医疗互助报销 HZ{dt.date.today().year}-0001"]
    assert scalar(database, "SELECT count(*) FROM audit_log WHERE action = 'export_bank'") == 1
    code, out, _ = run(capsys, "mutual-report", "fund", "--year", "2026", "--json")
    report = json.loads(out)
    assert report["contributions_fen"] == 7_000 and report["claims_fen"] == 200_000
    code, out, _ = run(capsys, "mutual-report", "contributions", "--year", "2026")
    assert code == 0 and "\n县水泥厂工会\t2\t40.00\t10.00\t20.00\t70.00\t1\n" in out
    code, out, _ = run(capsys, "mutual-report", "members", "--year", "2026", "--out", str(folder / "互助.xlsx"), "--all")
    assert code == 0 and "会员情况" in out
    from openpyxl import load_workbook
    wb = load_workbook(folder / "互助.xlsx")
    assert wb.sheetnames == ["会员情况", "缴费情况", "报销支付", "资金收支"]
    code, out, _ = run(capsys, "stats", "--json")
    assert json.loads(out)["mutual_aid"] == {"members": 2, "claims": {"total": 1, "by_status": {"已结算": 1}},
                                             "paid_fen": 200_000}
    monkeypatch.setenv("HELPDESK_USER", "admin")
    monkeypatch.setenv("HELPDESK_PASSWORD", "admin1234")
    assert run(capsys, "check")[0] == 0


def test_demo_has_a_year_of_mutual_aid(database, admin) -> None:
    today = dt.date(2026, 11, 22)
    counts = demo.generate(database, admin, 2_000, seed=3, today=today)
    assert counts["mutual_members"] == 250 and counts["mutual_claims"] > 0 and counts["mutual_settlements"] >= 3
    assert scalar(database, "SELECT count(*) FROM mutual_plans") == 2
    assert scalar(database, "SELECT count(*) FROM mutual_claims WHERE status = 'settled'") > 0
    # every posted settlement's ledger payments equal its roster total, and the whole database checks out
    assert scalar(database, "SELECT count(*) FROM mutual_settlements s WHERE s.status = 'posted' AND s.total_fen <> "
                            "(SELECT coalesce(-sum(e.amount_fen), 0) FROM mutual_payments p JOIN ledger_entries e "
                            "ON e.id = p.entry_id WHERE p.settlement_id = s.id)") == 0
    assert check.run(database) == []
    # the ended months are closed after the scheme's vouchers were written
    assert scalar(database, "SELECT count(*) FROM ledger_periods WHERE period = '2026-10'") == 1
