"""Administration operations: what lands in the database, the audit rows, and the refusals."""

from __future__ import annotations

import json

import pytest

from helpdesk_gui.core.access import audit, auth
from helpdesk_gui.core.admin import centre as adm
from helpdesk_gui.core.admin import policy, settings
from helpdesk_gui.core.base.errors import NotFoundError, PermissionDenied, StateError, ValidationError
from helpdesk_gui.core.db import get_meta, rows, scalar, write


@pytest.fixture
def database(engine_database):
    """Every test here on the folder's SQLite file, then on a PostgreSQL server."""
    return engine_database


def _audit(db, entity: str) -> list[dict]:
    return rows(db, "SELECT * FROM audit_log WHERE entity = ? ORDER BY id", [entity])


def _household(db, archive_no: str, township: str) -> None:
    db.execute(
        "INSERT INTO households (sender_code, archive_no, name, id_number, township, created_date, created_at, "
        "updated_at) VALUES ('530122', ?, '张三', '', ?, '2024-01-01', '2024-01-01T00:00:00+08:00', "
        "'2024-01-01T00:00:00+08:00')", [archive_no, township])


# --- 本单位 -----------------------------------------------------------------------------------

def test_update_centre_stores_meta_and_audits(database, admin):
    assert adm.update_centre(database, admin, " 530123 ", " 某某县总工会（新） ") is True
    assert get_meta(database, "county_code") == "530123"
    assert get_meta(database, "union_name") == "某某县总工会（新）"
    assert adm.get_centre(database) == ("530123", "某某县总工会（新）")
    # the 低保 fallback region followed the county code
    assert settings.get(database, "default_region_code") == "530123"
    (entry,) = _audit(database, "centre")
    assert entry["username"] == "admin" and entry["action"] == "update"
    assert json.loads(entry["before"]) == {"county_code": "530122", "union_name": "某某县总工会"}
    assert json.loads(entry["after"])["county_code"] == "530123"
    assert audit.verify_chain(database) is None


def test_update_centre_unchanged_writes_no_audit(database, admin):
    assert adm.update_centre(database, admin, "530122", "某某县总工会") is False
    assert _audit(database, "centre") == []


def test_update_centre_keeps_a_different_default_region(database, admin):
    with write(database):
        settings.put(database, "default_region_code", "530100")
    adm.update_centre(database, admin, "530124", "某某县总工会")
    assert settings.get(database, "default_region_code") == "530100"


@pytest.mark.parametrize(("code", "name", "message"), [
    ("53012", "某某县总工会", "县级行政区划代码：应为 6 位数字（如 530122）（填写的是“53012”）"),
    ("abcdef", "某某县总工会", "县级行政区划代码：应为 6 位数字"),
    ("530122", "  ", "工会名称：不能为空"),
])
def test_update_centre_refuses_bad_input(database, admin, code, name, message):
    with pytest.raises(ValidationError) as info:
        adm.update_centre(database, admin, code, name)
    assert message in str(info.value)
    assert get_meta(database, "county_code") == "530122"


def test_clerk_cannot_change_centre(database, clerk):
    with pytest.raises(PermissionDenied) as info:
        adm.update_centre(database, clerk, "530123", "别的工会")
    assert str(info.value) == "您的角色无权修改系统设置。"
    assert get_meta(database, "union_name") == "某某县总工会"


# --- 乡镇（街道） -------------------------------------------------------------------------------

def test_set_townships_trims_dedupes_and_audits(database, admin):
    stored = adm.set_townships(database, admin, [" 城关镇 ", "", "  ", "金山街道", "城关镇", "新 村  乡"])
    assert stored == ["城关镇", "金山街道", "新 村 乡"]
    assert json.loads(get_meta(database, "townships")) == stored
    assert adm.list_townships(database) == stored
    (entry,) = _audit(database, "townships")
    assert json.loads(entry["before"]) == [] and json.loads(entry["after"]) == stored
    # saving the same list again changes nothing and writes no audit row
    adm.set_townships(database, admin, stored)
    assert len(_audit(database, "townships")) == 1


def test_list_townships_includes_those_households_use(database, admin):
    adm.set_townships(database, admin, ["金山街道", "城关镇"])
    _household(database, "A1", "城关镇")
    _household(database, "A2", "大河乡")
    _household(database, "A3", "大河乡")
    _household(database, "A4", "")
    assert adm.list_townships(database) == ["金山街道", "城关镇", "大河乡"]
    assert adm.township_counts(database) == {"城关镇": 1, "大河乡": 2}


