"""What the 医疗互助 window tests share: a stand-in for the page (the chosen plan year) and answering dialogs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QWidget

from helpdesk_gui.core.mutual import plans as mutual_plans


class Page(QWidget):
    """What a tab needs of the 医疗互助 page: the chosen plan (``chosen``, the first plan by default) and its signal."""

    plan_changed = Signal()

    def __init__(self, db: Any, plan_id: int | None = None) -> None:
        super().__init__()
        self.db = db
        self.chosen: int | None = plan_id
        self.reload_plans()

    def reload_plans(self, select_id: int | None = None) -> None:
        plans = mutual_plans.list_plans(self.db)
        self._plans = {int(p["id"]): p for p in plans}
        self.chosen = select_id or self.chosen or (int(plans[0]["id"]) if plans else None)

    def plan(self) -> dict[str, Any] | None:
        self.reload_plans()
        return self._plans.get(self.chosen) if self.chosen else None

    def plan_id(self) -> int | None:
        return self.chosen


def answering(monkeypatch: Any, cls: type, fill: Any) -> list[Any]:
    """``cls.exec`` fills the dialog as the clerk would and presses OK (what exec returns is what OK did)."""
    seen: list[Any] = []

    def run(dialog: Any) -> Any:
        seen.append(dialog)
        fill(dialog)
        dialog.accept()
        return dialog.result() or QDialog.DialogCode.Rejected

    monkeypatch.setattr(cls, "exec", run)
    return seen
