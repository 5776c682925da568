#!/usr/bin/env python
"""The one benchmark command: our program beside the raw floor, measured in the same run.

    .venv/bin/python benchmarks/run.py --households 100000 [--json out.json] [--workdir DIR]
                                       [--repeats 3] [--jobs demo,search,database] [--markdown out.md]

Every job measures OUR program (the core functions the CLI and the window call) and, beside it,
the RAW libraries doing the same bare work (see ../shared/PERFORMANCE.md), and reports min /
median over the repeats and the ratio ours/raw (of the medians). Jobs live in a small registry
(``@job``); see benchmarks/README.md for how to add one.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import multiprocessing
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
try:
    import helpdesk_gui  # noqa: F401  (installed editable in .venv)
except ImportError:  # a checkout without the install: use src/ directly
    sys.path.insert(0, str(REPO / "src"))

COUNTY = "530122"
UNION = "某某县总工会"
BENCH_PASSWORD = "benchmark-Passw0rd"


# ----------------------------------------------------------------------------- statistics

def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    k = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[k]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# ----------------------------------------------------------------------------- results

@dataclass(frozen=True)
class Target:
    """A target from PERFORMANCE.md. ``on="ours"``: the median of ours ≤ limit; ``on="ratio"``: ours/raw ≤ limit."""

    text: str
    limit: float
    on: str = "ours"


@dataclass
class Row:
    """One measured figure: every sample of ours and of the raw baseline (same unit)."""

    job: str
    metric: str
    unit: str                      # "s", "ms", "MB", "rows/s"
    ours: list[float]
    raw: list[float] | None = None
    target: Target | None = None
    raw_label: str = ""            # what the raw baseline did, briefly
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        """ours/raw of the medians (None for throughput rows, whose time row carries the ratio)."""
        if not self.raw or self.higher_is_better:
            return None
        raw = median(self.raw)
        return median(self.ours) / raw if raw > 0 else None

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.target.on == "ratio":
            r = self.ratio
            return None if r is None else r <= self.target.limit
        value = median(self.ours)
        return value >= self.target.limit if self.higher_is_better else value <= self.target.limit

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "job": self.job, "metric": self.metric, "unit": self.unit,
            "ours": {"min": min(self.ours), "median": median(self.ours), "samples": self.ours},
        }
        if self.raw:
            out["raw"] = {"min": min(self.raw), "median": median(self.raw), "samples": self.raw,
                          "what": self.raw_label}
        out["ratio"] = self.ratio
        out["target"] = asdict(self.target) if self.target else None
        out["met"] = self.met
        return out


@dataclass
class Context:
    households: int
    repeats: int
    seed: int
    workdir: Path
    db_path: Path | None = None          # our demo database (set by the demo job)
    raw_db_path: Path | None = None      # the raw executemany database (set by the demo job)
    details: dict[str, Any] = field(default_factory=dict)

    def log(self, text: str) -> None:
        sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {text}\n")
        sys.stderr.flush()


# ----------------------------------------------------------------------------- job registry

@dataclass(frozen=True)
class Job:
    name: str
    fn: Callable[[Context], list[Row]]
    needs: tuple[str, ...]
    doc: str


JOBS: dict[str, Job] = {}


def job(name: str, *, needs: Sequence[str] = ()) -> Callable[[Callable[[Context], list[Row]]], Callable[[Context], list[Row]]]:
    """Register a job: ``fn(ctx) -> [Row, ...]``. ``needs`` names jobs that must run first (e.g. ``demo``)."""
    def deco(fn: Callable[[Context], list[Row]]) -> Callable[[Context], list[Row]]:
        JOBS[name] = Job(name, fn, tuple(needs), (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "")
        return fn
    return deco


def plan(selected: Sequence[str]) -> list[str]:
    """The selected jobs with their dependencies first, in registry order."""
    wanted: set[str] = set()

    def add(name: str) -> None:
        if name not in JOBS:
            raise SystemExit(f"unknown job {name!r}; known: {', '.join(JOBS)}")
        for dep in JOBS[name].needs:
            add(dep)
        wanted.add(name)

    for name in selected:
        add(name)
    return [name for name in JOBS if name in wanted]


# ----------------------------------------------------------------------------- helpers

def in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``fn(*args)`` in a fresh interpreter (spawn), so its peak RSS is its own."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(fn, args)


def _status_kb(key: str) -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return float(line.split()[1])
    except OSError:
        pass
    return None


def rss_mb() -> float | None:
    kb = _status_kb("VmRSS")
    return None if kb is None else kb / 1024


def peak_rss_mb() -> float:
    """Peak resident set of this process (VmHWM on Linux, ru_maxrss elsewhere)."""
    kb = _status_kb("VmHWM")
    if kb is not None:
        return kb / 1024
    import resource
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def file_mb(path: Path) -> float:
    total = 0
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            total += p.stat().st_size
    return total / (1024 * 1024)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram_gib: float | None = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                    break
    except OSError:
        pass
    try:
        from importlib.metadata import version
        sqlite_utils_version = version("sqlite-utils")
    except Exception:
        sqlite_utils_version = "?"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gib": ram_gib, "os": platform.platform(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "sqlite_utils": sqlite_utils_version,
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


# ============================================================================= job: demo

class _TimedConnection:
    """Wraps a sqlite3 connection, adding up the time spent in ``executemany`` and ``COMMIT``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.sql_s = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def executemany(self, sql: str, rows: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return self._conn.executemany(sql, rows)
        finally:
            self.sql_s += time.perf_counter() - t0

    def execute(self, sql: str, *args: Any) -> Any:
        if not sql.lstrip().upper().startswith("COMMIT"):
            return self._conn.execute(sql, *args)
        t0 = time.perf_counter()
        try:
            return self._conn.execute(sql, *args)
        finally:
            self.sql_s += time.perf_counter() - t0


def _child_demo_ours(folder: str, households: int, seed: int) -> dict[str, Any]:
    """``helpdesk init`` + ``helpdesk demo --households N`` in-process, in a fresh interpreter."""
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.admin import setup
    from helpdesk_gui.core.base import paths
    from helpdesk_gui.core.demo import households as demo
    rss0 = rss_mb()
    path = paths.db_path(Path(folder))
    t0 = time.perf_counter()
    db = setup.initialise(path, COUNTY, UNION, BENCH_PASSWORD)
    t1 = time.perf_counter()
    timed_conn = _TimedConnection(db.conn)
    db.conn = timed_conn  # type: ignore[assignment]  # only to split SQLite time from Python time
    counts = demo.generate(db, auth.SYSTEM, households, seed=seed)
    t2 = time.perf_counter()
    timed_conn.close()
    t3 = time.perf_counter()
    sql_s = timed_conn.sql_s + (t3 - t2)
    return {"init_s": t1 - t0, "demo_s": t2 - t1, "close_s": t3 - t2, "total_s": t3 - t0,
            "sql_s": sql_s, "python_s": (t3 - t1) - sql_s,
            "counts": counts, "rss_start_mb": rss0, "peak_rss_mb": peak_rss_mb()}


# Raw rows: the same tables' shapes (households 54 columns, members 11, assistance 12), random
# values drawn per column from pools of random strings, unique ID numbers / archive numbers.
_H_KINDS = ["id", "region", "d15", "c1", "word", "null", "c1", "c1", "name", "az12", "az3", "c1", "c2", "c1", "idn", "idn", "date", "c1", "null", "c1", "c1", "d11", "d11", "int", "c1", "c1", "b01", "b01", "int", "cjk3", "cjk14", "region", "c1", "real", "c1", "b01", "b01", "b01", "cjk6", "cjk5", "d19", "c1", "c3", "int", "date", "date", "int", "int", "int", "date", "null", "date", "ts", "ts"]
_M_KINDS = ["hid", "int", "name", "c1", "idn", "date", "c1", "c1", "c2", "cjk5", "int"]
_A_KINDS = ["region", "rec", "hid", "c1", "c1", "int", "date", "c1", "cjk5", "null", "word", "ts"]
_CJK = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁伟刚勇毅俊峰强军平保东文辉力明永健镇路村号街巷社区"


def _pool(rng: random.Random, kind: str, size: int = 4096) -> list[Any]:
    def cjk(n: int) -> str:
        return "".join(rng.choices(_CJK, k=n))

    def digits(n: int) -> str:
        return "".join(rng.choices("0123456789", k=n))

    def az(n: int) -> str:
        return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=n))

    make: dict[str, Callable[[], Any]] = {
        "region": lambda: "5301" + digits(2), "d15": lambda: digits(15), "d11": lambda: digits(11),
        "d19": lambda: digits(19), "c1": lambda: rng.choice("123456789"), "c2": lambda: digits(2),
        "c3": lambda: ",".join(rng.choices("123456", k=2)), "word": lambda: rng.choice(("active", "exited", "local")),
        "null": lambda: None, "name": lambda: cjk(rng.randint(2, 3)), "az12": lambda: az(rng.randint(6, 12)),
        "az3": lambda: az(rng.randint(2, 3)), "date": lambda: f"{rng.randint(1960, 2025)}-{rng.randint(1, 12):02d}-"
                                                              f"{rng.randint(1, 28):02d}",
        "int": lambda: rng.randrange(10**7), "b01": lambda: rng.randrange(2), "cjk3": lambda: cjk(3),
        "cjk5": lambda: cjk(5), "cjk6": lambda: cjk(6), "cjk14": lambda: cjk(14) + f"{rng.randint(1, 300)}号",
        "real": lambda: float(rng.randint(25, 110)), "ts": lambda: f"2026-{rng.randint(1, 12):02d}-"
                                                                    f"{rng.randint(1, 28):02d}T09:00:00+08:00",
        "idn": lambda: digits(18), "hid": lambda: 0, "rec": lambda: digits(16), "id": lambda: 0,
    }
    return [make[kind]() for _ in range(size)]


