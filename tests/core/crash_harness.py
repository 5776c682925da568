"""Kill -9 harness: a child process writes in batches and is SIGKILLed at a random moment; after
every kill the database must pass ``helpdesk check`` and hold each batch whole or not at all.

Run the full count by hand:  .venv/bin/python tests/core/crash_harness.py --runs 30
The test suite runs a short variant (tests/core/test_crash.py).

Scenarios:
  bulk      one transaction of BATCH households with their members and payments (the demo writer,
            the same bulk path a batch import takes), repeated
  edits     many small transactions: create a household, change it, move its status
  ledger    a run of fund receipts and transfers, each its own voucher
  campaign  approving a campaign of CAMPAIGN_ROWS applications in one step
  import    importing a batch workbook of 20,000 households from another county (exchange format 1.0)
  mutual    posting the quarterly 医疗互助 settlement of SETTLE_CLAIMS approved claims (one voucher)
  restore   restoring the database from a backup made before the template's last RESTORE_EXTRA households,
            again and again: after the kill the folder holds the old database or the restored one, whole

Races (``--race N``; no kill): two writing commands started at the same moment on one data folder, as two
desks or a desk and a scheduled job would (`helpdesk batch import` of a RACE_ROWS-household batch and
`helpdesk demo --households RACE_DEMO`). Each must either do its work (exit 0, its rows there) or refuse
because the other holds the folder (exit 1, "正被另一个程序使用"); never an unexpected error, and `check` stays
green.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

BATCH = 20_000
CAMPAIGN_ROWS = 1_500
IMPORT_ROWS = 20_000
CAMPAIGN_DAY = dt.date(2026, 3, 2)
SETTLE_CLAIMS = 1_000          # at most: the demo county has fewer members
RESTORE_EXTRA = 500            # households added to the template after its backup was made
RACE_ROWS = 2_000
RACE_DEMO = 300


def child(scenario: str, folder: Path, ack: Path, batch: int) -> None:
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.base import ids
    from helpdesk_gui.core.demo import households as demo
    from helpdesk_gui.core.register import households as register
    from helpdesk_gui.core.register.draft import HouseholdDraft
    db = dbm.open_db(folder / "helpdesk.db")
    clerk = auth.get_actor(db, "admin")
    rng = random.Random(os.getpid())
    n = 0
    with open(ack, "a", encoding="utf-8") as acks:
        while True:
            n += 1
            if scenario == "bulk":
                demo.generate(db, auth.SYSTEM, batch, seed=rng.randrange(1 << 30))
                line = {"kind": "bulk", "n": n}
            elif scenario == "ledger":
                from helpdesk_gui.core.ledger import funds
                from helpdesk_gui.core.ledger import posting as ledger
                pool = [f["id"] for f in funds.list_funds(db, active_only=True) if f.get("kind", "") != "revolving"][:2]
                if n % 3:
                    ledger.post_receipt(db, clerk, pool[0], rng.randrange(100, 500000), "interest", "专户利息")
                else:
                    ledger.post_transfer(db, clerk, pool[0], pool[1], 100, "调剂")
                line = {"kind": "ledger", "n": n}
            elif scenario == "import":
                from helpdesk_gui.exchange import importer
                importer.import_batch(db, clerk, folder / "batch.xlsx", accept_unsigned=True, folder=folder)
                acks.write(json.dumps({"kind": "import", "n": n}) + "\n")
                acks.flush()
                os.fsync(acks.fileno())
                return
            elif scenario == "restore":
                from helpdesk_gui.core.admin import backup
                dbm.close(db)
                backup.restore(folder, folder / "before.db")
                db = dbm.open_db(folder / "helpdesk.db")
                line = {"kind": "restore", "n": n}
            elif scenario == "mutual":
                from helpdesk_gui.core.mutual import settle as mutual_settle
                finance = auth.get_actor(db, "finance")
                sid = mutual_settle.create_settlement(db, finance, mutual_settle.quarter_of(dt.date.today()))
                mutual_settle.post_settlement(db, finance, sid)
                acks.write(json.dumps({"kind": "mutual", "n": n}) + "\n")
                acks.flush()
                os.fsync(acks.fileno())
                return
            elif scenario == "campaign":
                from helpdesk_gui.core.workflow import campaigns
                approver = auth.get_actor(db, "approver")
                cid = int(db.execute("SELECT id FROM campaigns ORDER BY id LIMIT 1").fetchone()[0])
                campaigns.approve(db, approver, cid, "同意", today=CAMPAIGN_DAY + dt.timedelta(days=20))
                line = {"kind": "campaign", "n": n}
                acks.write(json.dumps(line) + "\n")
                acks.flush()
                os.fsync(acks.fileno())
                return
            else:
                draft = HouseholdDraft(fields={
                    "name": "崩溃测试", "cause_main": "3",
                    "id_number": ids.make("530122", dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000)),
                                          rng.randrange(1000))})
                try:
                    hid = register.create_household(db, clerk, draft)
                except Exception:  # noqa: BLE001 - a random duplicate ID: try another
                    continue
                register.set_status(db, clerk, hid, "visiting")
                line = {"kind": "edit", "household": hid}
            acks.write(json.dumps(line) + "\n")
            acks.flush()
            os.fsync(acks.fileno())


def prepare(template: Path) -> None:
    """A database with a demo county, staff, and a publicised campaign ready for approval."""
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.admin import setup
    from helpdesk_gui.core.demo import households as demo
    from helpdesk_gui.core.register import search
    from helpdesk_gui.core.workflow import campaigns
    auth.SCRYPT_N = 2**8
    db = setup.initialise(template / "helpdesk.db", "530122", "崩溃测试县总工会", "admin1234")
    admin = auth.get_actor(db, "admin")
    for name, role in (("clerk", "clerk"), ("reviewer", "reviewer"), ("approver", "approver"), ("finance", "finance")):
        auth.create_user(db, admin, name, name, [role], "passw0rd!")
    demo.generate(db, auth.SYSTEM, CAMPAIGN_ROWS * 2, seed=5, today=CAMPAIGN_DAY)
    clerk, reviewer = auth.get_actor(db, "clerk"), auth.get_actor(db, "reviewer")
    cid = campaigns.create(db, clerk, "崩溃测试送温暖", "4", campaigns.ProposalRule("fixed", amount_fen=50_000),
                           filters=search.Filters(status="active"), today=CAMPAIGN_DAY)
    campaigns.publicise(db, reviewer, cid, "同意", start=CAMPAIGN_DAY, today=CAMPAIGN_DAY)
    campaigns.close_publicity(db, clerk, cid, today=CAMPAIGN_DAY + dt.timedelta(days=19))
    _approved_claims(db, clerk, auth.get_actor(db, "approver"), auth.get_actor(db, "finance"))
    from helpdesk_gui.core.admin import backup
    backup.write_copy(db, template / "before.db")
    demo.generate(db, auth.SYSTEM, RESTORE_EXTRA, seed=6, today=CAMPAIGN_DAY)
    db.conn.close()


def _approved_claims(db: object, clerk: object, approver: object, finance: object) -> None:
    """SETTLE_CLAIMS approved 医疗互助 claims of this year's members, waiting for this quarter's settlement."""
    from helpdesk_gui.core.ledger import posting as ledger
    from helpdesk_gui.core.mutual import claims as mutual_claims
    from helpdesk_gui.core.mutual import members as mutual_members
    from helpdesk_gui.core.mutual import plans as mutual_plans
    plan = mutual_plans.plan_by_period(db, CAMPAIGN_DAY.year)
    members = mutual_members.list_members(db, plan_id=plan["id"], enrolled_only=True)[:SETTLE_CLAIMS]
    ledger.post_receipt(db, finance, int(plan["fund_id"]), 100_000_000_00, "other_in", "崩溃测试补充互助金")
    for i, m in enumerate(members):
        receipt = mutual_claims.ReceiptDraft("3", f"CRASH{i:05d}", CAMPAIGN_DAY.isoformat(), 600_000, 100_000, 400_000)
        mutual_claims.approve_claim(db, approver, mutual_claims.create_claim(db, clerk, plan["id"], m["id"], [receipt]))


def prepare_batch(template: Path, households: int, name: str = "batch.xlsx") -> None:
    """A batch workbook from a neighbouring county (530199) to import into the template's county."""
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.admin import setup
    from helpdesk_gui.core.demo import households as demo
    from helpdesk_gui.exchange import export
    other = template / "other"
    other.mkdir(exist_ok=True)
    db = setup.initialise(other / "helpdesk.db", "530199", "邻县总工会", "admin1234")
    demo.generate(db, auth.SYSTEM, households, seed=9)
    export.export_batch(db, auth.get_actor(db, "admin"), template / name, receiver_code="530122", full=True)
    db.conn.close()
    shutil.rmtree(other)


