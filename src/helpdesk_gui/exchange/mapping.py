"""Grassroots stations' own spreadsheets: find the header row and propose a column mapping.

Stations write headers in their own words (身份证号, 身份证号码, 公民身份证号, 姓  名, 月收入（元）),
put a title row (often merged) and sometimes a sub-header above the header, a 序号 column, a
合计 row and family members on the rows under their head (a 与户主关系 column is proposed too). The header row is the one among the first rows whose cells best match the known
columns; each header is then matched to a column of the 困难职工 sheet by known synonyms and,
failing that, by similarity. The clerk confirms or corrects the proposal, and it can be saved by
name (``core.exchange_state.save_mapping``) and reused.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpdesk_gui.core.base.errors import ValidationError
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.reader import Workbook, is_empty

#: Columns a station's row may fill (the register generates the archive number, status and times).
FOREIGN_SHEET = spec.Sheet("基层报表", tuple(
    [spec.Col(c.label, c.kind, c.label in ("姓名", "公民身份号码"), c.field, c.codes, c.choices, c.width, c.note)
     for c in spec.SHEET_BY_NAME[spec.HOUSEHOLDS].columns if c.field not in ("archive_no", "status", "updated_at",
                                                                             "exit_date")]
    + [spec.Col("备注", spec.T, False, "remarks", width=24),
       spec.Col("与户主关系", spec.E, False, "relation", "relation", spec.RELATION, 10,
                "家庭成员的行：配偶、子女……；户主的行写“本人”或“户主”，或不填")]), "基层帮扶站报送的申请")
TARGETS = FOREIGN_SHEET.labels
REQUIRED = ("姓名", "公民身份号码")

#: Other words stations use for each column (compared after normalisation, see ``norm``).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "姓名": ("职工姓名", "户主姓名", "申请人", "申请人姓名", "名字", "户主", "困难职工姓名"),
    "性别": ("男女",),
    "民族": ("族别",),
    "公民身份号码": ("身份证号", "身份证号码", "公民身份证号", "公民身份证号码", "身份证", "证件号码", "身份证件号码",
                     "居民身份证号码", "身份号码", "身份证编号"),
    "出生日期": ("出生年月", "出生年月日", "生日"),
    "联系电话": ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "联系电话手机"),
    "工作单位": ("单位", "所在单位", "单位名称", "工作单位名称", "原工作单位"),
    "单位性质": ("企业性质", "单位类型"),
    "工作状态": ("就业状况", "就业状态", "工作情况", "目前状态"),
    "是否农民工": ("农民工",),
    "劳模类型": ("劳模", "是否劳模"),
    "健康状况": ("身体状况", "健康情况"),
    "家庭住址": ("住址", "地址", "家庭地址", "现住址", "居住地址", "现居住地址"),
    "家庭人口": ("家庭人数", "人口", "人口数", "家庭成员数", "家庭人口数", "共同生活人口"),
    "家庭年收入": ("年收入", "家庭总收入", "全年收入", "家庭全年收入", "年家庭收入"),
    "刚性支出": ("刚性支出合计", "家庭刚性支出", "支出"),
    "家庭月人均收入": ("月人均收入", "人均月收入", "家庭人均月收入", "人均收入"),
    "困难类别": ("困难类型", "困难程度", "困难等级", "类别"),
    "主要致困原因": ("致困原因", "困难原因", "主要困难原因", "主要原因"),
    "次要致困原因": ("其他致困原因", "次要原因"),
    "建档日期": ("申请日期", "申请时间", "填报日期", "登记日期"),
    "开户银行": ("银行", "开户行", "开户银行名称"),
    "银行账号": ("银行卡号", "账号", "卡号", "银行帐号", "帐号"),
    "备注": ("说明", "情况说明"),
    "与户主关系": ("关系", "家庭关系", "与户主的关系", "与申请人关系", "与职工关系", "成员关系", "亲属关系", "称谓"),
}
#: Headers that are never data (ignored, listed as unmapped).
IGNORED = ("序号", "编号", "签字", "签名", "本人签字", "审核意见")
MIN_SIMILARITY = 0.6
HEADER_SCAN_ROWS = 30

_BRACKETS = re.compile(r"\([^)]*\)|\[[^]]*\]|【[^】]*】")


def norm(text: Any) -> str:
    """A header as compared: NFKC (full-width brackets and digits), no spaces, no ``*``, units in brackets dropped."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = "".join(s.split()).replace("*", "")
    s = _BRACKETS.sub("", s)
    return s.strip(":：")


class Targets:
    """The columns a foreign sheet's headers may map to: labels, the required ones, other words for each.

    ``STATION`` (the 困难职工 columns) is the default everywhere; other imports of loose
    spreadsheets (a unit's 医疗互助 member list, ``exchange.mutual_list``) pass their own.
    """

    def __init__(self, labels: tuple[str, ...], required: tuple[str, ...],
                 synonyms: dict[str, tuple[str, ...]]) -> None:
        self.labels = tuple(labels)
        self.required = tuple(required)
        self.synonyms = dict(synonyms)
        self.index: dict[str, str] = {}
        for label in self.labels:
            self.index[norm(label)] = label
            for alt in self.synonyms.get(label, ()):
                self.index.setdefault(norm(alt), label)


STATION = Targets(TARGETS, REQUIRED, SYNONYMS)
_INDEX: dict[str, str] = STATION.index


