"""The bundled CJK fonts for printed forms, registered with reportlab once per process.

``resources/fonts/uming.ttc`` (AR PL UMing, Ming/Song style) is the body font: its CN subfont is
picked by name from the collection. ``resources/fonts/wqy-microhei.ttc`` (WenQuanYi Micro Hei,
Hei style) is for titles, labels and table headers. reportlab reads the ``.ttc`` collections
directly (``TTFont(..., subfontIndex=i)``) and embeds each as a TrueType subset (``FontFile2``);
no extracted ``.ttf`` is needed.

``Metrics`` measures text with the fonts' own advance widths and wraps it the Chinese way:
a line may break after any CJK character, Latin words and digit runs stay whole, and closing
punctuation never starts a line (nor opening punctuation end one).
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from helpdesk_gui.core.base.paths import resource

SONG = "HDSong"
HEI = "HDHei"
FONT_FILES: dict[str, tuple[str, str]] = {
    SONG: ("uming.ttc", "CN"),              # AR PL UMing CN
    HEI: ("wqy-microhei.ttc", "MicroHei"),  # WenQuanYi Micro Hei (not the Mono one)
}
#: template names of the fonts
FONT_NAMES = {"song": SONG, "ming": SONG, "宋体": SONG, "hei": HEI, "黑体": HEI}

_lock = threading.Lock()
_metrics: dict[str, Metrics] = {}

NO_LINE_START = set("，。、；：？！）》」』】〕〉”’％%,.;:?!)]}·…—～")
NO_LINE_END = set("（《「『【〔〈“‘([{□■¥￥")


def _load(name: str) -> TTFont:
    file_name, want = FONT_FILES[name]
    path = str(resource("resources", "fonts", file_name))
    index = 0
    while True:
        try:
            font = TTFont(name, path, subfontIndex=index)
        except Exception:
            if index == 0:
                raise
            # no subfont carries the wanted name: use the first one of the collection
            return TTFont(name, path, subfontIndex=0)
        if want.encode() in font.face.name:
            return font
        index += 1


def ensure() -> dict[str, Metrics]:
    """Register both fonts with reportlab (once) and return their metrics by font name."""
    if len(_metrics) == len(FONT_FILES):
        return _metrics
    with _lock:
        for name in FONT_FILES:
            if name not in _metrics:
                font = _load(name)
                pdfmetrics.registerFont(font)
                _metrics[name] = Metrics(name, font)
        for name, m in _metrics.items():
            m.fallback = next(o for n, o in _metrics.items() if n != name)
    return _metrics


class Metrics:
    """Advance widths, glyph coverage and line wrapping for one registered font."""

    def __init__(self, name: str, font: TTFont) -> None:
        self.name = name
        face = font.face
        self.widths: dict[int, float] = dict(face.charWidths)
        self.default_width = float(face.defaultWidth)
        self.covered = frozenset(chr(c) for c in face.charToGlyph)
        self.fallback: Metrics | None = None
        self._string_width = font.stringWidth   # reportlab's (C-accelerated with rl_accel)
        self._wrapped: dict[tuple[str, float, float, float], tuple[float, list[str]]] = {}

    # ---- measuring
    def width(self, text: str, size: float) -> float:
        return float(self._string_width(text, size))

    def runs(self, text: str) -> list[tuple[str, str]]:
        """(font name, text) runs: characters this font lacks go to the other font if it has them."""
        if self.covered.issuperset(text):
            return [(self.name, text)]
        other = self.fallback
        out: list[tuple[str, str]] = []
        for ch in text:
            name = self.name if ch in self.covered or other is None or ch not in other.covered else other.name
            if out and out[-1][0] == name:
                out[-1] = (name, out[-1][1] + ch)
            else:
                out.append((name, ch))
        return out

    # ---- wrapping
    def wrap(self, text: str, size: float, avail: float, *, shrink: float = 0.7) -> tuple[float, list[str]]:
        """(font size, lines) for ``text`` in a box ``avail`` points wide.

        A single unbreakable token (an ID or account number) too wide for the box is first set
        smaller, down to ``shrink`` × size, so it stays on one line; anything else wraps.
        """
        if not text:
            return size, []
        key = (text, size, avail, shrink)
        hit = self._wrapped.get(key)
        if hit is not None:
            return hit[0], list(hit[1])
        result = self._wrap(text, size, avail, shrink)
        if len(self._wrapped) > 20000:  # values differ per household; labels and fixed texts repeat
            self._wrapped.clear()
        self._wrapped[key] = result
        return result[0], list(result[1])

    def _wrap(self, text: str, size: float, avail: float, shrink: float) -> tuple[float, list[str]]:
        if "\n" not in text:
            w = self.width(text, size)
            if w <= avail:
                return size, [text]
            if shrink < 1 and text.isascii() and " " not in text and w * shrink <= avail:
                return size * avail / w * 0.999, [text]
        lines: list[str] = []
        for para in text.split("\n"):
            lines.extend(self._wrap_para(para.rstrip(), size, avail))
        return size, lines

    def _tokens(self, text: str) -> list[str]:
        tokens: list[str] = []
        word = ""
        for ch in text:
            if ch.isascii() and not ch.isspace():
                word += ch
                continue
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        if word:
            tokens.append(word)
        return tokens

    def _wrap_para(self, text: str, size: float, avail: float) -> list[str]:
        if not text:
            return [""]
        if self.width(text, size) <= avail:
            return [text]
        scale = size * 0.001
        w = self.widths
        d = self.default_width
        lines: list[str] = []
        line: list[str] = []
        line_w = 0.0
        for tok in self._tokens(text):
            tw = sum([w.get(ord(c), d) for c in tok]) * scale
            if line_w + tw <= avail:
                line.append(tok)
                line_w += tw
                continue
            if tok.isspace():
                lines.append("".join(line))
                line, line_w = [], 0.0
                continue
            if tw > avail:  # a long Latin word or number: cut it by characters
                for ch in tok:
                    cw = w.get(ord(ch), d) * scale
                    if line_w + cw > avail and line:
                        lines.append("".join(line))
                        line, line_w = [], 0.0
                    line.append(ch)
                    line_w += cw
                continue
            carry: list[str] = []
            if tok in NO_LINE_START and line:
                carry.append(line.pop())  # take the previous character along
            while line and line[-1] in NO_LINE_END:
                carry.insert(0, line.pop())
            if not line:  # nothing left to keep: break where we are
                line, carry = carry, []
            elif carry and (sum(sum([w.get(ord(c), d) for c in t]) for t in carry) * scale + tw > avail):
                line.extend(carry)  # the kept-together run would not fit the next line either
                carry = []
            lines.append("".join(line).rstrip())
            line = [*carry, tok]
            line_w = sum(sum([w.get(ord(c), d) for c in t]) for t in line) * scale
        if line:
            lines.append("".join(line).rstrip())
        return lines

