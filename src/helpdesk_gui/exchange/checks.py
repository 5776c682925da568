"""The checks of a parsed batch's rows, within a sheet and across the sheets.

Within a sheet: ID agreement (birth date, sex), per-capita income and causes of 困难职工, the
members' archive numbers and birth dates, fund balances, one 低保标准 per region and year, and
duplicate keys. Across the sheets: the same person in two active archives of the batch, unless
the city's 核查结果 marks the archive 跨县重复. Each problem is added to the batch's ``Problems``
with sheet, row, column and value, and a row with an error is marked bad. ``exchange.plan`` uses
``active_ids``, ``person_places`` and ``duplicate_cross_county`` to hold the batch's people against
the active archives of the database.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.register.eligibility import per_capita_month
from helpdesk_gui.exchange import spec
from helpdesk_gui.exchange.parsed import ParsedBatch, SheetRows
from helpdesk_gui.exchange.problems import ERROR, WARNING, Problems

# ------------------------------------------------------------------------------------------ row checks

def check_households(rows: SheetRows, problems: Problems) -> None:
    """ID agreement (birth date, sex), per-capita income, causes, duplicate archive numbers."""
    sheet = rows.sheet
    ix = {c.field: sheet.columns.index(c) for c in sheet.columns}
    pos = rows.positions
    seen: dict[str, int] = {}
    for n, values in enumerate(rows.values):
        rownum = rows.rownums[n]
        archive = values[ix["archive_no"]]
        if archive is not None:
            if archive in seen:
                problems.add(sheet.name, rownum, "档案编号", archive, f"与第 {seen[archive]} 行重复（同一批次中档案编号须唯一）",
                             ERROR, pos.get("档案编号"))
                rows.bad.add(n)
            else:
                seen[archive] = rownum
        idn = values[ix["id_number"]]
        if idn is not None:
            birth = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
            given = values[ix["birth_date"]]
            if given is not None and given != birth:
                problems.add(sheet.name, rownum, "出生日期", given, f"与公民身份号码中的出生日期 {birth} 不一致",
                             ERROR, pos.get("出生日期"))
                rows.bad.add(n)
            sex = "1" if int(idn[16]) % 2 else "2"
            gender = values[ix["gender"]]
            if gender is not None and gender != sex:
                problems.add(sheet.name, rownum, "性别", "男" if gender == "1" else "女",
                             "与公民身份号码第 17 位不一致", ERROR, pos.get("性别"))
                rows.bad.add(n)
        size, income, rigid = values[ix["family_size"]], values[ix["annual_income_fen"]], values[ix["rigid_expense_fen"]]
        pc = values[ix["per_capita_month_fen"]]
        if pc is not None and size and income is not None and rigid is not None:
            computed = per_capita_month(income, rigid, size)
            if abs(computed - pc) > 1:
                problems.add(sheet.name, rownum, "家庭月人均收入", format_yuan(pc),
                             f"应为 {format_yuan(computed)}（=（家庭年收入 − 刚性支出）÷ 家庭人口 ÷ 12）",
                             ERROR, pos.get("家庭月人均收入"))
                rows.bad.add(n)
        main, secondary = values[ix["cause_main"]], values[ix["causes_secondary"]]
        if main and secondary and main in secondary.split(","):
            problems.add(sheet.name, rownum, "次要致困原因", "", "包含了主要致困原因", WARNING,
                         pos.get("次要致困原因"))


def check_unique(rows: SheetRows, label: str, problems: Problems, what: str) -> None:
    i = rows.index(label)
    seen: dict[Any, int] = {}
    for n, values in enumerate(rows.values):
        key = values[i]
        if key is None:
            continue
        if key in seen:
            problems.add(rows.sheet.name, rows.rownums[n], label, key, f"与第 {seen[key]} 行重复（{what}）",
                         ERROR, rows.positions.get(label))
            rows.bad.add(n)
        else:
            seen[key] = rows.rownums[n]


def check_members(rows: SheetRows, archives: set[str], problems: Problems) -> None:
    sheet = rows.sheet
    ia, ii, ib = rows.index("档案编号"), rows.index("公民身份号码"), rows.index("出生日期")
    for n, values in enumerate(rows.values):
        rownum = rows.rownums[n]
        archive = values[ia]
        if archive is not None and archive not in archives:
            problems.add(sheet.name, rownum, "档案编号", archive, "本批次的“困难职工”表中没有这个档案编号",
                         ERROR, rows.positions.get("档案编号"))
            rows.bad.add(n)
        idn, given = values[ii], values[ib]
        if idn is not None and given is not None:
            birth = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
            if given != birth:
                problems.add(sheet.name, rownum, "出生日期", given, f"与公民身份号码中的出生日期 {birth} 不一致",
                             ERROR, rows.positions.get("出生日期"))
                rows.bad.add(n)


def check_funds(rows: SheetRows, problems: Problems) -> None:
    check_unique(rows, "资金来源", problems, "每个资金来源只能有一行")
    io, ii, ie, ic = (rows.index(x) for x in ("期初余额", "本期收入", "本期支出", "期末余额"))
    for n, values in enumerate(rows.values):
        o, i, e, c = values[io], values[ii], values[ie], values[ic]
        if None in (o, i, e, c):
            continue
        if o + i - e != c:
            problems.add(rows.sheet.name, rows.rownums[n], "期末余额", format_yuan(c),
                         f"应为 {format_yuan(o + i - e)}（= 期初余额 + 本期收入 − 本期支出）", ERROR,
                         rows.positions.get("期末余额"))
            rows.bad.add(n)


def check_policy(rows: SheetRows, problems: Problems) -> None:
    ir, iy, id_, isrc = rows.index("地区代码"), rows.index("年度"), rows.index("低保标准(元/月)"), rows.index("资金来源")
    dibao: dict[tuple[str, int], tuple[int, int]] = {}
    seen: dict[tuple[str, int, str], int] = {}
    for n, values in enumerate(rows.values):
        rownum = rows.rownums[n]
        region = values[ir]
        if region is not None and (len(region) != 6 or not region.isdigit()):
            problems.add(rows.sheet.name, rownum, "地区代码", region, "应为 6 位行政区划代码", ERROR,
                         rows.positions.get("地区代码"))
            rows.bad.add(n)
            continue
        key = (region, values[iy])
        if None in key or values[id_] is None:
            continue
        if key in dibao and dibao[key][0] != values[id_]:
            problems.add(rows.sheet.name, rownum, "低保标准(元/月)", format_yuan(values[id_]),
                         f"与第 {dibao[key][1]} 行同一地区、同一年度的低保标准不一致", ERROR,
                         rows.positions.get("低保标准(元/月)"))
            rows.bad.add(n)
        dibao.setdefault(key, (values[id_], rownum))
        full = (region, values[iy], values[isrc])
        if full in seen:
            problems.add(rows.sheet.name, rownum, "资金来源", "", f"与第 {seen[full]} 行重复（同一地区、年度和资金来源）",
                         ERROR, rows.positions.get("资金来源"))
            rows.bad.add(n)
        else:
            seen[full] = rownum


# ------------------------------------------------------------------------------------------ people across sheets

@dataclass(frozen=True, slots=True)
class PersonAt:
    sheet: str
    row: int
    archive: str
    col: int | None


def duplicate_cross_county(batch: ParsedBatch) -> set[str]:
    """Archive numbers the city's 核查结果 in this batch marks 跨县重复."""
    vr = batch.rows(spec.VERIFY)
    if vr is None:
        return set()
    ia, ir = vr.index("档案编号"), vr.index("结果")
    return {v[ia] for v in vr.values if v[ir] == "3" and v[ia]}


