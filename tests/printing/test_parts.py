"""A long job printed in parts for the preview (render_parts): page 1 in a small first file, then files
four times as large; the same pages as one PDF; a cancel keeps the parts handed over, not the one half made."""

from __future__ import annotations

import pytest

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.db import rows
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.printing import render, template
from helpdesk_gui.printing.sources import Selection

from .conftest import HEAD_ID, pdf_text, squash


@pytest.fixture
def forty(database):
    demo.generate(database, auth.SYSTEM, 40, seed=8)
    return tuple(r["id"] for r in rows(database, "SELECT id FROM households ORDER BY id"))


def test_parts_hold_the_same_pages_as_one_pdf(database, clerk, forty, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    form = template.find("archive")
    whole = render.render(database, form, Selection(household_ids=forty), tmp_path / "one.pdf", actor=clerk)
    handed: list[tuple[str, int]] = []
    printed = render.render_parts(database, form, Selection(household_ids=forty), tmp_path / "job", actor=clerk,
                                  on_part=lambda path, pages: handed.append((path.name, pages)))
    assert printed.documents == whole.documents == 40 and printed.pages == whole.pages
    sizes = [pages for _name, pages in handed]
    assert printed.pages > 42 and sizes[:3] == [2, 8, 32] and sum(sizes) == printed.pages    # then up to 512 each
    assert [name for name, _pages in handed] == [f"job-{n:03d}.pdf" for n in range(1, len(handed) + 1)]
    assert list(printed.parts) == [tmp_path / name for name, _pages in handed] and printed.path == printed.parts[0]
    in_parts = [squash(t) for p in printed.parts for t in pdf_text(p)]
    assert in_parts == [squash(t) for t in pdf_text(tmp_path / "one.pdf")]      # the same pages, in order
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["one.pdf"] + [name for name, _pages in handed])


def test_a_cancel_keeps_the_parts_handed_over(database, clerk, forty, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    class Stop(Exception):
        pass

    handed = []

    def progress(done, total):
        if done == 5:
            raise Stop

    with pytest.raises(Stop):
        render.render_parts(database, template.find("archive"), Selection(household_ids=forty), tmp_path / "job",
                            actor=clerk, progress=progress, on_part=lambda path, _pages: handed.append(path))
    assert handed == [tmp_path / "job-001.pdf"]
    assert sorted(tmp_path.iterdir()) == handed                 # the second part, half made, is gone


def test_a_revealed_job_is_audited_even_when_stopped_after_a_part_was_shown(database, admin, household, tmp_path):
    class Stop(Exception):
        pass

    def stop(_done, _total):
        raise Stop

    with pytest.raises(Stop):
        render.render_parts(database, template.find("archive"), Selection(household_ids=(household, household)),
                            tmp_path / "job", actor=admin, reveal=True, progress=stop, first=1)
    assert HEAD_ID in squash(pdf_text(tmp_path / "job-001.pdf")[0])
    log = rows(database, "SELECT * FROM audit_log WHERE action = 'print_reveal'")
    assert len(log) == 1 and log[0]["username"] == "admin"
