"""Laying a form out on A4 pages: the blocks of a template, filled with one document's data,
become pages of drawing operations (text at a position, lines, boxes).

Every box grows to hold its text (wrapped, or set smaller when it is one unbreakable number), so
nothing runs outside a box; a block that does not fit goes to the next page; tables repeat their
header on every page (with an optional subtotal at the foot of each page) and long text boxes
continue on the next page. The footer (page x of y) is added once the page count is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from helpdesk_gui.core.base.money import yuan
from helpdesk_gui.printing.expr import Env, Expr
from helpdesk_gui.printing.fonts import HEI, SONG, Metrics
from helpdesk_gui.printing.form import (
    MM,
    Block,
    Form,
    GridBlock,
    LineBlock,
    OpinionsBlock,
    ParagraphBlock,
    SignaturesBlock,
    SpacerBlock,
    TableBlock,
    TextBlock,
)

#: drawing operations: ("T", font, size, x, baseline, text) | ("L", x1, y1, x2, y2) | ("R", x, y, w, h)
Op = tuple[Any, ...]
Page = list[Op]

LEADING = 1.32
PAD_X = 1.4 * MM
PAD_Y = 1.0 * MM
GLYPH_MID = 0.36   # the visual middle of a CJK glyph above the baseline, in em


def line_height(size: float) -> float:
    return size * LEADING


def text_height(n: int, size: float) -> float:
    return n * size * LEADING + 2 * PAD_Y


class Layout:
    """Lays out documents of one form. Reused for every document of a batch."""

    def __init__(self, form: Form, metrics: Mapping[str, Metrics], env: Env) -> None:
        self.form = form
        self.metrics = metrics
        self.env = env
        pw, ph = form.page_size
        top, right, bottom, left = form.margins
        self.x0 = left
        self.width = pw - left - right
        self.top = ph - top
        self.bottom = bottom
        self.footer_y = bottom * 0.5
        self.pages: list[Page] = []
        self.ops: Page = []
        self.y = self.top
        self.data: Mapping[str, Any] = {}

    # ------------------------------------------------------------------ documents

    def document(self, data: Mapping[str, Any]) -> list[Page]:
        self.data = data
        self.pages = []
        self._new_page()
        for block in self.form.blocks:
            self._block(block)
        n = len(self.pages)
        for i, ops in enumerate(self.pages, start=1):
            self.ops = ops
            self._line_at(self.form.footer, self.footer_y, {"page": i, "pages": n})
        return self.pages

    def _new_page(self) -> None:
        self.ops = []
        self.pages.append(self.ops)
        self.y = self.top
        if len(self.pages) == 1 or self.form.repeat_title:
            self._title()

    @property
    def room(self) -> float:
        return self.y - self.bottom

    @property
    def page_room(self) -> float:
        return self.top - self.bottom

    def _need(self, h: float) -> None:
        """Go to a new page unless ``h`` fits (a page with nothing on it always takes it)."""
        if h > self.room + 0.01 and self.ops_since_top():
            self._new_page()

    def ops_since_top(self) -> bool:
        return self.y < self.top - 0.01

    def _render(self, e: Expr, row: Mapping[str, Any] | None = None) -> str:
        if row is None:
            return e.render(self.data, self.env)
        return e.render(row, self.env, self.data)

    # ------------------------------------------------------------------ text primitives

    def _text(self, font: str, size: float, x: float, y: float, s: str, align: str = "left",
              width: float = 0.0) -> None:
        if not s:
            return
        m = self.metrics[font]
        if align != "left":
            w = m.width(s, size)
            x += (width - w) / 2 if align == "center" else width - w
        runs = m.runs(s)
        if len(runs) == 1:
            self.ops.append(("T", font, size, x, y, s))
            return
        for f, run in runs:
            self.ops.append(("T", f, size, x, y, run))
            x += self.metrics[f].width(run, size)

    def _wrap(self, font: str, size: float, text: str, width: float) -> tuple[float, list[str]]:
        return self.metrics[font].wrap(text, size, max(width - 2 * PAD_X, 1.0))

    def _lines_in(self, font: str, size: float, lines: Sequence[str], x: float, top: float, w: float, h: float,
                  align: str, valign: str = "middle") -> None:
        lh = size * LEADING
        total = len(lines) * lh
        line_top = top - (h - total) / 2 if valign == "middle" else top - PAD_Y
        inner_x = x + PAD_X
        inner_w = w - 2 * PAD_X
        for line in lines:
            self._text(font, size, inner_x, line_top - lh / 2 - GLYPH_MID * size, line, align, inner_w)
            line_top -= lh

    def _box(self, x: float, top: float, w: float, h: float) -> None:
        self.ops.append(("R", x, top - h, w, h))

    def _fit_lines(self, lines: list[str], size: float, h_max: float) -> list[str]:
        """Lines that fit in ``h_max``; a cut is marked with an ellipsis (only for absurdly long cells)."""
        n = max(int((h_max - 2 * PAD_Y) / (size * LEADING)), 1)
        if len(lines) <= n:
            return lines
        return [*lines[:n - 1], lines[n - 1][:-1] + "……"]

    # ------------------------------------------------------------------ page furniture

    def _title(self) -> None:
        f = self.form
        size = f.title_size
        _, lines = self.metrics[HEI].wrap(self._render(f.title), size, self.width, shrink=1)
        for line in lines:
            self._text(HEI, size, self.x0, self.y - size * 0.95, line, "center", self.width)
            self.y -= size * 1.35
        self.y -= 1.5 * MM
        subtitle = self._render(f.subtitle)
        if subtitle:
            _, lines = self.metrics[SONG].wrap(subtitle, f.size, self.width, shrink=1)
            for line in lines:
                self._text(SONG, f.size, self.x0, self.y - f.size * 0.95, line, "center", self.width)
                self.y -= f.size * LEADING
            self.y -= 1 * MM
        if f.header is not None:
            self._line_block(f.header)

    def _line_at(self, b: LineBlock, baseline: float, extra: Mapping[str, Any] | None = None) -> None:
        for e, align in ((b.left, "left"), (b.center, "center"), (b.right, "right")):
            if e:
                text = self._render(e, extra) if extra is not None else self._render(e)
                self._text(b.font, b.size, self.x0, baseline, text, align, self.width)

    def _line_block(self, b: LineBlock) -> None:
        h = b.size * 1.6
        self._need(h)
        self._line_at(b, self.y - b.size * 1.1)
        self.y -= h

    # ------------------------------------------------------------------ blocks

    def _block(self, block: Block) -> None:
        if isinstance(block, GridBlock):
            self._grid(block)
        elif isinstance(block, TableBlock):
            self._table(block)
        elif isinstance(block, TextBlock):
            self._textbox(block)
        elif isinstance(block, OpinionsBlock):
            self._opinions(block)
        elif isinstance(block, SignaturesBlock):
            self._signatures(block)
        elif isinstance(block, ParagraphBlock):
            self._paragraph(block)
        elif isinstance(block, LineBlock):
            self._line_block(block)
        elif isinstance(block, SpacerBlock):
            if block.height > self.room:
                self._new_page()
            else:
                self.y -= block.height

    def _grid(self, b: GridBlock) -> None:
        xs = [self.x0]
        for w in b.widths:
            xs.append(xs[-1] + w * self.width)
        xs[-1] = self.x0 + self.width
        size = b.size
        for row in b.rows:
            cells = []
            h = b.min_row_height
            for c in row:
                x, w = xs[c.col], xs[c.col + c.span] - xs[c.col]
                font = HEI if c.kind == "heading" else SONG
                cs, lines = self._wrap(font, size, self._render(c.expr), w)
                h = max(h, c.min_height, text_height(len(lines), cs))
                cells.append((x, w, font, cs, lines, c.align, c.kind))
            if h > self.page_room:
                h = self.page_room
                cells = [(x, w, font, cs, self._fit_lines(lines, cs, h), align, kind)
                         for x, w, font, cs, lines, align, kind in cells]
            self._need(h)
            for x, w, font, cs, lines, align, kind in cells:
                self._box(x, self.y, w, h)
                self._lines_in(font, cs, lines, x, self.y, w, h, align,
                               "top" if kind == "value" and len(lines) > 2 else "middle")
            self.y -= h

    # ---- tables

    def _table(self, b: TableBlock) -> None:
        xs = [self.x0]
        for c in b.columns:
            xs.append(xs[-1] + c.width * self.width)
        xs[-1] = self.x0 + self.width
        x_end = xs[-1]
        items: list[Mapping[str, Any]] = self.data.get(b.rows_key) or []
        size = b.size
        header = []
        header_h = b.row_height
        for i, c in enumerate(b.columns):
            hs, lines = self._wrap(HEI, b.header_size, self._render(c.title), xs[i + 1] - xs[i])
            header.append((hs, lines))
            header_h = max(header_h, text_height(len(lines), hs))
        total = b.total
        sub_h = b.row_height if total is not None and total.page_label else 0.0
        total_h = b.row_height if total is not None else 0.0
        seg_top = [0.0]
        page_sum = [0]
        broke = [False]   # a one-page table needs no 本页小计 above its 合计

        def start_segment() -> None:
            seg_top[0] = self.y
            self.ops.append(("L", self.x0, self.y, x_end, self.y))
            for i, (hs, lines) in enumerate(header):
                self._lines_in(HEI, hs, lines, xs[i], self.y, xs[i + 1] - xs[i], header_h, "center")
            self.y -= header_h
            self.ops.append(("L", self.x0, self.y, x_end, self.y))

        def end_segment() -> None:
            for x in xs:
                self.ops.append(("L", x, seg_top[0], x, self.y))

        def special_row(label: str, value: int, cells: Sequence[tuple[int, str]] = ()) -> None:
            """A subtotal or total row: the label across the first columns, the sum in its column (and ``cells``)."""
            assert total is not None
            h = b.row_height
            top = self.y
            lx = xs[total.span]
            self._lines_in(HEI, size, self._wrap(HEI, size, label, lx - self.x0)[1], self.x0, top, lx - self.x0, h,
                           "center")
            for col, text in [(total.column, _fmt(value, total.fmt)), *cells]:
                cs, lines = self._wrap(SONG, size, text, xs[col + 1] - xs[col])
                self._lines_in(SONG, cs, lines, xs[col], top, xs[col + 1] - xs[col], h, b.columns[col].align)
            self.y -= h
            self.ops.append(("L", self.x0, self.y, x_end, self.y))
            for x in [self.x0, *xs[total.span:]]:
                self.ops.append(("L", x, top, x, self.y))

        def subtotal() -> None:
            if total is not None and total.page_label:
                special_row(total.page_label, page_sum[0])
            page_sum[0] = 0

        def fits(h: float, last: bool) -> bool:
            return h + sub_h + (total_h if last else 0.0) <= self.room + 0.01

        first_h = b.row_height
        self._need(header_h + first_h + sub_h)
        start_segment()
        n_items = len(items)
        blanks = max(b.min_rows - n_items, 0)
        if not items and b.empty_text and not blanks:
            blanks = 1
        count = n_items + blanks
        for idx in range(count):
            row = items[idx] if idx < n_items else None
            cells = []
            h = b.row_height
            if row is not None:
                for i, c in enumerate(b.columns):
                    cs, lines = self._wrap(SONG, size, self._render(c.value, row), xs[i + 1] - xs[i])
                    if lines:
                        h = max(h, text_height(len(lines), cs))
                    cells.append((cs, lines))
                if h > self.page_room - header_h - sub_h - total_h:
                    h = self.page_room - header_h - sub_h - total_h
                    cells = [(cs, self._fit_lines(lines, cs, h)) for cs, lines in cells]
            if not fits(h, idx == count - 1):
                end_segment()
                subtotal()
                broke[0] = True
                self._new_page()
                start_segment()
            top = self.y
            if row is not None:
                for i, (cs, lines) in enumerate(cells):
                    if lines:
                        self._lines_in(SONG, cs, lines, xs[i], top, xs[i + 1] - xs[i], h, b.columns[i].align)
                if total is not None:
                    page_sum[0] += int(row.get(total.sum_key) or 0)
            elif not items and b.empty_text and idx == 0:
                self._lines_in(SONG, size, [b.empty_text], self.x0, top, x_end - self.x0, h, "center")
            self.y -= h
            self.ops.append(("L", self.x0, self.y, x_end, self.y))
        if b.fill_page:
            while fits(b.row_height, True):
                self.y -= b.row_height
                self.ops.append(("L", self.x0, self.y, x_end, self.y))
        end_segment()
        if total is not None:
            if broke[0]:
                subtotal()
            grand = sum(int(r.get(total.sum_key) or 0) for r in items)
            special_row(self._render(total.label, {"count": n_items}), grand,
                        [(col, self._render(e, {"count": n_items})) for col, e in total.cells])

    # ---- text boxes

    def _textbox(self, b: TextBlock) -> None:
        size = b.size
        label = self._render(b.label)
        value = self._render(b.value)
        lh = size * LEADING
        if b.label_width > 0:
            lw = b.label_width
            _, label_lines = self._wrap(SONG, size, label, lw)
            vx, vw = self.x0 + lw, self.width - lw
            heading: list[str] = []
        else:
            lw = 0.0
            label_lines = []
            vx, vw = self.x0, self.width
            heading = self._wrap(HEI, size, label, vw)[1] if label else []
        _, value_lines = self._wrap(SONG, size, value, vw)
        body = heading + value_lines
        first = True
        while True:
            h_need = max(b.min_height if first else 0.0, text_height(len(body), size),
                         text_height(len(label_lines), size))
            if h_need > self.room + 0.01 and self.ops_since_top() and h_need <= self.page_room:
                self._new_page()
            room = self.room if self.ops_since_top() else self.page_room
            fit = max(int((room - 2 * PAD_Y) / lh), 1)
            part, body = body[:fit], body[fit:]
            h = max(min(h_need, room), text_height(len(part), size))
            top = self.y
            if lw:
                self._box(self.x0, top, lw, h)
                self._lines_in(SONG, size, label_lines, self.x0, top, lw, h, "center")
            self._box(vx, top, vw, h)
            lt = top - PAD_Y
            for i, line in enumerate(part):
                font = HEI if first and i < len(heading) else SONG
                self._text(font, size, vx + PAD_X, lt - lh / 2 - GLYPH_MID * size, line)
                lt -= lh
            self.y -= h
            if not body:
                return
            first = False
            heading = []
            self._new_page()

    # ---- approval levels

    def _opinions(self, b: OpinionsBlock) -> None:
        size = b.size
        lh = size * LEADING
        lw = b.label_width
        vx, vw = self.x0 + lw, self.width - lw
        for level in b.levels:
            _, title_lines = self._wrap(SONG, size, self._render(level.title), lw)
            _, text_lines = self._wrap(SONG, size, self._render(level.opinion), vw)
            sign, seal, date = self._render(level.sign), self._render(level.seal), self._render(level.date)
            h = max(b.height, text_height(len(text_lines), size) + 3 * lh + 2 * MM,
                    text_height(len(title_lines), size))
            self._need(h)
            top = self.y
            self._box(self.x0, top, lw, h)
            self._lines_in(SONG, size, title_lines, self.x0, top, lw, h, "center")
            self._box(vx, top, vw, h)
            self._lines_in(SONG, size, text_lines, vx, top, vw, h, "left", "top")
            base_date = top - h + PAD_Y + 1.5 * MM + (lh - size) / 2
            base_sign = base_date + lh + 1.5 * MM
            inner_r = vx + vw - 6 * MM
            if sign:
                self._text(SONG, size, vx + vw * 0.38, base_sign, sign)
            if seal:
                self._text(SONG, size, vx, base_sign, seal, "right", inner_r - vx)
            if date:
                self._text(SONG, size, vx, base_date, date, "right", inner_r - vx)
            self.y -= h

    def _signatures(self, b: SignaturesBlock) -> None:
        size = b.size
        n = len(b.items)
        w = self.width / n
        wrapped = [self.metrics[SONG].wrap(self._render(e), size, w - 2 * MM, shrink=1)[1] for e in b.items]
        h = b.space_before + max(len(lines) for lines in wrapped) * size * LEADING + 1 * MM
        self._need(h)
        top = self.y - b.space_before
        for i, lines in enumerate(wrapped):
            lt = top
            for line in lines:
                self._text(SONG, size, self.x0 + i * w, lt - size * 0.95, line)
                lt -= size * LEADING
        self.y -= h

    def _paragraph(self, b: ParagraphBlock) -> None:
        size = b.size
        indent = "　" * int(b.indent)
        text = self._render(b.text)
        lines = [] if not text else self.metrics[b.font].wrap(
            "\n".join(indent + p for p in text.split("\n")), size, self.width, shrink=1)[1]
        lh = size * LEADING
        self.y -= b.space_before
        for line in lines:
            self._need(lh)
            self._text(b.font, size, self.x0, self.y - lh / 2 - GLYPH_MID * size, line, b.align, self.width)
            self.y -= lh
        self.y -= b.space_after


def _fmt(value: int, fmt: str) -> str:
    return yuan(value) if fmt == "yuan" else f"{value:,}"