def active_archives(batch: ParsedBatch) -> dict[str, bool]:
    """档案编号 → whether the batch gives it an active status (申请中, 在档)."""
    hh = batch.rows(spec.HOUSEHOLDS)
    if hh is None:
        return {}
    ia, ist = hh.index("档案编号"), hh.index("档案状态")
    return {v[ia]: v[ist] in ("applying", "active") for v in hh.values}


def person_places(batch: ParsedBatch, id_numbers: Collection[str]) -> dict[str, list[PersonAt]]:
    """Where each of ``id_numbers`` appears among the batch's active archives (for the few that clash)."""
    active = active_archives(batch)
    out: dict[str, list[PersonAt]] = {}
    for name in (spec.HOUSEHOLDS, spec.MEMBERS):
        rows = batch.rows(name)
        if rows is None:
            continue
        ia, ii = rows.index("档案编号"), rows.index("公民身份号码")
        col = rows.positions.get("公民身份号码")
        for n, v in enumerate(rows.values):
            if v[ii] in id_numbers and active.get(v[ia], False):
                out.setdefault(v[ii], []).append(PersonAt(name, rows.rownums[n], v[ia], col))
    return out


def active_ids(batch: ParsedBatch, archives: Collection[str] | None = None) -> list[str]:
    """ID numbers of heads and members of the batch's active archives (of ``archives`` only, when given)."""
    active = active_archives(batch)
    keep = {a for a, on in active.items() if on and (archives is None or a in archives)}
    out: list[str] = []
    for name in (spec.HOUSEHOLDS, spec.MEMBERS):
        rows = batch.rows(name)
        if rows is not None:
            ia, ii = rows.index("档案编号"), rows.index("公民身份号码")
            out += [v[ii] for v in rows.values if v[ii] is not None and v[ia] in keep]
    return out


def check_people(batch: ParsedBatch) -> None:
    """The same ID number twice among the batch's active archives is an error (rule 4)."""
    ids = active_ids(batch)
    if len(set(ids)) == len(ids):
        return  # the usual case, found in one pass of C loops
    counts: dict[str, int] = {}
    for idn in ids:
        counts[idn] = counts.get(idn, 0) + 1
    allowed = duplicate_cross_county(batch)
    for idn, places in person_places(batch, {i for i, c in counts.items() if c > 1}).items():
        first = places[0]
        for at in places[1:]:
            if first.archive in allowed or at.archive in allowed:
                continue
            where = f"“{first.sheet}”表第 {first.row} 行（档案 {first.archive}）"
            batch.problems.add(at.sheet, at.row, "公民身份号码", idn,
                               f"与{where}是同一人，同一人不能同时在两个有效档案中", ERROR, at.col)
            _mark_bad(batch, at)


def _mark_bad(batch: ParsedBatch, at: PersonAt) -> None:
    rows = batch.rows(at.sheet)
    if rows is None:
        return
    for n, r in enumerate(rows.rownums):
        if r == at.row:
            rows.bad.add(n)
            return
