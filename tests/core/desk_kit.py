"""Several desks on one server, each a process of its own doing a clerk's mixed work: the multi-desk test
(``test_desks.py``) and the 4-desk rows of ``benchmarks/server.py`` both run these.

``prepare`` makes the centre on a fresh server database: the team (clerk, reviewer, two approvers,
finance), money in the fund, and ``HOUSEHOLDS`` archives made 在档 through the workflow. ``desk`` is one
desk for ``seconds``: search; register a new household (its 档案编号 drawn while other desks draw theirs);
open a household and save it with the version it loaded (a clerk who reads,
types and saves: two desks on one household meet here); file a project application and take it to
待审批; approve one that waits; pay one approved decision. It reports what it did and every refusal's
message; ``verify`` then checks the register as the desks left it."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import time
from pathlib import Path
from typing import Any

from test_workflow_kit import DAY, archive, new_household, publicity_over, team

PASSWORD = "admin1234"
HOUSEHOLDS = 8           # a small pool, so that desks meet on the same households and applications
OPS = ("search", "new", "save", "file", "approve", "pay")


def prepare(url: str, folder: Path) -> None:
    """The centre on an empty server database (``helpdesk server init``), ready for the desks."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.admin import server_move
    from helpdesk_gui.core.db import server

    srv = server.parse(url)
    server_move.init_server(folder, srv, "530122", "某某县总工会", PASSWORD)
    db = dbm.open_server(srv, folder)
    ready(db)
    t = team(db)
    for k in range(HOUSEHOLDS):
        archive(db, t, new_household(db, t, 200 + k, name=f"职工{k}"))
    dbm.close(db)


def ready(db: Any) -> dt.date:
    """The team (each role a user of its own) and money in the fund, on a register made by ``prepare`` or
    by ``demo``; returns the desks' working day (``DAY``, or the first day of the ledger's first open month)."""
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.ledger import periods, posting

    admin = auth.get_actor(db, "admin")
    for name, role, shown in [("clerk", "clerk", "张经办"), ("reviewer", "reviewer", "李审核"),
                              ("approver", "approver", "王主任"), ("finance", "finance", "赵出纳")]:
        if not db.execute("SELECT 1 FROM users WHERE username = ?", [name]).fetchone():
            auth.create_user(db, admin, name, shown, [role], "passw0rd!")
    team(db)
    open_month = periods.next_to_close(db)
    day = max(DAY, dt.date.fromisoformat(f"{open_month}-01")) if open_month else DAY
    posting.post_receipt(db, auth.get_actor(db, "finance"), fund_of(db), 10**9, "allocation", "拨款",
                         on=day, ref_no="县工发〔2026〕1号", today=day)
    return day


def fund_of(db: Any) -> int:
    return int(db.execute("SELECT id FROM funds WHERE name = '本级工会帮扶经费'").fetchone()[0])


def desk_folder(centre: Path, where: Path) -> Path:
    """Another PC's data folder: it holds only the centre's audit key (copied by hand, as the README says)."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy2(centre / "audit.key", where / "audit.key")
    return where


def desk(args: tuple[str, str, float, int, int, str]) -> dict[str, Any]:
    """One desk for ``seconds`` (a process of its own); what it did, each operation's (kind, latency in ms). It
    works on the first ``pool`` households 在档 by the working day ``on`` (the fewer, the more the desks meet)."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.base import ids
    from helpdesk_gui.core.base.errors import HelpdeskError
    from helpdesk_gui.core.db import server
    from helpdesk_gui.core.ledger import payroll
    from helpdesk_gui.core.register import households as register
    from helpdesk_gui.core.register import search
    from helpdesk_gui.core.register.draft import HouseholdDraft, draft_from
    from helpdesk_gui.core.workflow import approval
    from helpdesk_gui.core.workflow import steps as workflow

    url, folder, seconds, seed, pool, on = args
    day = dt.date.fromisoformat(on)
    paid_on, today = day + dt.timedelta(days=20), day + dt.timedelta(days=40)
    rng = random.Random(seed)
    db = dbm.open_server(server.parse(url), Path(folder))
    t = team(db)
    finance = auth.get_actor(db, "finance")
    fund = fund_of(db)
    hids = [int(r[0]) for r in db.execute("SELECT id FROM households WHERE status = 'active' AND created_date <= ? "
                                          "ORDER BY id LIMIT ?", [on, pool])]
    out: dict[str, Any] = {"done": {op: 0 for op in OPS}, "refused": [], "saved": [], "lat": [], "files": []}

    def one(op: str) -> None:
        if op == "search":
            search.search(db, rng.choice(["职工", "zg", "530122", "139"]), search.Filters())
        elif op == "new":   # a household comes to the desk: its 档案编号 is drawn while other desks draw theirs
            born = dt.date(1970, 1, 1) + dt.timedelta(days=400 * seed + out["done"]["new"])
            f = {"name": f"来访{seed}号{out['done']['new']}", "id_number": ids.make("530122", born, 100 + seed),
                 "cause_main": "3", "hukou_region_code": "530122", "annual_income_fen": 600_000}
            register.create_household(db, t.clerk, HouseholdDraft(fields=f), today=day)
        elif op == "save":
            hid = rng.choice(hids)
            h = register.get_household(db, hid)
            draft = draft_from(h)
            phone = f"139{seed:02d}{rng.randint(0, 999_999):06d}"
            draft.fields["phone"] = phone
            time.sleep(rng.uniform(0, 0.02))   # the clerk types
            register.update_household(db, t.clerk, hid, draft, expected_version=int(h["version"]), today=today)
            out["saved"].append((hid, int(h["version"]) + 1, phone))
        elif op == "file":
            hid = rng.choice(hids)
            app = workflow.file_application(db, t.clerk, hid, "project", project="1", requested_fen=20_000, today=day)
            out["files"].append(str(workflow.load(db, app)["app_no"]))
            for m in workflow.required_materials(db, workflow.load(db, app)):
                workflow.add_material(db, t.clerk, app, m, today=day)
            workflow.record_visit(db, t.reviewer, app, day, "李审核", "情况属实", today=day)
            workflow.evaluate(db, t.reviewer, app, "同意", proposed_fen=20_000, today=day)
            workflow.close_publicity(db, t.clerk, app, today=publicity_over(db, app))
        elif op == "approve":
            waiting = db.execute("SELECT id FROM applications WHERE status = 'pending' ORDER BY id DESC LIMIT 3").fetchall()
            if not waiting:
                return
            app = int(rng.choice(waiting)[0])
            time.sleep(rng.uniform(0, 0.01))   # the approver reads the file
            approval.approve(db, rng.choice([t.approver, t.approver2]), app, "同意", today=publicity_over(db, app))
        elif op == "pay":
            unpaid = db.execute("SELECT id FROM decisions WHERE status = 'unpaid' ORDER BY id LIMIT 3").fetchall()
            if not unpaid:
                return
            payroll.pay_decisions(db, finance, [int(rng.choice(unpaid)[0])], fund, paid_date=paid_on,
                                  bank_batch=f"DF{seed}-{out['done']['pay'] + 1}", today=today)
        out["done"][op] += 1

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        op = rng.choices(OPS, weights=[3, 1, 3, 2, 2, 2])[0]
        t0 = time.perf_counter()
        try:
            one(op)
        except HelpdeskError as e:
            out["refused"].append((op, str(e)))
        out["lat"].append((op, (time.perf_counter() - t0) * 1000))
    dbm.close(db)
    return out


