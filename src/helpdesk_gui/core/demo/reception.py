"""Demo data for the reception log, cadres, pairs, care visits and service cases (``helpdesk demo``).

Called at the end of ``core.demo.generate`` inside its transaction, for the archives it just made.
Deterministic from the seed (its own random stream, so the register's demo rows do not change), and
written with ``executemany``: about 0.4 rows per household, a second or two at 100,000 households.
"""

from __future__ import annotations

import datetime as _dt
import random
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.admin import settings, workdays
from helpdesk_gui.core.casework import reception
from helpdesk_gui.core.db import now_iso, scalar
from helpdesk_gui.core.demo.ledger import keep_higher
from helpdesk_gui.core.demo.vocabulary import weighted

MATTERS = {
    "help": ["家中老人住院，医疗费负担重，请求救助", "下岗后一直未找到工作，生活困难", "孩子考上大学，学费有困难",
             "房屋漏雨需要修缮，请求临时救助", "爱人患重病，家庭收入微薄", "遭遇车祸，请求临时救助"],
    "consult": ["咨询困难职工建档条件", "咨询金秋助学申请材料", "咨询医疗互助报销办法", "咨询低保申请流程",
                "咨询职业技能培训报名", "咨询大病救助标准"],
    "rights": ["单位拖欠三个月工资", "工伤认定后单位不支付待遇", "单位未签订劳动合同", "被无故辞退要求经济补偿",
               "单位未缴纳社会保险", "加班费长期不发放"],
    "complaint": ["反映帮扶资金发放不及时", "对年度复核结果有意见", "反映基层工会不受理申请"],
    "other": ["来信表示感谢", "反映社区帮扶站联系电话变更", "建议增加送温暖慰问户数"],
}
RESULTS = {
    "help": ["已受理临时救助申请", "已入户调查并纳入帮扶", "已转乡镇帮扶站办理并回访", "已发放临时救助金"],
    "consult": ["已当面解答并发放政策告知书", "已电话答复", "已告知所需材料"],
    "rights": ["已协调单位补发工资", "已转法律援助律师代理", "已协助申请劳动仲裁", "经调解单位补缴社保"],
    "complaint": ["已核实并答复来访人", "已督促基层工会整改并回复"],
    "other": ["已登记备查", "已转相关部门"],
}
CADRE_UNITS = ("县总工会", "县人力资源和社会保障局", "县民政局", "县财政局", "县教育体育局", "县卫生健康局",
               "城关镇人民政府", "金马镇人民政府", "板桥镇人民政府", "县总工会机关工会")
CADRE_POSTS = ("主席", "副主席", "部长", "副部长", "干事", "科长", "副科长", "科员", "主任")
COUNTERPARTS = ("云岭建筑有限公司", "金马纺织厂", "龙泉物业管理有限公司", "滇中物流有限公司", "彩云商贸有限公司",
                "宏达水泥有限公司", "县职业技术学校", "县就业服务中心", "恒通家政服务有限公司")
JOBS = ("保洁员", "保安", "仓库管理员", "家政服务员", "超市理货员", "餐厅服务员", "快递分拣员", "电焊工")
COURSES = ("家政服务", "育婴员", "电工", "中式烹调", "养老护理", "电子商务", "汽车维修", "美容美发")
VISIT_PEOPLE = ("县总工会主席", "县总工会副主席", "帮扶中心主任", "县总工会机关干部", "乡镇工会主席")


