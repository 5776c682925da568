"""Text with data in it: ``"档案编号：{archive_no}"``, ``"{amount_fen|yuan}"``, ``"{gender|code:gender}"``.

A template string is literal text with fields in braces. A field is a data path (a key, or
``a.b`` into nested data) followed by filters separated by ``|``; a filter may take one argument
after a colon. ``{{`` and ``}}`` are literal braces. Strings are compiled once when the template is
loaded (so a typo is reported with the file and key before anything prints) and evaluated per
document or table row.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from helpdesk_gui.core.base import codes, money, privacy


class ExprError(ValueError):
    """A malformed template string; the message is Chinese and says what is wrong."""


@dataclass(frozen=True)
class Env:
    """What filters need besides the value: the code book and today's date."""

    book: codes.CodeBook
    today: _dt.date


def _s(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return str(v)


def _empty(v: Any) -> bool:
    return v is None or v == ""


def _fen(v: Any) -> int | None:
    if _empty(v):
        return None
    return int(v)


def _date(v: Any, arg: str | None, env: Env) -> str:
    if _empty(v):
        return ""
    text = str(v)[:10]
    try:
        d = _dt.date.fromisoformat(text)
    except ValueError:
        return str(v)
    if arg == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if arg == "ym":
        return f"{d.year}年{d.month}月"
    if arg == "iso":
        return d.isoformat()
    return f"{d.year}年{d.month}月{d.day}日"


def _age(v: Any, _arg: str | None, env: Env) -> str:
    if _empty(v):
        return ""
    try:
        born = _dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return ""
    t = env.today
    return str(t.year - born.year - ((t.month, t.day) < (born.month, born.day)))


def _code(v: Any, arg: str | None, env: Env) -> str:
    return "" if _empty(v) else env.book.label(arg or "", str(v))


def _codes(v: Any, arg: str | None, env: Env) -> str:
    return "" if _empty(v) else env.book.labels(arg or "", str(v))


def _check(v: Any, arg: str | None, env: Env) -> str:
    chosen = set() if _empty(v) else set(str(v).split(","))
    return "  ".join(("■" if i.code in chosen else "□") + i.label for i in env.book.items(arg or ""))


def _yuan(v: Any, _arg: str | None, _env: Env) -> str:
    fen = _fen(v)
    return money.yuan(fen)


def _upper(v: Any, _arg: str | None, _env: Env) -> str:
    fen = _fen(v)
    return "" if fen is None else money.to_chinese_upper(fen)


def _yesno(v: Any, _arg: str | None, _env: Env) -> str:
    if _empty(v):
        return ""
    return "是" if str(v) in ("1", "True", "true", "是") else "否"


def _num(v: Any, arg: str | None, _env: Env) -> str:
    if _empty(v):
        return ""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if arg:
        return f"{x:.{int(arg)}f}"
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _default(v: Any, arg: str | None, _env: Env) -> str:
    return arg or "" if _empty(v) else _s(v)


def _suffix(v: Any, arg: str | None, _env: Env) -> str:
    return "" if _empty(v) else _s(v) + (arg or "")


def _prefix(v: Any, arg: str | None, _env: Env) -> str:
    return "" if _empty(v) else (arg or "") + _s(v)


def _mask(fn: Callable[[str | None], str]) -> Callable[[Any, str | None, Env], str]:
    return lambda v, _arg, _env: fn(None if _empty(v) else str(v))


#: filter name -> (function(value, arg, env) -> text, argument: "none" | "optional" | "required" | "code_list")
FILTERS: dict[str, tuple[Callable[[Any, str | None, Env], str], str]] = {
    "code": (_code, "code_list"),
    "codes": (_codes, "code_list"),
    "check": (_check, "code_list"),
    "yuan": (_yuan, "none"),
    "upper": (_upper, "none"),
    "date": (_date, "optional"),
    "age": (_age, "none"),
    "yesno": (_yesno, "none"),
    "num": (_num, "optional"),
    "default": (_default, "required"),
    "suffix": (_suffix, "required"),
    "prefix": (_prefix, "required"),
    "mask_id": (_mask(privacy.mask_id), "none"),
    "mask_phone": (_mask(privacy.mask_phone), "none"),
    "mask_bank": (_mask(privacy.mask_bank), "none"),
    "mask_name": (_mask(privacy.mask_name), "none"),
}
FILTER_HELP = "、".join(FILTERS)

_MISSING = object()


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]
    filters: tuple[tuple[Callable[[Any, str | None, Env], str], str | None], ...]

    @property
    def key(self) -> str:
        return self.path[0]


