"""Register-wide figures (``helpdesk stats --json`` and the home page counts)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core import codes
from helpdesk_gui.core.db import scalar


def _labelled(book: codes.CodeBook, list_name: str, counts: dict[str, int]) -> dict[str, int]:
    """Counts keyed by label, in code-list order; codes without a label keep the code."""
    out = {i.label: counts[i.code] for i in book.items(list_name, active_only=False) if i.code in counts}
    for code, n in counts.items():
        if not book.has_code(list_name, code):
            out[code or "未填"] = out.get(code or "未填", 0) + n
    return out


def summary(db: Database) -> dict[str, Any]:
    book = codes.load(db)
    by_status = {str(k): int(n) for k, n in db.execute("SELECT status, count(*) FROM households GROUP BY status")}
    by_cat = {str(k or ""): int(n) for k, n in db.execute("SELECT category, count(*) FROM households GROUP BY category")}
    tables = set(db.table_names())
    applications: dict[str, Any] = {"total": 0, "by_status": {}}
    if "applications" in tables:
        app_counts = {str(k): int(n) for k, n in db.execute("SELECT status, count(*) FROM applications GROUP BY status")}
        applications = {"total": sum(app_counts.values()), "by_status": _labelled(book, "application_status", app_counts)}
    funds: list[dict[str, Any]] = []
    if "funds" in tables:
        funds = [{"source": book.label("fund_source", src), "balance_fen": int(bal)} for src, bal in db.execute(
            "SELECT f.source, coalesce(sum(e.amount_fen), 0) FROM funds f LEFT JOIN ledger_entries e ON e.fund_id = f.id "
            "GROUP BY f.source ORDER BY f.source")]
    return {
        "households": {
            "total": sum(by_status.values()),
            "by_status": _labelled(book, "status", by_status),
            "by_category": _labelled(book, "category", by_cat),
        },
        "members": int(scalar(db, "SELECT count(*) FROM members")),
        "applications": applications,
        "assistance_records": int(scalar(db, "SELECT count(*) FROM assistance_records")),
        "paid_total_fen": int(scalar(db, "SELECT coalesce(sum(amount_fen), 0) FROM assistance_records")),
        "funds": funds,
    }
