"""Register-wide figures (``helpdesk stats --json`` and the home page counts)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.base import codes
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
    fund_accounts: list[dict[str, Any]] = []
    if "funds" in tables:
        # fund_balances is kept by a trigger on every entry (helpdesk check compares it with the entries)
        funds = [{"source": book.label("fund_source", src), "balance_fen": int(bal)} for src, bal in db.execute(
            "SELECT f.source, coalesce(sum(b.balance_fen), 0) FROM funds f JOIN fund_balances b ON b.fund_id = f.id "
            "GROUP BY f.source ORDER BY min(f.ord), f.source")]
        fund_accounts = [{"name": name, "source": book.label("fund_source", src), "balance_fen": int(bal)}
                         for name, src, bal in db.execute(
                             "SELECT f.name, f.source, b.balance_fen FROM funds f JOIN fund_balances b "
                             "ON b.fund_id = f.id ORDER BY f.ord, f.id")]
    mutual: dict[str, Any] = {}
    if "mutual_members" in tables:
        claims = {str(k): int(n) for k, n in db.execute("SELECT status, count(*) FROM mutual_claims GROUP BY status")}
        mutual = {"members": int(scalar(db, "SELECT count(*) FROM mutual_members")),
                  "claims": {"total": sum(claims.values()), "by_status": _labelled(book, "mutual_claim_status", claims)},
                  "paid_fen": -int(scalar(db, "SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries "
                                              "WHERE kind = 'mutual_aid'"))}
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
        "fund_accounts": fund_accounts,
        "mutual_aid": mutual,
    }


def period_figures(db: Database, date_from: str, date_to: str) -> dict[str, Any]:
    """The register and the assistance records over a period (ISO dates, inclusive): the figures of
    the monthly statistics report. Counts keyed by code (the caller shows labels).

    ``households_end`` counts archives 在档 at the end of the period: built by then and still
    在档, or exited/cancelled after it.
    """
    span = [date_from, date_to]
    end_where = ("created_date <= :to AND (status = 'active' OR (status IN ('exited', 'cancelled') "
                 "AND exit_date > :to))")
    p = {"from": date_from, "to": date_to}

    def n(sql: str, params: Any = span) -> int:
        return int(scalar(db, sql, params) or 0)

    by_project: dict[str, dict[str, int]] = {}
    for code, count, households, fen in db.execute(
            "SELECT project, count(*), count(DISTINCT household_id), coalesce(sum(amount_fen), 0) "
            "FROM assistance_records WHERE paid_date BETWEEN ? AND ? GROUP BY project", span):
        by_project[str(code)] = {"count": int(count), "households": int(households), "fen": int(fen)}
    by_category: dict[str, dict[str, int]] = {}
    for code, count, households, fen in db.execute(
            "SELECT coalesce(h.category, ''), count(*), count(DISTINCT a.household_id), "
            "coalesce(sum(a.amount_fen), 0) FROM assistance_records a JOIN households h ON h.id = a.household_id "
            "WHERE a.paid_date BETWEEN ? AND ? GROUP BY 1", span):
        by_category[str(code)] = {"count": int(count), "households": int(households), "fen": int(fen)}
    return {
        "date_from": date_from, "date_to": date_to,
        "households_new": n("SELECT count(*) FROM households WHERE created_date BETWEEN ? AND ?"),
        "households_exited": n("SELECT count(*) FROM households WHERE status = 'exited' AND exit_date BETWEEN ? AND ?"),
        "households_cancelled": n("SELECT count(*) FROM households WHERE status = 'cancelled' "
                                  "AND exit_date BETWEEN ? AND ?"),
        "households_end": n(f"SELECT count(*) FROM households WHERE {end_where}", p),
        "members_end": n(f"SELECT count(*) FROM members WHERE household_id IN (SELECT id FROM households "
                         f"WHERE {end_where})", p),
        "end_by_category": {str(k or ""): int(v) for k, v in db.execute(
            f"SELECT category, count(*) FROM households WHERE {end_where} GROUP BY category", p)},
        "assisted_households": n("SELECT count(DISTINCT household_id) FROM assistance_records "
                                 "WHERE paid_date BETWEEN ? AND ?"),
        "assistance_count": n("SELECT count(*) FROM assistance_records WHERE paid_date BETWEEN ? AND ?"),
        "assistance_fen": n("SELECT coalesce(sum(amount_fen), 0) FROM assistance_records "
                            "WHERE paid_date BETWEEN ? AND ?"),
        "by_project": by_project,
        "by_category": by_category,
        "by_fund_source": {str(k): int(v) for k, v in db.execute(
            "SELECT fund_source, coalesce(sum(amount_fen), 0) FROM assistance_records "
            "WHERE paid_date BETWEEN ? AND ? GROUP BY fund_source", span)},
    }
