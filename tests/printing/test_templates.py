"""Form templates in forms/: every bundled form loads; a broken one names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpdesk_gui.printing import template
from helpdesk_gui.printing.template import FormNotFound, TemplateError

REQUIRED = {"archive": "困难职工档案表", "approval": "困难职工家庭建档申请审批表", "visit": "入户调查表",
            "publicity": "困难职工建档公示名单", "roster": "帮扶资金发放花名册", "medical": "医疗救助申请审批表",
            "school_aid": "金秋助学申请表", "reception": "接待登记表", "monthly": "月度统计报表",
            "mutual_roster": "职工医疗互助金报销结算花名册", "mutual_claim": "医疗互助报销审批表"}

GOOD = """
[form]
title = "测试表"
source = "household"

[[blocks]]
type = "grid"
widths = [1, 2, 1, 2]
fields = [
  { label = "姓名", value = "{name}" },
  { label = "金额", value = "{annual_income_fen|yuan}" },
]
"""


def write(folder: Path, text: str, name: str = "test.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_bundled_form_loads():
    forms = template.list_forms()
    broken = [f for f in forms if isinstance(f, TemplateError)]
    assert not broken, broken
    by_key = {f.key: f for f in forms if not isinstance(f, TemplateError)}
    for key, name in REQUIRED.items():
        assert by_key[key].name == name
        assert by_key[key].description
    assert by_key["publicity"].public
    assert by_key["roster"].landscape


def test_find_by_key_or_name_and_user_override(tmp_path):
    assert template.find("approval").key == "approval"
    assert template.find("困难职工档案表").key == "archive"
    assert template.find("archive.toml").key == "archive"
    with pytest.raises(FormNotFound, match="没有表格“不存在的表”") as e:
        template.find("不存在的表")
    assert e.value.exit_code == 2
    # a county's copy in the data folder replaces the bundled form of the same name, and adds new ones
    user = tmp_path / "forms"
    write(user, GOOD.replace("测试表", "本县档案表"), "archive.toml")
    write(user, GOOD, "extra.toml")
    assert template.find("archive", user).name == "本县档案表"
    assert template.find("extra", user).path == user / "extra.toml"
    assert "extra" in template.form_files(user)


@pytest.mark.parametrize(("text", "key", "reason"), [
    (GOOD.replace('title = "测试表"', 'title = "测试表'), "", "不是有效的 TOML"),
    (GOOD.replace("{name}", "{nmae}"), "blocks[1].fields[1].value", "数据项“nmae”不存在，是不是 name"),
    (GOOD.replace("|yuan", "|yaun"), "blocks[1].fields[2].value", "过滤器“yaun”不存在"),
    (GOOD.replace("{name}", "{name"), "blocks[1].fields[1].value", "没有对应的“}”"),
    (GOOD.replace('type = "grid"', 'type = "grids"'), "blocks[1].type", "只能是 grid、table"),
    (GOOD.replace("widths = [1, 2, 1, 2]", "widths = [1, 2, 1, 2]\ncolour = 1"), "blocks[1].colour", "未知的键"),
    (GOOD.replace('value = "{name}" }', 'value = "{name}", span = 4 }'), "blocks[1].fields[1].span", "超过了"),
    (GOOD.replace("widths = [1, 2, 1, 2]", 'widths = "1,2"'), "blocks[1].widths", "应为数组"),
    (GOOD.replace('source = "household"', 'source = "households"'), "form.source", "只能是 household"),
    (GOOD.replace('title = "测试表"\n', ""), "form.title", "缺少这个键"),
    (GOOD.replace("{annual_income_fen|yuan}", "{gender|code:genders}"), "blocks[1].fields[2].value",
     "代码表“genders”不存在"),
    (GOOD + '\n[[blocks]]\ntype = "table"\nrows = "members"\ncolumns = [{ title = "姓名", value = "{nam}" }]\n',
     "blocks[2].columns[1].value", "数据项“nam”不存在"),
    (GOOD + '\n[[blocks]]\ntype = "table"\nrows = "people"\ncolumns = [{ title = "姓名", value = "{name}" }]\n',
     "blocks[2].rows", "没有列表“people”"),
    (GOOD.replace('source = "household"', 'source = "household"\nsize = 99'), "form.size", "应在 6 到 20 之间"),
])
def test_broken_template_names_file_and_key(tmp_path, text, key, reason):
    path = write(tmp_path, text)
    with pytest.raises(TemplateError) as e:
        template.load(path)
    message = str(e.value)
    assert str(path) in message
    assert f"键 {key}：" in message if key else "有误：" in message
    assert reason in message
    assert e.value.exit_code == 2


def test_list_forms_shows_broken_ones_beside_the_rest(tmp_path):
    user = tmp_path / "forms"
    write(user, GOOD.replace("{name}", "{nmae}"), "mine.toml")
    forms = template.list_forms(user)
    errors = [f for f in forms if isinstance(f, TemplateError)]
    assert len(errors) == 1 and errors[0].path.name == "mine.toml"
    assert len(forms) == len(REQUIRED) + 1


def test_unreadable_template(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_bytes("[form]\ntitle = '表'".encode("gbk"))
    with pytest.raises(TemplateError, match="UTF-8"):
        template.load(path)
