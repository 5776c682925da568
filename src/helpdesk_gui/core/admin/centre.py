"""Administration: the centre's own identity, townships, 低保 standards and user accounts.

These are the operations behind the Settings page (系统设置). Users are created and passwords
reset through ``core.auth``; standards are written through ``core.policy``. Every write here is
one transaction with its audit row, and refuses actors without the matching permission.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import ROLE_LABELS, ROLES, Actor
from helpdesk_gui.core.admin import policy, settings
from helpdesk_gui.core.admin.setup import validate_county
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.db import get_meta, row, rows, scalar, set_meta, write

TOWNSHIPS_KEY = "townships"
MAX_TOWNSHIP_LEN = 40


# --- 本单位 -----------------------------------------------------------------------------------

def get_centre(db: Database) -> tuple[str, str]:
    """(county code, union name) as stored at initialisation or last saved."""
    return get_meta(db, "county_code"), get_meta(db, "union_name")


def org_units(db: Database) -> list[tuple[int, str]]:
    """The active 基层组织 (id, name), in the order they were made (the editor's 所属组织 list)."""
    return [(int(r["id"]), str(r["name"])) for r in rows(db, "SELECT id, name FROM org_units WHERE active = 1 ORDER BY id")]


def update_centre(db: Database, actor: Actor, county_code: str, union_name: str) -> bool:
    """Store the county code and union name. Returns whether anything changed.

    The default region used for 低保 look-ups follows the county code when it was still the
    old county code (or unset), so a corrected code does not leave the fallback behind.
    """
    actor.require("settings.edit")
    county_code, union_name = validate_county(county_code, union_name)
    with write(db):
        old_code, old_name = get_centre(db)
        if (old_code, old_name) == (county_code, union_name):
            return False
        set_meta(db, "county_code", county_code)
        set_meta(db, "union_name", union_name)
        if county_code != old_code and settings.get(db, "default_region_code") in ("", old_code):
            settings.put(db, "default_region_code", county_code)
        audit.record(db, actor.username, "update", "centre", county_code,
                     {"county_code": old_code, "union_name": old_name},
                     {"county_code": county_code, "union_name": union_name})
    return True


# --- 乡镇（街道） -------------------------------------------------------------------------------

def _stored_townships(db: Database) -> list[str]:
    raw = get_meta(db, TOWNSHIPS_KEY)
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def township_counts(db: Database) -> dict[str, int]:
    """How many households are registered in each township (townships in use only)."""
    return {str(r["township"]): int(r["n"]) for r in rows(
        db, "SELECT township, count(*) AS n FROM households WHERE township <> '' GROUP BY township")}


def list_townships(db: Database) -> list[str]:
    """The configured townships in their saved order, then any others households already use."""
    names = _stored_townships(db)
    known = set(names)
    used = [str(r[0]) for r in db.execute(
        "SELECT DISTINCT township FROM households WHERE township <> '' ORDER BY township")]
    return names + [t for t in used if t not in known]


def clean_townships(names: Iterable[str]) -> list[str]:
    """Trimmed, blanks dropped, duplicates removed (first one kept, order kept)."""
    out: list[str] = []
    for name in names:
        text = " ".join(str(name).split())
        if not text or text in out:
            continue
        if len(text) > MAX_TOWNSHIP_LEN:
            raise ValidationError("乡镇（街道）", f"名称不能超过 {MAX_TOWNSHIP_LEN} 个字", text)
        out.append(text)
    return out


def set_townships(db: Database, actor: Actor, names: Iterable[str]) -> list[str]:
    """Replace the township list. Returns the list as stored."""
    actor.require("settings.edit")
    cleaned = clean_townships(names)
    with write(db):
        old = _stored_townships(db)
        if old != cleaned:
            set_meta(db, TOWNSHIPS_KEY, json.dumps(cleaned, ensure_ascii=False))
            audit.record(db, actor.username, "update", "townships", "", old, cleaned)
    return cleaned


# --- 低保标准 ----------------------------------------------------------------------------------

def save_standard(db: Database, actor: Actor, region_code: str, effective_from: str, dibao_month_fen: int,
                  min_wage_month_fen: int | None = None, source: str = "",
                  replacing: tuple[str, str] | None = None) -> None:
    """Add a standard, or edit one (``replacing`` = its old region and date) in one transaction."""
    actor.require("policy.edit")
    region_code, effective_from, source = region_code.strip(), effective_from.strip(), source.strip()
    if min_wage_month_fen is not None and min_wage_month_fen <= 0:
        raise ValidationError("最低工资标准", "应大于 0", min_wage_month_fen)
    with write(db):
        if replacing is not None and replacing != (region_code, effective_from):
            if row(db, "SELECT id FROM policy_standards WHERE region_code = ? AND effective_from = ?",
                   [region_code, effective_from]):
                raise ValidationError("执行日期", "该地区在这一天已有标准，请直接修改那一条",
                                      f"{region_code} {effective_from}")
            delete_standard(db, actor, *replacing)
        policy.put_standard(db, actor, region_code, effective_from, dibao_month_fen, min_wage_month_fen, source)


def delete_standard(db: Database, actor: Actor, region_code: str, effective_from: str) -> None:
    """Remove the standard for (region, date); look-ups fall back to the earlier or wider one."""
    actor.require("policy.edit")
    with write(db):
        old = row(db, "SELECT region_code, effective_from, dibao_month_fen, min_wage_month_fen, source "
                      "FROM policy_standards WHERE region_code = ? AND effective_from = ?",
                  [region_code, effective_from])
        if old is None:
            raise NotFoundError("低保标准", f"{region_code} {effective_from}")
        db.execute("DELETE FROM policy_standards WHERE region_code = ? AND effective_from = ?",
                   [region_code, effective_from])
        audit.record(db, actor.username, "delete", "policy_standard", f"{region_code}@{effective_from}", old, None)


# --- 用户与角色 --------------------------------------------------------------------------------

def role_labels(roles: str | Iterable[str]) -> str:
    """``"clerk,admin"`` → ``"经办人、系统管理员"`` (in the fixed role order)."""
    wanted = set(roles.split(",")) if isinstance(roles, str) else set(roles)
    return "、".join(ROLE_LABELS[r] for r in ROLES if r in wanted)


def _user(db: Database, username: str) -> dict[str, object]:
    r = row(db, "SELECT id, username, display_name, roles, active FROM users WHERE username = ?", [username])
    if r is None:
        raise NotFoundError("用户", username)
    return r


def _other_active_admins(db: Database, username: str) -> int:
    return int(scalar(db, "SELECT count(*) FROM users WHERE active = 1 AND username <> ? "
                          "AND ',' || roles || ',' LIKE '%,admin,%'", [username]))


def set_user_active(db: Database, actor: Actor, username: str, active: bool) -> bool:
    """停用 or 启用 an account. Returns whether it changed.

    An admin cannot disable their own account, and the last active admin stays active, so the
    centre can never lock itself out of its own settings.
    """
    actor.require("users.manage")
    with write(db):
        user = _user(db, username)
        if bool(user["active"]) == active:
            return False
        if not active:
            if username == actor.username:
                raise StateError("不能停用自己正在使用的账号。")
            if "admin" in str(user["roles"]).split(",") and not _other_active_admins(db, username):
                raise StateError(f"“{username}”是唯一在用的系统管理员，不能停用；请先为另一位用户授予系统管理员角色。")
        # Re-enabling also clears a login lock, so the person can sign in straight away.
        db.execute("UPDATE users SET active = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
                   [1 if active else 0, user["id"]])
        audit.record(db, actor.username, "enable" if active else "disable", "user", user["id"],
                     {"active": bool(user["active"])}, {"active": active})
    return True


def set_user_roles(db: Database, actor: Actor, username: str, roles: Sequence[str]) -> bool:
    """Replace a user's roles. Returns whether they changed.

    An admin cannot take the admin role from themself, and the last active admin keeps it.
    """
    actor.require("users.manage")
    bad = [r for r in roles if r not in ROLES]
    if bad or not roles:
        raise ValidationError("角色", "须从经办人、审核人、审批人、财务、系统管理员中至少选择一项", "、".join(bad))
    new = [r for r in ROLES if r in set(roles)]
    with write(db):
        user = _user(db, username)
        old = str(user["roles"]).split(",")
        if set(old) == set(new):
            return False
        if "admin" in old and "admin" not in new:
            if username == actor.username:
                raise StateError("不能取消自己的系统管理员角色。")
            if user["active"] and not _other_active_admins(db, username):
                raise StateError(f"“{username}”是唯一在用的系统管理员，不能取消其系统管理员角色。")
        db.execute("UPDATE users SET roles = ? WHERE id = ?", [",".join(new), user["id"]])
        audit.record(db, actor.username, "set_roles", "user", user["id"], {"roles": old}, {"roles": new})
    return True
