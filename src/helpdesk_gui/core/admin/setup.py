"""Creating a new centre's database: county, union name, the first admin, the county org unit."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import audit, auth, keyring
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.base.errors import DatabaseRefused, ValidationError


def validate_county(county_code: str, union_name: str) -> tuple[str, str]:
    county_code = county_code.strip()
    union_name = union_name.strip()
    if len(county_code) != 6 or not county_code.isdigit():
        raise ValidationError("县级行政区划代码", "应为 6 位数字（如 530122）", county_code)
    if not union_name:
        raise ValidationError("工会名称", "不能为空")
    return county_code, union_name


def initialise(path: Path, county_code: str, union_name: str, admin_password: str) -> Database:
    """Create the database file; refuse when one exists. Returns the open database."""
    county_code, union_name = validate_county(county_code, union_name)
    auth.check_password_strength(admin_password)
    if path.exists():
        raise DatabaseRefused(f"数据文件夹中已有数据库（{path}），未做任何修改。如需重新开始，请先备份并移走该文件。")
    keyring.remove_anchor(path.parent)  # an anchor left by a database moved away would not fit the new chain
    db = dbm.open_db(path, create=True)
    with dbm.write(db):
        dbm.set_meta(db, "county_code", county_code)
        dbm.set_meta(db, "union_name", union_name)
        dbm.set_meta(db, "created_at", dbm.now_iso())
        settings.put(db, "default_region_code", county_code)
        db.execute("INSERT INTO org_units (name, level, region_code) VALUES (?, 'county', ?)",
                   [f"{union_name}困难职工帮扶中心", county_code])
        db.execute(
            "INSERT INTO users (username, display_name, roles, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            ["admin", "系统管理员", "admin", auth.hash_password(admin_password), dbm.now_iso()])
        audit.record(db, auth.SYSTEM.username, "init", "database", county_code, None,
                     {"county_code": county_code, "union_name": union_name})
    return db
