"""Random sequences of workflow actions by random users (hypothesis RuleBasedStateMachine).

Whatever they try, the database never holds: an approval by the user who entered the application,
an approval before its 公示 ended or with an objection open, a grant above its cap without an
override reason, a second-level grant approved by one person, or an archive 在档 without such an
approval. Refusals (typed errors) are expected; any other exception fails the test.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from test_workflow_kit import DAY, active_household, new_household, team

from helpdesk_gui.core import db as dbm
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import setup
from helpdesk_gui.core.base import paths
from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.workflow import approval
from helpdesk_gui.core.workflow import steps as workflow

USERS = ("clerk", "reviewer", "approver", "approver2", "admin", "finance", "dual")
THRESHOLD = 500_000          # second level above 5,000 元 here, so random amounts reach it
_TEMPLATE: list[Path] = []


def template() -> Path:
    """One prepared database (users, two 在档 and two 申请中 archives), copied for every example."""
    if _TEMPLATE:
        return _TEMPLATE[0]
    folder = Path(tempfile.mkdtemp(prefix="wf-template-"))
    atexit.register(shutil.rmtree, folder, True)
    saved = auth.SCRYPT_N
    auth.SCRYPT_N = 2**8
    try:
        db = setup.initialise(paths.db_path(folder), "530122", "某某县总工会", "admin1234")
        admin = auth.get_actor(db, "admin")
        for name, roles in (("clerk", ["clerk"]), ("reviewer", ["reviewer"]), ("approver", ["approver"]),
                            ("finance", ["finance"]), ("dual", ["clerk", "approver"])):
            auth.create_user(db, admin, name, name, roles, "passw0rd!")
        t = team(db)
        active_household(db, t, 123, category="1")
        active_household(db, t, 125, category="2", name="李四")
        new_household(db, t, 127, name="王五")
        new_household(db, t, 129, name="赵六")
        with dbm.write(db):
            db.execute("INSERT INTO settings (key, value) VALUES ('second_approval_fen', ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [str(THRESHOLD)])
        db.conn.close()
    finally:
        auth.SCRYPT_N = saved
    _TEMPLATE.append(paths.db_path(folder))
    return _TEMPLATE[0]


amounts = st.sampled_from([50_000, 300_000, 600_000, 900_000, 2_000_000])


class WorkflowMachine(RuleBasedStateMachine):
    apps = Bundle("apps")

    def __init__(self) -> None:
        super().__init__()
        self.open_database()

    def open_database(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="wf-run-"))
        shutil.copy(template(), self.folder / "helpdesk.db")
        self.db = dbm.open_db(self.folder / "helpdesk.db")
        self.users = {u: auth.get_actor(self.db, u) for u in USERS}
        self.households = [int(r[0]) for r in self.db.execute("SELECT id FROM households ORDER BY id")]
        self.day = DAY + dt.timedelta(days=40)

    @initialize(target=apps, user=st.sampled_from(["clerk", "reviewer", "admin", "dual"]),
                project=st.sampled_from(["1", "2", "4", "5"]), amount=amounts)
    def first_project(self, user: str, project: str, amount: int) -> int:
        return self.file(user, 0, "project", project, amount)

    @initialize(target=apps, user=st.sampled_from(["clerk", "reviewer", "admin", "dual"]))
    def first_archive(self, user: str) -> int:
        return self.file(user, 2, "new_archive", "1", 0)

    def teardown(self) -> None:
        if hasattr(self, "db"):
            self.db.conn.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def attempt(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return fn(*args, **kwargs)
        except HelpdeskError:
            return None

    # ---- time
    @rule(days=st.integers(min_value=1, max_value=9))
    def time_passes(self, days: int) -> None:
        self.day += dt.timedelta(days=days)

    # ---- filing
    @rule(target=apps, user=st.sampled_from(USERS), h=st.integers(0, 3),
          kind=st.sampled_from(["new_archive", "project", "project", "change"]),
          project=st.sampled_from(["1", "2", "4", "5"]), amount=amounts, natural=st.booleans())
    def file(self, user: str, h: int, kind: str, project: str, amount: int, natural: bool = False) -> int:
        if natural:  # the kind that fits the archive (新建档 for 申请中, a project for 在档)
            kind = "new_archive" if h >= 2 else "project"
        details = {"category": "2"} if kind == "change" else None
        app = self.attempt(workflow.file_application, self.db, self.users[user], self.households[h], kind,
                           project=project, requested_fen=amount, cost_fen=amount if project == "2" else None,
                           details=details, today=self.day)
        return app or 0

    @rule(user=st.sampled_from(USERS), app=apps, material=st.sampled_from(["1", "2", "3", "4", "5", "6", "10"]))
    def add_material(self, user: str, app: int, material: str) -> None:
        self.attempt(workflow.add_material, self.db, self.users[user], app, material, today=self.day)

    @rule(user=st.sampled_from(USERS), app=apps)
    def all_materials(self, user: str, app: int) -> None:
        if app:
            for m in workflow.required_materials(self.db, workflow.load(self.db, app)):
                self.attempt(workflow.add_material, self.db, self.users[user], app, m, today=self.day)

    # ---- investigation
    @rule(user=st.sampled_from(USERS), app=apps)
    def visit(self, user: str, app: int) -> None:
        self.attempt(workflow.record_visit, self.db, self.users[user], app, self.day, "调查组", "属实", today=self.day)

    @rule(user=st.sampled_from(USERS), app=apps, result=st.sampled_from(["pass", "partial", "fail"]))
    def civil_check(self, user: str, app: int, result: str) -> None:
        self.attempt(workflow.request_civil_check, self.db, self.users[user], app, today=self.day)
        self.attempt(workflow.answer_civil_check, self.db, self.users[user], app, result, "说明", today=self.day)

    @rule(user=st.sampled_from(USERS), app=apps, amount=st.one_of(st.none(), amounts),
          delay=st.integers(0, 3), category=st.sampled_from([None, "1", "2", "3"]))
    def evaluate(self, user: str, app: int, amount: int | None, delay: int, category: str | None) -> None:
        self.attempt(workflow.evaluate, self.db, self.users[user], app, "评议意见", proposed_fen=amount,
                     category=category, publicity_start=self.day + dt.timedelta(days=delay), today=self.day)

    # ---- publicity and objections
    @rule(user=st.sampled_from(USERS), app=apps)
    def objection(self, user: str, app: int) -> None:
        self.attempt(workflow.log_objection, self.db, self.users[user], app, "群众反映情况不实", today=self.day)

    @rule(user=st.sampled_from(USERS), app=apps, result=st.sampled_from(["dismissed", "upheld"]))
    def handle_objection(self, user: str, app: int, result: str) -> None:
        for o in workflow.open_objections(self.db, app)[:1]:
            self.attempt(workflow.handle_objection, self.db, self.users[user], int(o["id"]), result, "已核实",
                         today=self.day)

    @rule(user=st.sampled_from(USERS), app=apps)
    def close_publicity(self, user: str, app: int) -> None:
        self.attempt(workflow.close_publicity, self.db, self.users[user], app, today=self.day)

    # ---- deciding
    @rule(user=st.sampled_from(USERS), app=apps, amount=st.one_of(st.none(), amounts),
          override=st.sampled_from(["", "", "经主任办公会研究同意"]))
    def approve(self, user: str, app: int, amount: int | None, override: str) -> None:
        if not app:
            return
        before = workflow.load(self.db, app)
        result = self.attempt(approval.approve, self.db, self.users[user], app, "同意", amount_fen=amount,
                              override_reason=override, today=self.day)
        if result is not None:  # it went through: check the rules held at that moment
            assert user != before["entered_by"]
            assert user != before["first_approver"]
            assert not workflow.publicity_blockers(self.db, before, self.day)

    @rule(user=st.sampled_from(USERS), app=apps)
    def reject(self, user: str, app: int) -> None:
        self.attempt(approval.reject, self.db, self.users[user], app, "不符合条件", today=self.day)

    @rule(user=st.sampled_from(USERS), app=apps, action=st.sampled_from(["return", "resubmit", "withdraw"]))
    def back_and_forth(self, user: str, app: int, action: str) -> None:
        fn = {"return": workflow.return_application, "resubmit": workflow.resubmit, "withdraw": workflow.withdraw}[action]
        self.attempt(fn, self.db, self.users[user], app, "意见", today=self.day)

    @rule(app=apps, users=st.lists(st.sampled_from(USERS), min_size=3, max_size=6),
          amount=st.one_of(st.none(), amounts), override=st.sampled_from(["", "家庭特殊困难，经研究同意"]),
          wait=st.integers(0, 9))
    def push(self, app: int, users: list[str], amount: int | None, override: str, wait: int) -> None:
        """The next natural step for the application's state, tried by random users (reaches deep states)."""
        if not app:
            return
        a = workflow.load(self.db, app)
        for user in users:
            if a["status"] == "publicity":
                self.time_passes(max(wait, 1))
            if a["status"] == "accepted":
                self.all_materials(user, app)
                self.visit(user, app)
                self.civil_check(user, app, "pass")
            elif a["status"] == "reviewing":
                self.evaluate(user, app, amount, 0, "1")
            elif a["status"] == "publicity":
                self.close_publicity(user, app)
            elif a["status"] in ("pending", "second"):
                self.approve(user, app, amount, override)
            elif a["status"] == "returned":
                self.back_and_forth(user, app, "resubmit")
            a = workflow.load(self.db, app)

    # pushing is as likely as all the single actions together: the machine reaches deep states often
    push_again = rule(app=apps, users=st.lists(st.sampled_from(USERS), min_size=3, max_size=6),
                      amount=st.one_of(st.none(), amounts), override=st.sampled_from(["", "家庭特殊困难，经研究同意"]),
                      wait=st.integers(0, 9))(push.__wrapped__ if hasattr(push, "__wrapped__") else push)

    @rule(user=st.sampled_from(USERS), h=st.integers(0, 3),
          to=st.sampled_from(["active", "visiting", "publicity", "pending", "applying", "exited"]))
    def tamper_with_the_archive(self, user: str, h: int, to: str) -> None:
        self.attempt(register.set_status, self.db, self.users[user], self.households[h], to)

    # ---- what must always hold
    @invariant()
    def nobody_approves_what_they_entered(self) -> None:
        if not hasattr(self, "db"):
            return
        bad = self.db.execute("SELECT count(*) FROM decisions WHERE approved_by = entered_by "
                              "OR first_approver = entered_by OR first_approver = approved_by").fetchone()[0]
        assert bad == 0
        steps = self.db.execute(
            "SELECT count(*) FROM application_steps s JOIN applications a ON a.id = s.application_id "
            "WHERE s.action IN ('approve', 'approve_first', 'reject') AND s.by_user = a.entered_by").fetchone()[0]
        assert steps == 0

    @invariant()
    def no_approval_before_publicity_ended(self) -> None:
        if not hasattr(self, "db"):
            return
        early = self.db.execute(
            "SELECT count(*) FROM application_steps s JOIN applications a ON a.id = s.application_id "
            "WHERE s.action IN ('approve', 'approve_first') AND a.needs_publicity = 1 AND NOT EXISTS ("
            "  SELECT 1 FROM application_steps e WHERE e.application_id = a.id AND e.action = 'evaluate' "
            "  AND e.id < s.id AND json_extract(e.data, '$.publicity_end') < s.on_date "
            "  AND NOT EXISTS (SELECT 1 FROM application_steps r WHERE r.application_id = a.id "
            "                  AND r.action = 'return' AND r.id > e.id AND r.id < s.id))").fetchone()[0]
        assert early == 0
        open_at_approval = self.db.execute(
            "SELECT count(*) FROM application_steps s JOIN application_steps o ON o.application_id = s.application_id "
            "WHERE s.action IN ('approve', 'approve_first') AND o.action = 'objection' AND o.id < s.id AND NOT EXISTS ("
            "  SELECT 1 FROM application_steps h WHERE h.application_id = s.application_id "
            "  AND h.action = 'objection_handled' AND h.id < s.id "
            "  AND json_extract(h.data, '$.objection_id') = json_extract(o.data, '$.objection_id'))").fetchone()[0]
        assert open_at_approval == 0

    @invariant()
    def nothing_above_the_cap_without_an_override(self) -> None:
        if not hasattr(self, "db"):
            return
        over = self.db.execute("SELECT count(*) FROM decisions WHERE amount_fen > cap_fen "
                               "AND trim(override_reason) = ''").fetchone()[0]
        assert over == 0
        first = self.db.execute("SELECT count(*) FROM application_steps WHERE action = 'approve_first' "
                                "AND json_extract(data, '$.amount_fen') > json_extract(data, '$.cap_fen') "
                                "AND trim(coalesce(json_extract(data, '$.override_reason'), '')) = ''").fetchone()[0]
        assert first == 0
        single = self.db.execute("SELECT count(*) FROM decisions WHERE amount_fen > ? AND (first_approver IS NULL "
                                 "OR first_approver = approved_by)", [THRESHOLD]).fetchone()[0]
        assert single == 0

    @invariant()
    def archives_in_file_only_through_an_approval(self) -> None:
        if not hasattr(self, "db"):
            return
        stray = self.db.execute(
            "SELECT count(*) FROM households h WHERE h.status = 'active' AND NOT EXISTS ("
            "SELECT 1 FROM decisions d JOIN applications a ON a.id = d.application_id WHERE d.household_id = h.id "
            "AND d.kind = 'new_archive' AND d.outcome = 'approved' AND d.approved_by <> a.entered_by)").fetchone()[0]
        assert stray == 0


WorkflowMachine.TestCase.settings = settings(max_examples=80, stateful_step_count=50, deadline=None,
                                             suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.filter_too_much])
TestWorkflowMachine = WorkflowMachine.TestCase


def test_the_machine_reaches_approvals():
    """Guard against a vacuous run: a scripted path through the same rules ends approved."""
    m = WorkflowMachine()
    try:
        app = m.file("clerk", 0, "project", "1", 300_000)
        m.all_materials("clerk", app)
        m.visit("reviewer", app)
        m.evaluate("reviewer", app, None, 0, None)
        m.approve("approver", app, None, "")            # too early: refused
        assert workflow.load(m.db, app)["status"] == "publicity"
        m.time_passes(6)
        m.time_passes(2)
        m.close_publicity("clerk", app)
        m.approve("clerk", app, None, "")               # no permission
        m.approve("approver", app, None, "")
        assert workflow.load(m.db, app)["status"] == "approved"
        m.nobody_approves_what_they_entered()
        m.no_approval_before_publicity_ended()
        m.nothing_above_the_cap_without_an_override()
        m.archives_in_file_only_through_an_approval()
    finally:
        m.teardown()
