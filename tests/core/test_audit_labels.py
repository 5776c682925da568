"""The audit trail reads in Chinese: every action and kind of record the code writes has a label, every field a
write can dump has a Chinese name, amounts show in yuan, times in local time, codes by their labels.

The source is read, not run (as tests/core/test_layers.py does): each ``audit.record(...)`` call gives its action
and entity, and the keys of the dicts it writes; a new action, entity or key without a label fails here.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

from helpdesk_gui.core.access import audit, audit_labels
from helpdesk_gui.core.access.audit_fields import FIELD_LABELS
from helpdesk_gui.core.base import codes

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "helpdesk_gui"
#: f-string actions the catalogue builds from code lists: the pattern → how the test lists its values
DYNAMIC = {"workflow.{action}", "exchange_{entry.direction}_{entry.result}"}
#: tables whose rows no audit entry dumps (bookkeeping, the trail itself, search indexes)
NOT_AUDITED = re.compile(r"^(_sqlite_migrations|audit_log|meta|settings|code_lists|code_aliases|.*_serials|"
                         r"households_fts.*|exchange_sync|sqlite_.*)$")
SECRET_COLUMNS = {"password_hash", "hash", "prev_hash"}


def _trees() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"), str(path))


def _calls(name: str, owner: str | None = None) -> Iterator[tuple[str, ast.Call, ast.Module]]:
    for where, tree in _trees():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            by_attribute = isinstance(f, ast.Attribute) and f.attr == name and (
                owner is None or (isinstance(f.value, ast.Name) and f.value.id == owner))
            by_name = isinstance(f, ast.Name) and f.id == name and owner is None
            if by_attribute or by_name:
                yield where, node, tree


def _literals(node: ast.expr) -> set[str]:
    """The strings an argument can be: a literal, either side of ``a if c else b``; f-strings as their source."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literals(node.body) | _literals(node.orelse)
    if isinstance(node, ast.JoinedStr):
        return {ast.unparse(node)[2:-1]}
    raise AssertionError(f"not a literal: {ast.unparse(node)}")


def _record_calls() -> list[tuple[str, ast.Call, ast.Module]]:
    found = list(_calls("record", "audit"))
    assert len(found) > 80, "the scan found too few audit.record calls"
    # the chain's own rows (seal, rekey) are appended directly, with the same argument order
    found += [(w, c, t) for w, c, t in _calls("append") if w == "core/access/chain.py" and len(c.args) >= 4]
    assert any(w == "core/access/chain.py" for w, _c, _t in found)
    return found


def _step_calls() -> Iterator[tuple[str, ast.Call, ast.Module]]:
    """``step(...)`` and ``workflow.step(...)``: core.workflow.base.step, which writes the audit row."""
    for where, call, tree in _calls("step"):
        f = call.func
        if isinstance(f, ast.Name) or (isinstance(f.value, ast.Name) and f.value.id == "workflow"):  # type: ignore[attr-defined]
            yield where, call, tree


def _step_actions() -> set[str]:
    """The workflow step actions: the 4th argument of every step."""
    return {n.args[3].value for _w, n, _t in _step_calls() if len(n.args) > 3
            and isinstance(n.args[3], ast.Constant) and isinstance(n.args[3].value, str)}


def test_every_action_written_has_a_label():
    missing, dynamic = [], set()
    for where, call, _tree in _record_calls():
        for action in _literals(call.args[2]):
            if "{" in action:
                dynamic.add(action)
                assert action in DYNAMIC, f"{where}:{call.lineno}: a new kind of computed action {action!r}"
            elif action not in audit_labels.ACTION_LABELS:
                missing.append(f"{where}:{call.lineno} {action}")
    assert not missing, "audit actions without a label in core/access/audit_labels.py: " + ", ".join(missing)
    assert dynamic == DYNAMIC
    steps = _step_actions()
    assert {"file", "approve", "paid"} <= steps
    assert not {f"workflow.{s}" for s in steps} - audit_labels.ACTION_LABELS.keys()


def test_exchange_and_unknown_actions_never_read_as_codes():
    book = codes.CodeBook.defaults()
    for d in book.items("exchange_direction"):
        for r in book.items("exchange_result"):
            label = audit_labels.action_label(f"exchange_{d.code}_{r.code}")
            assert not re.search(r"[A-Za-z_]", label), label
    assert audit_labels.action_label("exchange_out_sent") == "发出交换批次"
    assert audit_labels.action_label("workflow.file") == "受理"
    for code, label in audit_labels.ACTION_LABELS.items():
        assert not re.search(r"[A-Za-z_]", label), (code, label)


def test_every_entity_written_has_a_label():
    missing = [f"{w}:{c.lineno} {e}" for w, c, _t in _record_calls() for e in _literals(c.args[3])
               if e not in audit_labels.ENTITY_LABELS]
    assert not missing, "audit entities without a label: " + ", ".join(missing)


def test_only_the_audit_module_writes_the_trail():
    writers = [w for w, tree in _trees() for n in ast.walk(tree)
               if isinstance(n, ast.Constant) and isinstance(n.value, str) and "INSERT INTO audit_log" in n.value]
    assert writers == ["core/access/chain.py"]          # the keyed chain appends; audit.record is the way in
    imported = [w for w, tree in _trees() for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                and n.module == "helpdesk_gui.core.access.audit" and any(a.name == "record" for a in n.names)]
    assert not imported, f"record imported by name (the scan looks for audit.record): {imported}"


