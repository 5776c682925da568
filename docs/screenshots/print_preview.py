"""The print preview of a whole register, timed, and its screenshot for the README (issue 16):

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/print_preview.py DATA_DIR [FORM [DONE.png]]

On the register page of ``DATA_DIR`` (a copy: the run writes an audit row and a temporary PDF there) it
chooses 打印 → 全部：<FORM> (default ``archive``, 困难职工档案表) as the clerk would, prints how long the
preview took to open, to show page 1 and to make every page, then how long 另存为 PDF takes, and saves
``docs/screenshots/print-preview.png`` with page 1 on screen (and DONE.png: the made job, half-way down).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.base import paths
from helpdesk_gui.gui.app import make_app
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.kit.worker import wait
from helpdesk_gui.gui.register.page import RegisterPage

HERE = Path(__file__).resolve().parent


def main(folder: Path, key: str) -> None:
    app = make_app()
    db = dbm.open_db(paths.db_path(folder))
    ctx = AppContext(folder=folder, db=db, actor=auth.get_actor(db, "admin"))
    page = RegisterPage(ctx)
    page.resize(1180, 720)
    page.show()
    app.processEvents()
    n = len(page.print_button.listed_ids())
    start = time.perf_counter()
    task = page.print_button.print_list(key, confirm=False)
    assert task is not None
    opened = time.perf_counter() - start
    dialog = page.print_button.runner.dialogs[-1]
    while dialog.view.image(0) is None:
        app.processEvents()
        time.sleep(0.005)
    first = time.perf_counter() - start
    dialog.grab().save(str(HERE / "print-preview.png"))
    made_then = len(dialog.pages)
    wait(task, 600_000)
    whole = time.perf_counter() - start
    printed = page.print_button.runner.last
    assert printed is not None
    if len(sys.argv) > 3:                 # also the finished preview, scrolled to the middle (to look at)
        dialog.view.scroll_to_page(printed.pages // 2)
        dialog.view.render_visible()
        app.processEvents()
        dialog.grab().save(sys.argv[3])
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        saved = dialog.save_as(str(Path(tmp) / "all.pdf"))
        save_s = time.perf_counter() - t
        size_mb = saved.stat().st_size / 1_048_576 if saved else 0.0
    print(f"{n:,} households, {printed.pages:,} pages in {len(printed.parts)} parts")
    print(f"preview open {opened:.2f} s; page 1 on screen {first:.2f} s (pages made by then: {made_then}); "
          f"every page made {whole:.1f} s; pages rendered {dialog.view.rendered}")
    print(f"另存为 PDF (parts into one): {save_s:.2f} s, {size_mb:.1f} MB")
    dialog.close()
    QApplication.processEvents()
    db.conn.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "archive")
