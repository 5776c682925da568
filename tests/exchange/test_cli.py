"""``helpdesk batch ...`` as CLI.md and EXCHANGE_FORMAT.md say: outputs, Chinese messages, exit codes."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from helpdesk_gui.cli import main
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.exchange import spec

from .conftest import TODAY, household, person, table


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def city_dir(tmp_path: Path, monkeypatch) -> str:
    monkeypatch.setenv("HELPDESK_ADMIN_PASSWORD", "admin1234")
    d = str(tmp_path / "citydata")
    assert main(["--data-dir", d, "init", "--county-code", "530100", "--union-name", "某某市总工会"]) == 0
    return d


def test_export_then_import_elsewhere(folder, database, capsys, tmp_path, monkeypatch):
    demo.generate(database, auth.SYSTEM, 20, seed=3, today=TODAY)
    out = tmp_path / "530122_上报_20261120_1.xlsx"
    code, text, _ = run(capsys, "batch", "export", str(out), "--to", "530100")
    assert code == 0 and "已导出完整批次" in text and "530100" in text and out.exists()
    code, text, _ = run(capsys, "batch", "export", str(tmp_path / "again.xlsx"), "--to", "530100")
    assert code == 0 and "增量批次" in text
    city = city_dir(tmp_path, monkeypatch)
    code, text, _ = run(capsys, "--data-dir", city, "batch", "import", str(out), "--dry-run")
    assert code == 0 and "检查完毕（未写入）" in text and "可以导入" in text
    code, text, _ = run(capsys, "--data-dir", city, "batch", "import", str(out))
    assert code == 0 and "已导入" in text and "新增档案 20 户" in text
    code, text, _ = run(capsys, "--data-dir", city, "batch", "import", str(out))
    assert code == 0 and "导入过" in text and "没有做任何修改" in text


def test_rejected_batch_exit_1_with_report(folder, database, capsys, tmp_path, builder):
    bad = household("530100202400001", "张三", person("1975-05-06", 11), 家庭人口=0)
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [bad])}, sender="530100", receiver="530122")
    report = tmp_path / "report.xlsx"
    code, text, _ = run(capsys, "batch", "import", str(path), "--report", str(report))
    assert code == 1 and "未导入" in text and "第 2 行" in text and "家庭人口" in text and "不能小于 1" in text
    assert str(report) in text
    assert load_workbook(report).sheetnames[0] == spec.ERRORS_SHEET
    assert scalar(database, "SELECT count(*) FROM households") == 0


def test_hand_edited_batch_needs_accept_unsigned(folder, database, capsys, builder):
    row = household("530100202400001", "张三", person("1975-05-06", 11))
    path = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [row])}, sender="530100", receiver="530122",
                         checksum="f" * 64)
    code, text, _ = run(capsys, "batch", "import", str(path))
    assert code == 1 and "--accept-unsigned" in text
    code, text, _ = run(capsys, "batch", "import", str(path), "--accept-unsigned")
    assert code == 0 and "已导入" in text


def test_usage_errors_exit_2(folder, database, capsys, tmp_path):
    code, _, err = run(capsys, "batch", "import", str(tmp_path / "missing.xlsx"))
    assert code == 2 and "文件不存在" in err
    code, _, err = run(capsys, "batch", "export", str(tmp_path / "out.csv"))
    assert code == 2 and ".xlsx" in err
    code, _, err = run(capsys, "batch", "export", str(tmp_path / "x.xlsx"), "--to", "12")
    assert code == 1 and "6 位" in err
    code, _, err = run(capsys, "batch")
    assert code == 2 and "用法错误" in err


def test_template_command(folder, database, capsys, tmp_path):
    out = tmp_path / "t.xlsx"
    code, text, _ = run(capsys, "batch", "template", str(out), "--sheet", "家庭成员")
    assert code == 0 and "已生成模板" in text
    assert load_workbook(out).sheetnames == ["家庭成员", "填写说明"]
    code, _, err = run(capsys, "batch", "template", str(out), "--sheet", "不存在的表")
    assert code == 2 and "可选" in err