def match(header: Any, targets: Targets = STATION) -> tuple[str | None, float]:
    """(target label, score) for one header cell; score 1 for a label or known synonym."""
    index = targets.index
    key = norm(header)
    if not key or key in IGNORED:
        return None, 0.0
    hit = index.get(key)
    if hit is not None:
        return hit, 1.0
    if len(key) > 16 or sum(ch.isdigit() for ch in key) > 2:
        return None, 0.0  # a title or a data cell, not a header
    best, score = None, 0.0
    for candidate, label in index.items():
        matcher = difflib.SequenceMatcher(None, key, candidate)
        if matcher.real_quick_ratio() <= score or matcher.quick_ratio() <= score:
            continue
        ratio = matcher.ratio()
        if ratio > score:
            best, score = label, ratio
    return (best, score) if score >= MIN_SIMILARITY else (None, score)


@dataclass
class Mapping:
    """Which header of the station's sheet fills which column (``columns``: header text → label)."""

    sheet: str
    header_row: int
    columns: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "header_row": self.header_row, "columns": dict(self.columns),
                "unmapped": list(self.unmapped)}

    @classmethod
    def from_json(cls, data: Any, targets: Targets = STATION) -> Mapping:
        """A mapping as saved or edited by hand; refuses targets that do not exist."""
        if not isinstance(data, dict):
            raise ValidationError("列映射", "应为 JSON 对象（含 sheet、header_row、columns）")
        columns = data.get("columns")
        if not isinstance(columns, dict):
            raise ValidationError("列映射", "缺少 columns（表头 → 列名）")
        try:
            header_row = int(data.get("header_row", 1))
        except (TypeError, ValueError):
            raise ValidationError("列映射的 header_row", "应为行号（整数）", data.get("header_row")) from None
        if header_row < 1:
            raise ValidationError("列映射的 header_row", "应为正整数", header_row)
        out: dict[str, str] = {}
        for header, target in columns.items():
            if target in (None, ""):
                continue
            if target not in targets.labels:
                raise ValidationError(f"列映射中“{header}”对应的列", f"不是可导入的列，可选：{'、'.join(targets.labels)}", target)
            if target in out.values():
                raise ValidationError("列映射", f"有两个表头都对应“{target}”", header)
            out[str(header)] = str(target)
        missing = [t for t in targets.required if t not in out.values()]
        if missing:
            raise ValidationError("列映射", f"必须有对应“{'”“'.join(missing)}”的列")
        unmapped = [str(x) for x in data.get("unmapped", []) if isinstance(x, str)]
        return cls(str(data.get("sheet") or ""), header_row, out, unmapped)


def header_texts(values: list[Any]) -> list[tuple[int, str]]:
    """(column, header text) of the non-empty cells; repeated texts get ``#2``, ``#3``."""
    out: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for pos, v in enumerate(values):
        if v in ("", None):
            continue
        text = str(v).strip() if not isinstance(v, float) else (str(int(v)) if v.is_integer() else str(v))
        if not text:
            continue
        seen[text] = seen.get(text, 0) + 1
        out.append((pos, text if seen[text] == 1 else f"{text}#{seen[text]}"))
    return out


def _score_row(values: list[Any], columns: Targets = STATION) -> float:
    score = 0.0
    targets: set[str] = set()
    for _pos, text in header_texts(values):
        target, s = match(text, columns)
        if target and target not in targets and s >= 0.8:
            targets.add(target)
            score += s
    return score


def propose(path: Path, *, sheet: str | None = None, targets: Targets = STATION) -> Mapping:
    """Find the header row of a station's sheet and propose a mapping (no database needed)."""
    with Workbook.open(Path(path), quick=True) as wb:  # only the header window is read, never the whole sheet
        name = sheet or _first_sheet_with_data(wb)
        if name not in wb.sheet_names:
            raise ValidationError("工作表", f"文件中没有这张表，可选：{'、'.join(wb.sheet_names)}", name)
        candidates = wb.head(name, HEADER_SCAN_ROWS)
    best_row, best_score, best_values = 0, 0.0, []
    for rownum, values in candidates:
        s = _score_row(values, targets)
        if s > best_score:
            best_row, best_score, best_values = rownum, s, values
    if best_score < 2:
        raise ValidationError("表头", f"在工作表“{name}”的前 {HEADER_SCAN_ROWS} 行中找不到表头（至少应有姓名、身份证号码等列）")
    return propose_from_header(name, best_row, best_values, targets)


def propose_from_header(sheet: str, header_row: int, values: list[Any], targets: Targets = STATION) -> Mapping:
    """The mapping for a known header row: best matches first, each column used once."""
    scored: list[tuple[float, int, str, str]] = []
    texts = header_texts(values)
    for pos, text in texts:
        target, s = match(text.split("#")[0], targets)
        if target:
            scored.append((s, -pos, text, target))
    scored.sort(reverse=True)
    columns: dict[str, str] = {}
    scores: dict[str, float] = {}
    used: set[str] = set()
    for s, _neg, text, target in scored:
        if target in used or text in columns:
            continue
        columns[text] = target
        scores[text] = round(s, 2)
        used.add(target)
    ordered = {text: columns[text] for _pos, text in texts if text in columns}
    unmapped = [text for _pos, text in texts if text not in columns]
    return Mapping(sheet, header_row, ordered, unmapped, scores)


def _first_sheet_with_data(wb: Workbook) -> str:
    for name in wb.sheet_names:
        if any(not is_empty(values) for values in wb.streamed(name)):
            return name
    raise ValidationError("工作簿", "所有工作表都是空的")
