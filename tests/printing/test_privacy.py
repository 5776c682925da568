"""Privacy on paper: without the reveal right no printed field gives the ID number's hidden digits away,
the birth date (its middle) included; with it, everything prints in full (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest

from helpdesk_gui.core.base.privacy import MASKED_DATE, mask_id
from helpdesk_gui.printing import render, template
from helpdesk_gui.printing.sources import Selection

from .conftest import CHILD_ID, HEAD_ID, SPOUSE_ID, pdf_text, squash

HOUSEHOLD_FORMS = ("archive", "approval", "visit", "medical", "school_aid")
BORN = {HEAD_ID: dt.date(1975, 5, 6), SPOUSE_ID: dt.date(1977, 8, 9), CHILD_ID: dt.date(2006, 1, 15)}
TODAY = dt.date(2026, 3, 15)


def spellings(d: dt.date) -> list[str]:
    """Every way a form may print a birth date (the ``date`` filter's forms), and the ID's own digits."""
    return [d.isoformat(), f"{d.year}年{d.month}月{d.day}日", f"{d:%Y.%m.%d}", f"{d:%Y%m%d}"]


def printed_text(db, actor, key, household, tmp_path, *, reveal):
    out = tmp_path / f"{key}-{reveal}.pdf"
    render.render(db, template.find(key), Selection(household_ids=(household,)), out, actor=actor, reveal=reveal,
                  today=TODAY)
    return squash("".join(pdf_text(out)))


@pytest.mark.parametrize("key", HOUSEHOLD_FORMS)
def test_without_reveal_no_id_number_or_birth_date_is_printed(database, clerk, household, tmp_path, key):
    text = printed_text(database, clerk, key, household, tmp_path, reveal=False)
    for idn, born in BORN.items():
        assert idn not in text, (key, idn)
        for spelling in spellings(born):
            assert spelling not in text, (key, spelling)
    assert mask_id(HEAD_ID) in text


def test_the_archive_form_prints_dates_masked_as_the_editor_shows_them(database, clerk, household, tmp_path):
    text = printed_text(database, clerk, "archive", household, tmp_path, reveal=False)
    assert "出生日期" + MASKED_DATE in text                     # the head, in the grid
    assert text.count(MASKED_DATE) >= 3                          # and the spouse and the child in the table
    assert mask_id(SPOUSE_ID) in text and mask_id(CHILD_ID) in text


def test_the_visit_form_still_prints_ages(database, clerk, household, tmp_path):
    text = printed_text(database, clerk, "visit", household, tmp_path, reveal=False)
    assert "年龄50岁" in text                                    # the head, born 1975-05-06
    assert "李秀英配偶48" in text and "张小明子女20" in text      # the members' rows


def test_with_reveal_the_full_numbers_and_birth_dates_are_printed(database, admin, household, tmp_path):
    text = printed_text(database, admin, "archive", household, tmp_path, reveal=True)
    assert HEAD_ID in text and SPOUSE_ID in text and CHILD_ID in text
    assert "1975年5月6日" in text                                # the head: {birth_date|date}
    assert "1977.08.09" in text and "2006.01.15" in text         # the members: {birth_date|date:dot}
    assert MASKED_DATE not in text