def _child_demo_raw(folder: str, counts: dict[str, int], seed: int) -> dict[str, Any]:
    """The floor: plain random rows, ``executemany`` in one transaction, WAL, no indexes or triggers."""
    rss0 = rss_mb()
    rng = random.Random(seed)
    tables = {"households": _H_KINDS, "members": _M_KINDS, "assistance_records": _A_KINDS}
    pools = {name: [_pool(rng, k) for k in kinds] for name, kinds in tables.items()}  # set-up, not timed
    path = Path(folder) / "raw.db"
    t0 = time.perf_counter()
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    for name, kinds in tables.items():
        cols = ", ".join(f"c{i} {'INTEGER PRIMARY KEY' if i == 0 and name == 'households' else ''}"
                         for i in range(len(kinds)))
        if name != "households":
            cols = "id INTEGER PRIMARY KEY, " + cols
        conn.execute(f"CREATE TABLE {name} ({cols})")
    n_h, n_m, n_a = counts["households"], counts["members"], counts["assistance_records"]
    gen_s = 0.0
    insert_s = 0.0
    conn.execute("BEGIN")
    chunk = 5000
    bits = rng.getrandbits
    h_sql = f"INSERT INTO households VALUES ({', '.join('?' * len(_H_KINDS))})"
    m_sql = f"INSERT INTO members ({', '.join(f'c{i}' for i in range(len(_M_KINDS)))}) VALUES ({', '.join('?' * len(_M_KINDS))})"
    a_sql = (f"INSERT INTO assistance_records ({', '.join(f'c{i}' for i in range(len(_A_KINDS)))}) "
             f"VALUES ({', '.join('?' * len(_A_KINDS))})")
    hp, mp, ap = pools["households"], pools["members"], pools["assistance_records"]
    m_done = a_done = 0
    for start in range(0, n_h, chunk):
        g0 = time.perf_counter()
        stop = min(start + chunk, n_h)
        h_rows = []
        for i in range(start, stop):
            r = [p[bits(12)] for p in hp]
            r[0] = i + 1
            r[2] = f"{COUNTY}{i:09d}"
            r[14] = f"{COUNTY}{i:012d}"
            r[15] = r[14][::-1]
            h_rows.append(r)
        m_to = n_m * stop // n_h
        m_rows = []
        for j in range(m_done, m_to):
            r = [p[bits(12)] for p in mp]
            r[0] = j * n_h // max(n_m, 1) + 1
            r[4] = f"{COUNTY}9{j:011d}"
            m_rows.append(r)
        a_to = n_a * stop // n_h
        a_rows = []
        for j in range(a_done, a_to):
            r = [p[bits(12)] for p in ap]
            r[1] = f"{COUNTY}P{j:010d}"
            r[2] = j * n_h // max(n_a, 1) + 1
            a_rows.append(r)
        m_done, a_done = m_to, a_to
        g1 = time.perf_counter()
        conn.executemany(h_sql, h_rows)
        conn.executemany(m_sql, m_rows)
        conn.executemany(a_sql, a_rows)
        g2 = time.perf_counter()
        gen_s += g1 - g0
        insert_s += g2 - g1
    c0 = time.perf_counter()
    conn.execute("COMMIT")
    conn.close()
    t3 = time.perf_counter()
    insert_s += t3 - c0
    return {"total_s": t3 - t0, "generate_s": gen_s, "insert_s": insert_s,
            "counts": {"households": n_h, "members": m_done, "assistance_records": a_done},
            "rss_start_mb": rss0, "peak_rss_mb": peak_rss_mb()}


@job("demo")
def job_demo(ctx: Context) -> list[Row]:
    """helpdesk init + demo --households N vs plain random rows executemany'd in one transaction (WAL, no indexes)."""
    ours: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    for i in range(ctx.repeats):
        folder = fresh_dir(ctx.workdir / f"demo-ours-{i}")
        ctx.log(f"demo: ours, repeat {i + 1}/{ctx.repeats} ({ctx.households} households)")
        ours.append(in_child(_child_demo_ours, str(folder), ctx.households, ctx.seed))
        ctx.log(f"demo: ours {ours[-1]['total_s']:.2f} s, peak {ours[-1]['peak_rss_mb']:.0f} MB")
        raw_folder = fresh_dir(ctx.workdir / f"demo-raw-{i}")
        raw.append(in_child(_child_demo_raw, str(raw_folder), ours[0]["counts"], ctx.seed))
        ctx.log(f"demo: raw {raw[-1]['total_s']:.2f} s, peak {raw[-1]['peak_rss_mb']:.0f} MB")
        if i > 0:  # keep only the last repeat's databases for the jobs that follow
            shutil.rmtree(ctx.workdir / f"demo-ours-{i - 1}")
            shutil.rmtree(ctx.workdir / f"demo-raw-{i - 1}")
        ctx.db_path = folder / "helpdesk.db"
        ctx.raw_db_path = raw_folder / "raw.db"
    counts = ours[0]["counts"]
    n_rows = counts["households"] + counts["members"] + counts["assistance_records"]
    n_raw = sum(raw[0]["counts"].values())
    ctx.details["demo"] = {"counts": counts, "raw_counts": raw[0]["counts"], "ours": ours, "raw": raw}
    label = "random rows, executemany, 1 transaction, WAL, no indexes"
    return [
        Row("demo", f"init + demo {ctx.households:,} households", "s", [r["total_s"] for r in ours],
            [r["total_s"] for r in raw], Target("≤ 60 s", 60.0), label),
        Row("demo", "  of which init (scrypt of the admin password)", "s", [r["init_s"] for r in ours]),
        Row("demo", "  of which making the rows in Python", "s", [r["python_s"] for r in ours],
            [r["generate_s"] for r in raw], raw_label="random values from pools"),
        Row("demo", "  of which in SQLite (executemany, commit, close)", "s", [r["sql_s"] for r in ours],
            [r["insert_s"] for r in raw], raw_label=label),
        Row("demo", f"rows/s (households + members + payments: {n_rows:,})", "rows/s",
            [n_rows / r["total_s"] for r in ours], [n_raw / r["total_s"] for r in raw], raw_label=label,
            higher_is_better=True),
        Row("demo", "peak RSS of the process", "MB", [r["peak_rss_mb"] for r in ours],
            [r["peak_rss_mb"] for r in raw], Target("≤ 500 MB peak", 500.0), label),
    ]


# ============================================================================= job: search

@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    filters: dict[str, str]
    raw_sql: str
    raw_params: tuple[Any, ...]


def _glob(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text) + "*"


QUERY_MIX = (("name", 26), ("initials", 22), ("pinyin", 22), ("id_digits", 24), ("phone_prefix", 14),
             ("phone_suffix", 14), ("employer", 20), ("township", 18), ("address", 40))


