"""Printing forms to PDF: the one function the window, the command line and the benchmark call.

All documents of a print job (one household's archive form, a whole register selection's forms,
a 2,000-row roster) go into ONE PDF on one reportlab canvas, so each font is embedded once as a
subset. The file is written beside the target and renamed into place at the end: an error or a
cancel (the progress callback raising) leaves no half-written PDF behind. A preview prints the job in
parts instead (``render_parts``): its first page is on screen while the rest is still being made.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from sqlite_utils import Database

from helpdesk_gui import __version__
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.ledger import rosters
from helpdesk_gui.printing import fonts, sources
from helpdesk_gui.printing.expr import Env
from helpdesk_gui.printing.form import Form
from helpdesk_gui.printing.layout import Layout, Page
from helpdesk_gui.printing.sources import Selection
from helpdesk_gui.printing.template import TemplateError

Progress = Callable[[int, int], None]


#: a job printed in parts (``render_parts``): pages in the first part, and at most in any part
FIRST_PART_PAGES = 2
MOST_PART_PAGES = 512


@dataclass(frozen=True)
class Printed:
    path: Path
    documents: int
    pages: int
    revealed: bool
    parts: tuple[Path, ...] = ()   # render_parts: every part in page order (``path`` is the first)


def draw(canvas: Canvas, pages: Sequence[Page]) -> None:
    """Put laid-out pages on the canvas (one ``showPage`` each)."""
    for ops in pages:
        canvas.setLineWidth(0.6)
        current: tuple[str, float] | None = None
        text = canvas.beginText()
        for op in ops:
            kind = op[0]
            if kind == "T":
                font_size = (op[1], op[2])
                if font_size != current:
                    text.setFont(op[1], op[2])
                    current = font_size
                text.setTextOrigin(op[3], op[4])
                text._textOut(op[5])  # textOut without measuring the string again (we never chain text)
            elif kind == "L":
                canvas.line(op[1], op[2], op[3], op[4])
            else:
                canvas.rect(op[1], op[2], op[3], op[4], stroke=1, fill=0)
        canvas.drawText(text)
        canvas.showPage()


def check_selection(form: Form, sel: Selection) -> None:
    """The form's data source must get what it needs (Chinese message naming the option)."""
    needs = form.source.needs
    if needs == "household" and not sel.household_ids:
        raise ValidationError("档案", f"“{form.name}”按户打印，请指定档案（--household 档案编号）")
    if needs == "project" and sel.roster is None and not (sel.date_from and sel.date_to):
        raise ValidationError("项目", f"“{form.name}”需要指定项目（--project 项目[:期间]）或发放日期（--from/--to）")
    if sel.date_from and sel.date_to and sel.date_to < sel.date_from:
        raise ValidationError("日期", "结束日期早于开始日期", f"{sel.date_from} 至 {sel.date_to}")


def count_documents(form: Form, sel: Selection) -> int:
    return form.source.count(sel)


@dataclass
class _Job:
    """One print job's fixed parts: what it may reveal, its data, its layout; ``documents`` counts as it goes."""

    reveal: bool
    common: sources.Common
    book: codes.CodeBook
    layout: Layout
    total: int
    documents: int = 0


def _prepare(db: Database, form: Form, selection: Selection, actor: Actor, reveal: bool,
             today: _dt.date | None) -> _Job:
    actor.require("register.view")
    reveal = reveal and form.source.sensitive and not form.public
    if reveal:
        actor.require("register.reveal")
    check_selection(form, selection)
    metrics = fonts.ensure()
    book = codes.load(db)
    today = today or _dt.date.today()
    common = sources.common_for(db, actor.display_name, actor.username, reveal=reveal, today=today)
    return _Job(reveal, common, book, Layout(form, metrics, Env(book, today)), count_documents(form, selection))


def _canvas(form: Form, job: _Job, path: Path) -> Canvas:
    canvas = Canvas(str(path), pagesize=form.page_size, pageCompression=1, initialFontName=fonts.SONG,
                    initialFontSize=form.size)
    canvas.setTitle(form.name)
    canvas.setAuthor(job.common.union_name)
    canvas.setCreator(f"帮扶中心工作台 {__version__}")
    return canvas


