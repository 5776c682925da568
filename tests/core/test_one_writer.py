"""One writer per data folder: two imports started together never both end in an unexpected error (the second
waits for the folder's lock, then runs or says who holds it); a backup killed half-way leaves no ``.part``
behind after the next start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpdesk_gui.cli import main
from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import backup
from helpdesk_gui.core.demo import households as demo

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_two_imports_at_once_into_one_folder(folder, database, tmp_path, monkeypatch):
    demo.generate(database, auth.SYSTEM, 150, seed=5)
    batch = tmp_path / "530122_上报.xlsx"
    assert main(["batch", "export", str(batch), "--to", "530100", "--full"]) == 0
    monkeypatch.setenv("HELPDESK_ADMIN_PASSWORD", "admin1234")
    city = tmp_path / "city"
    assert main(["--data-dir", str(city), "init", "--county-code", "530100", "--union-name", "某某市总工会"]) == 0
    env = {**os.environ, "PYTHONPATH": SRC, "HELPDESK_USER": "admin", "HELPDESK_PASSWORD": "admin1234"}
    runs = [subprocess.Popen([sys.executable, "-m", "helpdesk_gui", "--data-dir", str(city), "batch", "import",
                              str(batch)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in runs]
    for code, out, err in results:
        assert "意外错误" not in out + err, err
        assert code == 0 or (code == 1 and "正被另一个程序使用" in err), (code, out, err)
    texts = " ".join(out for _c, out, _e in results)
    assert "新增档案 150 户" in texts                                 # exactly one import wrote
    assert not list((city / "backups").glob("*.part"))
    assert main(["--data-dir", str(city), "check"]) == 0


def test_a_killed_backup_leaves_no_part_after_the_next_start(folder, database):
    left = backup.backups_dir(folder) / "helpdesk-20261205-101010-manual.db.4242-abcd.part"
    left.parent.mkdir(parents=True, exist_ok=True)
    left.write_bytes(b"half a copy")
    assert main(["stats", "--json"]) == 0 and left.exists()          # a read does not touch the folder
    assert main(["backup"]) == 0
    assert not list(backup.backups_dir(folder).glob("*.part"))
    assert len(list(backup.backups_dir(folder).glob("helpdesk-*.db"))) >= 1