def draw_queries(conn: sqlite3.Connection, seed: int, n: int = 200) -> list[Query]:
    """``n`` mixed queries drawn deterministically from the register (same seed, same queries)."""
    rng = random.Random(seed * 7919 + 17)
    ids = [r[0] for r in conn.execute("SELECT id FROM households ORDER BY id")]
    employers = [r[0] for r in conn.execute("SELECT name FROM employers ORDER BY id")]
    total = sum(w for _, w in QUERY_MIX)
    kinds = [k for k, w in QUERY_MIX for _ in range(max(1, round(w * n / total)))][:n]
    while len(kinds) < n:
        kinds.append(QUERY_MIX[len(kinds) % len(QUERY_MIX)][0])
    rng.shuffle(kinds)
    hh_sql = ("SELECT name, name_pinyin, name_initials, id_number, phone, township, address "
              "FROM households WHERE id = ?")
    out: list[Query] = []
    for kind in kinds:
        name, full, initials, idn, phone, township, address = conn.execute(hh_sql, [rng.choice(ids)]).fetchone()
        if kind == "name":
            text = name[:rng.randint(1, min(3, len(name)))]
            sql, params = "SELECT id FROM households WHERE name GLOB ? LIMIT 50", (_glob(text),)
        elif kind == "initials":
            text = initials[:rng.randint(2, 3)]
            sql, params = "SELECT id FROM households WHERE name_initials GLOB ? LIMIT 50", (_glob(text),)
        elif kind == "pinyin":
            text = full[:rng.randint(3, max(3, min(8, len(full))))]
            sql, params = "SELECT id FROM households WHERE name_pinyin GLOB ? LIMIT 50", (_glob(text),)
        elif kind == "id_digits":
            text = idn[-rng.randint(4, 6):]
            sql, params = "SELECT id FROM households WHERE id_rev GLOB ? LIMIT 50", (_glob(text[::-1]),)
        elif kind == "phone_prefix":
            text = phone[:rng.randint(3, 7)]
            sql, params = "SELECT id FROM households WHERE phone GLOB ? LIMIT 50", (_glob(text),)
        elif kind == "phone_suffix":
            text = phone[-rng.randint(4, 5):]
            sql, params = "SELECT id FROM households WHERE phone_rev GLOB ? LIMIT 50", (_glob(text[::-1]),)
        elif kind == "employer":
            emp = rng.choice(employers)
            k = rng.randint(2, min(4, len(emp)))
            start = rng.randrange(len(emp) - k + 1)
            text = emp[start:start + k]
            sql = ("SELECT id FROM households WHERE employer_id IN "
                   "(SELECT id FROM employers WHERE name LIKE ?) LIMIT 50")
            params = (f"%{text}%",)
        elif kind == "township":
            text = township
            sql, params = "SELECT id FROM households WHERE township GLOB ? LIMIT 50", (_glob(text),)
        else:  # address substring of 3-6 characters, not all digits
            while True:
                k = rng.randint(3, min(6, len(address)))
                start = rng.randrange(len(address) - k + 1)
                text = address[start:start + k]
                if not text.isdigit():
                    break
            sql = "SELECT rowid FROM households_fts WHERE households_fts MATCH ? LIMIT 50"
            params = ('"' + text.replace('"', '""') + '"',)
        x = rng.random()
        filters = ({"status": "active"} if x < 0.15 else {"category": rng.choice("123")} if x < 0.22
                   else {"status": "active", "category": rng.choice("12")} if x < 0.25 else {})
        out.append(Query(kind, text, filters, sql, params))
    return out


