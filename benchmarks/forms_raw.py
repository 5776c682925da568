"""The raw floor of the ``forms`` benchmark job: reportlab's canvas drawing the approval form
(forms/approval.toml) by hand, at fixed coordinates, for many households into one PDF.

One SQL query fetches every household's fields; labels come from dicts; the page is the same
grid, text boxes and four opinion rows at the same places, with plain ``drawString`` /
``drawCentredString`` / ``rect`` calls and ``simpleSplit`` for the few texts that wrap. No
template, no per-household look-ups, no checks: what a programmer would write for one form.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
TOP, RIGHT, BOTTOM, LEFT = 15 * MM, 15 * MM, 15 * MM, 17 * MM
WIDTH = PAGE_W - LEFT - RIGHT
SIZE = 10.5
SONG, HEI = "HDSong", "HDHei"

_SQL = """
SELECT h.archive_no, h.name, h.gender, h.birth_date, h.id_number, h.phone, h.address, h.work_status,
       h.family_size, h.annual_income_fen, h.rigid_expense_fen, h.per_capita_month_fen, h.income_from,
       h.income_to, h.category, h.cause_main, h.causes_secondary, h.remarks, e.name, e.condition, o.name
FROM households h LEFT JOIN employers e ON e.id = h.employer_id LEFT JOIN org_units o ON o.id = h.org_unit_id
WHERE h.id IN ({})
"""


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}.{fen % 100:02d}"


def _date(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso[:10].split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def draw_approval_forms(db_path: Path, ids: Sequence[int], out: Path, labels: dict[str, dict[str, str]],
                        dibao_fen: int, operator: str, print_date: str) -> int:
    conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
    rows = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        rows += conn.execute(_SQL.format(",".join("?" * len(chunk))), chunk).fetchall()
    conn.close()
    c = Canvas(str(out), pagesize=(PAGE_W, PAGE_H), pageCompression=1, initialFontName=SONG)
    widths = [27 * MM, 34 * MM, 23 * MM, 27 * MM, 27 * MM, 40 * MM]
    xs = [LEFT]
    for w in widths:
        xs.append(xs[-1] + w)
    row_h = 7.5 * MM
    for r in rows:
        (archive_no, name, gender, birth, idn, phone, address, work, size, income, rigid, pc, i_from, i_to,
         category, cause, secondary, remarks, employer, condition, org) = r
        c.setLineWidth(0.6)
        c.setFont(HEI, 20)
        c.drawCentredString(PAGE_W / 2, PAGE_H - TOP - 19, "困难职工家庭建档申请审批表")
        c.setFont(SONG, SIZE)
        y = PAGE_H - TOP - 32
        c.drawString(LEFT, y, f"申请单位（盖章）：{org or ''}")
        c.drawRightString(LEFT + WIDTH, y, f"档案编号：{archive_no}")
        y -= 8
        idm = idn[:6] + "********" + idn[-4:]
        cells = [
            [("申请人姓名", name), ("性别", labels["gender"].get(gender, "")), ("出生日期", _date(birth))],
            [("公民身份号码", idm, 3), ("联系电话", phone[:3] + "****" + phone[-4:])],
            [("工作单位", employer or "", 3), ("企业状况", labels["enterprise_condition"].get(condition, ""))],
            [("家庭住址", address, 3), ("工作状态", labels["work_status"].get(work, ""))],
            [("家庭人口", f"{size} 人"), ("家庭年收入", f"{_yuan(income)} 元"), ("刚性支出", f"{_yuan(rigid)} 元")],
            [("月人均纯收入", f"{_yuan(pc)} 元"), ("低保标准", f"{_yuan(dibao_fen)} 元/月"),
             ("收入计算期间", f"{(i_from or '')[:10]}—{(i_to or '')[:10]}")],
            [("困难类别", "  ".join(("■" if k == category else "□") + v for k, v in labels["category"].items()), 5)],
            [("主要致困原因", "  ".join(("■" if k == cause else "□") + v for k, v in labels["cause"].items()), 5)],
            [("次要致困原因", "、".join(labels["cause"].get(s, s) for s in (secondary or "").split(",") if s) or "无", 5)],
        ]
        for line in cells:
            col = 0
            texts = []
            for cell in line:
                label, value = cell[0], cell[1]
                span = cell[2] if len(cell) > 2 else 1
                texts.append((xs[col], xs[col + 1], [label], "c"))
                lines = simpleSplit(value, SONG, SIZE, xs[col + 1 + span] - xs[col + 1] - 8)
                texts.append((xs[col + 1], xs[col + 1 + span], lines, "l"))
                col += 1 + span
            h = max(row_h, max(len(t[2]) for t in texts) * SIZE * 1.32 + 6)
            for x0, x1, lines, align in texts:
                c.rect(x0, y - h, x1 - x0, h)
                ty = y - (h - len(lines) * SIZE * 1.32) / 2 - SIZE
                for text in lines:
                    if align == "c":
                        c.drawCentredString((x0 + x1) / 2, ty, text)
                    else:
                        c.drawString(x0 + 4, ty, text)
                    ty -= SIZE * 1.32
            y -= h
        for label, value, height in (
                ("家庭困难情况及申请理由", remarks or "", 26 * MM),
                ("申请人承诺", "本人承诺以上所填内容及所提供材料真实、完整，同意工会及有关部门核查家庭经济状况；"
                           "如有虚假，愿意退还所得帮扶资金并承担相应责任。", 22 * MM)):
            c.rect(LEFT, y - height, widths[0], height)
            c.rect(LEFT + widths[0], y - height, WIDTH - widths[0], height)
            ty = y - height / 2
            for text in simpleSplit(label, SONG, SIZE, widths[0] - 8):
                c.drawCentredString(LEFT + widths[0] / 2, ty, text)
                ty -= SIZE * 1.32
            ty = y - 14
            for text in simpleSplit(value, SONG, SIZE, WIDTH - widths[0] - 8):
                c.drawString(LEFT + widths[0] + 4, ty, text)
                ty -= SIZE * 1.32
            y -= height
        for title, sign, seal in (("基层工会（帮扶站）意见", "负责人（签字）：", "（盖章）"),
                                  ("民主评议及公示情况", "经办人（签字）：", ""),
                                  ("县总工会帮扶中心审核意见", "审核人（签字）：", "（盖章）"),
                                  ("县总工会审批意见", "审批人（签字）：", "（盖章）")):
            height = 27 * MM
            c.rect(LEFT, y - height, widths[0], height)
            c.rect(LEFT + widths[0], y - height, WIDTH - widths[0], height)
            ty = y - height / 2
            for text in simpleSplit(title, SONG, SIZE, widths[0] - 8):
                c.drawCentredString(LEFT + widths[0] / 2, ty, text)
                ty -= SIZE * 1.32
            x_sign = LEFT + widths[0] + (WIDTH - widths[0]) * 0.38
            c.drawString(x_sign, y - height + 24, sign)
            if seal:
                c.drawRightString(LEFT + WIDTH - 17, y - height + 24, seal)
            c.drawRightString(LEFT + WIDTH - 17, y - height + 8, "年　　月　　日")
            y -= height
        c.setFont(SONG, 9)
        c.drawString(LEFT, BOTTOM / 2, f"打印日期：{print_date}　经办人：{operator}")
        c.drawRightString(LEFT + WIDTH, BOTTOM / 2, "第 1 页 共 1 页")
        c.showPage()
    c.save()
    return len(rows)
