"""Pinyin of names for search: full (``zhangsan``) and initials (``zs``).

Characters are converted one at a time through a cache (100k names in well under a second).
The first character(s) are read as a surname: 单 is shan, 曾 zeng, 解 xie, not their common readings.
"""

from __future__ import annotations

from functools import lru_cache

#: Surnames whose reading differs from the character's most common reading (syllables split by spaces).
SURNAMES: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
    "盖": "ge", "乐": "yue", "缪": "miao", "覃": "qin", "翟": "zhai", "召": "shao", "种": "chong",
    "秘": "bi", "冼": "xian", "繁": "po", "员": "yun", "么": "yao", "卜": "bu", "黑": "he",
    "薄": "bo", "长": "chang", "重": "chong", "华": "hua", "纪": "ji", "能": "nai", "宓": "fu",
    "尉": "wei", "沈": "shen", "石": "shi", "殷": "yin", "阚": "kan", "恽": "yun", "句": "gou",
    "蔺": "lin", "隗": "wei", "贲": "ben", "朝": "chao", "过": "guo", "将": "jiang", "折": "she",
    "亓": "qi", "角": "jue", "祭": "zhai", "万俟": "mo qi", "尉迟": "yu chi", "长孙": "zhang sun",
    "单于": "chan yu", "澹台": "tan tai", "令狐": "ling hu", "皇甫": "huang fu", "欧阳": "ou yang",
    "司马": "si ma", "诸葛": "zhu ge", "上官": "shang guan", "东方": "dong fang", "独孤": "du gu",
}
_COMPOUND = sorted((k for k in SURNAMES if len(k) > 1), key=len, reverse=True)


@lru_cache(maxsize=65536)
def _char(ch: str) -> str:
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ""
    from pypinyin import Style, lazy_pinyin  # its dictionaries take ~0.3 s to load: only when a name is saved
    result = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return result[0] if result else ""


def _syllables(name: str) -> list[str]:
    name = "".join(name.split())
    syll: list[str] = []
    rest = name
    for comp in _COMPOUND:
        if name.startswith(comp):
            syll.extend(SURNAMES[comp].split())
            rest = name[len(comp):]
            break
    else:
        if name and name[0] in SURNAMES:
            syll.append(SURNAMES[name[0]])
            rest = name[1:]
    syll.extend(_char(ch) for ch in rest)
    return [s for s in syll if s]


def full(name: str) -> str:
    return "".join(_syllables(name))


def initials(name: str) -> str:
    return "".join(s[:1] for s in _syllables(name))


def keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) in one pass."""
    syll = _syllables(name)
    return "".join(syll), "".join(s[:1] for s in syll)