def test_township_name_too_long_is_refused(database, admin):
    with pytest.raises(ValidationError) as info:
        adm.set_townships(database, admin, ["镇" * 41])
    assert "名称不能超过 40 个字" in str(info.value)
    assert adm.list_townships(database) == []


def test_clerk_cannot_set_townships(database, clerk):
    with pytest.raises(PermissionDenied, match="修改系统设置"):
        adm.set_townships(database, clerk, ["城关镇"])


# --- 低保标准 ----------------------------------------------------------------------------------

def test_save_and_delete_standard(database, admin):
    adm.save_standard(database, admin, "530122", "2024-07-01", 75_000, 180_000, "昆民发〔2024〕1号")
    (std,) = policy.list_standards(database)
    assert std["dibao_month_fen"] == 75_000 and std["min_wage_month_fen"] == 180_000
    assert std["source"] == "昆民发〔2024〕1号"
    adm.delete_standard(database, admin, "530122", "2024-07-01")
    assert policy.list_standards(database) == []
    entries = _audit(database, "policy_standard")
    assert [e["action"] for e in entries] == ["put", "delete"]
    assert entries[1]["entity_id"] == "530122@2024-07-01"
    assert json.loads(entries[1]["before"])["dibao_month_fen"] == 75_000
    assert entries[1]["after"] is None
    # with no standard left, the county default applies again
    assert policy.lookup(database, "530122", "2024-08-01").dibao_month_fen == 70_000


def test_edit_standard_moves_it_in_one_step(database, admin):
    adm.save_standard(database, admin, "530122", "2024-07-01", 75_000, 180_000)
    adm.save_standard(database, admin, "530122", "2024-08-01", 76_000, 180_000, replacing=("530122", "2024-07-01"))
    assert [(s["effective_from"], s["dibao_month_fen"]) for s in policy.list_standards(database)] == \
        [("2024-08-01", 76_000)]


def test_edit_standard_refuses_to_overwrite_another(database, admin):
    adm.save_standard(database, admin, "530122", "2024-07-01", 75_000, 180_000)
    adm.save_standard(database, admin, "530122", "2025-01-01", 78_000, 180_000)
    with pytest.raises(ValidationError, match="该地区在这一天已有标准"):
        adm.save_standard(database, admin, "530122", "2025-01-01", 1, 1, replacing=("530122", "2024-07-01"))
    assert len(policy.list_standards(database)) == 2


def test_failed_edit_leaves_the_old_standard(database, admin):
    adm.save_standard(database, admin, "530122", "2024-07-01", 75_000, 180_000)
    with pytest.raises(ValidationError, match="执行日期：应为 YYYY-MM-DD"):
        adm.save_standard(database, admin, "530122", "2024-13-01", 75_000, 180_000,
                          replacing=("530122", "2024-07-01"))
    assert [s["effective_from"] for s in policy.list_standards(database)] == ["2024-07-01"]


@pytest.mark.parametrize(("region", "day", "dibao", "wage", "message"), [
    ("5301", "2024-07-01", 75_000, 180_000, "地区代码：应为 6 位行政区划代码"),
    ("530122", "2024/07/01", 75_000, 180_000, "执行日期：应为 YYYY-MM-DD"),
    ("530122", "2024-07-01", 0, 180_000, "低保标准：应大于 0"),
    ("530122", "2024-07-01", 75_000, -1, "最低工资标准：应大于 0"),
])
def test_bad_standard_is_refused(database, admin, region, day, dibao, wage, message):
    with pytest.raises(ValidationError) as info:
        adm.save_standard(database, admin, region, day, dibao, wage)
    assert message in str(info.value)
    assert policy.list_standards(database) == []


def test_delete_missing_standard(database, admin):
    with pytest.raises(NotFoundError) as info:
        adm.delete_standard(database, admin, "530122", "2024-07-01")
    assert str(info.value) == "找不到低保标准“530122 2024-07-01”。"


