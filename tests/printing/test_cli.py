"""``helpdesk print`` as CLI.md specifies it: --list, FORM with --household / --project / --from --to."""

from __future__ import annotations

from pathlib import Path

from helpdesk_gui.cli import main
from helpdesk_gui.core.base.privacy import mask_id
from helpdesk_gui.core.db import rows

from .conftest import HEAD_ID, make_household, pdf_text, squash


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_print_list(database, capsys):
    code, out, _ = run(capsys, "print", "--list")
    assert code == 0
    for key, name in (("archive", "困难职工档案表"), ("roster", "帮扶资金发放花名册"), ("monthly", "月度统计报表")):
        assert key in out and name in out


def test_print_households_into_one_pdf(database, clerk, tmp_path, capsys, monkeypatch):
    first = make_household(database, clerk)
    archive_nos = [r["archive_no"] for r in rows(database, "SELECT archive_no FROM households WHERE id = ?", [first])]
    out = tmp_path / "out" / "a.pdf"
    out.parent.mkdir()
    monkeypatch.setenv("HELPDESK_USER", "clerk")             # the operator printed is who logged in
    monkeypatch.setenv("HELPDESK_PASSWORD", "passw0rd!")
    code, text, err = run(capsys, "print", "archive", "--household", archive_nos[0], "--out", str(out))
    assert code == 0, err
    assert "已打印“困难职工档案表”：1 份" in text
    flat = squash("".join(pdf_text(out)))
    assert "张三丰" in flat and mask_id(HEAD_ID) in flat and "操作员：张经办" in flat
    code, text, err = run(capsys, "print", "困难职工家庭建档申请审批表", "--household", archive_nos[0], "--out",
                          str(out), "--reveal")
    assert code == 1 and "无权" in err                          # the clerk may not see full numbers
    monkeypatch.setenv("HELPDESK_USER", "reviewer")
    code, text, err = run(capsys, "print", "困难职工家庭建档申请审批表", "--household", archive_nos[0], "--out",
                          str(out), "--reveal")
    assert code == 0 and "已记入审计日志" in text
    assert HEAD_ID in squash("".join(pdf_text(out)))


def test_print_roster_by_project_and_by_dates(database, clerk, tmp_path, capsys):
    hid = make_household(database, clerk)
    database.execute("INSERT INTO assistance_records (sender_code, record_no, household_id, project, fund_source, "
                     "amount_fen, paid_date, method, created_at) VALUES "
                     "('530122', 'R1', ?, '4', '5', 123456, '2026-01-20', '2', ''), "
                     "('530122', 'R2', ?, '1', '5', 50000, '2026-02-03', '2', '')", [hid, hid])
    out = tmp_path / "r.pdf"
    code, text, err = run(capsys, "print", "roster", "--project", "送温暖:2026-01", "--out", str(out))
    assert code == 0, err
    flat = squash("".join(pdf_text(out)))
    assert "送温暖资金发放花名册" in flat and "1,234.56" in flat and "壹仟贰佰叁拾肆元伍角陆分" in flat
    code, _, err = run(capsys, "print", "roster", "--from", "2026-01-01", "--to", "2026-02-28", "--out", str(out))
    assert code == 0, err
    flat = squash("".join(pdf_text(out)))
    assert "合计（1户2笔）1,734.56" in flat              # one household, two payments
    code, _, err = run(capsys, "print", "monthly", "--from", "2026-01-01", "--to", "2026-01-31", "--out", str(out))
    assert code == 0, err
    assert "（2026年1月）" in squash(pdf_text(out)[0])


def test_print_usage_and_data_errors(database, tmp_path, capsys):
    out = str(tmp_path / "x.pdf")
    code, _, err = run(capsys, "print", "archive", "--out", out)
    assert code == 2 and "请指定档案" in err
    code, _, err = run(capsys, "print", "nothing", "--out", out)
    assert code == 2 and "没有表格“nothing”" in err
    code, _, err = run(capsys, "print", "archive", "--household", "530122202699999")
    assert code == 2 and "--out" in err
    code, _, err = run(capsys, "print", "archive", "--household", "530122202699999", "--out", out)
    assert code == 1 and "找不到档案“530122202699999”" in err
    code, _, err = run(capsys, "print", "roster", "--project", "不存在的项目", "--out", out)
    assert code == 1 and "帮扶项目" in err
    code, _, err = run(capsys, "print", "roster", "--from", "2026-13-01", "--to", "2026-12-31", "--out", out)
    assert code == 2 and "YYYY-MM-DD" in err
    assert not Path(out).exists()


def test_a_broken_county_template(database, folder, tmp_path, capsys):
    forms = folder / "forms"
    forms.mkdir()
    (forms / "archive.toml").write_text('[form]\ntitle = "档案表"\n[[blocks]]\ntype = "grid"\nwidths = [1, 1]\n'
                                        'fields = [{ label = "姓名", value = "{nmae}" }]\n', encoding="utf-8")
    code, out, _ = run(capsys, "print", "--list")
    assert code == 1 and "✗" in out and "blocks[1].fields[1].value" in out
    code, _, err = run(capsys, "print", "archive", "--household", "1", "--out", str(tmp_path / "x.pdf"))
    assert code == 2
    assert str(forms / "archive.toml") in err and "键 blocks[1].fields[1].value：数据项“nmae”不存在" in err
