"""Cell values of a workbook → stored values and canonical text, one converter per column.

Each converter takes what python-calamine returns (str, float, int, bool, date, datetime) and
returns ``(value to store, canonical text)`` or raises ``CellError`` with a plain Chinese reason.
Batches are strict (labels written exactly, dates as ``YYYY-MM-DD`` or date cells); grassroots
stations' sheets are read leniently (``1975.03.12``, ``1975年3月12日``, full-width digits, IDs
typed with spaces, legacy labels).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from operator import mul
from typing import Any

from helpdesk_gui.core.base import codes, ids
from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.exchange.spec import INT, STATUS_TO_CODE, TS, Col, D, E, L, M, T, nfc

Converter = Callable[[Any], tuple[Any, str]]


class CellError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CellWarning(CellError):
    """The cell is accepted but its value cannot be kept; the row still imports."""


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LOOSE_DATE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ID_FAST = re.compile(r"\d{17}[\dX]")
_WEIGHTED_ZERO = 48 * sum(ids.WEIGHTS)     # the ASCII code of "0" times every weight
_INT_TEXT = re.compile(r"[+-]?\d+")
_MONEY_STRIP = str.maketrans({",": None, "，": None, " ": None, "\u00a0": None, "¥": None, "￥": None})
NUMBER_LOST = "是数字单元格：Excel 只保留 15 位有效数字，后面几位已经丢失。请把该列设为“文本”后重新录入（程序不会猜测缺失的数字）"


def _text(value: Any) -> str:
    """Any cell value as trimmed text (numbers without a spurious ``.0``)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def text_converter() -> Converter:
    """T: text; a number cell is accepted only when it kept every digit (below 10^15)."""
    def conv(value: Any) -> tuple[Any, str]:
        if type(value) is str:
            s = nfc(value)
            return (s or None), s
        if value is None or value == "":
            return None, ""
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
            raise CellError(NUMBER_LOST)
        s = _text(value)
        return (s or None), s
    return conv


def id_converter(today: _dt.date, *, lenient: bool) -> Converter:
    """公民身份号码: 18 characters, GB 11643 check digit; a number cell is refused (never guessed)."""
    births: dict[str, bool] = {}

    def conv(value: Any) -> tuple[Any, str]:
        if value is None or value == "":
            return None, ""
        if type(value) is not str:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                raise CellError("公民身份号码" + NUMBER_LOST)
            raise CellError("应为 18 位的公民身份号码（文本）")
        canonical = nfc(value)
        s = canonical.upper()
        if _ID_FAST.fullmatch(s) and s[:2] in ids.PROVINCES and \
                ids.CHECK_CHARS[(sum(map(mul, s[:17].encode("ascii"), ids.WEIGHTS)) - _WEIGHTED_ZERO) % 11] == s[17]:
            b = s[6:14]
            ok = births.get(b)
            if ok is None:
                try:
                    ok = _dt.date(int(b[:4]), int(b[4:6]), int(b[6:])) <= today
                except ValueError:
                    ok = False
                births[b] = ok
            if ok:
                return s, canonical
        try:
            parsed = ids.parse(s if not lenient else canonical, today=today, allow_15=lenient)
        except ValidationError as e:
            raise CellError(e.reason) from None
        return parsed.value, canonical
    return conv


def _date_from_parts(y: int, m: int, d: int) -> str:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        raise CellError("不是有效的日期") from None


