"""The command line is a user, not a back door (CLI.md “Who runs a command”): every command but ``init``
logs in the user who runs it, with the window's lockout, and acts with that user's role and name; writing
commands take the data folder's lock."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk_gui.cli import main
from helpdesk_gui.cli.app import COMMANDS, build_parser
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.demo import households as demo

CLI = Path(__file__).resolve().parents[2] / "src" / "helpdesk_gui" / "cli"
SRC = str(CLI.parents[1])


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def register(database):
    from helpdesk_gui.core.access import auth
    demo.generate(database, auth.SYSTEM, 30, seed=4)
    return database


#: one call of each kind: reading personal data, writing, and files only
COMMANDS_TRIED = [
    ("stats", "--json"), ("check",), ("print", "archive", "--household", "X", "--reveal", "--out", "x.pdf"),
    ("print", "--list"), ("decisions", "--payable", "--json"), ("applications",), ("ledger", "payable"),
    ("mutual-members", "--year", "2026"), ("batch", "export", "x.xlsx", "--full"),
    ("batch", "import", "x.xlsx", "--dry-run"), ("sheet", "map", "x.xlsx"), ("batch", "template", "t.xlsx"),
    ("demo", "--households", "5"), ("backup",), ("exchange-key",), ("report", "--from", "2026-01-01", "--to",
                                                                        "2026-01-31", "--out", "r.xlsx"),
]


@pytest.mark.parametrize("argv", COMMANDS_TRIED, ids=lambda a: " ".join(a[:2]))
def test_no_command_runs_without_a_user_who_proved_it(register, folder, capsys, monkeypatch, tmp_path, argv):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.xlsx").write_bytes(b"PK")
    households = scalar(register, "SELECT count(*) FROM households")
    monkeypatch.delenv("HELPDESK_USER")
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "HELPDESK_USER" in err, (code, out, err)
    monkeypatch.setenv("HELPDESK_USER", "admin")
    monkeypatch.setenv("HELPDESK_PASSWORD", "wrong-password1")
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "用户名或密码不正确" in err
    assert scalar(register, "SELECT count(*) FROM households") == households
    assert scalar(register, "SELECT failed_logins FROM users WHERE username = 'admin'") == 1


def test_every_command_but_init_opens_a_session():
    """Statically: each command function (or the helper it calls) goes through ``kit.session``; nothing in
    cli/ opens the database another way."""
    parser_names = set(COMMANDS)
    build_parser()
    assert "init" in COMMANDS and len(COMMANDS) >= 20 and parser_names <= set(COMMANDS)
    for path in CLI.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "open_db(" not in text or path.name == "kit.py", path.name
        assert "auth.SYSTEM" not in text or path.name == "register.py", path.name   # the demo's rows only
        assert "acting_user" not in text and "--operator" not in text, path.name
    for name, fn in COMMANDS.items():
        if name == "init":
            continue
        module = sys.modules[fn.__module__]
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
        assert "session" in calls, f"{name}: {module.__name__} never calls kit.session"


def test_the_role_and_the_name_are_the_logged_in_users(register, folder, capsys, monkeypatch, tmp_path):
    archive_no = scalar(register, "SELECT archive_no FROM households ORDER BY id LIMIT 1")
    monkeypatch.setenv("HELPDESK_USER", "clerk")
    monkeypatch.setenv("HELPDESK_PASSWORD", "passw0rd!")
    out_pdf = tmp_path / "a.pdf"
    code, _out, err = run(capsys, "print", "archive", "--household", archive_no, "--reveal", "--out", str(out_pdf))
    assert code == 1 and "无权" in err and not out_pdf.exists()
    code, _out, err = run(capsys, "decisions", "--payable", "--json")          # full IDs and bank accounts
    assert code == 1 and "无权" in err
    code, out, _err = run(capsys, "stats", "--json")
    assert code == 0 and json.loads(out)["households"]["total"] == 30
    monkeypatch.setenv("HELPDESK_USER", "reviewer")
    code, _out, err = run(capsys, "print", "archive", "--household", archive_no, "--reveal", "--out", str(out_pdf))
    assert code == 0, err
    who = scalar(register, "SELECT username FROM audit_log WHERE action LIKE '%reveal%' OR action LIKE 'print%' "
                           "ORDER BY id DESC LIMIT 1")
    assert who == "reviewer"
    logins = [r[0] for r in register.execute("SELECT username FROM audit_log WHERE action = 'login' ORDER BY id")]
    assert logins[-4:] == ["clerk", "clerk", "clerk", "reviewer"]         # each command logged in once


def test_a_writing_command_waits_for_the_folder_then_says_who_holds_it(register, folder, tmp_path):
    """The window holds helpdesk.lock: an import waits a few seconds, then refuses, naming the holder; a read
    runs meanwhile."""
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time; from pathlib import Path; "
                               "from helpdesk_gui.core.base.instance import InstanceLock; "
                               f"l = InstanceLock(Path({str(folder)!r})); assert l.acquire(); print('held', flush=True); "
                               "time.sleep(30)"], env={**os.environ, "PYTHONPATH": SRC}, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        env = {**os.environ, "PYTHONPATH": SRC, "HELPDESK_USER": "admin", "HELPDESK_PASSWORD": "admin1234"}
        batch = tmp_path / "b.xlsx"
        batch.write_bytes(b"PK")
        done = subprocess.run([sys.executable, "-m", "helpdesk_gui", "--data-dir", str(folder), "batch", "import",
                               str(batch)], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 1 and "正被另一个程序使用" in done.stderr and f"进程 {holder.pid}" in done.stderr
        read = subprocess.run([sys.executable, "-m", "helpdesk_gui", "--data-dir", str(folder), "stats", "--json"],
                              env=env, capture_output=True, text=True, timeout=60)
        assert read.returncode == 0 and json.loads(read.stdout)["households"]["total"] == 30
    finally:
        holder.kill()
        holder.wait()
