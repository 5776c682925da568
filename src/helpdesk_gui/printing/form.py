"""A form as compiled from its template: page, title, header and footer, and its blocks.

The frozen dataclasses below are what ``printing.template`` builds from a TOML file and what
``printing.layout`` lays out on A4 pages: a grid of labelled fields (``GridBlock``), a table over
one of the source's lists with an optional total (``TableBlock``), a text box, the approval
levels' opinions, signature lines, a paragraph, a left/centre/right line and a spacer. Every text
in them is an ``Expr`` over the data items of the form's source; lengths are in points
(``MM`` converts millimetres).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpdesk_gui.printing.expr import Expr
from helpdesk_gui.printing.sources import Source

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
ALIGNS = ("left", "center", "right")


@dataclass(frozen=True)
class GridCell:
    col: int
    span: int
    kind: str               # "label" | "value" | "heading"
    expr: Expr
    align: str
    min_height: float       # points


@dataclass(frozen=True)
class GridBlock:
    widths: tuple[float, ...]
    rows: tuple[tuple[GridCell, ...], ...]
    min_row_height: float
    size: float


@dataclass(frozen=True)
class Column:
    title: Expr
    value: Expr
    width: float
    align: str


@dataclass(frozen=True)
class Total:
    label: Expr
    span: int               # the label covers the first ``span`` columns
    column: int             # 0-based column that shows the sum
    sum_key: str
    fmt: str                # "yuan" | "int"
    page_label: str         # "" or the label of a subtotal row at the foot of each page
    #: other cells of the 合计 row (0-based column, text from the document): counts that do not add up row by
    #: row, such as 户数 (a household in two rows is one household); empty in the 本页小计 rows
    cells: tuple[tuple[int, Expr], ...] = ()


@dataclass(frozen=True)
class TableBlock:
    rows_key: str
    columns: tuple[Column, ...]
    min_rows: int
    fill_page: bool
    size: float
    header_size: float
    row_height: float
    total: Total | None
    empty_text: str


@dataclass(frozen=True)
class TextBlock:
    label: Expr
    value: Expr
    label_width: float      # 0: the label is a heading line inside the box
    min_height: float
    size: float


@dataclass(frozen=True)
class Level:
    title: Expr
    opinion: Expr
    sign: Expr
    seal: Expr
    date: Expr


@dataclass(frozen=True)
class OpinionsBlock:
    levels: tuple[Level, ...]
    label_width: float
    height: float
    size: float


@dataclass(frozen=True)
class SignaturesBlock:
    items: tuple[Expr, ...]
    size: float
    space_before: float


@dataclass(frozen=True)
class ParagraphBlock:
    text: Expr
    font: str
    size: float
    align: str
    indent: float           # characters of first-line indent
    space_before: float
    space_after: float


@dataclass(frozen=True)
class LineBlock:
    left: Expr
    center: Expr
    right: Expr
    font: str
    size: float


@dataclass(frozen=True)
class SpacerBlock:
    height: float


Block = GridBlock | TableBlock | TextBlock | OpinionsBlock | SignaturesBlock | ParagraphBlock | LineBlock | SpacerBlock


@dataclass(frozen=True)
class Form:
    key: str
    path: Path
    name: str               # the form's name in lists (the title may contain data)
    title: Expr
    subtitle: Expr
    description: str
    source: Source
    landscape: bool
    margins: tuple[float, float, float, float]   # top, right, bottom, left (points)
    size: float
    title_size: float
    header: LineBlock | None
    footer: LineBlock
    blocks: tuple[Block, ...]
    public: bool
    repeat_title: bool
    order: int = 100        # place in lists of forms

    @property
    def page_size(self) -> tuple[float, float]:
        return (A4[1], A4[0]) if self.landscape else A4
