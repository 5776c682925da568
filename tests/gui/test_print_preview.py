"""A long print preview (issue 16): the register's whole list printed to the preview shows page 1 while the
rest is still being made, renders only the pages in view, can be stopped, and once made prints and saves
as one PDF. Real widgets, offscreen; a gate holds the job half-way so the order is certain."""

from __future__ import annotations

import threading
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtGui import QImage, qGray
from PySide6.QtPrintSupport import QPrinter

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.printing.printer import print_pages, setup_printer
from helpdesk_gui.gui.register.page import RegisterPage
from helpdesk_gui.printing.layout import Layout

HOUSEHOLDS = 300


@pytest.fixture
def ctx(folder, database, clerk):
    demo.generate(database, auth.SYSTEM, HOUSEHOLDS, seed=6)
    return AppContext(folder=folder, db=database, actor=clerk)


@pytest.fixture
def gate(monkeypatch):
    """The print job waits before its 40th document until the test opens the gate."""
    opened = threading.Event()
    document = Layout.document
    calls = iter(range(10**9))

    def gated(self, data):
        if next(calls) == 39:
            opened.wait(60)
        return document(self, data)

    monkeypatch.setattr(Layout, "document", gated)
    yield opened
    opened.set()


def ink(image: QImage) -> int:
    """Dark dots on a page image (every 4th pixel each way): a blank page has none."""
    return sum(1 for y in range(0, image.height(), 4) for x in range(0, image.width(), 4)
               if qGray(image.pixel(x, y)) < 128)


def preview_all(qtbot, ctx):
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == HOUSEHOLDS
    button = page.print_button
    task = button.print_list("archive", confirm=False)          # 打印 → 全部：困难职工档案表
    dialog = button.runner.dialogs[-1]
    qtbot.addWidget(dialog)
    return button, task, dialog


def test_page_one_shows_while_the_rest_is_made(qtbot, ctx, gate, tmp_path):
    button, task, dialog = preview_all(qtbot, ctx)
    assert dialog.isVisible() and dialog.building
    qtbot.waitUntil(lambda: dialog.view.image(0) is not None, timeout=20000)
    assert ink(dialog.view.image(0)) > 500                       # page 1 is drawn, not blank
    assert dialog.building and 0 < len(dialog.pages) < 40        # … while the job waits at its 40th archive
    assert "正在生成…已生成" in dialog.info.text() and dialog.stop_button.isVisible()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    gate.set()
    wait(task)
    printed = button.runner.last
    assert printed.documents == HOUSEHOLDS and len(dialog.pages) == printed.pages > HOUSEHOLDS
    assert len(printed.parts) > 3 and dialog.parts == list(printed.parts)
    assert dialog.view.rendered <= 4                             # only what is in view, not 300-odd pages
    assert dialog.info.text().startswith(f"第 1 页，共 {printed.pages:,} 页")
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled() and not dialog.stop_button.isVisible()

    last = printed.pages - 1
    dialog.view.scroll_to_page(last)
    dialog.view.render_visible()
    assert ink(dialog.view.image(last)) > 500 and dialog.view.rendered <= 8

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)     # 打印: page by page, across the parts
    setup_printer(printer, dialog.pages, "档案表")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(72)
    printer.setFromTo(2, 3)                                      # page 2 ends the first part, 3 begins the next
    assert print_pages(printer, dialog.pages) == 2
    out = pdfium.PdfDocument(str(tmp_path / "printed.pdf"))
    assert len(out) == 2
    for i in range(2):                                           # both printed pages carry the form
        assert sum(out[i].render(scale=0.5).to_pil().convert("L").histogram()[:128]) > 500
    out.close()

    saved = dialog.save_as(str(tmp_path / "全部档案"))            # the parts become one PDF
    pdf = pdfium.PdfDocument(str(saved))
    assert len(pdf) == printed.pages
    pdf.close()
    temps = dialog.parts
    dialog.close()
    assert not any(Path(t).exists() for t in temps)


def test_stopping_keeps_the_pages_made_but_not_to_print(qtbot, ctx, gate):
    _button, task, dialog = preview_all(qtbot, ctx)
    qtbot.waitUntil(lambda: len(dialog.pages) > 0, timeout=20000)
    dialog.stop_button.click()
    assert dialog.info.text() == "正在停止…"
    gate.set()
    wait(task)
    assert dialog.stopped and 0 < len(dialog.pages) < HOUSEHOLDS
    assert dialog.info.text().startswith(f"已停止生成：只有前 {len(dialog.pages)} 页")
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.print_pdf() is None and dialog.save_as("/tmp/never.pdf") is None
    dialog.close()
    assert not list((ctx.folder / "print-tmp").iterdir())        # no personal data left behind


def test_closing_while_made_stops_the_job_and_leaves_no_file(qtbot, ctx, gate, message_boxes):
    _button, task, dialog = preview_all(qtbot, ctx)
    qtbot.waitUntil(lambda: len(dialog.pages) > 0, timeout=20000)
    dialog.close()
    gate.set()
    wait(task)
    qtbot.wait(50)
    assert not list((ctx.folder / "print-tmp").iterdir())
    assert not message_boxes                                     # a stop is not an error
