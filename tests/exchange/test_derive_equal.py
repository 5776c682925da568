"""One derivation: a household saved through the editor's path, the same household imported from a batch
and from a station's sheet store the same derived columns (``core.register.derive``)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlite_utils import Database

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import settings, setup
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.db import row, write
from helpdesk_gui.core.register import derive
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft
from helpdesk_gui.exchange import foreign, importer, mapping
from helpdesk_gui.exchange.export import export_batch

from .conftest import person

#: Every derived column, and the figures they come from.
COMPARED = (*derive.DERIVED_COLUMNS, "family_size", "annual_income_fen", "rigid_expense_fen")
HEAD = person("1975-03-12", 11)
SPOUSE = person("1977-08-09", 24)          # 失业, able, no income and no proof: credited with the minimum wage
CHILD = person("2006-09-01", 35)
ALONE = person("1968-12-30", 37)


def derived(db: Database, id_number: str) -> dict[str, Any]:
    r = row(db, f"SELECT {', '.join(COMPARED)} FROM households WHERE id_number = ?", [id_number])
    assert r is not None
    return r


def family() -> HouseholdDraft:
    """What a clerk types in the editor: a family of three, item by item."""
    return HouseholdDraft(
        fields={"name": "曾志伟", "id_number": HEAD, "phone": "13812345678", "address": "城关镇人民路 12 号",
                "cause_main": "3", "work_status": "2", "category": "2"},
        members=[{"name": "李秀英", "relation": "1", "id_number": SPOUSE, "identity": "3", "health": "1"},
                 {"name": "曾小明", "relation": "2", "id_number": CHILD, "identity": "21", "health": "1",
                  "school_or_employer": "县一中"}],
        income_items=[{"kind": "wages", "amount_fen": 1_800_000}, {"kind": "union_aid", "amount_fen": 100_000}],
        expenses=[{"kind": "illness", "amount_fen": 600_000}])


def alone() -> HouseholdDraft:
    """A household entered with totals only (as a station's sheet has them)."""
    return HouseholdDraft(fields={"name": "单雄", "id_number": ALONE, "phone": "13912345678", "cause_main": "6",
                                  "category": "2", "family_size": 3, "annual_income_fen": 3_600_000, "rigid_expense_fen": 600_000})


def station_sheet(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "申请汇总"
    ws.append(["序号", "姓名", "性别", "公民身份号码", "联系电话", "家庭人口", "家庭年收入", "刚性支出", "主要致困原因"])
    ws.append([1, "单雄", "男", ALONE, "13912345678", 3, "36000", "6000", "患重特大疾病"])
    wb.save(path)
    return path


def test_editor_batch_and_station_sheet_store_equal_derived_columns(database, clerk, city, city_clerk, tmp_path):
    today = _dt.date.today()
    register.create_household(database, clerk, family(), today=today)
    register.create_household(database, clerk, alone(), today=today)
    with write(database):
        settings.put(database, "exchange_omit_columns", [])   # the phone travels (a privacy setting omits it)
    editor_family, editor_alone = derived(database, HEAD), derived(database, ALONE)
    # what the editor stored: the contract's 家庭月人均收入, the credit only in the income test's figure
    assert editor_family["per_capita_month_fen"] == 36_111                   # (19,000 − 6,000) ÷ 3 ÷ 12
    assert editor_family["income_test_month_fen"] == 92_444                  # + 1,690 × 12 credited
    assert editor_family["category_suggested"] == "2"
    assert editor_family["hukou_region_code"] == "530122" and editor_family["name_pinyin"] == "zengzhiwei"

    out = tmp_path / "up.xlsx"
    export_batch(database, clerk, out)
    result = importer.import_batch(city, city_clerk, out, today=today)
    assert result.status == importer.IMPORTED, result.analysis.problems.items[:5]
    assert derived(city, HEAD) == editor_family
    assert derived(city, ALONE) == editor_alone

    # the same household sent by a station: a new application in a third register
    station = tmp_path / "station.xlsx"
    third = _fresh(tmp_path / "third")
    outcome = foreign.import_sheet(third, auth.get_actor(third, "admin"), station_sheet(station),
                                   mapping.propose(station), today=today)
    assert outcome.status == importer.IMPORTED, outcome.analysis.problems.items[:5]
    assert derived(third, ALONE) == editor_alone
    third.conn.close()


def _fresh(folder: Path) -> Database:
    return setup.initialise(paths.db_path(folder), "530122", "某某县总工会", "admin1234")