def run_desks(url: str, centre: Path, n: int, seconds: float, *, pool: int = HOUSEHOLDS, day: dt.date = DAY
              ) -> tuple[list[dict[str, Any]], float]:
    """``n`` desk processes at once against the server; their reports and the wall time."""
    import multiprocessing
    folders = [desk_folder(centre, centre.parent / f"desk{k}") for k in range(n)]
    with multiprocessing.get_context("spawn").Pool(n) as processes:
        t0 = time.perf_counter()
        reports = processes.map(desk, [(url, str(f), seconds, k, pool, day.isoformat()) for k, f in enumerate(folders)])
        return reports, time.perf_counter() - t0


def verify(url: str, centre: Path, reports: list[dict[str, Any]]) -> list[str]:
    """What must hold after the desks: no lost update, gapless unique serials, every payment once, check green.
    Returns the problems found (empty: all is well)."""
    from helpdesk_gui.core import check
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.db import server

    db = dbm.open_server(server.parse(url), centre)
    problems = list(check.run(db))
    # no lost update: every save that was not refused made exactly one version, and the last one is stored
    for hid, version, _phone in [s for r in reports for s in r["saved"]]:
        stored = db.execute("SELECT version, phone FROM households WHERE id = ?", [hid]).fetchone()
        if int(stored[0]) < version:
            problems.append(f"档案 {hid}：保存后的版本 {version} 不在库中")
    saves: dict[int, list[int]] = {}
    for hid, version, _ in [s for r in reports for s in r["saved"]]:
        saves.setdefault(hid, []).append(version)
    for hid, versions in saves.items():
        if len(set(versions)) != len(versions):
            problems.append(f"档案 {hid}：两次保存得到同一版本 {sorted(versions)}（丢失更新）")
        last = max(versions)
        phone = {v: p for h, v, p in [s for r in reports for s in r["saved"]] if h == hid}[last]
        stored = db.execute("SELECT version, phone FROM households WHERE id = ?", [hid]).fetchone()
        if int(stored[0]) == last and stored[1] != phone:
            problems.append(f"档案 {hid}：最后一次保存的电话 {phone} 没有留下（库中 {stored[1]}）")
    # serial numbers: unique, and gapless within each prefix (county and year, kind and year)
    for what, width, sql in [("申请编号", 6, "SELECT app_no FROM applications"),
                             ("凭证号", 5, "SELECT voucher_no FROM vouchers"),
                             ("花名册编号", 7, "SELECT roster_no FROM payment_rosters"),
                             ("档案编号", 10, "SELECT archive_no FROM households")]:
        numbers = [str(r[0]) for r in db.execute(sql)]
        if len(set(numbers)) != len(numbers):
            problems.append(f"{what}重复")
        runs: dict[str, list[int]] = {}
        for x in numbers:
            runs.setdefault(x[:width], []).append(int(x[width:]))
        for prefix, tails in runs.items():
            if sorted(tails) != list(range(min(tails), min(tails) + len(tails))):
                problems.append(f"{what} {prefix}… 不连续")
    filed = sorted(a for r in reports for a in r["files"])
    if len(set(filed)) != len(filed):
        problems.append("两张桌子拿到同一个申请编号")
    # every application decided at most once, every decision paid at most once and in full
    for what, sql in [("申请被审批两次", "SELECT application_id FROM decisions GROUP BY application_id HAVING count(*) > 1"),
                      ("决定被发放两次", "SELECT r.decision_id FROM payment_roster_rows r JOIN payment_rosters p "
                                  "ON p.id = r.roster_id WHERE p.status = 'paid' GROUP BY r.decision_id HAVING count(*) > 1")]:
        twice = db.execute(sql).fetchall()
        if twice:
            problems.append(f"{what}：{[r[0] for r in twice]}")
    dbm.close(db)
    return problems
