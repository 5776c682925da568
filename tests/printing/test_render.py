"""Forms rendered to PDF: the household's values in the text, every font embedded, long rosters
paginated with a repeated header and correct totals, privacy, nothing half-written."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from helpdesk_gui.core.access import audit, auth
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import PermissionDenied, ValidationError
from helpdesk_gui.core.base.money import format_yuan, to_chinese_upper
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.casework import reception
from helpdesk_gui.core.db import rows, write
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.ledger import rosters
from helpdesk_gui.printing import fonts, render, template
from helpdesk_gui.printing.expr import Env
from helpdesk_gui.printing.layout import Layout
from helpdesk_gui.printing.sources import SOURCES, Selection, common_for

from .conftest import (
    ACCOUNT,
    CHILD_ID,
    HEAD_ID,
    REMARKS,
    SPOUSE_ID,
    make_household,
    pdf_fonts,
    pdf_text,
    squash,
)

HOUSEHOLD_FORMS = ("archive", "approval", "visit", "medical", "school_aid")


def print_form(db, actor, key, out, **selection):
    return render.render(db, template.find(key), Selection(**selection), out, actor=actor)


@pytest.mark.parametrize("key", HOUSEHOLD_FORMS)
def test_household_forms_show_the_households_values(database, clerk, household, tmp_path, key):
    out = tmp_path / f"{key}.pdf"
    printed = print_form(database, clerk, key, out, household_ids=(household,))
    assert printed.documents == 1 and printed.pages >= 1 and not printed.revealed
    text = squash("".join(pdf_text(out)))
    archive_no = rows(database, "SELECT archive_no FROM households WHERE id = ?", [household])[0]["archive_no"]
    for value in ("张三丰", archive_no, "云岭煤业有限公司", "城关镇人民路社区12号", mask_id(HEAD_ID), "张经办",
                  "某某县总工会" if key == "never" else "第1页共1页"):
        assert squash(value) in text, (key, value)
    assert HEAD_ID not in text                      # a clerk's print is masked
    if key in ("archive", "visit"):
        assert "李秀英" in text and "张小明" in text and "金马纺织厂" in text
    if key == "archive":
        assert "1,500.00" in text                   # the spouse's monthly income
        assert "中国农业银行城关支行" in text and "****9012" in text
        assert "下岗失业" in text and "患重特大疾病、子女上学" in text
    if key in ("archive", "approval", "medical", "school_aid"):
        assert squash(REMARKS) in text
    if key == "approval":
        for level in ("基层工会（帮扶站）意见", "县总工会帮扶中心审核意见", "县总工会审批意见", "（盖章）", "审批人（签字）："):
            assert level in text
        assert "■深度困难" in text and "■下岗失业" in text
    if key == "school_aid":
        assert "张小明" in text and "云南大学" in text and "大学生" in text and "李秀英" not in text
    if key == "medical":
        assert "6,000.00元" in text                 # the illness expense on file


@pytest.mark.parametrize("key", sorted(template.form_files()))
def test_every_form_embeds_every_font(database, clerk, household, tmp_path, key):
    form = template.find(key)
    out = tmp_path / f"{key}.pdf"
    selection = {"household": {"household_ids": (household,)}, "project": {
        "date_from": dt.date(2000, 1, 1), "date_to": dt.date(2100, 1, 1)}}.get(form.source.needs, {})
    render.render(database, form, Selection(**selection), out, actor=clerk)
    used = pdf_fonts(out)
    assert used, key
    assert all(f["embedded"] and f["subtype"] == "/TrueType" for f in used), used
    bases = {re.sub(r"^/[A-Z]{6}\+", "/", f["base"]) for f in used}
    assert bases <= {"/UMingCN-0", "/WenQuanYiMicroHei-0"} and "/UMingCN-0" in bases


def test_reveal_only_for_roles_that_may_and_it_is_audited(database, clerk, admin, household, tmp_path):
    form = template.find("archive")
    out = tmp_path / "a.pdf"
    with pytest.raises(PermissionDenied):
        render.render(database, form, Selection(household_ids=(household,)), out, actor=clerk, reveal=True)
    assert not out.exists()
    printed = render.render(database, form, Selection(household_ids=(household,)), out, actor=admin, reveal=True)
    assert printed.revealed
    text = squash("".join(pdf_text(out)))
    assert HEAD_ID in text and SPOUSE_ID in text and ACCOUNT in text and "13812345678" in text
    log = rows(database, "SELECT * FROM audit_log WHERE action = 'print_reveal'")
    assert len(log) == 1 and log[0]["username"] == "admin" and log[0]["entity_id"] == "archive"
    assert audit.verify_chain(database) is None


def test_publicity_list_is_always_masked(database, admin, household, tmp_path):
    out = tmp_path / "p.pdf"
    printed = render.render(database, template.find("publicity"), Selection(
        household_ids=(household,), date_from=dt.date(2026, 3, 2), place="城关镇政务公开栏"), out, actor=admin,
        reveal=True)
    assert not printed.revealed
    text = squash("".join(pdf_text(out)))
    assert mask_id(HEAD_ID) in text and HEAD_ID not in text
    assert "张三丰" in text and "云岭煤业有限公司" in text and "深度困难" in text
    assert "2026年3月2日至2026年3月8日（共7天）" in text and "城关镇政务公开栏" in text   # publicity_days = 7
    assert not rows(database, "SELECT * FROM audit_log WHERE action = 'print_reveal'")


def test_publicity_list_defaults_to_archives_in_publicity(database, clerk, tmp_path):
    demo.generate(database, auth.SYSTEM, 300, seed=5)
    expected = [r["name"] for r in rows(database, "SELECT name FROM households WHERE status = 'publicity'")]
    assert expected
    out = tmp_path / "p.pdf"
    render.render(database, template.find("publicity"), Selection(), out, actor=clerk)
    text = squash("".join(pdf_text(out)))
    assert f"以下{len(expected)}户" in text
    assert all(name in text for name in expected)


@pytest.fixture
def roster_2000(database):
    """2,000 医疗互助 payments (the demo makes none of that project) in January 2026."""
    demo.generate(database, auth.SYSTEM, 200, seed=3)
    hids = [r["id"] for r in rows(database, "SELECT id FROM households ORDER BY id")]
    amounts = [(i * 7919) % 150_000 + 5_000 for i in range(2000)]
    with write(database):
        database.conn.executemany(
            "INSERT INTO assistance_records (sender_code, record_no, household_id, project, fund_source, amount_fen, "
            "paid_date, method, approver, created_at) VALUES ('530122', ?, ?, '9', '5', ?, ?, '2', '王主任', '')",
            [(f"T{i:06d}", hids[i % len(hids)], amounts[i], f"2026-01-{i % 28 + 1:02d}") for i in range(2000)])
    return amounts


def test_a_2000_row_roster_paginates_with_header_subtotals_and_total(database, finance, roster_2000, tmp_path):
    out = tmp_path / "roster.pdf"
    query = rosters.parse_project_id(codes.load(database), "医疗互助:2026-01")
    seen: list[tuple[int, int]] = []
    printed = render.render(database, template.find("roster"), Selection(roster=query), out, actor=finance,
                            progress=lambda done, total: seen.append((done, total)))
    pages = pdf_text(out)
    assert printed.documents == 1 and printed.pages == len(pages) > 50
    assert seen and seen[-1] == (len(pages), len(pages))
    total = sum(roster_2000)
    grand = 0
    numbers: list[int] = []
    for i, page in enumerate(pages, start=1):
        flat = squash(page)
        assert "医疗互助资金发放花名册" in flat
        for title in ("序号", "档案编号", "公民身份号码", "银行账号", "金额（元）", "领款人签字"):
            assert title in flat, (i, title)
        assert f"第{i}页共{len(pages)}页" in flat
        lines = page.splitlines()
        sub = next(line for line in lines if "本页小计" in line)
        subtotal = int(re.sub(r"\D", "", sub.split("本页小计")[1]))
        amounts = [int(m.group(1).replace(",", "").replace(".", ""))
                   for line in lines for m in [re.search(r"2026\.01\.\d\d\s+([\d,]+\.\d\d)", line)] if m]
        assert sum(amounts) == subtotal, i
        grand += subtotal
        numbers += [int(line.split()[0]) for line in lines if re.match(r"^\d+\s+T?\d{6,}", line)]
    assert grand == total
    assert numbers == list(range(1, 2001))
    last = squash(pages[-1])
    assert f"合计（200户2000笔）{format_yuan(total, grouping=True)}" in last      # 户数 filled: each household once
    assert f"金额人民币（大写）：{to_chinese_upper(total)}" in last
    assert "经办人：赵出纳" in last


def test_roster_by_explicit_records_and_empty_roster(database, clerk, roster_2000, tmp_path):
    out = tmp_path / "r.pdf"
    query = rosters.parse_project_id(codes.load(database), "records:T000001,T000002")
    render.render(database, template.find("roster"), Selection(roster=query), out, actor=clerk)
    text = squash("".join(pdf_text(out)))
    total = roster_2000[1] + roster_2000[2]
    assert "合计（2户2笔）" in text and to_chinese_upper(total) in text
    render.render(database, template.find("roster"), Selection(roster=rosters.RosterQuery(
        project="8", date_from="1990-01-01", date_to="1990-12-31")), out, actor=clerk)
    text = squash("".join(pdf_text(out)))
    assert "没有符合条件的帮扶记录" in text and "零元整" in text


def test_monthly_report_figures(database, clerk, tmp_path):
    demo.generate(database, auth.SYSTEM, 400, seed=9)
    reception.log_entry(database, clerk, reception.EntryDraft(
        channel="visit", kind="help", visitor_name="王来访", matter="咨询建档条件", received_date="2025-06-03",
        visitor_phone="13900001111"), today=dt.date(2025, 6, 3))
    r = rows(database, "SELECT count(*) AS n, coalesce(sum(amount_fen), 0) AS fen, count(DISTINCT household_id) AS hh "
                       "FROM assistance_records WHERE paid_date BETWEEN '2025-01-01' AND '2025-12-31'")[0]
    assert r["n"] > 0
    out = tmp_path / "m.pdf"
    render.render(database, template.find("monthly"), Selection(date_from=dt.date(2025, 1, 1),
                                                                date_to=dt.date(2025, 12, 31)), out, actor=clerk)
    flat = squash("".join(pdf_text(out)))
    assert "（2025年12月）" in flat and "统计期间：2025年1月1日至2025年12月31日" in flat
    seen = rows(database, "SELECT count(*) AS n, sum(channel = 'visit') AS v FROM reception_entries "
                          "WHERE received_date BETWEEN '2025-01-01' AND '2025-12-31'")[0]
    assert seen["v"] >= 1
    assert "一、接待来信来电来访" in flat                # this period = the year to date here
    assert f"1接待来信来电来访件次{seen['n']:,}{seen['n']:,}" in flat
    assert f"2其中：来访件次{seen['v']:,}{seen['v']:,}" in flat
    assert f"帮扶户次{r['n']:,}{r['n']:,}" in flat
    assert f"帮扶困难职工户{r['hh']:,}{r['hh']:,}" in flat
    assert f"发放帮扶资金元{format_yuan(r['fen'], grouping=True)}" in flat
    assert f"本期发放帮扶资金人民币（大写）：{to_chinese_upper(r['fen'])}" in flat
    # the 合计 of 按帮扶项目 fills every count: 户次 add up, 户数 is each household once (the year is the period)
    money = format_yuan(r["fen"], grouping=True)
    assert f"本期合计{r['n']}{r['hh']}{money}{r['n']}{money}" in flat
    assert "追回拖欠工资" in flat and "尚未启用" not in flat


def test_reception_sheet_lists_the_entries_then_blank_lines(database, clerk, admin, tmp_path):
    reception.log_entry(database, clerk, reception.EntryDraft(
        channel="phone", kind="consult", visitor_name="李来电", matter="询问金秋助学申请时间", received_date="2026-03-05",
        visitor_phone="13900002222", visitor_unit="金马纺织厂"), today=dt.date(2026, 3, 5))
    out = tmp_path / "j.pdf"
    render.render(database, template.find("reception"), Selection(date_from=dt.date(2026, 3, 1),
                                                                  date_to=dt.date(2026, 3, 31)), out, actor=clerk)
    flat = squash(pdf_text(out)[0])
    assert "登记期间：2026年3月1日至2026年3月31日" in flat and "首问责任人" in flat and "办理时限" in flat
    assert "李来电" in flat and "询问金秋助学申请时间" in flat and "139****2222" in flat and "张经办" in flat
    render.render(database, template.find("reception"), Selection(date_from=dt.date(2026, 3, 1),
                                                                  date_to=dt.date(2026, 3, 31)), out, actor=admin,
                  reveal=True)
    assert "13900002222" in squash(pdf_text(out)[0])


def test_long_text_continues_on_the_next_page_and_stays_in_its_boxes(database, clerk, tmp_path):
    long_remarks = "家庭情况说明：" + "妻子患尿毒症需长期透析，儿子就读大学，本人下岗后打零工维持生活，" * 60
    hid = make_household(database, clerk, remarks=long_remarks)
    form = template.find("approval")
    out = tmp_path / "long.pdf"
    printed = render.render(database, form, Selection(household_ids=(hid,)), out, actor=clerk)
    assert printed.pages >= 2
    assert squash(long_remarks) in squash("".join(pdf_text(out)))
    assert_inside_boxes(database, clerk, form, hid)


def assert_inside_boxes(database, actor, form, hid):
    """Every text run lies inside the content area; text inside a box lies within it."""
    metrics = fonts.ensure()
    book = codes.load(database)
    layout = Layout(form, metrics, Env(book, dt.date.today()))
    common = common_for(database, actor.display_name, actor.username, reveal=False)
    doc = next(SOURCES[form.source.key].documents(database, book, Selection(household_ids=(hid,)), common))
    pw, ph = form.page_size
    top, right, bottom, left = form.margins
    for ops in layout.document(doc):
        boxes = [op[1:] for op in ops if op[0] == "R"]
        for op in (op for op in ops if op[0] == "T"):
            _, font, size, x, y, text = op
            w = metrics[font].width(text, size)
            assert left - 0.01 <= x and x + w <= pw - right + 0.01, text
            assert y >= bottom * 0.4, text
            for bx, by, bw, bh in boxes:
                if bx <= x + 0.5 <= bx + bw and by <= y + size * 0.3 <= by + bh:
                    assert x + w <= bx + bw + 0.01 and y - size * 0.2 >= by - 0.01, text


@pytest.mark.parametrize("key", HOUSEHOLD_FORMS)
def test_household_forms_keep_text_inside_boxes(database, clerk, key):
    demo.generate(database, auth.SYSTEM, 30, seed=11)
    form = template.find(key)
    for hid in (r["id"] for r in rows(database, "SELECT id FROM households ORDER BY id LIMIT 10")):
        assert_inside_boxes(database, clerk, form, hid)


def test_batch_goes_into_one_pdf_with_page_numbers_per_form(database, clerk, tmp_path):
    demo.generate(database, auth.SYSTEM, 40, seed=2)
    ids = tuple(r["id"] for r in rows(database, "SELECT id FROM households ORDER BY id LIMIT 25"))
    one = tmp_path / "batch.pdf"
    seen = []
    printed = render.render(database, template.find("approval"), Selection(household_ids=ids), one, actor=clerk,
                            progress=lambda d, t: seen.append((d, t)))
    assert printed.documents == 25 and seen[-1] == (25, 25)
    pages = pdf_text(one)
    assert len(pages) == printed.pages
    assert sum("第 1 页 共 1 页" in p for p in pages) == 25
    single = tmp_path / "single.pdf"
    render.render(database, template.find("approval"), Selection(household_ids=ids[:1]), single, actor=clerk)
    assert one.stat().st_size < 25 * single.stat().st_size / 3   # the fonts are embedded once, not 25 times


def test_failure_or_cancel_leaves_no_file(database, clerk, household, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "x.pdf"

    class Stop(Exception):
        pass

    def cancel(done, total):
        raise Stop

    with pytest.raises(Stop):
        render.render(database, template.find("archive"), Selection(household_ids=(household, household)), out,
                      actor=clerk, progress=cancel)
    assert list(folder.iterdir()) == []
    with pytest.raises(ValidationError, match="请指定档案"):
        render.render(database, template.find("archive"), Selection(), out, actor=clerk)
    assert list(folder.iterdir()) == []


def test_members_shown_in_order_and_blank_rows_pad_the_table(database, clerk, tmp_path):
    hid = make_household(database, clerk, members=[
        {"name": "王大", "relation": "子女", "id_number": CHILD_ID, "identity": "大学生"}])
    out = tmp_path / "a.pdf"
    print_form(database, clerk, "archive", out, household_ids=(hid,))
    text = pdf_text(out)[0]
    assert "王大" in text and "李秀英" not in text
