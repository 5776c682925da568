"""The city's figures for a hand-built small county equal the values counted by hand, in the core,
in the Excel workbook (totals that add up) and through ``helpdesk report``; the dashboard's series."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import ids
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.casework import reception, services, visits
from helpdesk_gui.core.casework.reception import EntryDraft
from helpdesk_gui.core.casework.services import CaseDraft
from helpdesk_gui.core.casework.visits import VisitDraft
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.core.reports import figures as reports
from helpdesk_gui.core.reports import xlsx as report_xlsx

TODAY = dt.date(2025, 12, 31)
MARCH = reports.Period.month(2025, 3)


def _household(db, actor, seq, name, *, status, category, created, exit_date=None, township="城关镇", cause="3"):
    hid = register.create_household(db, actor, HouseholdDraft(fields={
        "name": name, "id_number": ids.make("530122", dt.date(1975, 5, 6), seq), "cause_main": cause,
        "township": township}), today=TODAY)
    # test set-up: put the archive straight into the state the story needs
    db.execute("UPDATE households SET status = ?, category = ?, created_date = ?, exit_date = ? WHERE id = ?",
               [status, category, created, exit_date, hid])
    return hid


def _paid(db, hid, day, project, fund, fen, n=[0]):  # noqa: B006 - a counter for record numbers
    n[0] += 1
    db.execute("INSERT INTO assistance_records (sender_code, record_no, household_id, project, fund_source, amount_fen, "
               "paid_date, method, created_at) VALUES ('530122', ?, ?, ?, ?, ?, ?, '2', '2025-01-01T00:00:00')",
               [f"T{n[0]:05d}", hid, project, fund, fen, day])


@pytest.fixture
def county(database, clerk, reviewer):
    """A small county whose March 2025 figures are counted by hand below."""
    db = database
    h1 = _household(db, clerk, 101, "甲", status="active", category="1", created="2025-01-10")
    h2 = _household(db, clerk, 103, "乙", status="active", category="2", created="2025-03-03", township="金马镇",
                    cause="6")
    h3 = _household(db, clerk, 105, "丙", status="exited", category="1", created="2024-05-01", exit_date="2025-03-20")
    _household(db, clerk, 107, "丁", status="applying", category=None, created="2025-04-05")
    # payments: March 2025 — h1 1,000 (生活救助, 本级经费) + 500 (送温暖, 社会捐助), h2 3,000 (子女助学, 本级经费);
    # February 2025 — h2 800 (生活救助, 中央财政); March 2024 — h1 2,000; April 2025 — h3 600 (outside)
    _paid(db, h1, "2025-03-05", "1", "5", 100_000)
    _paid(db, h1, "2025-03-15", "4", "6", 50_000)
    _paid(db, h2, "2025-03-31", "3", "5", 300_000)
    _paid(db, h2, "2025-02-10", "1", "1", 80_000)
    _paid(db, h1, "2024-03-10", "1", "5", 200_000)
    _paid(db, h3, "2025-04-01", "1", "5", 60_000)

    def log(day, channel, kind, people=1, **kw):
        return reception.log_entry(db, clerk, EntryDraft(channel, kind, "来访人", "反映事项", received_date=day,
                                                         visitors=people, **kw), today=TODAY)
    # March: 3 来访 (one a group of 4), 2 来信, 1 来电 → 6 件次, 9 人次
    e1 = log("2025-03-03", "visit", "help")                 # deadline 03-10: closed 03-07 on time
    e2 = log("2025-03-04", "visit", "rights", people=4)     # deadline 03-25: closed 04-02 (open at the end, overdue)
    e3 = log("2025-03-28", "visit", "consult")              # deadline 03-31: still open, not overdue on 03-31
    e4 = log("2025-03-10", "letter", "complaint")           # deadline 03-31: closed 03-31 on time
    log("2025-03-12", "letter", "help")                     # deadline 03-19: open → overdue at the end
    e6 = log("2025-03-20", "phone", "consult")              # deadline 03-21: closed 03-25 late
    e0 = log("2025-02-26", "phone", "help")                 # February: deadline 03-05, closed 03-06 late (in March)
    log("2025-04-01", "visit", "help")                      # April: outside
    for eid, day in ((e1, "2025-03-07"), (e4, "2025-03-31"), (e6, "2025-03-25"), (e0, "2025-03-06"),
                     (e2, "2025-04-02")):
        reception.close_entry(db, reviewer, eid, "已办理", on=day, today=TODAY)
    assert e3
    # service cases
    c = services.open_case(db, clerk, CaseDraft("wages", "王刚", "2025-03-05", people=12, counterpart="某建筑公司",
                                                matter="欠薪", claimed_fen=36_000_000), today=TODAY)
    services.close_case(db, clerk, c, "partial", "追回大部分", amount_fen=30_000_000, on="2025-03-28", today=TODAY)
    c = services.open_case(db, clerk, CaseDraft("legal", "李四", "2025-02-20", counterpart="某厂", matter="工伤"),
                           today=TODAY)
    services.close_case(db, clerk, c, "success", "调解成功", amount_fen=500_000, on="2025-03-10", today=TODAY)
    services.open_case(db, clerk, CaseDraft("legal", "赵五", "2025-03-15", people=2, counterpart="某店",
                                            matter="劳动合同"), today=TODAY)
    c = services.open_case(db, clerk, CaseDraft("job", "甲", "2025-03-01", household_id=h1, counterpart="某物业",
                                                matter="保洁"), today=TODAY)
    services.close_case(db, clerk, c, "success", "已上岗", on="2025-03-20", today=TODAY)
    c = services.open_case(db, clerk, CaseDraft("job", "乙", "2025-03-02", counterpart="某超市", matter="理货"),
                           today=TODAY)
    services.close_case(db, clerk, c, "failed", "未录用", on="2025-03-22", today=TODAY)
    services.open_case(db, clerk, CaseDraft("training", "丙", "2025-03-05", people=3, counterpart="县职校",
                                            matter="家政"), today=TODAY)
    c = services.open_case(db, clerk, CaseDraft("dibao", "乙", "2025-03-02", household_id=h2), today=TODAY)
    services.close_case(db, clerk, c, "success", "已纳入低保", on="2025-03-30", today=TODAY)
    services.open_case(db, clerk, CaseDraft("dibao", "丁", "2025-03-26"), today=TODAY)
    # pairs and visits
    c1 = visits.add_cadre(db, clerk, "周书记", "县总工会")
    c2 = visits.add_cadre(db, clerk, "吴干事", "县总工会")
    p1 = visits.make_pair(db, clerk, c1, h1, start="2025-01-05", today=TODAY)
    visits.make_pair(db, clerk, c1, h2, start="2025-03-10", today=TODAY)
    p3 = visits.make_pair(db, clerk, c2, h1, start="2024-01-15", today=TODAY)
    visits.end_pair(db, clerk, p3, "调离", on="2025-03-20", today=TODAY)
    visits.record_visit(db, clerk, VisitDraft(h1, "2025-03-18", "pair", "周书记", money_fen=50_000, pair_id=p1),
                        today=TODAY)
    visits.record_visit(db, clerk, VisitDraft(h2, "2025-03-29", "festival", "县总工会", goods="米油", goods_fen=20_000),
                        today=TODAY)
    visits.record_visit(db, clerk, VisitDraft(h1, "2025-02-14", "festival", "县总工会", money_fen=30_000), today=TODAY)
    return db


HAND_COUNTED_MARCH = {
    "reception_total": 6, "reception_people": 9, "reception_closed": 4, "reception_closed_on_time": 2,
    "reception_open_end": 3, "reception_overdue_end": 2,
    "assisted_households": 2, "assistance_count": 3, "assistance_fen": 450_000,
    "households_end": 2, "households_new": 1, "households_exited": 1,
    "dibao_cases": 2, "dibao_enrolled": 1,
    "pairs_end": 2, "pair_cadres_end": 1, "pair_households_end": 2, "pairs_new": 1, "pair_visits": 1,
    "visits_total": 2, "visits_money_fen": 50_000, "visits_goods_fen": 20_000,
    "job_referrals": 2, "job_employed": 1, "training_places": 3, "training_completed": 0,
    "rights_cases": 2, "rights_people": 14, "rights_closed": 2, "legal_recovered_fen": 500_000,
    "wages_recovered_fen": 30_000_000, "wages_workers": 12,
}


def test_march_figures_equal_the_hand_count(county):
    fig = reports.figures(county, MARCH)
    assert {k: fig[k] for k in HAND_COUNTED_MARCH} == HAND_COUNTED_MARCH
    assert fig["reception_by_channel"] == {"visit": 3, "letter": 2, "phone": 1}
    assert fig["reception_by_kind"] == {"help": 2, "rights": 1, "consult": 2, "complaint": 1}
    assert fig["by_fund_source"] == {"5": 400_000, "6": 50_000}


def _counted_another_way(db, date_from: str, date_to: str) -> dict:
    """The register and payment figures of a period counted by plain SQL, independently of ``core.reports``
    (a join for the categories instead of a dictionary, ``IN`` for the members): what the printed statistics
    counted before they took ``figures`` too, kept here as the check."""
    span = [date_from, date_to]
    end_where = ("created_date <= :to AND (status = 'active' OR (status IN ('exited', 'cancelled') "
                 "AND exit_date > :to))")
    p = {"from": date_from, "to": date_to}

    def n(sql, params=span):
        return int(db.execute(sql, params).fetchone()[0] or 0)

    def breakdown(sql):
        return {str(code): {"count": c, "households": h, "fen": f} for code, c, h, f in db.execute(sql, span)}

    return {
        "households_new": n("SELECT count(*) FROM households WHERE created_date BETWEEN ? AND ?"),
        "households_exited": n("SELECT count(*) FROM households WHERE status = 'exited' AND exit_date BETWEEN ? AND ?"),
        "households_cancelled": n("SELECT count(*) FROM households WHERE status = 'cancelled' "
                                  "AND exit_date BETWEEN ? AND ?"),
        "households_end": n(f"SELECT count(*) FROM households WHERE {end_where}", p),
        "members_end": n(f"SELECT count(*) FROM members WHERE household_id IN (SELECT id FROM households "
                         f"WHERE {end_where})", p),
        "end_by_category": {str(k or ""): int(v) for k, v in db.execute(
            f"SELECT category, count(*) FROM households WHERE {end_where} GROUP BY category", p)},
        "assisted_households": n("SELECT count(DISTINCT household_id) FROM assistance_records "
                                 "WHERE paid_date BETWEEN ? AND ?"),
        "assistance_count": n("SELECT count(*) FROM assistance_records WHERE paid_date BETWEEN ? AND ?"),
        "assistance_fen": n("SELECT coalesce(sum(amount_fen), 0) FROM assistance_records "
                            "WHERE paid_date BETWEEN ? AND ?"),
        "by_project": breakdown("SELECT project, count(*), count(DISTINCT household_id), coalesce(sum(amount_fen), 0) "
                                "FROM assistance_records WHERE paid_date BETWEEN ? AND ? GROUP BY project"),
        "by_category": breakdown("SELECT coalesce(h.category, ''), count(*), count(DISTINCT a.household_id), "
                                 "coalesce(sum(a.amount_fen), 0) FROM assistance_records a JOIN households h "
                                 "ON h.id = a.household_id WHERE a.paid_date BETWEEN ? AND ? GROUP BY 1"),
        "by_fund_source": {str(k): int(v) for k, v in db.execute(
            "SELECT fund_source, coalesce(sum(amount_fen), 0) FROM assistance_records "
            "WHERE paid_date BETWEEN ? AND ? GROUP BY fund_source", span)},
    }


def test_figures_count_the_register_and_payments_as_the_printed_statistics_do(county):
    from helpdesk_gui.core.reports import stats
    for period in (MARCH, reports.Period.year(2025), reports.Period.parse("2024-01-01", "2025-12-31")):
        ours = reports.figures(county, period)
        theirs = stats.period_figures(county, period.a, period.b)
        counted = _counted_another_way(county, period.a, period.b)
        assert (theirs["date_from"], theirs["date_to"]) == (period.a, period.b)
        assert set(theirs) == {"date_from", "date_to", *counted}
        for key in ("households_end", "members_end", "households_new", "households_exited", "households_cancelled",
                    "assisted_households", "assistance_count", "assistance_fen", "by_project", "by_category",
                    "by_fund_source", "end_by_category"):
            assert ours[key] == theirs[key] == counted[key], (period, key)
        light = reports.figures(county, period, detail=False)
        for key in ("assisted_households", "assistance_count", "assistance_fen", "households_end"):
            assert light[key] == ours[key]


def test_year_to_date_and_last_year_columns(county):
    report = reports.build(county, MARCH)
    rows = {r["key"]: r for r in report.rows()}
    # Jan–Mar 2025 adds February: h2's 800 and the February entry and visit
    assert (rows["assistance_fen"]["ytd"], rows["assistance_count"]["ytd"]) == (530_000, 4)
    assert rows["reception_total"]["ytd"] == 7 and rows["visits_total"]["ytd"] == 3
    assert rows["rights_cases"]["ytd"] == 3          # the February legal case too
    # March 2024: h1's 2,000; the pair c2–h1 stood then
    assert (rows["assistance_fen"]["last_year"], rows["pairs_end"]["last_year"]) == (200_000, 1)
    assert rows["reception_channel:visit"]["period"] == 3
    printed = reports.print_rows(report)
    assert printed[0] == {"item": "接待来信来电来访", "unit": "件次", "period": "6", "ytd": "7", "note": "上年同期 0"}
    assert next(p for p in printed if p["item"] == "追回拖欠工资")["period"] == "300,000.00"


def test_periods(county):
    assert reports.Period.month(2024, 2).end == dt.date(2024, 2, 29)
    assert reports.Period.parse("2024-02-29", "2024-03-31").previous_year().start == dt.date(2023, 2, 28)
    with pytest.raises(ValidationError, match="结束日期早于开始日期"):
        reports.Period.parse("2025-03-31", "2025-03-01")
    with pytest.raises(ValidationError, match="开始日期"):
        reports.Period.parse("2025/03/01", "2025-03-31")
    empty = reports.figures(county, reports.Period.month(2020, 1))
    assert empty["reception_total"] == 0 and empty["assistance_fen"] == 0 and empty["wages_recovered_fen"] == 0


def _table(ws):
    """Rows under the header (row 3) of a breakdown sheet, up to and including 合计."""
    out = []
    for r in ws.iter_rows(min_row=4, values_only=True):
        out.append(list(r))
        if r[0] == "合计":
            break
    return out


def test_excel_workbook_has_the_figures_and_totals_that_add_up(county, tmp_path):
    path = report_xlsx.write(reports.build(county, MARCH), tmp_path / "march.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["统计报表", "接待登记", "帮扶项目", "资金来源", "困难类别", "服务事项", "走访慰问"]
    main = wb["统计报表"]
    assert "某某县总工会" in main["A1"].value and "2025年3月1日至2025年3月31日" in main["A2"].value
    found = {r[1]: r[3:6] for r in main.iter_rows(min_row=4, values_only=True) if r[1]}
    assert found["接待来信来电来访"] == (6, 7, 0)
    assert found["发放帮扶资金"] == (4500.0, 5300.0, 2000.0)
    assert found["追回拖欠工资"] == (300000.0, 300000.0, 0)
    assert found["依法维权"] == (6 - 4, 3, 0)
    reception_sheet = _table(wb["接待登记"])
    assert reception_sheet[-1][0] == "合计"
    body, total = reception_sheet[:-1], reception_sheet[-1]
    for r in body:
        assert sum(r[1:-1]) == r[-1]                       # each row's 合计 column
    for c in range(1, len(total)):
        assert sum(r[c] for r in body) == total[c]        # the 合计 row
    assert total[-1] == 6
    projects = _table(wb["帮扶项目"])
    assert projects[-1][0] == "合计" and projects[-1][1] == 3 and projects[-1][3] == 4500.0
    assert projects[-1][2] == found["帮扶困难职工"][0]       # 户数 filled: each household once
    assert round(sum(r[3] for r in projects[:-1]), 2) == projects[-1][3]
    funds = _table(wb["资金来源"])
    assert funds == [["本级工会经费", 4000.0], ["社会捐助", 500.0], ["合计", 4500.0]]
    cats = _table(wb["困难类别"])
    assert cats[-1][:3] == ["合计", 2, 3] and sum(r[1] for r in cats[:-1]) == 2
    svc = {r[0]: r for r in _table(wb["服务事项"])}
    assert svc["追回欠薪"][1:] == [1, 12, 1, 0, 300000.0] and svc["合计"][5] == 305000.0
    assert not list(tmp_path.glob("*.part"))


def test_dashboard_series(county):
    d = reports.dashboard(county, 2025)
    assert d.by_category == [("深度困难", 1), ("相对困难", 1)]
    assert dict(d.by_cause) == {"下岗失业": 1, "患重特大疾病": 1}
    assert dict(d.by_township) == {"城关镇": 1, "金马镇": 1}
    assert d.paid_this_year[:4] == [0, 80_000, 450_000, 60_000] and sum(d.paid_this_year) == 590_000
    assert d.paid_last_year[2] == 200_000
    assert d.paid_by_fund == {"中央财政": [0, 80_000] + [0] * 10,
                              "本级工会经费": [0, 0, 400_000, 60_000] + [0] * 8,
                              "社会捐助": [0, 0, 50_000] + [0] * 9}
    assert d.count_this_year[:4] == [0, 1, 3, 1] and d.totals["active"] == 2


def test_report_command_writes_excel_and_refuses_bad_dates(county, folder, tmp_path, capsys):
    from helpdesk_gui import cli
    out = tmp_path / "r.xlsx"
    assert cli.main(["report", "--from", "2025-03-01", "--to", "2025-03-31", "--out", str(out)]) == 0
    assert "已导出" in capsys.readouterr().out
    assert load_workbook(out)["统计报表"]["D5"].value == 6
    assert cli.main(["report", "--from", "2025-03-31", "--to", "2025-03-01", "--out", str(out)]) == 1
    assert "结束日期早于开始日期" in capsys.readouterr().err
    assert cli.main(["report", "--from", "2025-03-01", "--to", "2025-03-31", "--out", str(tmp_path / "r.doc")]) == 2
    assert ".xlsx" in capsys.readouterr().err


def test_readonly_role_may_view_reports(database):
    assert auth.Actor("x", "x", frozenset({"readonly"})).can("reports.view")


def _pdf_text(path) -> str:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "".join("".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    finally:
        pdf.close()


def test_report_prints_the_city_figures_through_the_monthly_form(county, folder, tmp_path, capsys):
    from helpdesk_gui import cli
    out = tmp_path / "march.pdf"
    assert cli.main(["report", "--from", "2025-03-01", "--to", "2025-03-31", "--out", str(out)]) == 0
    text = _pdf_text(out)
    assert "困难职工帮扶工作统计月报" in text and "（2025年3月）" in text
    assert "接待来信来电来访件次67上年同期0" in text              # 本期 6, 本年累计 7
    assert "追回拖欠工资元300,000.00300,000.00" in text
    assert "依法维权件次23" in text and "实现就业再就业人11" in text
    assert "暂计0" not in text                                    # the figures are ours, not placeholders


def test_reception_sheet_prints_the_entries(county, tmp_path):
    from helpdesk_gui.printing.reports import print_reception_sheet
    printed = print_reception_sheet(county, MARCH, tmp_path / "sheet.pdf", actor=auth.get_actor(county, "clerk"))
    text = _pdf_text(printed.path)
    assert text.count("来访人") >= 6 and "来信·投诉" in text and "已办理" in text
