"""Peak memory and time of the imports on large junk workbooks, each command in its own process.

    .venv/bin/python benchmarks/bounded.py --rows 200000,400000 [--workdir DIR] [--jobs batch,sheet,map,mutual]
                                           [--src OTHER/src] [--json FILE]

For each size: a junk batch (``batch import --dry-run --report``), a junk station sheet (``sheet map``,
then ``sheet import --dry-run --report``) and a junk 医疗互助 member list (``mutual-import --dry-run``),
all written by ``tests/exchange/junk.py``; with ``--jobs valid``, a *valid* full batch of that many
households instead (``demo`` in a county folder, ``batch export --full``), imported for real
(``batch import``) into a fresh city folder each time. Prints one line per command: rows, wall time, peak RSS
(the VmHWM the child reports as it exits; its ``ru_maxrss`` would also count this process, which it
was forked from), exit status. Uses a data folder of its own
(county 530100, so the junk batch is addressed to it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from exchange import junk  # noqa: E402

PASSWORD = "bench-admin-1"
CHILD = ("import sys, atexit; atexit.register(lambda: sys.stderr.write(next(x for x in open('/proc/self/status') "
         "if x.startswith('VmHWM')))); from helpdesk_gui.cli import main; sys.exit(main())")
SRC = ROOT / "src"


def run(folder: Path, *args: str, stdout_to: Path | None = None) -> tuple[float, float, int, str]:
    """(seconds, peak RSS in MB, exit status, the last lines of its output) of ``helpdesk args``."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "HELPDESK_DATA_DIR": str(folder),
           "HELPDESK_ADMIN_PASSWORD": PASSWORD, "HELPDESK_USER": "admin", "HELPDESK_PASSWORD": PASSWORD}
    out = open(stdout_to, "w") if stdout_to else subprocess.PIPE  # noqa: SIM115
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], env=env, stdout=out, stderr=subprocess.PIPE, text=True)
    text = ""
    if stdout_to is None:
        assert proc.stdout is not None
        text = proc.stdout.read()
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.wait()
    seconds = time.perf_counter() - t0
    if stdout_to:
        out.close()  # type: ignore[union-attr]
    peak = re.search(r"VmHWM:\s+(\d+) kB", err)
    err = err[:peak.start()] if peak else err
    tail = " | ".join((text + err).strip().splitlines()[:2])[:160]
    return seconds, int(peak.group(1)) / 1024 if peak else 0.0, proc.returncode, tail


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="200000,400000")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--jobs", default="batch,sheet,map,mutual")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--src", type=Path, help="the program to measure (default this checkout's src/)")
    a = ap.parse_args()
    global SRC
    SRC = (a.src or SRC).resolve()
    work = a.workdir or Path(tempfile.mkdtemp(prefix="bounded-"))
    work.mkdir(parents=True, exist_ok=True)
    jobs = set(a.jobs.split(","))
    folder = work / "data"
    if not folder.exists():
        print("init", run(folder, "init", "--county-code", "530100", "--union-name", "某某市总工会"), file=sys.stderr)
        print("plan", run(folder, "mutual-plan-new", "--year", "2026"), file=sys.stderr)
    results = []
    for rows in (int(x) for x in a.rows.split(",")):
        def row(job: str, res: tuple[float, float, int, str], rows: int = rows) -> None:
            seconds, mb, code, tail = res
            results.append({"job": job, "rows": rows, "seconds": round(seconds, 2), "peak_mb": round(mb), "exit": code})
            print(f"{job:<14} {rows:>8,} rows  {seconds:7.1f} s  {mb:7.0f} MB  exit {code}  {tail}", flush=True)

        if "batch" in jobs:
            path = work / f"junk-batch-{rows}.xlsx"
            if not path.exists():
                junk.batch(path, rows)
            row("batch import", run(folder, "batch", "import", str(path), "--dry-run",
                                    "--report", str(work / f"report-batch-{rows}.xlsx")))
        if jobs & {"sheet", "map"}:
            path = work / f"junk-station-{rows}.xlsx"
            if not path.exists():
                junk.station(path, rows)
            mapping = work / f"mapping-{rows}.json"
            row("sheet map", run(folder, "sheet", "map", str(path), stdout_to=mapping))
            if "sheet" in jobs:
                json.loads(mapping.read_text(encoding="utf-8"))
                row("sheet import", run(folder, "sheet", "import", str(path), "--mapping", str(mapping), "--dry-run",
                                        "--report", str(work / f"report-sheet-{rows}.xlsx")))
        if "valid" in jobs:
            county = work / f"county-{rows}"
            path = work / f"valid-batch-{rows}.xlsx"
            if not path.exists():
                print("init", run(county, "init", "--county-code", "530102", "--union-name", "某某县总工会"),
                      file=sys.stderr)
                row("demo", run(county, "demo", "--households", str(rows)))
                row("batch export", run(county, "batch", "export", str(path), "--full", "--to", "530100"))
            city = work / f"city-{rows}"
            if city.exists():
                shutil.rmtree(city)
            print("init", run(city, "init", "--county-code", "530100", "--union-name", "某某市总工会"), file=sys.stderr)
            row("valid import", run(city, "batch", "import", str(path)))
        if "mutual" in jobs:
            path = work / f"junk-members-{rows}.xlsx"
            if not path.exists():
                junk.member_list(path, rows)
            row("mutual-import", run(folder, "mutual-import", str(path), "--year", "2026", "--unit", "某厂",
                                     "--dry-run"))
    if a.json:
        a.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
