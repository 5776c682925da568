"""Register-wide figures (``helpdesk stats --json`` and the home page counts)."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.base import codes
from helpdesk_gui.core.city import region
from helpdesk_gui.core.db import scalar
from helpdesk_gui.core.reports import figures


def _labelled(book: codes.CodeBook, list_name: str, counts: dict[str, int]) -> dict[str, int]:
    """Counts keyed by label, in code-list order; codes without a label keep the code."""
    out = {i.label: counts[i.code] for i in book.items(list_name, active_only=False) if i.code in counts}
    for code, n in counts.items():
        if not book.has_code(list_name, code):
            out[code or "未填"] = out.get(code or "未填", 0) + n
    return out


def summary(db: Database) -> dict[str, Any]:
    book = codes.load(db)
    by_status = {str(k): int(n) for k, n in db.execute("SELECT status, count(*) FROM households GROUP BY status ORDER BY status")}
    by_cat = {str(k or ""): int(n) for k, n in db.execute("SELECT category, count(*) FROM households GROUP BY category "
                                                      "ORDER BY category NULLS FIRST")}
    tables = set(db.table_names())
    applications: dict[str, Any] = {"total": 0, "by_status": {}}
    if "applications" in tables:
        app_counts = {str(k): int(n) for k, n in db.execute("SELECT status, count(*) FROM applications GROUP BY status "
                                                                 "ORDER BY status")}
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
        claims = {str(k): int(n) for k, n in db.execute("SELECT status, count(*) FROM mutual_claims GROUP BY status "
                                                          "ORDER BY status")}
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
        **({"by_county": by_county(db, book)} if region.holds_several(db) else {}),
    }


def by_county(db: Database, book: codes.CodeBook | None = None) -> dict[str, dict[str, Any]]:
    """The register's counts per sender (CLI.md: ``"by_county": {"530122": {"households": n, ...}}``): name,
    households (every status), by_status, by_category, members, assistance_records and paid_total_fen, the
    same counts ``summary`` gives for the whole database. Counted in one pass per table."""
    book = book or codes.load(db)
    names = region.names(db)
    out: dict[str, dict[str, Any]] = {}

    def county(code: object) -> dict[str, Any]:
        return out.setdefault(str(code), {"name": names.get(str(code), ""), "households": 0, "by_status": {},
                                          "by_category": {}, "members": 0, "assistance_records": 0,
                                          "paid_total_fen": 0})

    status: dict[str, dict[str, int]] = {}
    category: dict[str, dict[str, int]] = {}
    for code, st, cat, n in db.execute("SELECT sender_code, status, category, count(*) FROM households "
                                       "GROUP BY sender_code, status, category "
                                       "ORDER BY sender_code, status, category NULLS FIRST"):
        c = county(code)
        c["households"] += int(n)
        by_st = status.setdefault(str(code), {})
        by_st[str(st)] = by_st.get(str(st), 0) + int(n)
        by_cat = category.setdefault(str(code), {})
        by_cat[str(cat or "")] = by_cat.get(str(cat or ""), 0) + int(n)
    for code, n in db.execute("SELECT h.sender_code, count(*) FROM members m JOIN households h ON h.id = m.household_id "
                              "GROUP BY h.sender_code"):
        county(code)["members"] = int(n)
    for code, n, fen in db.execute("SELECT sender_code, count(*), coalesce(sum(amount_fen), 0) FROM assistance_records "
                                   "GROUP BY sender_code"):
        c = county(code)
        c["assistance_records"], c["paid_total_fen"] = int(n), int(fen)
    for code, c in out.items():
        c["by_status"] = _labelled(book, "status", status.get(code, {}))
        c["by_category"] = _labelled(book, "category", category.get(code, {}))
    return dict(sorted(out.items()))


#: what ``period_figures`` hands over of ``figures.figures``
PERIOD_KEYS = ("date_from", "date_to", "households_new", "households_exited", "households_cancelled", "households_end",
               "members_end", "end_by_category", "assisted_households", "assistance_count", "assistance_fen",
               "by_project", "by_category", "by_fund_source")


def period_figures(db: Database, date_from: str, date_to: str) -> dict[str, Any]:
    """The register and the assistance records over a period (ISO dates, inclusive): the figures of
    the monthly statistics report, counted by ``core.reports.figures.figures`` (the one count of a
    period). Counts keyed by code (the caller shows labels).

    ``households_end`` counts archives 在档 at the end of the period: built by then and still
    在档, or exited/cancelled after it.
    """
    fig = figures.figures(db, figures.Period.parse(date_from, date_to))
    return {key: fig[key] for key in PERIOD_KEYS}