def date_converter(*, lenient: bool) -> Converter:
    """D: ``YYYY-MM-DD`` text or a date cell (stations also write 1975.03.12, 1975年3月12日, 19750312)."""
    cache: dict[str, str] = {}

    def conv(value: Any) -> tuple[Any, str]:
        if type(value) is str:
            s = value.strip()
            if not s:
                return None, ""
            hit = cache.get(s)
            if hit is not None:
                return hit, hit
            if _DATE.fullmatch(s):
                iso = _date_from_parts(int(s[:4]), int(s[5:7]), int(s[8:]))
            elif lenient:
                t = unicodedata.normalize("NFKC", s)
                m = _LOOSE_DATE.fullmatch(t) or _COMPACT_DATE.fullmatch(t)
                if not m:
                    raise CellError("不是日期，应写成 YYYY-MM-DD（如 1975-03-12）")
                iso = _date_from_parts(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            else:
                raise CellError("日期应写成 YYYY-MM-DD（如 1975-03-12）或为日期单元格")
            cache[s] = iso
            return iso, iso
        if isinstance(value, _dt.datetime):
            if value.time() != _dt.time(0):
                raise CellError("应为日期，不应带时间")
            iso = value.date().isoformat()
            return iso, iso
        if isinstance(value, _dt.date):
            iso = value.isoformat()
            return iso, iso
        if value is None or value == "":
            return None, ""
        if lenient and isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
            m = _COMPACT_DATE.fullmatch(str(int(value)))
            if m:
                iso = _date_from_parts(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                return iso, iso
        raise CellError("不是日期：数字单元格不能作为日期，应写成 YYYY-MM-DD 或设为日期格式")
    return conv


def money_converter(*, minimum: int | None = 0, positive: bool = False) -> Converter:
    """M: yuan as a number or text with at most 2 decimals (``1,234.50`` and ``元`` tolerated) → fen."""
    def conv(value: Any) -> tuple[Any, str]:
        if type(value) is float:
            scaled = value * 100
            if scaled != scaled or abs(scaled) > 1e15:
                raise CellError("不是金额")
            fen = round(scaled)
            if abs(scaled - fen) > max(1e-6, abs(scaled) * 1e-13):
                raise CellError("金额最多两位小数")
        elif type(value) is int:
            fen = value * 100
        elif type(value) is str:
            s = unicodedata.normalize("NFKC", value).strip().translate(_MONEY_STRIP)
            if not s:
                return None, ""
            if s.endswith("元"):
                s = s[:-1]
            try:
                dec = Decimal(s)
            except InvalidOperation:
                raise CellError("不是金额，应为数字（元），最多两位小数") from None
            if not dec.is_finite():
                raise CellError("不是金额")
            scaled_dec = dec * 100
            if scaled_dec != scaled_dec.to_integral_value():
                raise CellError("金额最多两位小数")
            fen = int(scaled_dec)
        elif value is None or value == "":
            return None, ""
        else:
            raise CellError("不是金额，应为数字（元）")
        if abs(fen) > 10**13:
            raise CellError("金额过大")
        if positive and fen <= 0:
            raise CellError("应大于 0")
        if minimum is not None and fen < minimum:
            raise CellError("不能为负数")
        return fen, format_yuan(fen)
    return conv


def int_converter(*, minimum: int | None = None, maximum: int | None = None) -> Converter:
    def conv(value: Any) -> tuple[Any, str]:
        if type(value) is int:
            n = value
        elif type(value) is float:
            if not value.is_integer():
                raise CellError("应为整数")
            n = int(value)
        elif type(value) is str:
            s = unicodedata.normalize("NFKC", value).strip()
            if not s:
                return None, ""
            if not _INT_TEXT.fullmatch(s):
                raise CellError("应为整数")
            n = int(s)
        elif value is None or value == "":
            return None, ""
        else:
            raise CellError("应为整数")
        if minimum is not None and n < minimum:
            raise CellError(f"不能小于 {minimum}")
        if maximum is not None and n > maximum:
            raise CellError(f"不能大于 {maximum}")
        return n, str(n)
    return conv


class LegacyCode(str):
    """A code read from a legacy label (低保户 → 1); ``legacy`` keeps the text as written."""

    legacy: str = ""


def enum_converter(col: Col, mapping: Mapping[str, str], book: codes.CodeBook | None) -> Converter:
    """E: a label of the contract's list written exactly (lenient: any alias the code book knows)."""
    allowed = "、".join(col.choices)

    def conv(value: Any) -> tuple[Any, str]:
        if value is None or value == "":
            return None, ""
        s = nfc(value) if type(value) is str else _text(value)
        if not s:
            return None, ""
        code = mapping.get(s)
        if code is None and book is not None and col.codes:
            try:
                code = book.code(col.codes, s, field=col.label)
            except ValidationError:
                code = None
            if code is not None and code not in mapping.values():
                code = None
        if code is None:
            raise CellError(f"不是可选值，可选：{allowed}")
        if book is not None and s not in mapping:
            legacy = LegacyCode(code)
            legacy.legacy = s
            return legacy, s
        return code, s
    return conv


def list_converter(col: Col, mapping: Mapping[str, str], book: codes.CodeBook | None, limit: int = 3) -> Converter:
    """L: labels joined by ``、`` (lenient: also ``,`` ``，`` ``；`` and spaces), at most ``limit``."""
    one = enum_converter(col, mapping, book)
    splitter = re.compile(r"[、,，;；/\s]+") if book is not None else re.compile("、")

    def conv(value: Any) -> tuple[Any, str]:
        if value is None or value == "":
            return None, ""
        text = nfc(value) if type(value) is str else _text(value)
        if not text:
            return None, ""
        out: list[str] = []
        for part in splitter.split(text):
            part = part.strip()
            if not part:
                continue
            try:
                code, _ = one(part)
            except CellError:
                raise CellError(f"“{part}”不是可选值，可选：{'、'.join(col.choices)}") from None
            if code not in out:
                out.append(code)
        if len(out) > limit:
            raise CellError(f"最多 {limit} 项")
        return ",".join(out), text
    return conv


def timestamp_converter() -> Converter:
    """TS: ISO 8601 with an offset, text; kept as written (trimmed)."""
    seen: set[str] = set()

    def conv(value: Any) -> tuple[Any, str]:
        if type(value) is str:
            s = value.strip()
            if not s:
                return None, ""
            if s in seen:
                return s, s
            try:
                parsed = _dt.datetime.fromisoformat(s)
            except ValueError:
                raise CellError("应为 ISO 8601 时间，如 2026-11-22T10:30:00+08:00") from None
            if parsed.tzinfo is None or "T" not in s:
                raise CellError("应为带时区的 ISO 8601 时间，如 2026-11-22T10:30:00+08:00")
            seen.add(s)
            return s, s
        if value is None or value == "":
            return None, ""
        raise CellError("应为文本形式的时间（带时区），如 2026-11-22T10:30:00+08:00")
    return conv


def labels_to_codes(book: codes.CodeBook, col: Col) -> dict[str, str]:
    """The contract's labels of an E/L column → codes of the database's code list."""
    if col.field == "status":
        return dict(STATUS_TO_CODE)
    if not col.codes:
        return {}
    by_label = {i.label: i.code for i in book.items(col.codes, active_only=False)}
    return {label: by_label[label] for label in col.choices if label in by_label}


def ethnicity_converter(book: codes.CodeBook) -> Converter:
    """民族 is free text in a batch and a code list here: 汉族 → 01 (``汉`` is read as 汉族)."""
    def conv(value: Any) -> tuple[Any, str]:
        text = nfc(value) if type(value) is str else _text(value)
        if not text:
            return None, ""
        for candidate in (text, text + "族"):
            try:
                return book.code("ethnicity", candidate), text
            except ValidationError:
                continue
        raise CellWarning("不在民族代码表中，未保存该项")
    return conv


def converter(col: Col, book: codes.CodeBook, today: _dt.date, *, lenient: bool = False) -> Converter:
    """The converter of one column of a batch (``lenient`` for stations' sheets)."""
    if col.kind == T:
        if col.field == "id_number":
            return id_converter(today, lenient=lenient)
        if col.field == "ethnicity":
            return ethnicity_converter(book)
        return text_converter()
    if col.kind == D:
        return date_converter(lenient=lenient)
    if col.kind == M:
        positive = col.field in ("amount_fen", "dibao_month_fen")
        return money_converter(minimum=0, positive=positive)
    if col.kind == INT:
        if col.field == "family_size":
            return int_converter(minimum=1, maximum=99)
        if col.field == "year":
            return int_converter(minimum=2000, maximum=2100)
        return int_converter()
    if col.kind == E:
        return enum_converter(col, labels_to_codes(book, col), book if lenient else None)
    if col.kind == L:
        return list_converter(col, labels_to_codes(book, col), book if lenient else None)
    if col.kind == TS:
        return timestamp_converter()
    raise ValueError(col.kind)
