"""Demo applications (``helpdesk demo``): every archive the demo left in process gets the 新建档
application that goes with its status, and a few percent of the 在档 archives get project
applications in every state (受理 … 待上级审批, 已批准 待发放, 不予批准, 已撤回, 退回补正), with their
steps, visits, civil-affairs checks, 公示 periods, objections and decisions (with snapshots).

Called at the end of ``core.demo.generate`` inside its transaction; deterministic from the seed
(its own random stream); written with ``executemany``. The demo's users are ``demo_clerk`` (enters),
``demo_reviewer`` (visits, 评议), ``demo_approver`` and ``demo_director`` (second level).
"""

from __future__ import annotations

import datetime as _dt
import json
import random
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.admin import policy, settings, workdays
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.db import now_iso, rows, scalar
from helpdesk_gui.core.demo.ledger import keep_higher
from helpdesk_gui.core.demo.vocabulary import weighted
from helpdesk_gui.core.workflow import caps

CLERK, REVIEWER, APPROVER, DIRECTOR = "demo_clerk", "demo_reviewer", "demo_approver", "demo_director"
PROJECT_STATES = [("accepted", 15), ("reviewing", 10), ("publicity", 15), ("pending", 15), ("second", 4),
                  ("approved", 25), ("rejected", 5), ("withdrawn", 4), ("returned", 7)]
APP_COLS = ("id", "app_no", "household_id", "kind", "project", "status", "beneficiary", "school_level", "cost_fen",
            "requested_fen", "proposed_fen", "proposed_category", "approved_fen", "override_reason", "first_approver",
            "reason", "details", "needs_visit", "needs_civil_check", "needs_publicity", "needs_materials",
            "publicity_id", "received_date", "visit_due_date", "last_step_date", "entered_by", "entered_at",
            "updated_at")
STEP_COLS = ("application_id", "action", "from_status", "to_status", "on_date", "at", "by_user", "opinion", "data")
FINDINGS = ("家中陈设简陋，主要劳动力下岗，子女在读，情况属实", "户主患病长期服药，配偶打零工，收入不稳定，情况属实",
            "住房为单位旧公房，家庭人口与申报一致，收入情况属实", "经走访邻居和社区核实，家庭困难情况属实")


