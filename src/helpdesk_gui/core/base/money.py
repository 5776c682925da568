"""Money as integer fen (分). Yuan with two decimals exist only at the edges.

Parsing accepts what clerks and spreadsheets write (``1,234.5元``, ``￥1 234.50``, full-width
digits); anything with more than two decimals is refused rather than rounded silently.
Rounding of computed amounts (per-capita income, percentages) is ROUND_HALF_UP to the fen.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from helpdesk_gui.core.base.errors import ValidationError

_STRIP = str.maketrans({",": None, "，": None, " ": None, "\u00a0": None, "¥": None, "￥": None})


def parse_yuan(value: object, field: str = "金额") -> int:
    """Yuan (text or number) to integer fen. Raises ``ValidationError`` with the field name."""
    if isinstance(value, bool):
        raise ValidationError(field, "不是金额", value)
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        dec = Decimal(repr(value))
    elif isinstance(value, Decimal):
        dec = value
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().translate(_STRIP)
        if text.startswith("人民币"):
            text = text[3:]
        if text.endswith("元"):
            text = text[:-1]
        if not text:
            raise ValidationError(field, "不能为空")
        try:
            dec = Decimal(text)
        except InvalidOperation:
            raise ValidationError(field, "不是金额", value) from None
    else:
        raise ValidationError(field, "不是金额", value)
    if not dec.is_finite():
        raise ValidationError(field, "不是金额", value)
    fen = dec * 100
    if fen != fen.to_integral_value():
        raise ValidationError(field, "最多两位小数", value)
    return int(fen)


def round_fen(value: Decimal) -> int:
    """A computed fen amount (possibly fractional) rounded half-up to a whole fen."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_yuan(fen: int, *, grouping: bool = False) -> str:
    """``123456`` → ``1234.56`` (or ``1,234.56``); negative keeps its sign."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    whole_text = f"{whole:,}" if grouping else str(whole)
    return f"{sign}{whole_text}.{part:02d}"


def yuan(fen: int | str | None, *, blank_zero: bool = False) -> str:
    """An amount for people to read: fen as grouped yuan (``123456`` → ``1,234.56``), blank for no amount
    (None or ''), and with ``blank_zero`` blank for 0 as well. The one formatter of the window and the
    command line."""
    if fen is None or fen == "":
        return ""
    value = int(fen)
    return "" if blank_zero and not value else format_yuan(value, grouping=True)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _four(group: int) -> str:
    """0–9999 as upper-case digits with 拾佰仟; inner zeros become one 零, trailing zeros none."""
    out: list[str] = []
    zero = False
    for pos in range(3, -1, -1):
        d = group // (10**pos) % 10
        if d == 0:
            zero = bool(out)
        else:
            if zero:
                out.append("零")
                zero = False
            out.append(_DIGITS[d] + _SMALL_UNITS[pos])
    return "".join(out)


def to_chinese_upper(fen: int) -> str:
    """人民币大写 following the PBOC rules, always writing the optional 零 (the safe form).

    ``1640902`` → ``壹万陆仟肆佰零玖元零贰分``; ``1000`` → ``壹拾元整``. Negative amounts get
    a leading ``负``. The caller adds ``人民币`` in front where the form needs it.
    """
    if fen < 0:
        return "负" + to_chinese_upper(-fen)
    yuan, rest = divmod(fen, 100)
    jiao, fen_d = divmod(rest, 10)
    parts: list[str] = []
    if yuan:
        groups = []
        n = yuan
        while n:
            groups.append(n % 10000)
            n //= 10000
        text = ""
        pending_zero = False
        for idx in range(len(groups) - 1, -1, -1):
            g = groups[idx]
            if g == 0:
                pending_zero = bool(text)
                continue
            if text and (pending_zero or g < 1000 or groups[idx + 1] % 10 == 0):
                text += "零"
            text += _four(g) + _BIG_UNITS[idx]
            pending_zero = False
        parts.append(text + "元")
    if jiao == 0 and fen_d == 0:
        return ("".join(parts) or "零元") + "整"
    if jiao:
        if yuan and yuan % 10 == 0:
            parts.append("零")
        parts.append(_DIGITS[jiao] + "角")
    if fen_d:
        if yuan and jiao == 0:
            parts.append("零")
        parts.append(_DIGITS[fen_d] + "分")
    return "".join(parts)