def _pages(db: Database, form: Form, selection: Selection, job: _Job, progress: Progress | None) -> Iterator[Page]:
    """Every page of the job in order. ``progress(documents, total)`` after each document, or (one long
    document, such as a roster) ``progress(pages, pages of it)`` every 10 pages; it may raise to cancel."""
    for data in form.source.documents(db, job.book, selection, job.common):
        laid = _lay(job.layout, form, data)
        for i, page in enumerate(laid, start=1):
            yield page
            if job.total == 1 and progress is not None and len(laid) > 1 and (i % 10 == 0 or i == len(laid)):
                progress(i, len(laid))
        job.documents += 1
        if progress is not None and job.total > 1:
            progress(job.documents, job.total)
    if not job.documents:
        raise ValidationError("打印", "没有可打印的内容")


def render(db: Database, form: Form, selection: Selection, out: Path, *, actor: Actor, reveal: bool = False,
           progress: Progress | None = None, today: _dt.date | None = None) -> Printed:
    """Print ``form`` for ``selection`` into the PDF ``out``.

    ``reveal`` prints full ID numbers, phones and bank accounts (only for roles that may see them,
    never on public forms) and is written to the audit log.
    """
    job = _prepare(db, form, selection, actor, reveal, today)
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    canvas = _canvas(form, job, tmp)
    pages = 0
    try:
        for page in _pages(db, form, selection, job, progress):
            draw(canvas, (page,))
            pages += 1
        canvas.save()
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if job.reveal:
        rosters.log_revealed_print(db, actor, form.key, form.name, job.documents)
    return Printed(out, job.documents, pages, job.reveal)


def part_path(stem: Path, n: int) -> Path:
    """The ``n``-th part (from 1) of a job printed in parts: ``<stem>-001.pdf`` …"""
    return stem.with_name(f"{stem.name}-{n:03d}.pdf")


def render_parts(db: Database, form: Form, selection: Selection, stem: Path, *, actor: Actor,
                 reveal: bool = False, progress: Progress | None = None,
                 on_part: Callable[[Path, int], None] | None = None, today: _dt.date | None = None,
                 first: int = FIRST_PART_PAGES, most: int = MOST_PART_PAGES) -> Printed:
    """Print like ``render``, into PDFs of consecutive pages (``part_path(stem, 1)``, ``2`` …), each handed to
    ``on_part(path, pages)`` as soon as it is written: a preview shows page 1 of 5,000 archives at once.

    The first part holds ``first`` pages, each next one four times as many, up to ``most`` (every part
    embeds its own font subsets, so a few large parts rather than many small ones). Parts handed over stay
    when the job fails or is cancelled (the caller owns them: they are on screen); the one being written
    is removed. ``Printed.parts`` lists them in order. A revealed print is audited even when cancelled,
    once a part has been handed over (its pages may have been seen).
    """
    job = _prepare(db, form, selection, actor, reveal, today)
    parts: list[Path] = []
    canvas: Canvas | None = None
    tmp = Path()
    in_part = pages = 0
    limit = first

    def close_part() -> None:
        assert canvas is not None
        canvas.save()
        path = part_path(stem, len(parts) + 1)
        os.replace(tmp, path)
        parts.append(path)
        if on_part is not None:
            on_part(path, in_part)

    try:
        for page in _pages(db, form, selection, job, progress):
            if canvas is None:
                tmp = part_path(stem, len(parts) + 1).with_suffix(".pdf.part")
                canvas, in_part = _canvas(form, job, tmp), 0
            draw(canvas, (page,))
            in_part += 1
            pages += 1
            if in_part >= limit:
                close_part()
                canvas, limit = None, min(limit * 4, most)
        if canvas is not None:
            close_part()
    except BaseException:
        if canvas is not None:
            tmp.unlink(missing_ok=True)
        if job.reveal and parts:
            rosters.log_revealed_print(db, actor, form.key, form.name, job.documents)
        raise
    if job.reveal:
        rosters.log_revealed_print(db, actor, form.key, form.name, job.documents)
    return Printed(parts[0], job.documents, pages, job.reveal, tuple(parts))


def _lay(layout: Layout, form: Form, data: dict[str, Any]) -> list[Page]:
    try:
        return layout.document(data)
    except KeyError as e:  # a data item the source declared but did not deliver
        raise TemplateError(form.path, "", f"数据项“{e.args[0]}”在数据中不存在") from None
