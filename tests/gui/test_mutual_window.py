"""The 医疗互助 page in the main window: in the navigation for every role, Ctrl+0, and a claim opened
from the home worklists lands on its plan year and tab, selected."""

from __future__ import annotations

import pytest

from helpdesk_gui.core.mutual import claims as mutual_claims
from helpdesk_gui.gui.context import AppContext
from helpdesk_gui.gui.main_window import MainWindow
from mutual_kit import receipt

pytestmark = pytest.mark.usefixtures("own_settings")


def test_claim_from_the_home_worklist_opens_on_the_mutual_page(qtbot, folder, mutual_scheme, clerk, approver):
    db = mutual_scheme["db"]
    zhang = mutual_scheme["members"][0]
    cid = mutual_claims.create_claim(db, clerk, mutual_scheme["plan25"], zhang,
                                     [receipt("OLD1", 3_000, day="2025-06-01")])
    window = MainWindow(AppContext(folder=folder, db=db, actor=approver))
    qtbot.addWidget(window)
    window.show()
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert "医疗互助" in titles
    assert "Ctrl+0" in {a.shortcut().toString() for a in window.actions()}
    window.open_worklist_item("mutual", cid)
    page = window.pages["mutual"]
    assert window.current_page_key() == "mutual"
    assert page.plan()["period"] == "2025"                       # the claim's plan year, not the newest
    assert page.tabs.currentWidget() is page.claims and page.claims.claim_id() == cid
    assert page.claims.approve_button.isEnabled()                 # the approver can act on it at once


def test_every_role_sees_the_page(qtbot, folder, mutual_scheme, finance):
    window = MainWindow(AppContext(folder=folder, db=mutual_scheme["db"], actor=finance))
    qtbot.addWidget(window)
    window.show()
    assert window.show_page("mutual")
    page = window.pages["mutual"]
    assert page.year.count() == 2 and page.plan()["period"] == "2026"
