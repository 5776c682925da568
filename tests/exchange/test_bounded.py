"""Imports of junk take bounded memory; ``sheet map`` reads only its header window; problems are capped.

Each command runs in its own process (its peak RSS is the VmHWM it reports as it exits: the
``ru_maxrss`` of a child also counts the parent it was forked from). The junk workbooks are written
in constant memory (``junk``). python-calamine reads a sheet of up to ``reader.FAST_CELLS`` cells
whole, so these CI-sized files are read with that limit lowered, the way every bigger file is
read; the real figures for 200,000 and 400,000 rows are in the README (``benchmarks/bounded.py``).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook

from helpdesk_gui.exchange import reader, spec
from helpdesk_gui.exchange.problems import MAX_SHOWN

from . import junk
from .conftest import BatchBuilder, household, person, table

SRC = Path(__file__).resolve().parents[2] / "src"
PASSWORD = "bounded-admin-1"
RUN = ("import sys, atexit; from helpdesk_gui.exchange import reader; reader.FAST_CELLS = {cells}; "
       "atexit.register(lambda: sys.stderr.write(next(x for x in open('/proc/self/status') if x.startswith('VmHWM')))); "
       "from helpdesk_gui.cli import main; sys.exit(main(sys.argv[1:]))")


def helpdesk(folder: Path, *args: str, fast_cells: int = 100_000) -> tuple[int, float, str]:
    """(exit status, peak RSS in MB, stdout) of ``helpdesk args`` in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "HELPDESK_DATA_DIR": str(folder), "QT_QPA_PLATFORM": "offscreen",
           "HELPDESK_ADMIN_PASSWORD": PASSWORD, "HELPDESK_USER": "admin", "HELPDESK_PASSWORD": PASSWORD}
    proc = subprocess.run([sys.executable, "-c", RUN.format(cells=fast_cells), *args], env=env,
                          capture_output=True, text=True, encoding="utf-8", check=False)
    peak = re.search(r"VmHWM:\s+(\d+) kB", proc.stderr)
    assert peak, proc.stderr
    return proc.returncode, int(peak.group(1)) / 1024, proc.stdout + proc.stderr[:peak.start()]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bounded")
    code, _mb, out = helpdesk(folder / "data", "init", "--county-code", "530100", "--union-name", "某某市总工会")
    assert code == 0, out
    code, _mb, out = helpdesk(folder / "data", "mutual-plan-new", "--year", "2026")
    assert code == 0, out
    return folder


def test_batch_import_of_junk_is_bounded_and_its_problems_capped(work: Path) -> None:
    peaks = {}
    for rows in (20_000, 60_000):
        path = junk.batch(work / f"batch-{rows}.xlsx", rows)
        report = work / f"report-{rows}.xlsx"
        code, peaks[rows], out = helpdesk(work / "data", "batch", "import", str(path), "--dry-run",
                                          "--report", str(report))
        assert code == 1, out   # a dry run says what the real import would do: refuse it
        errors = rows * 22   # 22 of the 27 cells of each row are refused
        assert f"{errors:,} 个错误" in out
        assert f"另有 {errors + 1 + rows - MAX_SHOWN:,} 个问题未列出" in out, out
    assert peaks[60_000] < 150, peaks
    assert peaks[60_000] < 1.35 * peaks[20_000], peaks   # three times the rows, hardly more memory
    book = load_workbook(report, read_only=True)
    listing = list(book[spec.ERRORS_SHEET].iter_rows(values_only=True))
    assert len([r for r in listing[1:] if r[0] is not None]) == MAX_SHOWN
    assert any("另有" in str(v) and "个问题未列出" in str(v) for r in listing for v in r if v)
    book.close()


def test_sheet_map_reads_only_the_header_window_and_sheet_import_is_bounded(work: Path) -> None:
    path = junk.station(work / "station.xlsx", 60_000)
    code, peak, out = helpdesk(work / "data", "sheet", "map", str(path))
    assert code == 0, out
    proposal = json.loads(out[:out.rindex("}") + 1])
    assert proposal["header_row"] == 2 and proposal["columns"]["身份证号码"] == "公民身份号码"
    assert peak < 70, peak
    (work / "mapping.json").write_text(json.dumps(proposal, ensure_ascii=False), encoding="utf-8")
    code, peak, out = helpdesk(work / "data", "sheet", "import", str(path), "--mapping", str(work / "mapping.json"),
                               "--dry-run")
    assert code == 1 and "不能导入" in out and "个问题未列出" in out, out
    assert peak < 120, peak


def test_member_list_of_junk_is_bounded(work: Path) -> None:
    path = junk.member_list(work / "members.xlsx", 60_000)
    code, peak, out = helpdesk(work / "data", "mutual-import", str(path), "--year", "2026", "--unit", "某厂",
                               "--dry-run", "--json")
    assert code == 1, out
    result = json.loads(out[:out.rindex("}") + 1])
    assert result["counts"]["rows"] == 60_000 and result["counts"]["bad"] == 60_000
    assert len(result["problems"]) == MAX_SHOWN
    assert peak < 120, peak


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    out = []
    for r in rows:
        r = list(r)
        while r and r[-1] == "":
            r.pop()
        out.append(r)
    while out and not out[-1]:
        out.pop()
    return out


def test_the_streaming_reader_gives_what_python_calamine_gives(tmp_path: Path, builder: BatchBuilder) -> None:
    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.title = "类型"
    ws["C3"], ws["D3"], ws["E3"], ws["F3"] = 3, 3.5, "文本 & <符号>", True
    ws["G3"], ws["H3"], ws["J3"] = _dt.date(2020, 1, 2), _dt.datetime(2020, 1, 2, 3, 4, 5), _dt.time(3, 4)
    ws["I3"], ws["K3"], ws["L3"] = "=1+1", 1e20, "  前后空格  "
    ws["G4"], ws["H4"], ws["I4"], ws["J4"] = 45000, 45000.5, 45000, 12
    ws["G4"].number_format, ws["H4"].number_format = "yyyy年m月d日", "0.00"
    ws["I4"].number_format, ws["J4"].number_format = '[$-804]yyyy"年"m"月"', "@"
    ws["A7"], ws["AB7"] = "身份证号", "110101198001011234"
    ws.merge_cells("A8:B9")
    ws["A8"] = "合并"
    mixed = tmp_path / "mixed.xlsx"
    wb.save(mixed)
    batch = builder.write({spec.HOUSEHOLDS: table(spec.HOUSEHOLDS, [household("530122202400001", "张三",
                                                                               person("1980-01-01", 1))])})
    for path in (mixed, batch, junk.batch(tmp_path / "junk.xlsx", 300), junk.station(tmp_path / "s.xlsx", 300)):
        with reader.Workbook.open(path) as book:
            for name in book.sheet_names:
                assert _trimmed(list(book.streamed(name))) == _trimmed(list(book.values(name))), (path.name, name)