def one_run(template: Path, work: Path, scenario: str, batch: int, rng: random.Random,
            max_wait: float) -> dict[str, object]:
    from helpdesk_gui.core import check
    from helpdesk_gui.core import db as dbm
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(template, work)
    conn = sqlite3.connect(work / "helpdesk.db")
    base = int(conn.execute("SELECT count(*) FROM households").fetchone()[0])
    conn.close()
    ack = work / "acks.jsonl"
    proc = subprocess.Popen([sys.executable, __file__, "--child", scenario, "--folder", str(work), "--ack", str(ack),
                             "--batch", str(batch)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(rng.uniform(0.3, max_wait))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    db = dbm.open_db(work / "helpdesk.db")
    try:
        failures = check.run(db)
        households = int(db.execute("SELECT count(*) FROM households").fetchone()[0])
        acked = [json.loads(line) for line in ack.read_text(encoding="utf-8").splitlines()] if ack.exists() else []
        if scenario == "bulk":
            partial = (households - base) % batch != 0
            lost = sum(1 for a in acked if a["kind"] == "bulk") * batch > households - base
        elif scenario == "ledger":
            partial = False  # check.run covers balances = entries and gapless vouchers
            posted = int(db.execute("SELECT count(*) FROM vouchers WHERE summary IN ('专户利息', '调剂')").fetchone()[0])
            lost = posted < len(acked)
        elif scenario == "import":
            imported = int(db.execute("SELECT count(*) FROM households WHERE sender_code = '530199'").fetchone()[0])
            partial = imported not in (0, IMPORT_ROWS)
            lost = bool(acked) and imported == 0
        elif scenario == "restore":
            partial = households not in (base, base - RESTORE_EXTRA)
            lost = bool(acked) and households != base - RESTORE_EXTRA
        elif scenario == "mutual":
            posted = int(db.execute("SELECT count(*) FROM mutual_settlements WHERE status = 'posted' "
                                    "AND created_by = 'finance'").fetchone()[0])
            partial = bool(db.execute("SELECT count(*) FROM mutual_claims c JOIN mutual_settlements s ON s.id = "
                                      "c.settlement_id WHERE (s.status = 'posted') <> (c.status = 'settled')").fetchone()[0])
            lost = bool(acked) and posted == 0
        elif scenario == "campaign":
            states = {r[0]: r[1] for r in db.execute(
                "SELECT status, count(*) FROM applications WHERE campaign_id IS NOT NULL GROUP BY status")}
            decided = int(db.execute("SELECT count(*) FROM decisions d JOIN applications a ON a.id = d.application_id "
                                     "WHERE a.campaign_id IS NOT NULL").fetchone()[0])
            partial = not (decided == 0 or states.get("pending", 0) == 0)
            lost = bool(acked) and decided == 0
        else:
            partial = bool(db.execute("SELECT count(*) FROM households h WHERE h.id > ? AND NOT EXISTS "
                                      "(SELECT 1 FROM audit_log a WHERE a.entity = 'household' "
                                      "AND a.entity_id = h.archive_no AND a.action = 'create')", [base]).fetchone()[0])
            ids_now = {r[0] for r in db.execute("SELECT id FROM households WHERE status = 'visiting'")}
            lost = any(a["household"] not in ids_now for a in acked)
    finally:
        db.conn.close()
    return {"scenario": scenario, "failures": failures, "households": households, "partial": partial,
            "lost_acknowledged": lost, "acked": len(acked)}


#: How long a child may run before it is killed (seconds, upper bound of the random moment).
MAX_WAIT = {"bulk": 7.0, "edits": 2.0, "ledger": 2.0, "campaign": 6.0, "import": 12.0, "mutual": 0.5,
            "restore": 3.0}


def run(runs: int, scenarios: list[str], batch: int, base: Path, seed: int = 1,
        max_wait: float | None = None) -> list[dict[str, object]]:
    rng = random.Random(seed)
    template = base / "template"
    if not (template / "helpdesk.db").exists():
        template.mkdir(parents=True, exist_ok=True)
        prepare(template)
    if "import" in scenarios and not (template / "batch.xlsx").exists():
        prepare_batch(template, IMPORT_ROWS)
    results = []
    for scenario in scenarios:
        for i in range(runs):
            results.append(one_run(template, base / f"run-{scenario}-{i}", scenario, batch, rng,
                                   max_wait or MAX_WAIT[scenario]))
    return results


def race_run(template: Path, work: Path) -> dict[str, object]:
    """Two writing commands at the same moment on one folder; what each said, and the folder after."""
    from helpdesk_gui.core import check
    from helpdesk_gui.core import db as dbm
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(template, work, ignore=shutil.ignore_patterns("batch.xlsx", "before.db"))
    conn = sqlite3.connect(work / "helpdesk.db")
    base = int(conn.execute("SELECT count(*) FROM households").fetchone()[0])
    conn.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HELPDESK_USER": "admin", "HELPDESK_PASSWORD": "admin1234"}
    cli = [sys.executable, "-m", "helpdesk_gui", "--data-dir", str(work)]
    commands = {"import": [*cli, "batch", "import", str(template / "race.xlsx")],
                "demo": [*cli, "demo", "--households", str(RACE_DEMO), "--seed", str(random.randrange(1 << 20))]}
    procs = {k: subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k, c in commands.items()}
    said = {k: (p.wait(timeout=300), *p.communicate()) for k, p in procs.items()}
    wrongly = [k for k, (code, out, err) in said.items()
               if "意外" in out + err or not (code == 0 or (code == 1 and "正被另一个程序使用" in err))]
    db = dbm.open_db(work / "helpdesk.db")
    try:
        failures = check.run(db)
        imported = int(db.execute("SELECT count(*) FROM households WHERE sender_code = '530199'").fetchone()[0])
        households = int(db.execute("SELECT count(*) FROM households").fetchone()[0])
    finally:
        db.conn.close()
    done = {k for k, (code, _o, _e) in said.items() if code == 0}
    expected = base + RACE_DEMO * ("demo" in done) + RACE_ROWS * ("import" in done)
    lost = households < expected or (("import" in done) and imported != RACE_ROWS)
    partial = households != expected or imported not in (0, RACE_ROWS)
    return {"scenario": "race", "failures": failures, "households": households, "partial": partial,
            "lost_acknowledged": lost, "acked": len(done), "wrongly_failed": wrongly,
            "both_done": len(done) == 2}


def summary(results: list[dict[str, object]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in results:
        s = out.setdefault(str(r["scenario"]), {"runs": 0, "check_failures": 0, "partial": 0, "lost_acknowledged": 0,
                                                  "acknowledged": 0})
        s["runs"] += 1          # a kill, or for a race two commands at once
        s["check_failures"] += bool(r["failures"])
        s["partial"] += bool(r["partial"])
        s["lost_acknowledged"] += bool(r["lost_acknowledged"])
        s["acknowledged"] += int(r["acked"])  # type: ignore[call-overload]
        if r["scenario"] == "race":
            s["wrongly_failed"] = s.get("wrongly_failed", 0) + bool(r["wrongly_failed"])
            s["both_done"] = s.get("both_done", 0) + bool(r["both_done"])
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--batch", type=int, default=BATCH)
    p.add_argument("--scenario", action="append",
                   choices=["bulk", "edits", "ledger", "campaign", "import", "mutual", "restore"])
    p.add_argument("--race", type=int, default=0, help="also start two writing commands at once, N times")
    p.add_argument("--workdir", default="/tmp/helpdesk-crash")
    p.add_argument("--child")
    p.add_argument("--folder")
    p.add_argument("--ack")
    args = p.parse_args()
    if args.child:
        child(args.child, Path(args.folder), Path(args.ack), args.batch)
        return 0
    scenarios = args.scenario or ["bulk", "edits", "ledger", "campaign", "import", "mutual", "restore"]
    results = run(args.runs, scenarios if args.runs else [], args.batch, Path(args.workdir))
    if args.race:
        template = Path(args.workdir) / "template"
        if not (template / "helpdesk.db").exists():
            template.mkdir(parents=True, exist_ok=True)
            prepare(template)
        if not (template / "race.xlsx").exists():
            prepare_batch(template, RACE_ROWS, name="race.xlsx")
        results += [race_run(template, Path(args.workdir) / f"race-{i}") for i in range(args.race)]
    print(json.dumps(summary(results), ensure_ascii=False, indent=2))
    bad = [r for r in results if r["failures"] or r["partial"] or r["lost_acknowledged"] or r.get("wrongly_failed")]
    for r in bad:
        print("FAILED", r)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