class Expr:
    """A compiled template string."""

    __slots__ = ("source", "parts", "fields", "literal")

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str | Field] = _parse(source)
        self.fields = [p for p in self.parts if isinstance(p, Field)]
        self.literal: str | None = "".join(p for p in self.parts if isinstance(p, str)) if not self.fields else None

    def __repr__(self) -> str:
        return f"Expr({self.source!r})"

    def __bool__(self) -> bool:
        return bool(self.source)

    def names(self) -> list[str]:
        return [f.key for f in self.fields]

    def render(self, data: Mapping[str, Any], env: Env, outer: Mapping[str, Any] | None = None) -> str:
        """The text for one document (``data``), or one table row (``data``) inside a document (``outer``)."""
        if self.literal is not None:
            return self.literal
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value: Any = data.get(part.path[0], _MISSING)
            if value is _MISSING and outer is not None:
                value = outer.get(part.path[0], _MISSING)
            if value is _MISSING:
                raise KeyError(part.path[0])
            for key in part.path[1:]:
                value = value.get(key) if isinstance(value, Mapping) else None
            if not part.filters:
                out.append(_s(value))
                continue
            for fn, arg in part.filters:
                value = fn(value, arg, env)
            out.append(value)
        return "".join(out)


def _parse(source: str) -> list[str | Field]:
    parts: list[str | Field] = []
    buf: list[str] = []
    i = 0
    n = len(source)
    while i < n:
        ch = source[i]
        if ch == "{" and source.startswith("{{", i):
            buf.append("{")
            i += 2
            continue
        if ch == "}" and source.startswith("}}", i):
            buf.append("}")
            i += 2
            continue
        if ch == "}":
            raise ExprError(f"第 {i + 1} 个字符处多了一个“}}”（要写大括号本身请用“}}}}”）")
        if ch == "{":
            end = source.find("}", i + 1)
            if end < 0:
                raise ExprError(f"第 {i + 1} 个字符处的“{{”没有对应的“}}”")
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(_field(source[i + 1:end].strip()))
            i = end + 1
            continue
        buf.append(ch)
        i += 1
    if buf:
        parts.append("".join(buf))
    return parts


def _field(text: str) -> Field:
    if not text:
        raise ExprError("“{}”中没有数据项名称")
    if "{" in text:
        raise ExprError(f"“{{{text}}}”中又出现了“{{”")
    path_text, *filter_texts = [t.strip() for t in text.split("|")]
    path = tuple(p.strip() for p in path_text.split("."))
    if not all(path):
        raise ExprError(f"数据项名称“{path_text}”不正确")
    filters: list[tuple[Callable[[Any, str | None, Env], str], str | None]] = []
    for ft in filter_texts:
        name, sep, arg = ft.partition(":")
        name = name.strip()
        if name not in FILTERS:
            raise ExprError(f"过滤器“{name}”不存在（可用：{FILTER_HELP}）")
        fn, kind = FILTERS[name]
        argument: str | None = arg if sep else None
        if kind == "none" and argument is not None:
            raise ExprError(f"过滤器“{name}”不带参数（写成“{name}”，不要“{name}:{arg}”）")
        if kind in ("required", "code_list") and argument is None:
            raise ExprError(f"过滤器“{name}”需要参数，写成“{name}:参数”")
        if name == "date" and argument not in (None, "dot", "ym", "iso"):
            raise ExprError(f"过滤器“date”的参数只能是 dot、ym 或 iso（填写的是“{argument}”）")
        if name == "num" and argument is not None and not argument.strip().isdigit():
            raise ExprError(f"过滤器“num”的参数应为小数位数（填写的是“{argument}”）")
        if kind == "code_list":
            argument = (argument or "").strip()
            if argument not in codes.DEFAULT_LISTS:
                raise ExprError(f"代码表“{argument}”不存在（可用：{'、'.join(codes.DEFAULT_LISTS)}）")
        filters.append((fn, argument))
    return Field(path, tuple(filters))