class _Writer:
    """Rows of every workflow table, built in memory and written at the end."""

    def __init__(self, db: Database, today: _dt.date) -> None:
        self.db = db
        self.today = today
        self.stamp = now_iso()
        self.next_app = int(scalar(db, "SELECT coalesce(max(id), 0) FROM applications")) + 1
        self.next_pub = int(scalar(db, "SELECT coalesce(max(id), 0) FROM publicity_periods")) + 1
        self.next_obj = int(scalar(db, "SELECT coalesce(max(id), 0) FROM objections")) + 1
        self.serial = {int(r[0]): int(r[1]) for r in db.execute("SELECT year, last_serial FROM application_serials")}
        self.apps: list[dict[str, Any]] = []
        self.steps: list[tuple[Any, ...]] = []
        self.visits: list[tuple[Any, ...]] = []
        self.checks: list[tuple[Any, ...]] = []
        self.pubs: list[tuple[Any, ...]] = []
        self.objections: list[tuple[Any, ...]] = []
        self.materials: list[tuple[Any, ...]] = []
        self.decisions: list[dict[str, Any]] = []
        self.cal = workdays.load(db)
        self.rule = workdays.publicity_rule(db)
        table: dict[str, list[str]] = settings.get(db, "required_materials") or {}
        self.required = {k: [str(c) for c in v] for k, v in table.items()}

    def new_app(self, household_id: int, kind: str, project: str | None, received: _dt.date, **kw: Any) -> dict[str, Any]:
        y = received.year
        self.serial[y] = self.serial.get(y, 0) + 1
        needs_visit = kind in ("new_archive", "project", "change")
        app: dict[str, Any] = {c: None for c in APP_COLS}
        app.update(id=self.next_app, app_no=f"SQ{y}{self.serial[y]:06d}", household_id=household_id, kind=kind,
                   project=project, status="accepted", beneficiary="", override_reason="", reason="", details="{}",
                   needs_visit=int(needs_visit), needs_civil_check=int(kind == "new_archive"),
                   needs_publicity=int(kind in ("new_archive", "project")), needs_materials=1,
                   received_date=received.isoformat(), last_step_date=received.isoformat(),
                   visit_due_date=(received + _dt.timedelta(days=5)).isoformat() if needs_visit else None,
                   entered_by=CLERK, entered_at=self.stamp, updated_at=self.stamp)
        app.update(kw)
        self.next_app += 1
        self.apps.append(app)
        self.step(app, "file", "accepted", received, app["reason"], frm=None)
        return app

    def step(self, app: dict[str, Any], action: str, to: str, on: _dt.date, opinion: str = "",
             data: dict[str, Any] | None = None, *, by: str | None = None, frm: str | None = "") -> None:
        self.steps.append((app["id"], action, app["status"] if frm == "" else frm, to, on.isoformat(), self.stamp,
                           by or {"file": CLERK, "material": CLERK, "close_publicity": CLERK, "resubmit": CLERK,
                                  "withdraw": CLERK, "objection": CLERK}.get(action, REVIEWER), opinion,
                           json.dumps(data, ensure_ascii=False) if data else None))
        app["status"] = to
        app["last_step_date"] = max(app["last_step_date"], on.isoformat())

    def materials_for(self, app: dict[str, Any], on: _dt.date, *, complete: bool = True) -> None:
        key = f"project:{app['project']}" if app["kind"] == "project" else app["kind"]
        needed = self.required.get(key, [])
        for code in needed if complete else needed[: len(needed) // 2]:
            self.materials.append((app["id"], code, "扫描件", "", "", self.stamp, CLERK))
            self.step(app, "material", app["status"], on)

    def investigate(self, app: dict[str, Any], on: _dt.date, rng: random.Random) -> _dt.date:
        self.materials_for(app, on)
        visit = min(on + _dt.timedelta(days=rng.randint(1, 4)), self.today)
        self.visits.append((app["id"], visit.isoformat(), "演示审核人、社区干部", rng.choice(FINDINGS), REVIEWER, self.stamp))
        self.step(app, "visit", app["status"], visit, rng.choice(FINDINGS), {"visit_date": visit.isoformat()})
        if app["needs_civil_check"]:
            answered = min(visit + _dt.timedelta(days=rng.randint(1, 3)), self.today)
            self.checks.append((app["id"], visit.isoformat(), REVIEWER, "", answered.isoformat(), REVIEWER, "pass", ""))
            self.step(app, "civil_request", app["status"], visit)
            self.step(app, "civil_answer", app["status"], answered, "核对相符")
            visit = answered
        self.step(app, "advance", "reviewing", visit, "入户调查、经济状况核对和必备材料已齐全")
        return visit

    def publicise(self, app: dict[str, Any], start: _dt.date, opinion: str = "经评议，同意公示") -> _dt.date:
        end = self.cal.period_end(start, self.rule.days, working=self.rule.working)
        pid = self.next_pub
        self.next_pub += 1
        self.pubs.append((pid, start.isoformat(), end.isoformat(), self.rule.days, int(self.rule.working), "社区公示栏",
                          REVIEWER, self.stamp))
        app["publicity_id"] = pid
        data = {"publicity_start": start.isoformat(), "publicity_end": end.isoformat(), "rule": self.rule.describe()}
        if app["kind"] == "project":
            data["proposed_fen"] = app["proposed_fen"]
        if app["proposed_category"]:
            data["category"] = app["proposed_category"]
        self.step(app, "evaluate", "publicity", start, opinion, data)
        return end

    def objection(self, app: dict[str, Any], on: _dt.date, handled: _dt.date | None) -> None:
        oid = self.next_obj
        self.next_obj += 1
        self.objections.append((oid, app["id"], app["publicity_id"], on.isoformat(), "群众来电", "反映其家庭有经营收入",
                                CLERK, self.stamp, "dismissed" if handled else None,
                                "经核实，经营已停业，异议不成立" if handled else "",
                                handled.isoformat() if handled else None, REVIEWER if handled else None,
                                self.stamp if handled else None))
        self.step(app, "objection", app["status"], on, "反映其家庭有经营收入", {"objection_id": oid})
        if handled:
            self.step(app, "objection_handled", app["status"], handled, "异议不成立：经核实，经营已停业",
                      {"objection_id": oid, "result": "dismissed"})

    def write(self) -> None:
        db = self.db
        db.conn.executemany("INSERT INTO publicity_periods (id, start_date, end_date, days, working_days, place, "
                            "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self.pubs)
        db.conn.executemany(f"INSERT INTO applications ({', '.join(APP_COLS)}) VALUES ({', '.join('?' * len(APP_COLS))})",
                            [[a[c] for c in APP_COLS] for a in self.apps])
        db.conn.executemany(f"INSERT INTO application_steps ({', '.join(STEP_COLS)}) VALUES "
                            f"({', '.join('?' * len(STEP_COLS))})", self.steps)
        db.conn.executemany("INSERT INTO home_visits (application_id, visit_date, visitors, findings, recorded_by, "
                            "recorded_at) VALUES (?, ?, ?, ?, ?, ?)", self.visits)
        db.conn.executemany("INSERT INTO civil_checks (application_id, requested_date, requested_by, request_note, "
                            "answered_date, answered_by, result, answer_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            self.checks)
        db.conn.executemany("INSERT INTO objections (id, application_id, publicity_id, raised_date, raised_by, content, "
                            "logged_by, logged_at, result, handling, handled_date, handled_by, handled_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.objections)
        db.conn.executemany("INSERT INTO application_materials (application_id, material_type, title, file_name, sha256, "
                            "added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?)", self.materials)
        cols = ("application_id", "household_id", "outcome", "kind", "project", "amount_fen", "cap_fen", "cap_rule",
                "override_reason", "category", "opinion", "entered_by", "first_approver", "approved_by", "decided_on",
                "decided_at", "snapshot", "status")
        db.conn.executemany(f"INSERT INTO decisions ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            [[d[c] for c in cols] for d in self.decisions])
        db.conn.executemany("INSERT INTO application_serials (year, last_serial) VALUES (?, ?) ON CONFLICT (year) "
                            "DO UPDATE SET " + keep_higher("application_serials"), list(self.serial.items()))


def _archive_apps(w: _Writer, rng: random.Random, hh: list[dict[str, Any]]) -> None:
    """The 新建档 application of every archive the demo left in process, matching its status."""
    today = w.today
    for h in hh:
        status = h["status"]
        created = _dt.date.fromisoformat(h["created_date"])
        if status == "applying" and rng.random() < 0.5:
            continue  # typed in, application not filed yet
        received = min(created, today - _dt.timedelta(days=14)) if status == "pending" else created
        app = w.new_app(h["id"], "new_archive", None, received, reason="本人书面申请建档")
        if status == "visiting" and rng.random() < 0.5:
            x = rng.random()
            if x < 0.35:
                w.materials_for(app, received, complete=False)
            elif x < 0.7:   # visited; the civil-affairs answer has not come back yet
                w.materials_for(app, received)
                visit = min(received + _dt.timedelta(days=rng.randint(1, 3)), today)
                w.visits.append((app["id"], visit.isoformat(), "演示审核人、社区干部", rng.choice(FINDINGS), REVIEWER,
                                 w.stamp))
                w.step(app, "visit", "accepted", visit, rng.choice(FINDINGS), {"visit_date": visit.isoformat()})
                w.checks.append((app["id"], visit.isoformat(), REVIEWER, "请核对车辆、房产、存款", None, None, None, ""))
                w.step(app, "civil_request", "accepted", visit, "请核对车辆、房产、存款")
            continue
        done = w.investigate(app, received, rng)
        app["proposed_category"] = h["category"]
        if status == "applying":
            w.step(app, "return", "returned", done, "收入证明未加盖单位公章，请补正")
            continue
        if status == "visiting":
            continue
        start = min(done + _dt.timedelta(days=rng.randint(0, 2)), today)
        if status == "pending":
            start = min(start, today - _dt.timedelta(days=12))
        end = w.publicise(app, start)
        if status == "publicity":
            if rng.random() < 0.15:
                w.objection(app, min(start + _dt.timedelta(days=1), today), None)
            continue
        close = end + _dt.timedelta(days=1)
        w.step(app, "close_publicity", "pending", close, "公示期满，无未处理的异议", {"publicity_end": end.isoformat()})


def _project_apps(w: _Writer, rng: random.Random, db: Database, hh: list[dict[str, Any]]) -> None:
    today = w.today
    book = codes.load(db)
    rules = caps.load_rules(db)
    threshold = int(settings.get(db, "second_approval_fen"))
    dibao: dict[str, int] = {}
    chosen = [h for h in hh if rng.random() < 0.03]
    if len(chosen) < min(len(hh), 12):  # a small demo still shows every state
        chosen = sorted(rng.sample(hh, min(len(hh), 12)), key=lambda h: int(h["id"]))
    details = {int(r["id"]): r for r in rows(db, "SELECT * FROM households WHERE id IN (" + ",".join(
        str(int(h["id"])) for h in chosen) + ")")} if chosen else {}
    for i, h in enumerate(chosen):
        state = PROJECT_STATES[i][0] if i < len(PROJECT_STATES) else weighted(rng, PROJECT_STATES)
        cat = h["category"] or "1"
        project = weighted(rng, [("1", 35), ("2", 20), ("3", 15), ("4", 20), ("5", 10)] if cat != "3" else
                        [("1", 60), ("4", 25), ("5", 15)])
        if state == "second":
            project, cat = ("2", cat) if cat == "1" else ("5", cat)
        region = str(h["hukou_region_code"] or "")
        if region not in dibao:
            dibao[region] = policy.lookup(db, region, today).dibao_month_fen
        cost = None
        amount = {"1": rng.randrange(100_000, 400_000, 10_000), "3": rng.randrange(150_000, 400_000, 10_000),
                  "4": rng.randrange(50_000, 200_000, 10_000), "5": rng.randrange(50_000, 300_000, 10_000)}.get(project, 0)
        if project == "2":
            cost = rng.randrange(500_000, 3_000_000, 10_000)
            amount = cost * 6 // 10 // 100 * 100
        if state == "second":
            cost = 3_500_000
            amount = 2_500_000 if project == "2" else threshold + 100_000
        rule = caps.rule_for(rules, project, cat)
        if rule.needs_cost() and cost is None:   # e.g. 意外致困 生活救助: a share of the hardship costs
            cost = rng.randrange(2_000_000, 6_000_000, 10_000)
        cap = caps.compute(rule, caps.CapInput(dibao[region], cost_fen=cost), book)
        override = ""
        if amount > cap.cap_fen:
            if state == "second":
                override = "家庭遭遇重大变故，经中心主任办公会研究同意"
            else:
                amount = max(cap.cap_fen // 100 * 100, 10_000)
                override = "" if amount <= cap.cap_fen else "按最低救助标准发放"
        beneficiary = f"{details[h['id']]['name'][0]}小{rng.choice('明红军芳伟丽')}" if project == "3" else ""
        received = today - _dt.timedelta(days={"accepted": rng.randint(0, 6), "reviewing": rng.randint(6, 14),
                                               "publicity": rng.randint(8, 16), "returned": rng.randint(6, 20)}.get(
            state, rng.randint(20, 60)))
        app = w.new_app(h["id"], "project", project, received, cost_fen=cost, requested_fen=amount,
                        beneficiary=beneficiary, school_level="23" if project == "3" else None,
                        reason=f"申请{book.label('project', project)}")
        if state == "accepted":
            w.materials_for(app, received, complete=rng.random() < 0.5)
            continue
        done = w.investigate(app, received, rng)
        if state == "reviewing":
            continue
        if state == "returned":
            w.step(app, "return", "returned", done, "诊断证明不全，请补充出院小结" if project == "2" else "请补充收入证明")
            continue
        app["proposed_fen"] = amount
        start = min(done + _dt.timedelta(days=1), today - _dt.timedelta(days=rng.randint(0, 3)))
        if state != "publicity":
            start = min(start, today - _dt.timedelta(days=13))
        end = w.publicise(app, start)
        if state == "publicity":
            if rng.random() < 0.2:
                w.objection(app, min(start + _dt.timedelta(days=1), today), None)
            continue
        close = end + _dt.timedelta(days=1)
        if rng.random() < 0.2:
            w.objection(app, start + _dt.timedelta(days=1), end)
        w.step(app, "close_publicity", "pending", close, "公示期满，无未处理的异议", {"publicity_end": end.isoformat()})
        decided = min(close + _dt.timedelta(days=rng.randint(0, 3)), today)
        if state == "pending":
            continue
        if state == "withdrawn":
            w.step(app, "withdraw", "withdrawn", decided, "申请人已获得其他救助，申请撤回")
            continue
        if state == "rejected":
            w.step(app, "reject", "rejected", decided, "经核实家庭收入超过标准，不予批准", by=APPROVER)
            w.decisions.append(_decision(app, details[h["id"]], "rejected", None, None, "", decided, APPROVER, None,
                                         "经核实家庭收入超过标准，不予批准"))
            continue
        if amount > threshold:
            w.step(app, "approve_first", "second", decided, "初审同意，报中心主任审批",
                   {"amount_fen": amount, "cap_fen": cap.cap_fen, "override_reason": override}, by=APPROVER)
            app.update(approved_fen=amount, override_reason=override, first_approver=APPROVER)
            if state == "second":
                continue
        first = app["first_approver"]
        by = DIRECTOR if first else APPROVER
        w.step(app, "approve", "approved", decided, "同意", {"amount_fen": amount, "cap_fen": cap.cap_fen}, by=by)
        app["approved_fen"] = amount
        w.decisions.append(_decision(app, details[h["id"]], "approved", amount, cap, override, decided, by, first, "同意"))


def _decision(app: dict[str, Any], h: dict[str, Any], outcome: str, amount: int | None, cap: caps.Cap | None,
              override: str, on: _dt.date, by: str, first: str | None, opinion: str) -> dict[str, Any]:
    keep = ("archive_no", "name", "id_number", "gender", "birth_date", "category", "township", "address",
            "family_size", "annual_income_fen", "rigid_expense_fen", "per_capita_month_fen", "bank_name",
            "bank_branch", "bank_account", "hukou_region_code")
    snap = {"household": {k: h.get(k) for k in keep},
            "application": {k: app[k] for k in ("app_no", "kind", "project", "beneficiary", "cost_fen", "requested_fen",
                                                "proposed_fen", "received_date", "entered_by")},
            "amounts": {"approved_fen": amount, "cap_fen": cap.cap_fen if cap else None},
            "rule": cap.as_dict() if cap else None, "decided_on": on.isoformat(), "decided_by": by, "demo": True}
    return {"application_id": app["id"], "household_id": app["household_id"], "outcome": outcome, "kind": app["kind"],
            "project": app["project"], "amount_fen": amount, "cap_fen": cap.cap_fen if cap else None,
            "cap_rule": cap.text if cap else "", "override_reason": override, "category": None, "opinion": opinion,
            "entered_by": app["entered_by"], "first_approver": first, "approved_by": by, "decided_on": on.isoformat(),
            "decided_at": now_iso(), "snapshot": json.dumps(snap, ensure_ascii=False, default=str),
            "status": "unpaid" if amount else "none"}


def generate(db: Database, *, seed: int, today: _dt.date, first_household_id: int) -> dict[str, int]:
    """Applications for the archives with id ≥ ``first_household_id``. Returns {"applications": n}."""
    rng = random.Random(seed * 7919 + 4)
    hh = rows(db, "SELECT id, status, category, created_date, hukou_region_code FROM households WHERE id >= ? "
                  "ORDER BY id", [first_household_id])
    if not hh:
        return {"applications": 0}
    w = _Writer(db, today)
    _archive_apps(w, rng, [h for h in hh if h["status"] in ("applying", "visiting", "publicity", "pending")])
    _project_apps(w, rng, db, [h for h in hh if h["status"] == "active"])
    w.write()
    return {"applications": len(w.apps)}