def test_clerk_cannot_touch_standards_but_reviewer_can(database, admin, clerk, reviewer):
    adm.save_standard(database, admin, "530122", "2024-07-01", 75_000, 180_000)
    with pytest.raises(PermissionDenied, match="修改低保标准等政策参数"):
        adm.save_standard(database, clerk, "530122", "2024-08-01", 75_000, 180_000)
    with pytest.raises(PermissionDenied):
        adm.delete_standard(database, clerk, "530122", "2024-07-01")
    adm.delete_standard(database, reviewer, "530122", "2024-07-01")
    assert policy.list_standards(database) == []


# --- 用户与角色 --------------------------------------------------------------------------------

def _active(db, username: str) -> int:
    return int(scalar(db, "SELECT active FROM users WHERE username = ?", [username]))


def test_disable_and_enable_user(database, admin):
    assert adm.set_user_active(database, admin, "clerk", False) is True
    assert _active(database, "clerk") == 0
    with pytest.raises(Exception, match="用户名或密码不正确"):
        auth.login(database, "clerk", "passw0rd!")
    assert adm.set_user_active(database, admin, "clerk", False) is False
    assert adm.set_user_active(database, admin, "clerk", True) is True
    assert auth.login(database, "clerk", "passw0rd!").username == "clerk"
    actions = [e["action"] for e in _audit(database, "user") if e["username"] == "admin"]
    assert actions[-2:] == ["disable", "enable"]


def test_admin_cannot_disable_self(database, admin):
    auth.create_user(database, admin, "admin2", "第二管理员", ["admin"], "passw0rd!")
    with pytest.raises(StateError) as info:
        adm.set_user_active(database, admin, "admin", False)
    assert str(info.value) == "不能停用自己正在使用的账号。"
    assert _active(database, "admin") == 1


def test_last_active_admin_cannot_be_disabled(database, admin):
    auth.create_user(database, admin, "admin2", "第二管理员", ["admin"], "passw0rd!")
    admin2 = auth.get_actor(database, "admin2")
    adm.set_user_active(database, admin2, "admin", False)  # another admin is still active
    assert _active(database, "admin") == 0
    adm.set_user_active(database, admin2, "admin", True)
    adm.set_user_active(database, admin, "admin2", False)
    # now "admin" is the only active admin; a SYSTEM job still may not disable it
    with pytest.raises(StateError, match="唯一在用的系统管理员"):
        adm.set_user_active(database, auth.SYSTEM, "admin", False)


def test_set_user_roles(database, admin):
    assert adm.set_user_roles(database, admin, "clerk", ["reviewer", "clerk", "clerk"]) is True
    assert scalar(database, "SELECT roles FROM users WHERE username = 'clerk'") == "clerk,reviewer"
    assert auth.get_actor(database, "clerk").can("register.reveal")
    assert adm.set_user_roles(database, admin, "clerk", ["clerk", "reviewer"]) is False
    (entry,) = [e for e in _audit(database, "user") if e["action"] == "set_roles"]
    assert json.loads(entry["before"]) == {"roles": ["clerk"]}
    assert json.loads(entry["after"]) == {"roles": ["clerk", "reviewer"]}
    assert adm.role_labels("clerk,reviewer") == "经办人、审核人"


def test_role_refusals(database, admin):
    with pytest.raises(ValidationError, match="角色：须从经办人"):
        adm.set_user_roles(database, admin, "clerk", [])
    with pytest.raises(ValidationError, match="boss"):
        adm.set_user_roles(database, admin, "clerk", ["boss"])
    with pytest.raises(StateError, match="不能取消自己的系统管理员角色"):
        adm.set_user_roles(database, admin, "admin", ["clerk"])
    with pytest.raises(StateError, match="唯一在用的系统管理员"):
        adm.set_user_roles(database, auth.SYSTEM, "admin", ["clerk"])
    with pytest.raises(NotFoundError, match="找不到用户“nobody”"):
        adm.set_user_roles(database, admin, "nobody", ["clerk"])
    assert scalar(database, "SELECT roles FROM users WHERE username = 'admin'") == "admin"


def test_clerk_cannot_manage_users(database, clerk):
    with pytest.raises(PermissionDenied) as info:
        adm.set_user_active(database, clerk, "reviewer", False)
    assert str(info.value) == "您的角色无权管理用户。"
    with pytest.raises(PermissionDenied):
        adm.set_user_roles(database, clerk, "clerk", ["admin"])
    assert _active(database, "reviewer") == 1
    assert scalar(database, "SELECT roles FROM users WHERE username = 'clerk'") == "clerk"