def generate(db: Database, *, seed: int, today: _dt.date, first_household_id: int) -> dict[str, int]:
    """Entries, cadres, pairs, visits and cases for the archives with id ≥ ``first_household_id``."""
    rng = random.Random(seed * 7919 + 8)
    stamp = now_iso()
    hh = [(int(r[0]), str(r[1]), str(r[2] or ""), str(r[3]), str(r[4]), str(r[5] or "")) for r in db.execute(
        "SELECT id, name, phone, status, created_date, id_number FROM households WHERE id >= ? ORDER BY id",
        [first_household_id])]
    if not hh:
        return {}
    users = [str(r["username"]) for r in reception.responsible_users(db)] or ["admin"]
    rules = reception.deadline_rules(db)
    cal = workdays.load(db)
    active = [h for h in hh if h[3] == "active"]
    out: dict[str, int] = {}
    serials: dict[str, int] = {str(p): int(n) for p, n in db.execute(
        "SELECT prefix, last_serial FROM reception_serials")}

    def number(prefix: str, year: int) -> str:
        key = f"{prefix}{year:04d}"
        serials[key] = serials.get(key, 0) + 1
        return f"{key}{serials[key]:06d}"

    def recent(days: int) -> _dt.date:
        # more entries lately: the square skews towards today
        return today - _dt.timedelta(days=int(days * rng.random() ** 1.5))

    # ---- reception entries (received date order, so the numbers rise with the dates)
    n_entries = max(len(hh) * 3 // 20, 3)
    received_days = sorted(recent(730) for _ in range(n_entries))
    next_entry = int(scalar(db, "SELECT coalesce(max(id), 0) FROM reception_entries")) + 1
    e_rows: list[tuple[Any, ...]] = []
    n_rows: list[tuple[Any, ...]] = []
    entry_ids: list[tuple[int, _dt.date, str]] = []
    for i, received in enumerate(received_days):
        eid = next_entry + i
        kind = weighted(rng, [("help", 40), ("consult", 30), ("rights", 15), ("complaint", 5), ("other", 10)])
        channel = weighted(rng, [("visit", 55), ("phone", 25), ("letter", 12), ("online", 8)])
        linked: tuple[int, str, str, str, str, str] | None = (
            active[rng.randrange(len(active))] if active and rng.random() < 0.6 else None)
        name = linked[1] if linked else rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(("师傅", "女士", "先生", "大姐"))
        phone = linked[2] if linked else ""
        deadline = reception.deadline_on(cal, rules[kind], received)
        span = (deadline - received).days
        closed_on: _dt.date | None = received + _dt.timedelta(days=rng.randint(0, span + 6))
        if closed_on is not None and (closed_on > today or rng.random() < 0.04):
            closed_on = None
        who = rng.choice(users)
        result = rng.choice(RESULTS[kind]) if closed_on else ""
        e_rows.append((eid, number("JD", received.year), channel, kind, received.isoformat(),
                       f"{rng.randint(8, 17):02d}:{rng.choice(('00', '15', '30', '45'))}", name,
                       linked[5] if linked and rng.random() < 0.5 else "", phone, "",
                       rng.choice((1, 1, 1, 1, 1, 1, 2, 3, 5)) if channel == "visit" else 1,
                       linked[0] if linked else None, rng.choice(MATTERS[kind]), who, deadline.isoformat(),
                       rules[kind].describe(), "closed" if closed_on else "open", result,
                       closed_on.isoformat() if closed_on else None, who if closed_on else None, who, stamp, stamp))
        if closed_on and span > 2 and rng.random() < 0.5:
            n_rows.append((eid, (received + _dt.timedelta(days=1)).isoformat(), "note", "已联系相关单位了解情况", who, stamp))
        if closed_on:
            n_rows.append((eid, closed_on.isoformat(), "close", result, who, stamp))
        entry_ids.append((eid, received, kind))
    db.conn.executemany(
        "INSERT INTO reception_entries (id, entry_no, channel, kind, received_date, received_time, visitor_name, "
        "visitor_id_number, visitor_phone, visitor_unit, visitors, household_id, matter, responsible, deadline, "
        "deadline_rule, status, result, closed_date, closed_by, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", e_rows)
    db.conn.executemany("INSERT INTO reception_notes (entry_id, on_date, action, note, by_user, at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", n_rows)
    out["reception_entries"] = len(e_rows)

    # ---- cadres and pairs
    n_cadres = max(len(active) // 400, 3)
    first_cadre = int(scalar(db, "SELECT coalesce(max(id), 0) FROM cadres")) + 1
    c_rows: list[tuple[Any, ...]] = []
    taken = {(str(n), str(u)) for n, u in db.execute("SELECT name, unit FROM cadres")}
    while len(c_rows) < n_cadres:
        unit = rng.choice(CADRE_UNITS)
        name = (rng.choice("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
                + "".join(rng.choice("建国志强秀英海燕红梅伟明丽华晓东春兰文军平刚静敏玉芳德福永光")
                          for _ in range(rng.choice((1, 2, 2)))))
        if (name, unit) in taken:
            continue
        taken.add((name, unit))
        c_rows.append((first_cadre + len(c_rows), name, unit, rng.choice(CADRE_POSTS),
                       f"139{rng.randrange(10**8):08d}", stamp))
    db.conn.executemany("INSERT INTO cadres (id, name, unit, post, phone, created_at) VALUES (?, ?, ?, ?, ?, ?)", c_rows)
    cadre_names = {int(r[0]): str(r[1]) for r in c_rows}
    every = int(settings.get(db, "pair_visit_every_days"))
    first_pair = int(scalar(db, "SELECT coalesce(max(id), 0) FROM pairs")) + 1
    p_rows: list[tuple[Any, ...]] = []
    v_rows: list[tuple[Any, ...]] = []
    paired = rng.sample(active, min(len(active), max(len(active) * 8 // 100, 1))) if active else []
    for h in paired:
        cadres = [first_cadre + rng.randrange(n_cadres)]
        if rng.random() < 0.1:  # many-to-one: a second cadre for the same household
            extra = first_cadre + rng.randrange(n_cadres)
            if extra != cadres[0]:
                cadres.append(extra)
        created = _dt.date.fromisoformat(h[4])
        for cid in cadres:
            pid = first_pair + len(p_rows)
            start = max(created, today - _dt.timedelta(days=rng.randrange(30, 1000)))
            end = None
            if rng.random() < 0.05:
                end = min(today, start + _dt.timedelta(days=rng.randrange(60, 400)))
            p_rows.append((pid, cid, h[0], start.isoformat(), end.isoformat() if end else None, every, "",
                           "干部调整" if end else "", "system", stamp))
            day = start
            last = end or today
            while True:
                day += _dt.timedelta(days=int(every * (0.7 + rng.random() * 0.36)))
                if day > last:
                    break
                if rng.random() < 0.85:
                    money = rng.choice((0, 0, 20000, 50000, 100000))
                    v_rows.append((h[0], pid, day.isoformat(), "pair", cadre_names[cid], money,
                                   "米、油" if money == 0 and rng.random() < 0.5 else "",
                                   15000 if money == 0 and rng.random() < 0.5 else 0, "了解家庭近况，宣传帮扶政策",
                                   "system", stamp))
    db.conn.executemany("INSERT INTO pairs (id, cadre_id, household_id, start_date, end_date, visit_every_days, note, "
                        "end_reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", p_rows)
    out["cadres"], out["pairs"] = len(c_rows), len(p_rows)
    # festival visits (春节送温暖) to a tenth of the archives each of the last two winters
    for year in (today.year - 1, today.year):
        day0 = _dt.date(year, 1, 15)
        if day0 > today:
            continue
        for h in rng.sample(active, len(active) // 10) if active else []:
            if h[4] > day0.isoformat():
                continue
            day = day0 + _dt.timedelta(days=rng.randrange(20))
            v_rows.append((h[0], None, min(day, today).isoformat(), "festival", rng.choice(VISIT_PEOPLE),
                           rng.choice((50000, 80000, 100000)), "米、油、棉被", 30000, "春节送温暖走访慰问", "system",
                           stamp))
    v_rows.sort(key=lambda v: v[2])
    db.conn.executemany("INSERT INTO care_visits (household_id, pair_id, visit_date, kind, visitors, money_fen, goods, "
                        "goods_fen, notes, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", v_rows)
    out["care_visits"] = len(v_rows)

    # ---- service cases (some opened from a reception entry of the matching kind)
    s_rows: list[tuple[Any, ...]] = []
    n_cases = max(len(hh) // 25, 2)
    rights_entries = [e for e in entry_ids if e[2] == "rights"]
    for opened in sorted(recent(730) for _ in range(n_cases)):
        kind = weighted(rng, [("legal", 25), ("wages", 15), ("job", 30), ("training", 20), ("dibao", 10)])
        person: tuple[int, str, str, str, str, str] | None = (
            active[rng.randrange(len(active))] if active and rng.random() < 0.6 else None)
        reception_id = None
        if kind in ("legal", "wages") and rights_entries and rng.random() < 0.5:
            e = rights_entries[rng.randrange(len(rights_entries))]
            if e[1] <= opened:
                reception_id = e[0]
        people = rng.choice((3, 5, 8, 12, 20, 35)) if kind == "wages" else (rng.choice((1, 1, 1, 2)) if kind != "dibao" else 1)
        claimed = people * rng.randrange(300000, 1500000, 10000) if kind == "wages" else 0
        counterpart = {"legal": rng.choice(COUNTERPARTS[:6]), "wages": rng.choice(COUNTERPARTS[:6]),
                       "job": rng.choice(COUNTERPARTS), "training": rng.choice(("县职业技术学校", "县就业服务中心")),
                       "dibao": "县民政局"}[kind]
        matter = {"legal": rng.choice(MATTERS["rights"]), "wages": f"拖欠 {rng.randint(2, 8)} 个月工资",
                  "job": rng.choice(JOBS), "training": rng.choice(COURSES), "dibao": "家庭人均收入低于低保标准"}[kind]
        done_on: _dt.date | None = opened + _dt.timedelta(days=rng.randrange(7, 120))
        if done_on is not None and done_on > today:
            done_on = None
        outcome = weighted(rng, [("success", 70), ("partial", 10), ("failed", 15), ("withdrawn", 5)]) if done_on else None
        if kind in ("job", "training", "dibao") and outcome == "partial":
            outcome = "success"
        amount = 0
        if done_on and kind == "wages" and outcome in ("success", "partial"):
            amount = claimed if outcome == "success" else claimed * rng.randint(40, 90) // 100
        elif done_on and kind == "legal" and outcome == "success" and rng.random() < 0.5:
            amount = rng.randrange(200000, 5000000, 10000)
        result = {"success": "已办结，达到预期", "partial": "部分解决", "failed": "未能解决，已告知当事人",
                  "withdrawn": "当事人撤回"}.get(outcome or "", "")
        s_rows.append((number("FW", opened.year), kind, person[0] if person else None, reception_id,
                       person[1] if person else rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(("某", "某某")),
                       people, opened.isoformat(), counterpart, matter, claimed, "closed" if done_on else "open",
                       outcome, amount, result, done_on.isoformat() if done_on else None,
                       "system" if done_on else None, "system", stamp, stamp))
    db.conn.executemany(
        "INSERT INTO service_cases (case_no, kind, household_id, reception_id, person_name, people, opened_date, "
        "counterpart, matter, claimed_fen, status, outcome, amount_fen, result, closed_date, closed_by, created_by, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s_rows)
    out["service_cases"] = len(s_rows)
    db.conn.executemany("INSERT INTO reception_serials (prefix, last_serial) VALUES (?, ?) ON CONFLICT (prefix) "
                        "DO UPDATE SET " + keep_higher("reception_serials"), list(serials.items()))
    return out

