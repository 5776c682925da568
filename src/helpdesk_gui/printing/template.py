"""Form templates: one TOML file per form in ``forms/`` (schema in the README, section 打印表格).

A template is read with the standard library's ``tomllib``, checked key by key and compiled into
the frozen dataclasses of ``printing.form``. Anything wrong (bad TOML, an unknown key, a wrong
type, an unknown data item or filter, a field wider than its grid) raises ``TemplateError``
naming the file and the key, in Chinese. A county adapts a form by copying its file into
``<数据文件夹>/forms/`` and editing it there (the same file name replaces the bundled form; a new
name adds a form): ``form_files``, ``list_forms`` and ``find`` look in both places.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.base.paths import resource
from helpdesk_gui.printing import fonts
from helpdesk_gui.printing.expr import Expr, ExprError
from helpdesk_gui.printing.form import (
    ALIGNS,
    MM,
    Block,
    Column,
    Form,
    GridBlock,
    GridCell,
    Level,
    LineBlock,
    OpinionsBlock,
    ParagraphBlock,
    SignaturesBlock,
    SpacerBlock,
    TableBlock,
    TextBlock,
    Total,
)
from helpdesk_gui.printing.sources import PAGE_KEYS, SOURCES, Source


class TemplateError(HelpdeskError):
    """A broken template: which file, which key, what is wrong (unreadable input: exit 2)."""

    exit_code = 2

    def __init__(self, path: Path, key: str, reason: str) -> None:
        self.path = path
        self.key = key
        self.reason = reason
        where = f"键 {key}：" if key else ""
        super().__init__(f"表格模板 {path} 有误：{where}{reason}")


class FormNotFound(HelpdeskError):
    """No form by that name (a usage error: exit 2)."""

    exit_code = 2

    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(f"没有表格“{name}”。可打印的表格：{'、'.join(known)}（helpdesk print --list 列出全部）。")


# ----------------------------------------------------------------------------- reading

_REQUIRED = object()
_TYPES = {str: "文字", float: "数字", int: "整数", bool: "true 或 false", list: "数组", dict: "表"}


class _Table:
    """One TOML table being read: remembers the keys used, so unknown keys are reported."""

    def __init__(self, path: Path, data: dict[str, Any], where: str) -> None:
        self.path = path
        self.data = data
        self.where = where
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def fail(self, name: str, reason: str) -> TemplateError:
        return TemplateError(self.path, self.key(name) if name else self.where, reason)

    def get(self, name: str, kind: type, default: Any = _REQUIRED) -> Any:
        self.used.add(name)
        if name not in self.data:
            if default is _REQUIRED:
                raise self.fail(name, "缺少这个键")
            return default
        value = self.data[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(name, f"应为{_TYPES.get(kind, kind.__name__)}（填写的是 {value!r}）")
        return value

    def number(self, name: str, default: float, lo: float, hi: float) -> float:
        value: float = self.get(name, float, default)
        if not lo <= value <= hi:
            raise self.fail(name, f"应在 {lo:g} 到 {hi:g} 之间（填写的是 {value:g}）")
        return value

    def choice(self, name: str, choices: Iterable[str], default: str) -> str:
        value: str = self.get(name, str, default)
        options = list(choices)
        if value not in options:
            raise self.fail(name, f"只能是 {'、'.join(options)}（填写的是“{value}”）")
        return value

    def font(self, name: str, default: str) -> str:
        value: str = self.get(name, str, default)
        if value not in fonts.FONT_NAMES:
            raise self.fail(name, f"字体只能是 song（宋体/明体）或 hei（黑体）（填写的是“{value}”）")
        return fonts.FONT_NAMES[value]

    def expr(self, name: str, scope: frozenset[str], default: str | None = "") -> Expr:
        text = self.get(name, str, _REQUIRED if default is None else default)
        try:
            e = Expr(text)
        except ExprError as err:
            raise self.fail(name, str(err)) from None
        for k in e.names():
            if k not in scope:
                near = difflib.get_close_matches(k, sorted(scope), n=3)
                hint = f"，是不是 {'、'.join(near)}？" if near else "。"
                raise self.fail(name, f"数据项“{k}”不存在{hint}")
        return e

    def table(self, name: str, required: bool = False) -> _Table | None:
        raw = self.get(name, dict, _REQUIRED if required else None)
        return None if raw is None else _Table(self.path, raw, self.key(name))

    def tables(self, name: str, required: bool = False) -> list[_Table]:
        raw = self.get(name, list, _REQUIRED if required else [])
        out = []
        for i, item in enumerate(raw, start=1):
            where = f"{self.key(name)}[{i}]"
            if not isinstance(item, dict):
                raise TemplateError(self.path, where, f"应为表（{{ ... }}），填写的是 {item!r}")
            out.append(_Table(self.path, item, where))
        return out

    def done(self) -> None:
        extra = [k for k in self.data if k not in self.used]
        if extra:
            allowed = "、".join(sorted(self.used))
            raise self.fail(extra[0], f"未知的键（这里可用的键：{allowed}）")


def _mm(t: _Table, name: str, default: float, lo: float = 0, hi: float = 400) -> float:
    return t.number(name, default, lo, hi) * MM


def _line(t: _Table, scope: frozenset[str], size: float, font: str = "song") -> LineBlock:
    block = LineBlock(t.expr("left", scope), t.expr("center", scope), t.expr("right", scope),
                      t.font("font", font), t.number("size", size, 5, 40))
    return block


def _grid(t: _Table, scope: frozenset[str], size: float) -> GridBlock:
    widths_raw = t.get("widths", list)
    if not widths_raw or not all(isinstance(w, int | float) and not isinstance(w, bool) and w > 0 for w in widths_raw):
        raise t.fail("widths", "应为正数组成的数组，如 [2, 3, 2, 3]（各列的相对宽度）")
    ncols = len(widths_raw)
    min_row = _mm(t, "min_row_height_mm", 8, 3, 200)
    size = t.number("size", size, 5, 30)
    rows: list[tuple[GridCell, ...]] = []
    current: list[GridCell] = []
    col = 0

    def close() -> None:
        nonlocal current, col
        if current and col < ncols:  # the last cell stretches to the right edge
            last = current[-1]
            current[-1] = GridCell(last.col, ncols - last.col, last.kind, last.expr, last.align, last.min_height)
        if current:
            rows.append(tuple(current))
        current, col = [], 0

    for f in t.tables("fields", required=True):
        min_h = _mm(f, "min_height_mm", 0, 0, 250)
        align = f.choice("align", ALIGNS, "left")
        if "heading" in f.data:
            close()
            rows.append((GridCell(0, ncols, "heading", f.expr("heading", scope), "center", min_h),))
            f.done()
            continue
        has_label, has_value = "label" in f.data, "value" in f.data
        if not has_label and not has_value:
            raise f.fail("", "每个字段应有 label（标签）、value（内容）或 heading（标题行）")
        label_span = int(f.number("label_span", 1, 1, ncols)) if has_label else 0
        span = int(f.number("span", 1, 1, ncols)) if has_value else 0
        if label_span + span > ncols:
            raise f.fail("span", f"label_span + span = {label_span + span}，超过了 widths 的 {ncols} 列")
        if f.get("new_row", bool, False) or col + label_span + span > ncols:
            close()
        if has_label:
            current.append(GridCell(col, label_span, "label", f.expr("label", scope), "center", min_h))
            col += label_span
        if has_value:
            current.append(GridCell(col, span, "value", f.expr("value", scope), align, min_h))
            col += span
        f.done()
    close()
    total = sum(float(w) for w in widths_raw)
    return GridBlock(tuple(float(w) / total for w in widths_raw), tuple(rows), min_row, size)


def _table_block(t: _Table, source: Source, doc_scope: frozenset[str], size: float) -> TableBlock:
    rows_key: str = t.get("rows", str)
    if rows_key not in source.lists:
        raise t.fail("rows", f"数据源 {source.key} 没有列表“{rows_key}”（可用：{'、'.join(source.lists)}）")
    row_scope = source.lists[rows_key] | doc_scope
    size = t.number("size", size, 5, 30)
    columns: list[Column] = []
    for c in t.tables("columns", required=True):
        columns.append(Column(c.expr("title", doc_scope, None), c.expr("value", row_scope),
                              c.number("width", 1, 0.01, 1000), c.choice("align", ALIGNS, "center")))
        c.done()
    total_w = sum(c.width for c in columns)
    columns = [Column(c.title, c.value, c.width / total_w, c.align) for c in columns]
    total: Total | None = None
    tt = t.table("total")
    if tt is not None:
        sum_key: str = tt.get("sum", str)
        if sum_key not in source.lists[rows_key]:
            raise tt.fail("sum", f"列表“{rows_key}”没有数据项“{sum_key}”")
        span = int(tt.number("span", 1, 1, len(columns)))
        column = int(tt.number("column", len(columns), 1, len(columns))) - 1
        if column < span:
            raise tt.fail("column", f"合计所在列（第 {column + 1} 列）应在 span 覆盖的前 {span} 列之后")
        cells = []
        for c in tt.tables("cells"):
            at = int(c.number("column", span + 1, span + 1, len(columns))) - 1
            if at == column:
                raise c.fail("column", f"第 {column + 1} 列已是合计的和数")
            cells.append((at, c.expr("value", doc_scope | {"count"}, None)))
            c.done()
        total = Total(tt.expr("label", doc_scope | {"count"}, "合计"), span, column, sum_key,
                      tt.choice("format", ("yuan", "int"), "yuan"), tt.get("page_label", str, ""), tuple(cells))
        tt.done()
    return TableBlock(rows_key, tuple(columns), int(t.number("min_rows", 0, 0, 200)), t.get("fill_page", bool, False),
                      size, t.number("header_size", size, 5, 30), _mm(t, "row_height_mm", 7, 3, 100), total,
                      t.get("empty_text", str, ""))


def _block(t: _Table, source: Source, scope: frozenset[str], size: float) -> Block:
    kind = t.choice("type", ("grid", "table", "text", "opinions", "signatures", "paragraph", "line", "spacer"), "")
    block: Block
    if kind == "grid":
        block = _grid(t, scope, size)
    elif kind == "table":
        block = _table_block(t, source, scope, size)
    elif kind == "text":
        block = TextBlock(t.expr("label", scope), t.expr("value", scope), _mm(t, "label_width_mm", 0, 0, 150),
                          _mm(t, "min_height_mm", 20, 0, 250), t.number("size", size, 5, 30))
    elif kind == "opinions":
        levels = []
        for lv in t.tables("levels", required=True):
            levels.append(Level(lv.expr("title", scope, None), lv.expr("opinion", scope),
                                lv.expr("sign", scope, "负责人（签字）："), lv.expr("seal", scope, "（盖章）"),
                                lv.expr("date", scope, "年　　月　　日")))
            lv.done()
        block = OpinionsBlock(tuple(levels), _mm(t, "label_width_mm", 28, 5, 150), _mm(t, "height_mm", 35, 10, 250),
                              t.number("size", size, 5, 30))
    elif kind == "signatures":
        items = t.get("items", list)
        if not items or not all(isinstance(i, str) for i in items):
            raise t.fail("items", "应为文字组成的数组，如 [\"调查人（签字）：\", \"日期：\"]")
        exprs = []
        for i, text in enumerate(items, start=1):
            try:
                e = Expr(text)
            except ExprError as err:
                raise t.fail(f"items[{i}]", str(err)) from None
            bad = [k for k in e.names() if k not in scope]
            if bad:
                raise t.fail(f"items[{i}]", f"数据项“{bad[0]}”不存在。")
            exprs.append(e)
        block = SignaturesBlock(tuple(exprs), t.number("size", size, 5, 30), _mm(t, "space_before_mm", 4, 0, 100))
    elif kind == "paragraph":
        block = ParagraphBlock(t.expr("text", scope, None), t.font("font", "song"), t.number("size", size, 5, 40),
                               t.choice("align", ALIGNS, "left"), t.number("indent", 0, 0, 10),
                               _mm(t, "space_before_mm", 1, 0, 100), _mm(t, "space_after_mm", 1, 0, 100))
    elif kind == "line":
        block = _line(t, scope, size)
    else:
        block = SpacerBlock(_mm(t, "height_mm", 5, 0, 250))
    t.done()
    return block


_loaded: dict[Path, tuple[tuple[int, int], Form]] = {}


def load(path: Path) -> Form:
    """Read and check one template file (a file unchanged since it was last read comes from memory)."""
    try:
        st = path.stat()
    except OSError as e:
        raise TemplateError(path, "", f"无法读取文件（{e.strerror or e}）") from None
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _loaded.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    form = _load(path)
    _loaded[path] = (stamp, form)
    return form


def _load(path: Path) -> Form:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise TemplateError(path, "", f"无法读取文件（{e.strerror or e}）") from None
    except UnicodeDecodeError:
        raise TemplateError(path, "", "文件不是 UTF-8 编码，请用 UTF-8 保存") from None
    except tomllib.TOMLDecodeError as e:
        raise TemplateError(path, "", f"不是有效的 TOML 文件（{e}）") from None
    top = _Table(path, raw, "")
    f = top.table("form", required=True)
    assert f is not None
    source_key = f.choice("source", SOURCES, "household")
    source = SOURCES[source_key]
    scope = source.keys
    size = f.number("size", 10.5, 6, 20)
    page = f.get("page", str, "A4")
    if page.upper() != "A4":
        raise f.fail("page", f"目前只支持 A4（填写的是“{page}”）")
    m = f.table("margins_mm")
    margins = (15 * MM, 15 * MM, 15 * MM, 18 * MM)
    if m is not None:
        margins = (_mm(m, "top", 15, 5, 60), _mm(m, "right", 15, 5, 60), _mm(m, "bottom", 15, 5, 60),
                   _mm(m, "left", 18, 5, 60))
        m.done()
    header_t = f.table("header")
    header = None
    if header_t is not None:
        header = _line(header_t, scope, size)
        header_t.done()
    footer_t = f.table("footer")
    if footer_t is not None:
        footer = _line(footer_t, scope | PAGE_KEYS, 9)
        footer_t.done()
    else:
        footer = LineBlock(Expr("打印日期：{print_date}　操作员：{operator}"), Expr(""), Expr("第 {page} 页 共 {pages} 页"),
                           fonts.SONG, 9)
    public = f.get("public", bool, source.public) or source.public
    form = Form(
        key=path.stem, path=path, name="", title=f.expr("title", scope, None), subtitle=f.expr("subtitle", scope),
        description=f.get("description", str, ""), source=source, landscape=f.choice(
            "orientation", ("portrait", "landscape"), "portrait") == "landscape",
        margins=margins, size=size, title_size=f.number("title_size", 18, 8, 40), header=header, footer=footer,
        blocks=(), public=public, repeat_title=f.get("repeat_title", bool, False))
    name = f.get("name", str, form.title.source)
    order = int(f.number("order", 100, 0, 10000))
    f.done()
    blocks = tuple(_block(b, source, scope, size) for b in top.tables("blocks", required=True))
    top.done()
    return replace(form, name=name, blocks=blocks, order=order)


# ----------------------------------------------------------------------------- finding forms

def bundled_dir() -> Path:
    return resource("forms")


def form_files(user_dir: Path | None = None) -> dict[str, Path]:
    """Template files by form key: the bundled ones, replaced or extended by ``user_dir``'s."""
    found: dict[str, Path] = {}
    for folder in (bundled_dir(), user_dir):
        if folder is not None and folder.is_dir():
            for p in sorted(folder.glob("*.toml")):
                found[p.stem] = p
    return found


def list_forms(user_dir: Path | None = None) -> list[Form | TemplateError]:
    """Every form, loaded; a broken one appears as its error (so a list still shows the rest)."""
    out: list[Form | TemplateError] = []
    for path in form_files(user_dir).values():
        try:
            out.append(load(path))
        except TemplateError as e:
            out.append(e)
    return sorted(out, key=lambda f: (f.order, f.key) if isinstance(f, Form) else (10**6, f.path.stem))


def find(name: str, user_dir: Path | None = None) -> Form:
    """A form by key (file name without .toml) or by its title."""
    files = form_files(user_dir)
    if name in files:
        return load(files[name])
    stem = name[:-5] if name.endswith(".toml") else name
    if stem in files:
        return load(files[stem])
    for path in files.values():
        try:
            form = load(path)
        except TemplateError:
            continue
        if name in (form.name, form.title.source):
            return form
    raise FormNotFound(name, files)
