"""Render the first page of every form for the README: ``.venv/bin/python docs/forms/render_samples.py``.

Builds a throw-away demo database (300 households), prints each form in ``forms/`` through the same
function as the window and the CLI, and saves page 1 as ``docs/forms/<form>.png`` (pypdfium2).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import codes, paths
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.ledger import rosters
from helpdesk_gui.core.admin import setup
from helpdesk_gui.core.db import rows
from helpdesk_gui.printing import render, template
from helpdesk_gui.printing.sources import Selection

HERE = Path(__file__).resolve().parent
REMARKS = ("本人原在县水泥厂工作，2019 年企业停产后下岗，靠打零工维持生活；妻子患尿毒症，每周透析三次，"
           "医保报销后每年自付医疗费约四万元；儿子在云南大学读书，每年学费、住宿费约八千元。家庭收入微薄，生活十分困难，"
           "特申请建立困难职工档案。")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = setup.initialise(paths.db_path(folder), "530122", "某某县总工会", "sample-Passw0rd")
        demo.generate(db, auth.SYSTEM, 300, seed=7)
        hid = rows(db, "SELECT h.id FROM households h WHERE h.status = 'active' AND h.employer_id IS NOT NULL "
                       "AND EXISTS (SELECT 1 FROM members m WHERE m.household_id = h.id AND m.identity = '21') "
                       "AND (SELECT count(*) FROM assistance_records a WHERE a.household_id = h.id) >= 2 "
                       "ORDER BY h.id LIMIT 1")[0]["id"]
        draft = register.draft_from(register.get_household(db, hid))
        draft.fields["remarks"] = REMARKS
        register.update_household(db, auth.SYSTEM, hid, draft)
        year = dt.date.today().year
        roster = rosters.parse_project_id(codes.load(db), f"送温暖:{year - 1}")
        last_month_end = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        selections = {
            "household": Selection(household_ids=(hid,)),
            "publicity": Selection(),
            "project": Selection(roster=roster),
            "period": Selection(date_from=last_month_end.replace(day=1), date_to=last_month_end),
        }
        for form in template.list_forms():
            assert isinstance(form, template.Form), form
            pdf = folder / f"{form.key}.pdf"
            render.render(db, form, selections[form.source.needs], pdf, actor=auth.SYSTEM)
            doc = pdfium.PdfDocument(str(pdf))
            doc[0].render(scale=1.5).to_pil().save(HERE / f"{form.key}.png", optimize=True)
            doc.close()
            print(f"{form.key}: {form.name}")
        db.conn.close()


if __name__ == "__main__":
    main()