@job("search", needs=("demo",))
def job_search(ctx: Context) -> list[Row]:
    """200 mixed queries through core.search.search (first 50) vs the bare indexed prefix / FTS5 query."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.register import search

    assert ctx.db_path is not None
    db = dbm.open_db(ctx.db_path)
    raw = sqlite3.connect(ctx.db_path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    queries = draw_queries(raw, ctx.seed)
    filters = [search.Filters(**q.filters) for q in queries]
    repeats = max(ctx.repeats, 3)
    ctx.log(f"search: {len(queries)} queries × {repeats} repeats (after one warm-up pass)")

    def ours_pass() -> tuple[list[float], list[int]]:
        times, hits = [], []
        for q, f in zip(queries, filters):
            t0 = time.perf_counter()
            found = search.search(db, q.text, f)
            times.append((time.perf_counter() - t0) * 1000)
            hits.append(len(found))
        return times, hits

    def raw_pass() -> list[float]:
        times = []
        for q in queries:
            t0 = time.perf_counter()
            raw.execute(q.raw_sql, q.raw_params).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
        return times

    _, hits = ours_pass()
    raw_pass()
    ours_runs: list[list[float]] = []
    raw_runs: list[list[float]] = []
    for _ in range(repeats):
        ours_runs.append(ours_pass()[0])
        raw_runs.append(raw_pass())

    # per-query median over the repeats, for the breakdown by kind and the slowest queries
    per_q_ours = [median([run[i] for run in ours_runs]) for i in range(len(queries))]
    per_q_raw = [median([run[i] for run in raw_runs]) for i in range(len(queries))]
    by_kind: dict[str, dict[str, Any]] = {}
    for kind, _w in QUERY_MIX:
        idx = [i for i, q in enumerate(queries) if q.kind == kind]
        if idx:
            by_kind[kind] = {"n": len(idx), "ours_p50_ms": percentile([per_q_ours[i] for i in idx], 50),
                             "ours_p95_ms": percentile([per_q_ours[i] for i in idx], 95),
                             "ours_max_ms": max(per_q_ours[i] for i in idx),
                             "raw_p95_ms": percentile([per_q_raw[i] for i in idx], 95)}
    filtered = [i for i, q in enumerate(queries) if q.filters]
    slowest = sorted(range(len(queries)), key=lambda i: -per_q_ours[i])[:10]
    ctx.details["search"] = {
        "repeats": repeats, "by_kind": by_kind,
        "with_filters": {"n": len(filtered), "ours_p95_ms": percentile([per_q_ours[i] for i in filtered], 95)
                         if filtered else None},
        "slowest": [{"kind": queries[i].kind, "text": queries[i].text, "filters": queries[i].filters,
                     "hits": hits[i], "ours_ms": per_q_ours[i], "raw_ms": per_q_raw[i]} for i in slowest],
        "queries": [{"kind": q.kind, "text": q.text, "filters": q.filters} for q in queries],
    }

    # the list model: every id in sort order, and the count
    sort_repeats = max(ctx.repeats, 5)
    sorts: list[tuple[str, Callable[[], Any], str, tuple[Any, ...]]] = [
        ("search_ids(), all, by name", lambda: search.search_ids(db, order_by="name"),
         "SELECT id FROM households ORDER BY name_pinyin", ()),
        ("search_ids(), all, by per_capita", lambda: search.search_ids(db, order_by="per_capita"),
         "SELECT id FROM households ORDER BY per_capita_month_fen", ()),
        ("search_ids(), status=active, by name",
         lambda: search.search_ids(db, filters=search.Filters(status="active"), order_by="name"),
         "SELECT id FROM households WHERE status = ? ORDER BY name_pinyin", ("active",)),
        ("count(), all", lambda: search.count(db), "SELECT count(*) FROM households", ()),
        ("count(), status=active", lambda: search.count(db, filters=search.Filters(status="active")),
         "SELECT count(*) FROM households WHERE status = ?", ("active",)),
    ]
    rows_out = [
        Row("search", f"search() p50, {len(queries)} queries", "ms", [percentile(r, 50) for r in ours_runs],
            [percentile(r, 50) for r in raw_runs], raw_label="bare GLOB prefix / FTS5 MATCH, LIMIT 50"),
        Row("search", f"search() p95, {len(queries)} queries", "ms", [percentile(r, 95) for r in ours_runs],
            [percentile(r, 95) for r in raw_runs], Target("p95 ≤ 10 ms", 10.0), "bare GLOB prefix / FTS5 MATCH, LIMIT 50"),
        Row("search", f"search() max, {len(queries)} queries", "ms", [max(r) for r in ours_runs],
            [max(r) for r in raw_runs], raw_label="bare GLOB prefix / FTS5 MATCH, LIMIT 50"),
    ]
    for label, fn, raw_sql, raw_params in sorts:
        ctx.log(f"search: {label}")
        ours_t = [timed(fn)[0] * 1000 for _ in range(sort_repeats)]
        raw_t = [timed(lambda s=raw_sql, p=raw_params: raw.execute(s, p).fetchall())[0] * 1000
                 for _ in range(sort_repeats)]
        target = Target("sort ≤ 200 ms (in SQL)", 200.0) if label.startswith("search_ids") else None
        rows_out.append(Row("search", label, "ms", ours_t, raw_t, target, raw_sql))
    raw.close()
    db.conn.close()
    return rows_out


# ============================================================================= job: database

@job("database", needs=("demo",))
def job_database(ctx: Context) -> list[Row]:
    """Size of helpdesk.db after demo, and ``helpdesk check`` (core.check.run) vs integrity_check + foreign_key_check."""
    from helpdesk_gui.core import check
    from helpdesk_gui.core import db as dbm

    assert ctx.db_path is not None and ctx.raw_db_path is not None
    size = file_mb(ctx.db_path)
    raw_size = file_mb(ctx.raw_db_path)
    conn = sqlite3.connect(ctx.db_path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        by_object = [(name, round(pg / 1024 / 1024, 2)) for name, pg in conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")]
    except sqlite3.OperationalError:  # SQLite built without dbstat
        by_object = []
    conn.close()
    ctx.details["database"] = {"size_by_object_mb": by_object}

    def ours_check() -> list[str]:
        db = dbm.open_db(ctx.db_path, readonly=True)  # type: ignore[arg-type]
        try:
            return check.run(db)
        finally:
            db.conn.close()

    def raw_check() -> None:
        c = sqlite3.connect(ctx.db_path.resolve().as_uri() + "?mode=ro", uri=True)  # type: ignore[union-attr]
        try:
            c.execute("PRAGMA integrity_check").fetchall()
            c.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            c.close()

    ours_t: list[float] = []
    raw_t: list[float] = []
    failures: list[str] = []
    for i in range(ctx.repeats):
        ctx.log(f"database: check, repeat {i + 1}/{ctx.repeats}")
        took, failures = timed(ours_check)
        ours_t.append(took)
        raw_t.append(timed(raw_check)[0])
    ctx.details["database"]["check_failures"] = failures
    return [
        Row("database", "helpdesk.db size after demo", "MB", [size], [raw_size],
            raw_label="the raw executemany database (no indexes, no FTS)"),
        Row("database", "helpdesk check" + (" (FAILED)" if failures else ""), "s", ours_t, raw_t,
            raw_label="PRAGMA integrity_check + foreign_key_check"),
    ]


def _child_window_ours(db_path: str) -> dict[str, Any]:
    """Start to a usable register list: imports, QApplication, fonts, open, main window, painted list.

    The home page counts its worklists on a worker thread meanwhile; the jump and the keystroke are
    measured once those counts are on screen (the steady state a clerk types in)."""
    started = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from pathlib import Path as _Path

    from PySide6.QtWidgets import QApplication

    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.gui import fonts
    from helpdesk_gui.gui.context import AppContext
    from helpdesk_gui.gui.main_window import MainWindow

    app = QApplication([])
    fonts.install(app)
    db = dbm.open_db(_Path(db_path))
    actor = auth.get_actor(db, "admin")
    rss_before = rss_mb() or 0.0
    window = MainWindow(AppContext(folder=_Path(db_path).parent, db=db, actor=actor))
    counted: list[float] = []
    window.pages["home"].loaded.connect(lambda: counted.append(time.perf_counter() - started))  # type: ignore[attr-defined]
    window.show_page("register")
    window.resize(1360, 820)
    window.show()
    app.processEvents()
    window.grab()
    usable = time.perf_counter() - started
    page = window.pages["register"]
    assert page.model.rowCount() > 0 and page.search_edit.isEnabled()  # type: ignore[attr-defined]
    deadline = time.perf_counter() + 120
    while not counted and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.002)
    t = time.perf_counter()
    page.table.scrollToBottom()  # type: ignore[attr-defined]
    page.table.viewport().repaint()  # type: ignore[attr-defined]
    jump = time.perf_counter() - t
    t = time.perf_counter()
    page.search_edit.setText("zs")  # type: ignore[attr-defined]
    page.apply_query()  # type: ignore[attr-defined]
    page.table.viewport().repaint()  # type: ignore[attr-defined]
    keystroke = time.perf_counter() - t
    rss_after = rss_mb() or 0.0
    # the register model alone: a second model over every household, first and last rows fetched
    import gc

    from helpdesk_gui.gui.register.model import HouseholdTableModel
    gc.collect()
    before_model = rss_mb() or 0.0
    model = HouseholdTableModel(db, window.ctx.codebook())
    model.reload()
    model.index(0, 1).data()
    model.index(model.rowCount() - 1, 1).data()
    model_mb = (rss_mb() or 0.0) - before_model
    return {"usable_s": usable, "counts_s": counted[0] if counted else math.nan,
            "jump_ms": jump * 1000, "keystroke_ms": keystroke * 1000,
            "window_mb": rss_after - rss_before, "model_mb": model_mb, "peak_mb": peak_rss_mb(),
            "rows": page.model.rowCount()}  # type: ignore[attr-defined]


def _child_window_raw() -> dict[str, Any]:
    """A bare QApplication with an empty window, shown and painted."""
    started = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.resize(1360, 820)
    window.show()
    app.processEvents()
    window.grab()
    usable = time.perf_counter() - started
    # the floor of repainting a list: a bare QTableView over 50 × 13 plain items, same size
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView
    model = QStandardItemModel(50, 13)
    for r in range(50):
        for c in range(13):
            model.setItem(r, c, QStandardItem(f"{r}-{c} 测试文字"))
    view = QTableView()
    view.setModel(model)
    window.setCentralWidget(view)
    app.processEvents()
    t = time.perf_counter()
    view.viewport().repaint()
    paint = time.perf_counter() - t
    return {"usable_s": usable, "paint_ms": paint * 1000, "peak_mb": peak_rss_mb()}


@job("window", needs=("demo",))
def job_window(ctx: Context) -> list[Row]:
    """Start to a usable register list over the demo register, jump to the end, one search keystroke."""
    assert ctx.db_path is not None
    ours: list[dict[str, Any]] = []
    raw: list[dict[str, Any]] = []
    for i in range(ctx.repeats):
        ctx.log(f"window: start, repeat {i + 1}/{ctx.repeats}")
        ours.append(in_child(_child_window_ours, str(ctx.db_path)))
        raw.append(in_child(_child_window_raw))
    return [
        Row("window", "start to usable register list", "s", [o["usable_s"] for o in ours],
            [r["usable_s"] for r in raw], Target("≤ 1.5 s", 1.5), "bare QApplication + empty QMainWindow, painted"),
        Row("window", "  home page worklist counts on screen (worker thread, from start)", "s",
            [o["counts_s"] for o in ours]),
        Row("window", "register list: jump to the end and repaint", "ms", [o["jump_ms"] for o in ours],
            [r["paint_ms"] for r in raw], Target("≤ 50 ms", 50), "repaint of a bare QTableView, same size"),
        Row("window", "register list: search keystroke to repainted list ('zs')", "ms",
            [o["keystroke_ms"] for o in ours], [r["paint_ms"] for r in raw], Target("≤ 50 ms", 50),
            "repaint of a bare QTableView, same size"),
        Row("window", "register model over all households (ids + fetched blocks)", "MB",
            [o["model_mb"] for o in ours], target=Target("model ≤ 20 MB", 20)),
        Row("window", "memory of the whole window after scrolling to the end", "MB",
            [o["window_mb"] for o in ours]),
        Row("window", "peak RSS of the window process", "MB", [o["peak_mb"] for o in ours],
            [r["peak_mb"] for r in raw], Target("≤ 500 MB peak", 500), "bare QApplication + empty window"),
    ]


# ============================================================================= job: forms

@job("forms", needs=("demo",))
def job_forms(ctx: Context) -> list[Row]:
    """1,000 one-page approval forms into one PDF (printing.render) vs reportlab's canvas drawing the same page."""
    try:
        from benchmarks import forms_raw
    except ImportError:  # run as a script: benchmarks/ itself is on sys.path
        import forms_raw  # type: ignore[no-redef]
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.admin import settings
    from helpdesk_gui.core.base import codes
    from helpdesk_gui.core.ledger import rosters
    from helpdesk_gui.printing import fonts, render, template
    from helpdesk_gui.printing.sources import Selection

    assert ctx.db_path is not None
    db = dbm.open_db(ctx.db_path)
    ids = tuple(r[0] for r in db.execute("SELECT id FROM households ORDER BY id LIMIT 1000"))
    record_ids = tuple(r[0] for r in db.execute("SELECT id FROM assistance_records ORDER BY id LIMIT 2000"))
    fonts.ensure()  # both sides use the fonts registered once, outside the timing
    actor = auth.get_actor(db, "admin")
    book = codes.load(db)
    labels = {name: {i.code: i.label for i in book.items(name)}
              for name in ("gender", "enterprise_condition", "work_status", "category", "cause")}
    dibao = int(settings.get(db, "default_dibao_month_fen"))
    today = _dt.date.today()
    print_date = f"{today.year}年{today.month}月{today.day}日"
    form = template.find("approval")
    roster_form = template.find("roster")
    ours_pdf, raw_pdf = ctx.workdir / "forms-ours.pdf", ctx.workdir / "forms-raw.pdf"
    ours_t: list[float] = []
    raw_t: list[float] = []
    roster_t: list[float] = []
    pages = 0
    for i in range(ctx.repeats):
        ctx.log(f"forms: {len(ids):,} approval forms, repeat {i + 1}/{ctx.repeats}")
        took, printed = timed(lambda: render.render(db, form, Selection(household_ids=ids), ours_pdf, actor=actor))
        ours_t.append(took)
        pages = printed.pages
        raw_t.append(timed(lambda: forms_raw.draw_approval_forms(
            ctx.db_path, ids, raw_pdf, labels, dibao, actor.display_name, print_date))[0])  # type: ignore[arg-type]
        roster_t.append(timed(lambda: render.render(
            db, roster_form, Selection(roster=rosters.RosterQuery(record_ids=record_ids)),
            ctx.workdir / "roster.pdf", actor=actor))[0])
    # the same 100 forms as 100 separate PDFs (each embeds its own font subsets) vs one PDF
    sample = ids[:100]
    separate_dir = fresh_dir(ctx.workdir / "forms-separate")
    for hid in sample:
        render.render(db, form, Selection(household_ids=(hid,)), separate_dir / f"{hid}.pdf", actor=actor)
    render.render(db, form, Selection(household_ids=sample), ctx.workdir / "forms-100.pdf", actor=actor)
    separate_mb = sum(p.stat().st_size for p in separate_dir.iterdir()) / 1_048_576
    one_mb = (ctx.workdir / "forms-100.pdf").stat().st_size / 1_048_576
    db.conn.close()
    ctx.details["forms"] = {"forms": len(ids), "pages": pages, "roster_rows": len(record_ids),
                            "separate_100_mb": separate_mb, "one_100_mb": one_mb}
    label = "reportlab canvas drawing the same page by hand (one SQL query, fixed coordinates), one PDF"
    return [
        Row("forms", f"{len(ids):,} one-page approval forms into one PDF ({pages:,} pages)", "s", ours_t, raw_t,
            Target("≤ 1.5× raw canvas", 1.5, on="ratio"), label),
        Row("forms", "  PDF size", "MB", [ours_pdf.stat().st_size / 1_048_576], [raw_pdf.stat().st_size / 1_048_576],
            raw_label=label),
        Row("forms", "  100 forms as 100 separate PDFs vs one PDF (bytes)", "MB", [separate_mb], [one_mb],
            raw_label="the same 100 forms in one PDF"),
        Row("forms", f"roster of {len(record_ids):,} payments (花名册) into one PDF", "s", roster_t),
    ]


