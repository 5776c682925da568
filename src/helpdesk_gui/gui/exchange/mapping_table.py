"""The column-mapping table of an import (a station's sheet, a unit's member list): each header of the file
with a combo of the columns it may fill (or （不导入）) and how sure the proposal was."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QLabel, QTableWidget, QTableWidgetItem

from helpdesk_gui.exchange.mapping import Mapping

NOT_IMPORTED = "（不导入）"


def show_mapping(table: QTableWidget, note: QLabel, m: Mapping, targets: Sequence[str], *,
                 headers: Sequence[str] | None = None, scores: dict[str, float] | None = None,
                 on_change: Callable[[], object] | None = None) -> None:
    """Fill ``table`` (header, column combo, score) from the mapping ``m`` and explain it in ``note``."""
    tr = QCoreApplication.translate
    note.setText(tr("mapping", "工作表“{sheet}”，第 {row} 行是表头。请核对每一列对应的内容；"
                               "选“（不导入）”的列会被忽略。").format(sheet=m.sheet, row=m.header_row))
    headers = list(headers) if headers is not None else list(m.columns) + list(m.unmapped)
    scores = m.scores if scores is None else scores
    table.setRowCount(len(headers))
    for r, header in enumerate(headers):
        table.setItem(r, 0, QTableWidgetItem(header))
        box = QComboBox()
        box.addItem(tr("mapping", NOT_IMPORTED), None)
        for target in targets:
            box.addItem(target, target)
        box.setCurrentIndex(max(box.findData(m.columns.get(header)), 0))
        if on_change is not None:
            box.activated.connect(lambda _i: on_change())
        table.setCellWidget(r, 1, box)
        score = scores.get(header)
        table.setItem(r, 2, QTableWidgetItem("" if score is None else f"{score:.0%}"))
