"""The monthly / yearly report and the reception sheet on paper, through the printed-forms templates
(``forms/monthly.toml`` and ``forms/reception.toml``), whose sources take the figures of ``core.reports`` and the
rows of ``core.casework.reception``. The window and ``helpdesk report`` call the same functions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.city import region
from helpdesk_gui.core.reports import figures as reports
from helpdesk_gui.core.reports import xlsx as report_xlsx
from helpdesk_gui.printing import render, template
from helpdesk_gui.printing.sources import Selection

MONTHLY_FORM = "monthly"
RECEPTION_FORM = "reception"


def print_report(db: Database, period: reports.Period, out: Path, *, actor: Actor, user_dir: Path | None = None,
                 progress: Callable[[int, int], None] | None = None, county: str | None = None) -> render.Printed:
    """The 统计月报 form (``forms/monthly.toml``): its source builds the figures with ``core.reports``
    (of one county's archives and payments at the city when ``county`` is given)."""
    actor.require("reports.view")
    form = template.find(MONTHLY_FORM, user_dir)
    return render.render(db, form, Selection(date_from=period.start, date_to=period.end, county=county or ""),
                         Path(out), actor=actor, progress=progress)


def print_reception_sheet(db: Database, period: reports.Period, out: Path, *, actor: Actor, reveal: bool = False,
                          user_dir: Path | None = None) -> render.Printed:
    """The 接待登记表 (``forms/reception.toml``) of the entries received in ``period`` (rows from
    ``core.reception.sheet_rows``; numbers masked unless ``reveal``)."""
    form = template.find(RECEPTION_FORM, user_dir)
    return render.render(db, form, Selection(date_from=period.start, date_to=period.end), Path(out), actor=actor,
                         reveal=reveal)


def export(db: Database, period: reports.Period, out: Path, *, actor: Actor, user_dir: Path | None = None,
           county: str | None = None) -> tuple[Path, reports.Report]:
    """The report to ``out``: ``.xlsx`` (the workbook) or ``.pdf`` (the printed monthly form); ``county``: one
    county's figures at the city."""
    actor.require("reports.view")
    report = reports.build(db, period, county=county, county_name=region.name_of(db, county) if county else "")
    if out.suffix.lower() == ".pdf":
        print_report(db, period, out, actor=actor, user_dir=user_dir, county=county)
    else:
        report_xlsx.write(report, out)
    return out, report
