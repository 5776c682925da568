"""Column-at-a-time conversion of cells (the fast path of ``cells``).

A sheet is read in chunks of rows; each column of a chunk is converted by one call, with list
comprehensions and caches for the usual case (text cells, labels written exactly, dates and
times repeated across rows, money as numbers). When anything in a chunk's column is unusual, the
column falls back to the per-cell converter of ``cells``, which gives the exact reason per cell.
A column converter returns (stored values, canonical texts, [(index, reason, is_warning)]).
"""

from __future__ import annotations

import datetime as _dt
import functools
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from operator import mul, sub
from typing import Any

from helpdesk_gui.core.base import codes, ids
from helpdesk_gui.exchange import cells, spec
from helpdesk_gui.exchange.cells import CellError, CellWarning, Converter

ColumnResult = tuple[list[Any], list[str], list[tuple[int, str, bool]]]
ColumnConverter = Callable[[Sequence[Any]], ColumnResult]
_nfc = functools.partial(unicodedata.normalize, "NFC")
MONEY_LIMIT = 10**13
#: Text columns with few distinct values: one string object per value keeps memory down.
POOLED = frozenset({"employer_name", "bank_name", "approver", "school_or_employer", "remarks", "note", "region_code"})


def per_cell(conv: Converter) -> ColumnConverter:
    """The exact, slower path: one cell at a time, each problem with its own reason."""
    def run(values: Sequence[Any]) -> ColumnResult:
        stored: list[Any] = []
        texts: list[str] = []
        problems: list[tuple[int, str, bool]] = []
        for k, v in enumerate(values):
            try:
                s, t = conv(v)
            except CellWarning as e:
                problems.append((k, e.reason, True))
                s, t = None, cells._text(v)
            except CellError as e:
                problems.append((k, e.reason, False))
                s, t = None, cells._text(v)
            stored.append(s)
            texts.append(t)
        return stored, texts, problems
    return run


def _texts(values: Sequence[Any]) -> list[str] | None:
    """Trimmed NFC texts when every cell is a text cell (empty cells are ``""``), else None."""
    if set(map(type, values)) != {str}:
        return None
    return [t if (t := v.strip()).isascii() else _nfc(t) for v in values]


def text_column(conv: Converter, *, pooled: bool) -> ColumnConverter:
    slow = per_cell(conv)
    pool: dict[str, str] = {}

    def run(values: Sequence[Any]) -> ColumnResult:
        texts = _texts(values)
        if texts is None:
            return slow(values)
        if pooled:
            return [pool.setdefault(t, t) if t else None for t in texts], texts, []
        return [t or None for t in texts], texts, []
    return run


def enum_column(conv: Converter, mapping: Mapping[str, str]) -> ColumnConverter:
    slow = per_cell(conv)

    def run(values: Sequence[Any]) -> ColumnResult:
        texts = _texts(values)
        if texts is None:
            return slow(values)
        stored = list(map(mapping.get, texts))
        for s, t in zip(stored, texts, strict=True):
            if s is None and t:
                return slow(values)
        return stored, texts, []
    return run


def cached_column(conv: Converter) -> ColumnConverter:
    """Dates and times: the same few thousand values repeat; each distinct one is converted once."""
    cache: dict[Any, tuple[Any, str]] = {"": (None, "")}
    slow = per_cell(conv)

    def run(values: Sequence[Any]) -> ColumnResult:
        try:
            hits = list(map(cache.get, values))
        except TypeError:  # unhashable: never from calamine, but be safe
            return slow(values)
        if None not in hits:
            found: list[tuple[Any, str]] = hits  # type: ignore[assignment]
            return [h[0] for h in found], [h[1] for h in found], []
        for v, h in zip(values, hits, strict=True):
            if h is None:
                try:
                    cache[v] = conv(v)
                except CellError:
                    return slow(values)
                except TypeError:  # unhashable: never from calamine, but be safe
                    return slow(values)
        done: list[tuple[Any, str]] = [cache[v] for v in values]
        return [h[0] for h in done], [h[1] for h in done], []
    return run


