"""Printing in the window: the 打印 page, preview, save, print to a (PDF) printer, and the 打印
buttons of the household editor and the register page. Real widgets, offscreen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.db import rows
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.household.editor import HouseholdEditor
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.main_window import MainWindow
from helpdesk_gui.gui.printing.page import PrintingPage
from helpdesk_gui.gui.printing.pdfpages import PdfPages
from helpdesk_gui.gui.printing.printer import print_pages, setup_printer
from helpdesk_gui.gui.register.page import RegisterPage


def text_of(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "".join("".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf)))
    finally:
        pdf.close()


@pytest.fixture
def filled(database):
    demo.generate(database, auth.SYSTEM, 60, seed=4)
    return database


@pytest.fixture
def ctx(folder, filled, clerk):
    return AppContext(folder=folder, db=filled, actor=clerk)


def test_printing_page_is_in_the_window(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.show_page("printing")
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "打印" in titles


def test_roster_preview_save_and_close(qtbot, ctx, tmp_path):
    page = PrintingPage(ctx)
    qtbot.addWidget(page)
    names = [page.list.item(i).text() for i in range(page.list.count())]
    assert "帮扶资金发放花名册" in names and "月度统计报表" in names and "困难职工档案表" in names
    assert page.select("roster")
    assert page.params.project.isVisibleTo(page) and not page.params.archives.isVisibleTo(page)
    assert not page.params.reveal.isEnabled()                     # a clerk may not print full numbers
    page.params.date_from.setDate(QDate(2000, 1, 1))
    page.params.date_to.setDate(QDate(2100, 12, 31))
    task = page.preview()
    assert task is not None
    wait(task)
    assert page.runner.last is not None and page.runner.last.pages >= 1
    dialog = page.runner.dialogs[-1]
    qtbot.addWidget(dialog)
    assert len(dialog.pages) == page.runner.last.pages
    assert dialog.info.text().startswith(f"第 1 页，共 {page.runner.last.pages} 页")
    dialog.view.render_visible()
    assert dialog.view.image(0) is not None and not dialog.view.image(0).isNull()
    before = dialog.view.zoom
    dialog.set_zoom(+1)
    assert dialog.view.zoom > before
    saved = dialog.save_as(str(tmp_path / "花名册"))
    assert saved == tmp_path / "花名册.pdf" and "资金发放花名册" in text_of(saved)
    temps = list(dialog.parts)
    assert temps and all(t.exists() and t.parent == ctx.folder / "print-tmp" for t in temps)
    dialog.close()
    assert not any(t.exists() for t in temps)                     # personal data does not linger


def test_monthly_report_saved_directly(qtbot, ctx, tmp_path, message_boxes):
    page = PrintingPage(ctx)
    qtbot.addWidget(page)
    page.select("monthly")
    page.params.set_period("last_month", today=dt.date(2026, 3, 15))
    assert page.params.date_from.date() == QDate(2026, 2, 1) and page.params.date_to.date() == QDate(2026, 2, 28)
    task = page.save(str(tmp_path / "月报.pdf"))
    wait(task)
    assert "（2026年2月）" in text_of(tmp_path / "月报.pdf")
    assert message_boxes[-1][1] == "已保存"


def test_missing_input_is_explained(qtbot, ctx, message_boxes):
    page = PrintingPage(ctx)
    qtbot.addWidget(page)
    page.select("archive")
    assert page.preview() is None
    assert message_boxes and "请填写要打印的档案编号" in message_boxes[-1][2]
    page.params.archives.setText("530122209999999")
    assert page.preview() is None and "找不到档案" in message_boxes[-1][2]


def test_a_broken_county_template_is_listed_with_its_error(qtbot, ctx):
    forms = ctx.folder / "forms"
    forms.mkdir(parents=True)
    (forms / "mine.toml").write_text("[form]\ntitle = 1\n", encoding="utf-8")
    page = PrintingPage(ctx)
    qtbot.addWidget(page)
    assert page.select("mine")
    assert "mine.toml" in page.error.text() and "form.title" in page.error.text()
    assert not page.preview_button.isEnabled()


def test_editor_print_button_previews_this_household(qtbot, ctx):
    hid = rows(ctx.db, "SELECT id FROM households ORDER BY id LIMIT 1")[0]["id"]
    editor = HouseholdEditor(ctx, hid)
    qtbot.addWidget(editor)
    button = editor.print_button
    button.menu_.aboutToShow.emit()
    assert "困难职工档案表" in [a.text() for a in button.menu_.actions()]
    task = button.print_form("archive")
    wait(task)
    dialog = button.runner.dialogs[-1]
    qtbot.addWidget(dialog)
    assert editor.household["name"] in text_of(dialog.parts[0])
    dialog.close()


def test_register_prints_the_current_list_into_one_pdf(qtbot, ctx):
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    n = page.model.rowCount()
    assert n == 60
    page.print_button.menu_.aboutToShow.emit()
    labels = [a.text() for a in page.print_button.menu_.actions()]
    assert "全部：困难职工家庭建档申请审批表" in labels and "全部：困难职工建档公示名单" in labels
    task = page.print_button.print_list("approval", confirm=False)
    wait(task)
    printed = page.print_button.runner.last
    assert printed.documents == n and printed.pages >= n
    dialog = page.print_button.runner.dialogs[-1]
    qtbot.addWidget(dialog)
    assert len(dialog.pages) == printed.pages
    dialog.close()


def test_print_to_a_pdf_printer(qtbot, ctx, tmp_path):
    page = PrintingPage(ctx)
    qtbot.addWidget(page)
    page.select("reception")
    task = page.save(str(tmp_path / "登记.pdf"))
    wait(task)
    pages = PdfPages(tmp_path / "登记.pdf")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    setup_printer(printer, pages, "接待登记表")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(100)
    seen = []
    assert print_pages(printer, pages, lambda d, t: seen.append((d, t))) == len(pages)
    pages.close()
    assert seen[-1] == (len(pages), len(pages))
    out = pdfium.PdfDocument(str(tmp_path / "printed.pdf"))
    w, h = out.get_page_size(0)
    assert len(out) == len(pages) and w > h                        # landscape, like the form
    out.close()


def test_a_print_job_runs_off_the_gui_thread(qtbot, ctx, tmp_path):
    from helpdesk_gui.gui.printing.printer import PrintJob
    page = PrintingPage(ctx)
    qtbot.addWidget(page)
    page.select("monthly")
    wait(page.save(str(tmp_path / "m.pdf")))
    pages = PdfPages(tmp_path / "m.pdf")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    setup_printer(printer, pages, "月报")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(100)
    job = PrintJob(page, printer, pages, "月报").start()
    wait(job.task)
    pages.close()
    assert job.finished and (tmp_path / "printed.pdf").stat().st_size > 1000


def test_mutual_aid_forms_from_the_printing_page(qtbot, ctx, tmp_path, message_boxes):
    """The 打印 page asks for the settlement (a list) or the claim numbers of the 医疗互助 forms."""
    page = PrintingPage(ctx)
    qtbot.addWidget(page)
    assert page.select("mutual_claim")
    assert page.params.claims.isVisibleTo(page) and not page.params.settlement.isVisibleTo(page)
    assert page.preview() is None and "请填写要打印的报销编号" in message_boxes[-1][2]
    claim = rows(ctx.db, "SELECT claim_no FROM mutual_claims WHERE status = 'settled' ORDER BY id LIMIT 1")[0]["claim_no"]
    page.params.claims.insert(claim)
    wait(page.save(str(tmp_path / "审批表.pdf")))
    assert claim in text_of(tmp_path / "审批表.pdf")
    assert page.select("mutual_roster")
    settle_no = rows(ctx.db, "SELECT settle_no FROM mutual_settlements ORDER BY id DESC LIMIT 1")[0]["settle_no"]
    assert page.params.settlement.count() >= 1 and page.params.settlement.currentText().startswith(settle_no)
    wait(page.save(str(tmp_path / "结算.pdf")))
    assert settle_no in text_of(tmp_path / "结算.pdf") and "报销结算花名册" in text_of(tmp_path / "结算.pdf")