# ============================================================================= job: dashboard

def _traced(db: Any, fn: Callable[[], Any]) -> list[str]:
    """The SQL statements (parameters expanded) that ``fn`` runs on ``db``'s connection."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        fn()
    finally:
        db.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def _run_raw(conn: sqlite3.Connection, statements: list[str]) -> None:
    for sql in statements:
        conn.execute(sql).fetchall()


def _top_up_payments(path: Path, target: int, seed: int) -> int:
    """Add synthetic payments (帮扶记录) until the database holds ``target``; one transaction."""
    conn = sqlite3.connect(path)
    try:
        have = conn.execute("SELECT count(*) FROM assistance_records").fetchone()[0]
        hids = [r[0] for r in conn.execute("SELECT id FROM households WHERE status IN ('active', 'exited')")]
        rng = random.Random(seed)
        today = _dt.date.today()
        start = int(conn.execute("SELECT coalesce(max(id), 0) FROM assistance_records").fetchone()[0]) + 1
        rows = []
        for i in range(max(target - have, 0)):
            paid = today - _dt.timedelta(days=rng.randrange(8 * 365))
            rows.append(("530122", f"BENCH{start + i:09d}", rng.choice(hids), rng.choice("12345"), rng.choice("1456"),
                         rng.randrange(50000, 500000, 5000), paid.isoformat(), "2", "", "", "local", "2026-01-01"))
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO assistance_records (sender_code, record_no, household_id, project, fund_source, "
                         "amount_fen, paid_date, method, approver, remarks, origin, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        return int(conn.execute("SELECT count(*) FROM assistance_records").fetchone()[0])
    finally:
        conn.close()


@job("dashboard", needs=("demo",))
def job_dashboard(ctx: Context) -> list[Row]:
    """The statistics dashboard and a yearly report (core.reports) vs the bare GROUP BY statements they run,
    on the demo register and on a copy topped up to 1,000,000 payment rows."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.reports import figures as reports

    assert ctx.db_path is not None
    year = _dt.date.today().year
    repeats = max(ctx.repeats, 5)
    copy = ctx.workdir / "dashboard-1m.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    src = sqlite3.connect(ctx.db_path)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    target = max(1_000_000, ctx.households * 10) if ctx.households >= 100_000 else ctx.households * 10
    ctx.log(f"dashboard: topping a copy up to {target:,} payment rows")
    payments = _top_up_payments(copy, target, ctx.seed)
    out: list[Row] = []
    details: dict[str, Any] = {}
    for path, what in ((ctx.db_path, "demo register"), (copy, f"{payments:,} payment rows")):
        db = dbm.open_db(path, readonly=True)
        raw = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)  # warm and open, like ours
        raw.execute("PRAGMA cache_size = -65536")
        n = int(db.execute("SELECT count(*) FROM assistance_records").fetchone()[0])
        period = reports.Period.year(year)
        dash_sql = _traced(db, lambda: reports.dashboard(db, year))  # noqa: B023 - used at once
        report_sql = _traced(db, lambda: reports.build(db, period))  # noqa: B023 - used at once
        ours_d: list[float] = []
        raw_d: list[float] = []
        ours_r: list[float] = []
        raw_r: list[float] = []
        for i in range(repeats):
            ctx.log(f"dashboard: {what}, repeat {i + 1}/{repeats}")
            ours_d.append(timed(lambda: reports.dashboard(db, year))[0] * 1000)  # noqa: B023
            raw_d.append(timed(lambda: _run_raw(raw, dash_sql))[0] * 1000)  # noqa: B023
            ours_r.append(timed(lambda: reports.build(db, period))[0] * 1000)  # noqa: B023
            raw_r.append(timed(lambda: _run_raw(raw, report_sql))[0] * 1000)  # noqa: B023
        db.conn.close()
        raw.close()
        details[what] = {"payments": n, "dashboard_statements": len(dash_sql), "report_statements": len(report_sql)}
        raw_label = "the same GROUP BY statements, bare sqlite3 (parameters bound)"
        out += [
            Row("dashboard", f"dashboard ({ctx.households:,} households, {n:,} payments)", "ms", ours_d, raw_d,
                Target("≤ 200 ms", 200), raw_label),
            Row("dashboard", f"yearly report with 本年累计 and 上年同期 ({n:,} payments)", "ms", ours_r, raw_r,
                Target("≤ 1 s", 1000), raw_label),
        ]
    ctx.details["dashboard"] = details
    return out


# ============================================================================= job: ledger