def money_column(conv: Converter, *, positive: bool) -> ColumnConverter:
    slow = per_cell(conv)
    floor = 1 if positive else 0

    def run(values: Sequence[Any]) -> ColumnResult:
        kinds = set(map(type, values))
        if kinds <= {float, int} and kinds:  # the usual column: every cell a number
            scaled = [v * 100 for v in values]
            fen = list(map(round, scaled)) if float in kinds else scaled
            if min(fen) >= floor and max(fen) <= MONEY_LIMIT and \
                    (float not in kinds or max(map(abs, map(sub, scaled, fen))) <= 1e-6):
                return fen, [f"{f // 100}.{f % 100:02d}" for f in fen], []
        stored: list[Any] = []
        texts: list[str] = []
        add_s, add_t = stored.append, texts.append
        for v in values:
            t = type(v)
            if t is float:
                x = v * 100
                if not -1e16 < x < 1e16:  # also NaN
                    return slow(values)
                f = round(x)
                if abs(x - f) > 1e-6 or not floor <= f <= MONEY_LIMIT:
                    return slow(values)
            elif t is int:
                f = v * 100
                if not floor <= f <= MONEY_LIMIT:
                    return slow(values)
            elif v == "":
                add_s(None)
                add_t("")
                continue
            else:
                return slow(values)
            add_s(f)
            add_t(f"{f // 100}.{f % 100:02d}")
        return stored, texts, []
    return run


def int_column(conv: Converter, *, minimum: int | None, maximum: int | None) -> ColumnConverter:
    slow = per_cell(conv)
    lo = -(10**18) if minimum is None else minimum
    hi = 10**18 if maximum is None else maximum

    def run(values: Sequence[Any]) -> ColumnResult:
        stored: list[Any] = []
        for v in values:
            t = type(v)
            if t is float and v.is_integer():
                n = int(v)
            elif t is int:
                n = v
            elif v == "":
                stored.append(None)
                continue
            else:
                return slow(values)
            if not lo <= n <= hi:
                return slow(values)
            stored.append(n)
        return stored, ["" if n is None else str(n) for n in stored], []
    return run


def id_column(conv: Converter, today: _dt.date) -> ColumnConverter:
    """公民身份号码: the check digit and the birth date checked inline; anything unusual goes cell by cell."""
    slow = per_cell(conv)
    births: dict[str, bool] = {}
    weights, zero, chars, provinces = ids.WEIGHTS, 48 * sum(ids.WEIGHTS), ids.CHECK_CHARS, ids.PROVINCES
    fast = cells._ID_FAST.fullmatch

    def run(values: Sequence[Any]) -> ColumnResult:
        texts = _texts(values)
        if texts is None:
            return slow(values)
        stored: list[Any] = []
        for t in texts:
            if not t:
                stored.append(None)
                continue
            s = t.upper() if t[-1] == "x" else t
            if fast(s) and s[:2] in provinces and chars[(sum(map(mul, s[:17].encode("ascii"), weights)) - zero) % 11] \
                    == s[17]:
                b = s[6:14]
                ok = births.get(b)
                if ok is None:
                    try:
                        ok = _dt.date(int(b[:4]), int(b[4:6]), int(b[6:])) <= today
                    except ValueError:
                        ok = False
                    births[b] = ok
                if ok:
                    stored.append(s)
                    continue
            return slow(values)
        return stored, texts, []
    return run


def column_converter(col: spec.Col, book: codes.CodeBook, today: _dt.date, *,
                     lenient: bool = False) -> ColumnConverter:
    """The column converter of one column of a batch (``lenient`` for stations' sheets)."""
    conv = cells.converter(col, book, today, lenient=lenient)
    if col.field == "id_number" and not lenient:
        return id_column(conv, today)
    if col.kind == spec.T and col.field not in ("id_number", "ethnicity"):
        return text_column(conv, pooled=col.field in POOLED)
    if col.kind == spec.E:
        return enum_column(conv, cells.labels_to_codes(book, col))
    if col.kind in (spec.D, spec.TS, spec.L):
        return cached_column(conv)
    if col.kind == spec.M and not lenient:
        return money_column(conv, positive=col.field in ("amount_fen", "dibao_month_fen"))
    if col.kind == spec.INT and not lenient:
        bounds = {"family_size": (1, 99), "year": (2000, 2100)}.get(col.field, (None, None))
        return int_column(conv, minimum=bounds[0], maximum=bounds[1])
    if col.field == "ethnicity":
        return cached_column(conv) if not lenient else per_cell(conv)
    return per_cell(conv)
