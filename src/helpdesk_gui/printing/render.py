"""Printing forms to PDF: the one function the window, the command line and the benchmark call.

All documents of a print job (one household's archive form, a whole register selection's forms,
a 2,000-row roster) go into ONE PDF on one reportlab canvas, so each font is embedded once as a
subset. The file is written beside the target and renamed into place at the end: an error or a
cancel (the progress callback raising) leaves no half-written PDF behind.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Sequence
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


@dataclass(frozen=True)
class Printed:
    path: Path
    documents: int
    pages: int
    revealed: bool


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


def render(db: Database, form: Form, selection: Selection, out: Path, *, actor: Actor, reveal: bool = False,
           progress: Progress | None = None, today: _dt.date | None = None) -> Printed:
    """Print ``form`` for ``selection`` into the PDF ``out``.

    ``reveal`` prints full ID numbers, phones and bank accounts (only for roles that may see them,
    never on public forms) and is written to the audit log.
    """
    actor.require("register.view")
    reveal = reveal and form.source.sensitive and not form.public
    if reveal:
        actor.require("register.reveal")
    check_selection(form, selection)
    metrics = fonts.ensure()
    book = codes.load(db)
    today = today or _dt.date.today()
    env = Env(book, today)
    common = sources.common_for(db, actor.display_name, actor.username, reveal=reveal, today=today)
    total = count_documents(form, selection)
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    canvas = Canvas(str(tmp), pagesize=form.page_size, pageCompression=1, initialFontName=fonts.SONG,
                    initialFontSize=form.size)
    canvas.setTitle(form.name)
    canvas.setAuthor(common.union_name)
    canvas.setCreator(f"帮扶中心工作台 {__version__}")
    layout = Layout(form, metrics, env)
    documents = pages = 0
    try:
        for data in form.source.documents(db, book, selection, common):
            laid = _lay(layout, form, data)
            if total == 1 and progress is not None and len(laid) > 1:
                for i in range(0, len(laid), 10):
                    draw(canvas, laid[i:i + 10])
                    progress(min(i + 10, len(laid)), len(laid))
            else:
                draw(canvas, laid)
            documents += 1
            pages += len(laid)
            if progress is not None and total > 1:
                progress(documents, total)
        if not documents:
            raise ValidationError("打印", "没有可打印的内容")
        canvas.save()
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if reveal:
        rosters.log_revealed_print(db, actor, form.key, form.name, documents)
    return Printed(out, documents, pages, reveal)


def _lay(layout: Layout, form: Form, data: dict[str, Any]) -> list[Page]:
    try:
        return layout.document(data)
    except KeyError as e:  # a data item the source declared but did not deliver
        raise TemplateError(form.path, "", f"数据项“{e.args[0]}”在数据中不存在") from None