def _raw_ledger(ours: Path, raw_path: Path) -> float:
    """The same (fund, date, kind, amount) rows in a bare table with the two covering indexes; seconds taken."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(raw_path) + suffix).unlink(missing_ok=True)
    src = sqlite3.connect(ours.resolve().as_uri() + "?mode=ro", uri=True)
    rows = src.execute("SELECT id, fund_id, entry_date, kind, amount_fen FROM ledger_entries ORDER BY id").fetchall()
    src.close()
    started = time.perf_counter()
    conn = sqlite3.connect(raw_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, fund_id INTEGER, entry_date TEXT, kind TEXT, "
                 "amount_fen INTEGER)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", rows)
    conn.execute("CREATE INDEX ix_fund ON entries (fund_id, entry_date, kind, amount_fen)")
    conn.execute("CREATE INDEX ix_date ON entries (entry_date, fund_id, kind, amount_fen)")
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


@job("ledger")
def job_ledger(ctx: Context) -> list[Row]:
    """The fund ledger with 1,000,000 entries (core.ledger_bench.bulk): a year's fund statement and the fund
    overview (core.ledger_reports), the entries table's ids and last block with running balances, and the
    ledger part of ``helpdesk check``, beside the bare aggregates over the same rows with covering indexes."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.admin import setup
    from helpdesk_gui.core.demo import ledger_bench
    from helpdesk_gui.core.ledger import check as ledger_check
    from helpdesk_gui.core.ledger import query as ledger_query
    from helpdesk_gui.core.ledger import reports as ledger_reports

    entries = 1_000_000 if ctx.households >= 100_000 else max(ctx.households * 10, 5_000)
    folder = fresh_dir(ctx.workdir / "ledger")
    path = folder / "helpdesk.db"
    os.environ.setdefault("HELPDESK_DATA_DIR", str(folder))
    ctx.log(f"ledger: building {entries:,} entries (households, decisions, 帮扶记录, vouchers, closings)")
    db = setup.initialise(path, COUNTY, UNION, BENCH_PASSWORD)
    build_s, made = timed(lambda: ledger_bench.bulk(db, entries, seed=ctx.seed,
                                                    households=min(20_000, max(200, entries // 50))))
    db.conn.close()
    raw_path = ctx.workdir / "ledger-raw.db"
    raw_build_s = _raw_ledger(path, raw_path)
    ctx.details["ledger"] = {"made": made, "build_s": build_s, "raw_build_s": raw_build_s,
                             "size_mb": file_mb(path), "raw_size_mb": file_mb(raw_path)}
    year = _dt.date.today().year - 1
    first_year = year - 3
    a, b = f"{year}-01-01", f"{year}-12-31"
    db = dbm.open_db(path, readonly=True)
    raw = sqlite3.connect(raw_path.resolve().as_uri() + "?mode=ro", uri=True)
    raw.execute("PRAGMA cache_size = -65536")

    # the fastest bare SQL measured for each (benchmarks/README.md): per-fund sums on the fund-first index,
    # the period grouped in the date-first index's own order (no sorter)
    fund_ids = [r[0] for r in raw.execute("SELECT DISTINCT fund_id FROM entries")]

    def raw_statement(start: str, end: str) -> None:
        for f in fund_ids:
            raw.execute("SELECT sum(amount_fen) FROM entries WHERE fund_id = ? AND entry_date < ?", [f, start]).fetchall()
        raw.execute("SELECT entry_date, fund_id, kind, sum(amount_fen) FROM entries WHERE entry_date BETWEEN ? AND ? "
                    "GROUP BY 1, 2, 3", [start, end]).fetchall()

    def raw_overview() -> None:
        for f in fund_ids:
            raw.execute("SELECT sum(amount_fen) FROM entries WHERE fund_id = ?", [f]).fetchall()
        raw.execute("SELECT entry_date, fund_id, kind, sum(amount_fen) FROM entries WHERE entry_date BETWEEN ? AND ? "
                    "GROUP BY 1, 2, 3", [a, b]).fetchall()

    def ours_table() -> None:
        ids = ledger_query.entry_ids(db, ledger_query.EntryFilter(date_from=a, date_to=b))
        block = ids[-256:]
        found = ledger_query.rows_by_ids(db, block)
        ledger_query.running_balances(db, None, [(i, str(found[i]["entry_date"])) for i in block])

    def raw_table() -> None:
        ids = [r[0] for r in raw.execute("SELECT id FROM entries WHERE entry_date BETWEEN ? AND ? "
                                         "ORDER BY entry_date, id", [a, b])]
        block = ids[-256:]
        raw.execute(f"SELECT * FROM entries WHERE id IN ({','.join('?' * len(block))})", block).fetchall()

    def raw_check() -> None:
        raw.execute("SELECT fund_id, sum(amount_fen) FROM entries GROUP BY 1").fetchall()
        raw.execute("SELECT fund_id, entry_date, sum(amount_fen) FROM entries GROUP BY 1, 2 ORDER BY 1, 2").fetchall()

    cases: list[tuple[str, Callable[[], Any], Callable[[], Any], Target | None, str]] = [
        (f"fund statement for {year} (all funds)", lambda: ledger_reports.statement(db, a, b),
         lambda: raw_statement(a, b), Target("≤ 200 ms", 200), "opening sum per fund + period GROUP BY day, fund, kind"),
        (f"fund statement for {first_year} (all funds)",
         lambda: ledger_reports.statement(db, f"{first_year}-01-01", f"{first_year}-12-31"),
         lambda: raw_statement(f"{first_year}-01-01", f"{first_year}-12-31"), Target("≤ 200 ms", 200),
         "opening sum per fund + period GROUP BY day, fund, kind"),
        (f"fund overview {year} (balances, year by fund and month)", lambda: ledger_reports.overview(db, year),
         raw_overview, Target("≤ 200 ms", 200), "balance sum per fund + year GROUP BY day, fund, kind"),
        (f"entries table: {year}'s ids + last block with running balance", ours_table, raw_table, None,
         "ids in date order + 256 rows"),
        ("ledger part of helpdesk check", lambda: ledger_check.run(db), raw_check, None,
         "sums by fund and by fund × day"),
    ]
    out: list[Row] = []
    repeats = max(ctx.repeats, 5)
    samples: dict[str, tuple[list[float], list[float]]] = {c[0]: ([], []) for c in cases}
    for i in range(repeats):
        ctx.log(f"ledger: repeat {i + 1}/{repeats}")
        for name, ours_fn, raw_fn, _t, _l in cases:
            samples[name][0].append(timed(ours_fn)[0] * 1000)
            samples[name][1].append(timed(raw_fn)[0] * 1000)
    db.conn.close()
    raw.close()
    n = int(made["ledger_entries"])
    out.append(Row("ledger", f"build {n:,} entries ({made['vouchers']:,} vouchers, {made['decisions']:,} decisions "
                             "with 帮扶记录)", "s", [build_s], [raw_build_s],
                   raw_label="executemany of (fund, date, kind, amount) + 2 covering indexes"))
    for name, _o, _r, target, label in cases:
        out.append(Row("ledger", f"{name}, {n:,} entries", "ms", samples[name][0], samples[name][1], target, label))
    return out


# ============================================================================= job: exchange

EXCHANGE_SHEETS = ("困难职工", "家庭成员", "帮扶记录")
CITY = "530100"


def _child_exchange_export(db_path: str, out: str) -> dict[str, Any]:
    """``helpdesk batch export OUT --full --to 530100`` over the demo register, in a fresh interpreter."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.exchange.export import export_batch
    db = dbm.open_db(Path(db_path))
    t0 = time.perf_counter()
    result = export_batch(db, auth.SYSTEM, Path(out), receiver_code=CITY, full=True)
    took = time.perf_counter() - t0
    db.conn.close()
    return {"s": took, "counts": result.counts, "mb": Path(out).stat().st_size / 1048576, "peak_mb": peak_rss_mb()}


def _child_exchange_raw_export(batch: str, out: str) -> dict[str, Any]:
    """The floor: xlsxwriter ``constant_memory`` writing the same rows (read back from our batch, not timed)."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(batch)
    sheets = {name: list(book.get_sheet_by_name(name).iter_rows()) for name in EXCHANGE_SHEETS}
    book.close()
    t0 = time.perf_counter()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
    wb.close()
    return {"s": time.perf_counter() - t0, "peak_mb": peak_rss_mb()}


def _child_exchange_import(folder: str, batch: str) -> dict[str, Any]:
    """``helpdesk batch import`` of the batch into a fresh city database: read, validate, plan, one transaction."""
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.admin import setup
    from helpdesk_gui.exchange import importer, reader
    db = setup.initialise(Path(folder) / "helpdesk.db", CITY, "某某市总工会", BENCH_PASSWORD)
    inspect = reader.inspect
    scan: list[float] = []

    def timed_inspect(*a: Any, **k: Any) -> Any:
        s0 = time.perf_counter()
        try:
            return inspect(*a, **k)
        finally:
            scan.append(time.perf_counter() - s0)
    reader.inspect = timed_inspect  # type: ignore[assignment]  # only to report the hostile-file check apart
    rss0 = rss_mb()
    t0 = time.perf_counter()
    analysis = importer.analyse(db, auth.SYSTEM, Path(batch))
    t1 = time.perf_counter()
    outcome = importer.commit(db, auth.SYSTEM, analysis)
    t2 = time.perf_counter()
    db.conn.close()
    assert outcome.status == importer.IMPORTED, outcome.message()
    r = outcome.result
    return {"s": t2 - t0, "analyse_s": t1 - t0, "write_s": t2 - t1, "scan_s": sum(scan), "rss_start_mb": rss0,
            "peak_mb": peak_rss_mb(),
            "households": r.new_households if r else 0, "members": r.members if r else 0,
            "records": r.records if r else 0, "problems": analysis.problems.summary()}


def _child_exchange_raw_import(folder: str, batch: str) -> dict[str, Any]:
    """The floor: python-calamine read of the same sheets + ``executemany`` of the rows as read into plain
    tables (one transaction, WAL, ``synchronous=FULL``, no indexes, no checks)."""
    from python_calamine import CalamineWorkbook
    path = Path(folder) / "raw.db"
    t0 = time.perf_counter()
    book = CalamineWorkbook.from_path(batch)
    sheets = {name: list(book.get_sheet_by_name(name).iter_rows())[1:] for name in EXCHANGE_SHEETS}
    book.close()
    t1 = time.perf_counter()
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("BEGIN")
    for i, (_name, rows) in enumerate(sheets.items()):
        width = max((len(r) for r in rows), default=1)
        conn.execute(f"CREATE TABLE t{i} ({', '.join(f'c{k}' for k in range(width))})")
        conn.executemany(f"INSERT INTO t{i} VALUES ({', '.join('?' * width)})",
                         (r + [""] * (width - len(r)) for r in rows))
    conn.execute("COMMIT")
    conn.close()
    t2 = time.perf_counter()
    return {"s": t2 - t0, "read_s": t1 - t0, "write_s": t2 - t1, "peak_mb": peak_rss_mb()}


@job("exchange", needs=("demo",))
def job_exchange(ctx: Context) -> list[Row]:
    """Batch export of the demo register and validated import into a fresh database, beside xlsxwriter
    constant_memory writing the same rows and calamine read + executemany of the same rows."""
    assert ctx.db_path is not None
    exp: list[dict[str, Any]] = []
    exp_raw: list[dict[str, Any]] = []
    imp: list[dict[str, Any]] = []
    imp_raw: list[dict[str, Any]] = []
    for i in range(ctx.repeats):
        folder = fresh_dir(ctx.workdir / f"exchange-{i}")
        batch = folder / f"530122_上报_{i}.xlsx"
        ctx.log(f"exchange: export, repeat {i + 1}/{ctx.repeats}")
        exp.append(in_child(_child_exchange_export, str(ctx.db_path), str(batch)))
        exp_raw.append(in_child(_child_exchange_raw_export, str(batch), str(folder / "raw.xlsx")))
        ctx.log(f"exchange: export {exp[-1]['s']:.1f} s (raw {exp_raw[-1]['s']:.1f} s), {exp[-1]['mb']:.0f} MB; import")
        imp.append(in_child(_child_exchange_import, str(fresh_dir(folder / "city")), str(batch)))
        imp_raw.append(in_child(_child_exchange_raw_import, str(folder), str(batch)))
        ctx.log(f"exchange: import {imp[-1]['s']:.1f} s (raw {imp_raw[-1]['s']:.1f} s), peak {imp[-1]['peak_mb']:.0f} MB")
        if i > 0:
            shutil.rmtree(ctx.workdir / f"exchange-{i - 1}", ignore_errors=True)
    counts = exp[0]["counts"]
    what = "、".join(f"{n} {c:,}" for n, c in counts.items())
    ctx.details["exchange"] = {"export": exp, "export_raw": exp_raw, "import": imp, "import_raw": imp_raw}
    return [
        Row("exchange", f"batch export, full ({what})", "s", [e["s"] for e in exp], [e["s"] for e in exp_raw],
            Target("≤ 1.5× xlsxwriter constant_memory", 1.5, on="ratio"), "xlsxwriter constant_memory, same rows"),
        Row("exchange", "validated batch import into a fresh database", "s", [e["s"] for e in imp],
            [e["s"] for e in imp_raw], Target("≤ 2× calamine read + executemany", 2.0, on="ratio"),
            "calamine read + executemany of the same rows"),
        Row("exchange", "  of which reading, validating, planning", "s", [e["analyse_s"] for e in imp],
            [e["read_s"] for e in imp_raw], raw_label="calamine read"),
        Row("exchange", "  of which checking the zip for hostile content (before any parser)", "s",
            [e["scan_s"] for e in imp]),
        Row("exchange", "  of which writing (one transaction)", "s", [e["write_s"] for e in imp],
            [e["write_s"] for e in imp_raw], raw_label="executemany into plain tables"),
        Row("exchange", "peak RSS of the export", "MB", [e["peak_mb"] for e in exp], [e["peak_mb"] for e in exp_raw],
            Target("≤ 500 MB peak", 500.0), "xlsxwriter constant_memory (rows held in memory)"),
        Row("exchange", "peak RSS of the import", "MB", [e["peak_mb"] for e in imp], [e["peak_mb"] for e in imp_raw],
            Target("≤ 500 MB peak", 500.0), "calamine read + executemany"),
        Row("exchange", "batch file size", "MB", [e["mb"] for e in exp]),
    ]


# ============================================================================= job: workflow

_OPEN_APPS = "('returned', 'accepted', 'reviewing', 'publicity', 'pending', 'second')"
_WORKFLOW_LISTS = ("visit_due", "civil_unanswered", "publicity_ending", "objections_open", "approvals_waiting",
                   "review_tasks_open")


def _child_workflow(db_file: str) -> dict[str, Any]:
    """The applications page and home worklists over the demo register, and the yearly review tasks."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.reports import worklists
    from helpdesk_gui.core.workflow import applications, review
    db = dbm.open_db(Path(db_file))
    out: dict[str, Any] = {}
    mine = [w for w in worklists.WORKLISTS if w.key in _WORKFLOW_LISTS]
    params = {"today": _dt.date.today().isoformat(), "year_ago": ""}
    out["worklists_s"], _ = timed(lambda: [db.execute(w.count_sql, params).fetchone() for w in mine])
    out["list_s"], found = timed(lambda: applications.list_applications(db, applications.Query(status="open")))
    out["list_rows"] = len(found)
    out["review_s"], counts = timed(lambda: review.create_tasks(db, auth.SYSTEM, 2099, seed=1))
    out["review_tasks"] = counts["tasks"]
    db.conn.close()
    conn = sqlite3.connect(db_file)
    out["raw_worklists_s"], _ = timed(lambda: [conn.execute(f"SELECT count(*) FROM applications WHERE {w}").fetchone()
                                               for w in ("status = 'accepted'", "status = 'publicity'",
                                                         "status IN ('pending', 'second')", f"status IN {_OPEN_APPS}")])
    out["raw_list_s"], _ = timed(lambda: conn.execute(
        f"SELECT a.*, h.name FROM applications a JOIN households h ON h.id = a.household_id WHERE a.status IN "
        f"{_OPEN_APPS} ORDER BY a.updated_at DESC LIMIT 2000").fetchall())

    def raw_review() -> None:
        hh = conn.execute("SELECT id, category, family_size, annual_income_fen, rigid_expense_fen FROM households "
                          "WHERE status = 'active'").fetchall()
        conn.execute("SELECT household_id, identity, monthly_income_fen FROM members").fetchall()
        conn.execute("CREATE TEMP TABLE t (year, household_id, pc, flagged)")
        conn.executemany("INSERT INTO t VALUES (2099, ?, ?, 0)",
                         [(h[0], (h[3] - h[4]) // max(h[2], 1) // 12) for h in hh])
        conn.commit()

    out["raw_review_s"], _ = timed(raw_review)
    conn.close()
    return out


@job("workflow", needs=("demo",))
def job_workflow(ctx: Context) -> list[Row]:
    """Home worklists, the open-applications list and the yearly review tasks over the demo register."""
    assert ctx.db_path is not None
    runs: list[dict[str, Any]] = []
    for i in range(ctx.repeats):
        copy = ctx.workdir / f"workflow-{i}.db"
        shutil.copy(ctx.db_path, copy)
        ctx.log(f"workflow: repeat {i + 1}/{ctx.repeats}")
        runs.append(in_child(_child_workflow, str(copy)))
        copy.unlink()
    ctx.details["workflow"] = runs
    return [
        Row("workflow", "home page: the six workflow worklist counts", "ms", [r["worklists_s"] * 1000 for r in runs],
            [r["raw_worklists_s"] * 1000 for r in runs], raw_label="four bare count(*) over applications"),
        Row("workflow", f"applications page: open list (first {runs[0]['list_rows']:,})", "ms",
            [r["list_s"] * 1000 for r in runs], [r["raw_list_s"] * 1000 for r in runs],
            raw_label="SELECT … ORDER BY updated_at LIMIT 2000"),
        Row("workflow", f"yearly review: tasks for {runs[0]['review_tasks']:,} archives (income test, sample)", "s",
            [r["review_s"] for r in runs], [r["raw_review_s"] for r in runs],
            raw_label="read the same rows, per-capita in Python, executemany"),
    ]


# ============================================================================= job: mutual

def _child_mutual(db_file: str, claims: int) -> dict[str, Any]:
    """医疗互助 over the demo register: the members list of a plan (with consecutive years), approving
    ``claims`` claims one by one, and the quarterly settlement that pays them; beside the bare SQL and
    Python doing the same work."""
    import datetime as dt

    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.mutual import claims as mutual_claims
    from helpdesk_gui.core.mutual import members as mutual_members
    from helpdesk_gui.core.mutual import plans as mutual_plans
    from helpdesk_gui.core.mutual import settle as mutual_settle
    from helpdesk_gui.core.mutual.rule import History, Receipt, compute
    db = dbm.open_db(Path(db_file))
    out: dict[str, Any] = {}
    plan = mutual_plans.plan_by_period(db, dt.date.today().year)
    out["list_s"], found = timed(lambda: mutual_members.list_members(db, plan_id=plan["id"], enrolled_only=True,
                                                                     limit=1_000_000))
    out["members"] = len(found)
    clerk = auth.Actor("bench_clerk", "基准经办人", frozenset({"clerk"}))
    approver = auth.Actor("bench_approver", "基准审批人", frozenset({"approver"}))
    finance = auth.Actor("bench_finance", "基准财务", frozenset({"finance"}))
    today = dt.date.today()
    ids_ = []
    for i, m in enumerate(found[:claims]):
        receipt = mutual_claims.ReceiptDraft("3", f"BENCH{i:06d}", today.isoformat(), 900_000 + i, 300_000, 500_000 + i)
        ids_.append(mutual_claims.create_claim(db, clerk, plan["id"], int(m["id"]), [receipt]))
    out["approve_s"], _ = timed(lambda: [mutual_claims.approve_claim(db, approver, c) for c in ids_])
    out["claims"] = len(ids_)
    quarter = mutual_settle.quarter_of(today)

    def settle() -> None:
        sid = mutual_settle.create_settlement(db, finance, quarter)
        mutual_settle.post_settlement(db, finance, sid)

    out["settle_s"], _ = timed(settle)
    db.conn.close()

    conn = sqlite3.connect(db_file)
    out["raw_list_s"], _ = timed(lambda: conn.execute(
        "SELECT m.*, u.name, e.id FROM mutual_members m JOIN mutual_units u ON u.id = m.unit_id JOIN mutual_enrolments e "
        "ON e.member_id = m.id AND e.plan_id = ? ORDER BY u.name, m.name", [plan["id"]]).fetchall())
    rule = mutual_plans.rule_of(plan)

    conn.execute("CREATE TEMP TABLE done (claim_id INTEGER PRIMARY KEY, payable_fen, status)")

    def raw_approve() -> None:
        for c in ids_:
            r = conn.execute("SELECT total_fen, insurance_fen, self_fen FROM mutual_receipts WHERE claim_id = ?",
                             [c]).fetchall()
            res = compute(rule, [Receipt(*x) for x in r], History())
            conn.execute("INSERT INTO done VALUES (?, ?, 'approved')", [c, res.payable_fen])
            conn.commit()

    out["raw_approve_s"], _ = timed(raw_approve)

    def raw_settle() -> None:
        lines = conn.execute("SELECT id, payable_fen FROM mutual_claims WHERE id IN (SELECT value FROM json_each(?))",
                             [json.dumps(ids_)]).fetchall()
        conn.execute("CREATE TEMP TABLE pay (claim_id, amount_fen)")
        conn.executemany("INSERT INTO pay VALUES (?, ?)", lines)
        conn.executemany("UPDATE done SET status = 'settled' WHERE claim_id = ?", [(c,) for c, _a in lines])
        conn.commit()

    out["raw_settle_s"], _ = timed(raw_settle)
    conn.close()
    return out


@job("mutual", needs=("demo",))
def job_mutual(ctx: Context) -> list[Row]:
    """医疗互助 on a copy of the demo register: the plan's members list, approving 500 claims, and the
    quarterly settlement that pays them (one voucher, a line per claim), beside the bare SQL."""
    assert ctx.db_path is not None
    runs: list[dict[str, Any]] = []
    for i in range(ctx.repeats):
        copy = ctx.workdir / f"mutual-{i}.db"
        shutil.copy(ctx.db_path, copy)
        ctx.log(f"mutual: repeat {i + 1}/{ctx.repeats}")
        runs.append(in_child(_child_mutual, str(copy), 500))
        _unlink_db(copy)
    ctx.details["mutual"] = runs
    n, members = runs[0]["claims"], runs[0]["members"]
    return [
        Row("mutual", f"members page: the plan's {members:,} members with consecutive years", "ms",
            [r["list_s"] * 1000 for r in runs], [r["raw_list_s"] * 1000 for r in runs],
            raw_label="the same join, ordered, without the years"),
        Row("mutual", "approve one claim (rule, advances, frozen steps, audit)", "ms",
            [r["approve_s"] * 1000 / n for r in runs], [r["raw_approve_s"] * 1000 / n for r in runs],
            Target("≤ 100 ms", 100), raw_label="read receipts, compute, UPDATE, commit"),
        Row("mutual", f"quarterly settlement of {n} claims: gather, post the voucher, settle", "s",
            [r["settle_s"] for r in runs], [r["raw_settle_s"] for r in runs], Target("≤ 2 s", 2),
            raw_label="executemany of the lines and UPDATE of the claims"),
    ]


# ============================================================================= job: backup

def _raw_backup(src_path: Path, target: Path) -> None:
    """The floor: ``sqlite3.Connection.backup`` of the whole file in one step, nothing checked."""
    src = sqlite3.connect(src_path.resolve().as_uri() + "?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _unlink_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".part"):
        Path(str(path) + suffix).unlink(missing_ok=True)


@job("backup", needs=("demo",))
def job_backup(ctx: Context) -> list[Row]:
    """A backup of the demo database: core.backup.write_copy (online backup in 1,024-page steps,
    integrity_check, fsync, rename) vs a bare sqlite3 ``Connection.backup`` of the same file."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.admin import backup

    assert ctx.db_path is not None
    source = ctx.db_path
    size_mb = file_mb(source)
    ours_t = ctx.workdir / "backup-ours.db"
    raw_t = ctx.workdir / "backup-raw.db"
    _unlink_db(raw_t)
    _raw_backup(source, raw_t)  # warm the page cache once, untimed
    ours: list[float] = []
    raw: list[float] = []
    check: list[float] = []
    for i in range(ctx.repeats):
        ctx.log(f"backup: repeat {i + 1}/{ctx.repeats} ({size_mb:,.0f} MB)")
        _unlink_db(ours_t)
        _unlink_db(raw_t)
        db = dbm.open_db(source, readonly=True)
        try:
            ours.append(timed(lambda: backup.write_copy(db, ours_t))[0])  # noqa: B023 - used at once
        finally:
            db.conn.close()
        raw.append(timed(lambda: _raw_backup(source, raw_t))[0])
        conn = sqlite3.connect(raw_t)
        check.append(timed(lambda: conn.execute("PRAGMA integrity_check").fetchone())[0])  # noqa: B023
        conn.close()
    copied_mb = file_mb(ours_t)
    _unlink_db(ours_t)
    _unlink_db(raw_t)
    ctx.details["backup"] = {"database_mb": size_mb, "copy_mb": copied_mb,
                             "integrity_check_s": check}
    return [
        Row("backup", f"backup of the demo database ({size_mb:,.0f} MB): write_copy, verified", "s", ours, raw,
            raw_label="sqlite3 Connection.backup in one step, unverified"),
        Row("backup", "  of which PRAGMA integrity_check of the copy (measured alone)", "s", check),
    ]


# ----------------------------------------------------------------------------- output

def fmt(value: float, unit: str) -> str:
    if unit == "rows/s":
        return f"{value:,.0f}"
    if unit == "MB":
        return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"
    if unit == "ms":
        return f"{value:.2g}" if value < 0.1 else f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 \
            else f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def cell(samples: list[float] | None, unit: str) -> str:
    if not samples:
        return "—"
    if len(samples) == 1:
        return f"{fmt(samples[0], unit)} {unit}"
    return f"{fmt(min(samples), unit)} / {fmt(median(samples), unit)} {unit}"


def ratio_cell(row: Row) -> str:
    r = row.ratio
    return "—" if r is None else f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def met_cell(row: Row) -> str:
    met = row.met
    return "" if met is None else "yes" if met else "**NO**"


def table_rows(rows: list[Row]) -> list[list[str]]:
    return [[r.job, r.metric, cell(r.ours, r.unit), cell(r.raw, r.unit), ratio_cell(r),
             r.target.text if r.target else "", met_cell(r).replace("*", "")] for r in rows]


HEADER = ["job", "metric", "ours min / median", "raw min / median", "ours/raw", "target", "met?"]


def print_table(rows: list[Row]) -> None:
    body = [HEADER, *table_rows(rows)]
    widths = [max(len(line[i]) for line in body) for i in range(len(HEADER))]
    for n, line in enumerate(body):
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def markdown(rows: list[Row], machine: dict[str, Any], command: str) -> str:
    lines = ["| job | ours (min / median) | raw (min / median) | ours/raw | target | met? |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        metric = r.metric.strip()
        if r.metric.startswith("  "):
            metric = "↳ " + metric
        lines.append(f"| {r.job}: {metric} | {cell(r.ours, r.unit)} | {cell(r.raw, r.unit)} | {ratio_cell(r)} | "
                     f"{r.target.text if r.target else ''} | {met_cell(r)} |")
    lines.append("")
    lines.append(machine_line(machine))
    lines.append("")
    lines.append(f"`{command}`")
    return "\n".join(lines) + "\n"


def machine_line(m: dict[str, Any]) -> str:
    return (f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}; Python {m['python']}, "
            f"SQLite {m['sqlite']}, sqlite-utils {m['sqlite_utils']}; {m['date']}.")


# ----------------------------------------------------------------------------- main

def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--households", type=int, default=100_000, help="households for the demo database (default 100000)")
    p.add_argument("--json", metavar="OUT.json", help="write every figure, sample and detail as JSON")
    p.add_argument("--markdown", metavar="OUT.md", help="write the results table as markdown")
    p.add_argument("--workdir", metavar="DIR", help="where the databases go (default: a temporary folder, removed)")
    p.add_argument("--keep", action="store_true", help="keep the temporary workdir")
    p.add_argument("--repeats", type=int, default=3, help="repeats per measurement (default 3)")
    p.add_argument("--seed", type=int, default=1, help="demo seed and query-drawing seed")
    p.add_argument("--jobs", default=",".join(JOBS), help=f"comma-separated jobs (default all: {','.join(JOBS)})")
    args = p.parse_args(argv)
    if args.households < 1 or args.repeats < 1:
        p.error("--households and --repeats must be positive")

    names = plan([j.strip() for j in args.jobs.split(",") if j.strip()])
    own_tmp = args.workdir is None
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="helpdesk-bench-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    ctx = Context(households=args.households, repeats=args.repeats, seed=args.seed, workdir=workdir)
    machine = machine_info()
    try:
        python = os.path.relpath(sys.executable, Path.cwd())
    except ValueError:  # another drive on Windows
        python = sys.executable
    python = python if python.startswith(".venv") else "python"
    command = f"{python} benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    ctx.log(f"jobs {', '.join(names)}; workdir {workdir}")
    results: list[Row] = []
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        for name in names:
            t0 = time.perf_counter()
            results += JOBS[name].fn(ctx)
            timings[name] = time.perf_counter() - t0
    finally:
        if own_tmp and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    wall = time.perf_counter() - started

    print(machine_line(machine))
    print(f"{args.households:,} households, {args.repeats} repeats; ratio = median ours / median raw; "
          f"wall time {wall:.0f} s\n")
    print_table(results)
    search_details = ctx.details.get("search")
    if search_details:
        print("\nsearch() by kind of query (per-query median over repeats):")
        print(f"  {'kind':<13} {'n':>3} {'ours p50':>9} {'ours p95':>9} {'ours max':>9} {'raw p95':>8}")
        for kind, d in search_details["by_kind"].items():
            print(f"  {kind:<13} {d['n']:>3} {d['ours_p50_ms']:>9.2f} {d['ours_p95_ms']:>9.2f} "
                  f"{d['ours_max_ms']:>9.2f} {d['raw_p95_ms']:>8.3f}")
        print("  slowest: " + "; ".join(f"{s['text']!r}{' ' + str(s['filters']) if s['filters'] else ''} "
                                        f"{s['ours_ms']:.1f} ms" for s in search_details["slowest"][:5]))
    if args.json:
        Path(args.json).write_text(json.dumps({
            "machine": machine, "command": command, "households": args.households, "repeats": args.repeats,
            "seed": args.seed, "workdir": str(workdir), "wall_s": wall, "job_wall_s": timings,
            "results": [r.to_json() for r in results], "details": ctx.details,
        }, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(markdown(results, machine, command), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