def _dict_keys(node: ast.AST, scope: ast.AST | None) -> set[str]:
    """String keys of the dict literals in ``node`` (``dict(a=…)`` too); a name is followed to its assignments
    and ``name["key"] = …`` in the enclosing function."""
    keys: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Dict):
            keys |= {k.value for k in n.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "dict":
            keys |= {k.arg for k in n.keywords if k.arg}
        elif isinstance(n, ast.Name) and scope is not None:
            for a in ast.walk(scope):
                if isinstance(a, ast.Assign) and any(isinstance(t, ast.Name) and t.id == n.id for t in a.targets):
                    keys |= _dict_keys(a.value, None)
                elif (isinstance(a, ast.Subscript) and isinstance(a.ctx, ast.Store) and isinstance(a.value, ast.Name)
                      and a.value.id == n.id and isinstance(a.slice, ast.Constant) and isinstance(a.slice.value, str)):
                    keys.add(a.slice.value)
    return keys


def _enclosing(tree: ast.Module, node: ast.expr) -> ast.AST | None:
    """The innermost function around ``node``."""
    around = [f for f in ast.walk(tree)
              if isinstance(f, ast.FunctionDef) and f.lineno <= node.lineno <= (f.end_lineno or 0)]
    return max(around, key=lambda f: f.lineno, default=None)


def written_keys() -> set[str]:
    """Keys of what the code writes into before/after: audit.record's last two arguments, a workflow step's data
    and fields, a voucher's ``audit_detail``, an exchange batch's summary."""
    keys: set[str] = set()
    for _w, call, tree in _record_calls():
        for arg in call.args[5:7]:
            keys |= _dict_keys(arg, _enclosing(tree, call))
    for _w, call, tree in _step_calls():
        if len(call.args) > 3:
            for arg in call.args[7:]:
                keys |= _dict_keys(arg, _enclosing(tree, call))
            keys |= {k.arg for k in call.keywords if k.arg}
    for name in ("post_voucher", "BatchEntry", "add_batch"):
        for _w, call, tree in _calls(name):
            for kw in call.keywords:
                if kw.arg in ("audit_detail", "summary"):
                    keys |= _dict_keys(kw.value, _enclosing(tree, call))
    return keys


def test_every_field_written_has_a_chinese_name(database):
    keys = written_keys()
    assert {"roles", "total_fen", "by_fund", "publicity_start", "fingerprint"} <= keys
    for (table,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        if not NOT_AUDITED.match(table):
            keys |= {r[1] for r in database.execute(f"PRAGMA table_info('{table}')")} - SECRET_COLUMNS
    missing = sorted(keys - FIELD_LABELS.keys())
    assert not missing, "fields without a Chinese name in core/access/audit_fields.py: " + ", ".join(missing)
    for key, label in FIELD_LABELS.items():
        assert not re.search(r"[A-Za-z_]", label), (key, label)


def test_the_filter_lists_each_label_once():
    choices = audit_labels.action_choices(["login", "an_old_action"])
    labels = [label for label, _codes in choices]
    assert len(labels) == len(set(labels))
    listed = [code for _label, group in choices for code in group]
    assert sorted(listed) == sorted({*audit_labels.ACTION_LABELS, "an_old_action"})
    assert ("设置", ("put", "set")) in choices and ("不予批准", ("reject", "workflow.reject")) in choices



def test_describe_shows_yuan_local_times_and_labels(beijing):
    after = json.dumps({"kind": "payment", "summary": "发放生活救助", "lines": 12345, "total_fen": 123456789,
                        "by_fund": {"3": -150000}, "status": "paid", "posted_at": "2026-12-04T13:24:00+00:00",
                        "roles": ["finance", "admin"], "fields": ["id_number", "members.id_number"],
                        "entries": [{"kind": "payment", "amount_fen": -150000, "project": "1"}], "year": 2026,
                        "signed": True, "unknown_key": "x"}, ensure_ascii=False)
    lines = audit_labels.describe(after, entity="payment_roster", action="status")
    text = "\n".join(lines)
    assert "合计金额：1,234,567.89 元" in lines and "分录数：12,345" in lines and "年度：2026" in lines
    assert "各资金金额：" in lines and "  资金 3：-1,500.00 元" in lines
    assert "记账时间：2026-12-04 21:24" in lines and "+00:00" not in text
    assert "角色：财务、系统管理员" in lines and "内容：公民身份号码、家庭成员·公民身份号码" in lines
    assert "已签名：是" in lines and "unknown_key：x" in lines
    assert "状态：已发放" in lines   # a roster's status, from the code list roster_status
    assert lines[lines.index("分录：") + 1:lines.index("分录：") + 5] == [
        "  第 1 项：", "    类别：帮扶支出", "    帮扶项目：生活救助", "    金额：-1,500.00 元"]   # the catalogue's order
    assert "_fen" not in text
    assert audit_labels.describe(None) == [] and audit_labels.describe("不是 JSON") == ["不是 JSON"]


def test_filter_by_several_actions(database, admin):
    rows = audit.query(database, audit.AuditFilter(action=("create", "init")))
    assert rows and {r["action"] for r in rows} <= {"create", "init"}
    assert audit.count(database, audit.AuditFilter(action=("create", "init"))) == len(rows)
    assert "init" in audit.actions(database)
