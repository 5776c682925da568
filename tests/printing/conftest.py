"""Printing test helpers: a household with known values, PDF text and font dictionaries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest

from helpdesk_gui.core.base import ids
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import HouseholdDraft

COUNTY = "530122"
HEAD_ID = ids.make(COUNTY, dt.date(1975, 5, 6), 123)
SPOUSE_ID = ids.make(COUNTY, dt.date(1977, 8, 9), 124)
CHILD_ID = ids.make(COUNTY, dt.date(2006, 1, 15), 211)
ACCOUNT = "6228480123456789012"
REMARKS = "丈夫下岗多年，妻子患病长期住院，儿子在读大学，家庭收入微薄。"


def make_household(db, actor, *, name: str = "张三丰", id_number: str = HEAD_ID, remarks: str = REMARKS,
                   members: list | None = None) -> int:
    draft = HouseholdDraft(
        fields={"name": name, "id_number": id_number, "phone": "13812345678", "township": "城关镇",
                "address": "城关镇人民路社区12号", "cause_main": "3", "causes_secondary": ["6", "9"],
                "hukou_region_code": COUNTY, "ethnicity": "汉族", "political": "群众", "health": "良好",
                "work_status": "下岗", "marital": "已婚", "housing_type": "租房", "housing_area_m2": "45.5",
                "bank_name": "中国农业银行", "bank_branch": "城关支行", "bank_account": ACCOUNT, "category": "1",
                "remarks": remarks},
        members=members if members is not None else [
            {"name": "李秀英", "relation": "配偶", "id_number": SPOUSE_ID, "identity": "在岗", "health": "良好",
             "monthly_income_fen": 150000, "school_or_employer": "金马纺织厂"},
            {"name": "张小明", "relation": "子女", "id_number": CHILD_ID, "identity": "大学生",
             "school_or_employer": "云南大学"}],
        income_items=[{"kind": "wages", "amount_fen": 1_800_000, "note": "配偶工资"}],
        expenses=[{"kind": "illness", "amount_fen": 600_000, "note": "住院自付"}],
        employer=("云岭煤业有限公司", "2", "3"))
    return register.create_household(db, actor, draft)


@pytest.fixture
def household(database, clerk) -> int:
    return make_household(database, clerk)


def pdf_text(path: Path) -> list[str]:
    """The text of each page (pypdfium2; no poppler needed)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def squash(text: str) -> str:
    return "".join(text.split())


def pdf_fonts(path: Path) -> list[dict]:
    """Every font dictionary used on any page: base name, subtype, embedded program."""
    out = []
    seen = set()
    for page in pypdf.PdfReader(str(path)).pages:
        fonts = page["/Resources"].get("/Font", {})
        for _name, ref in fonts.items():
            font = ref.get_object()
            key = (font["/BaseFont"], id(font))
            if font["/BaseFont"] in seen:
                continue
            seen.add(font["/BaseFont"])
            desc = font.get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            out.append({"base": str(font["/BaseFont"]), "subtype": str(font["/Subtype"]),
                        "embedded": "/FontFile2" in desc, "key": key})
    return out
