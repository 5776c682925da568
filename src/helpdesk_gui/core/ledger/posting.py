"""The fund ledger (帮扶资金台账): vouchers and their entries, posted once and never changed.

* ``post`` is the one way entries are written: inside the caller's transaction it checks the
  period is open and the date is not in the future, refuses any line that would overdraw a fund
  (now, or on any later day: a back-dated payment cannot make an earlier statement negative),
  allocates the year's next voucher number (凭证号, consecutive, never reused: vouchers are never
  deleted) and writes the voucher, its lines and the audit row.
* Receipts (拨款 with 拨款文号, 捐赠 with the donor, 利息, 其他), transfers between funds (调拨,
  专款专用 rules in ``core.funds``) and reversals (红字冲销) are here; payments to households are in
  ``core.payroll``, loans of the revolving fund in ``core.loans``.
* There is no function that updates or deletes an entry; the schema refuses it too.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.base.money import format_yuan
from helpdesk_gui.core.db import get_meta, now_iso, row, rows, scalar, write
from helpdesk_gui.core.ledger import funds, periods
from helpdesk_gui.core.ledger.kinds import INFLOW_KINDS
from helpdesk_gui.core.register import attachments

RECEIPT_KINDS = ("allocation", "donation", "interest", "other_in")


class OverdrawError(StateError):
    """A line would take a fund below zero; the message shows the balance."""

    def __init__(self, fund_name: str, balance_fen: int, out_fen: int, on: str | None = None) -> None:
        self.fund_name = fund_name
        self.balance_fen = balance_fen
        self.out_fen = out_fen
        when = f"（{on} 当日）" if on else ""
        super().__init__(
            f"资金“{fund_name}”余额{when} {format_yuan(balance_fen, grouping=True)} 元，本次支出 "
            f"{format_yuan(out_fen, grouping=True)} 元，余额不足（差 {format_yuan(out_fen - balance_fen, grouping=True)} 元），"
            "资金不能透支。")


@dataclass(frozen=True)
class Line:
    """One entry of a voucher. ``amount_fen`` is signed: money in positive, money out negative."""

    fund_id: int
    kind: str
    amount_fen: int
    memo: str = ""
    counterparty: str = ""
    household_id: int | None = None
    decision_id: int | None = None
    project: str | None = None
    pay_method: str | None = None
    bank_name: str = ""
    bank_branch: str = ""
    bank_account: str = ""
    record_no: str | None = None
    roster_id: int | None = None
    loan_id: int | None = None
    allocation_id: int | None = None
    reverses_id: int | None = None


@dataclass(frozen=True)
class Posted:
    voucher_id: int
    voucher_no: str
    entry_ids: tuple[int, ...]


_LINE_COLUMNS = tuple(Line.__dataclass_fields__)


def voucher_no(year: int, seq: int) -> str:
    return f"{year:04d}-{seq:04d}"


def next_seq(db: Database, year: int) -> int:
    """The year's next voucher number (inside the caller's write; the same until its voucher is written).

    The year's row in ``ledger_serials`` is written first: on a server it stays locked until this transaction
    ends, so two desks posting at once take turns and the second reads the first's voucher (no gap, no
    duplicate; ``vouchers_consecutive`` refuses either); an SQLite file has one writer at a time anyway."""
    db.execute("INSERT INTO ledger_serials (kind, year, last_serial) VALUES ('voucher', ?, 0) ON CONFLICT (kind, year) "
               "DO UPDATE SET last_serial = ledger_serials.last_serial", [year])
    # a statement of its own: on a server it sees what the desk that held the row committed
    seq = int(scalar(db, "SELECT coalesce(max(seq), 0) + 1 FROM vouchers WHERE year = ?", [year]))
    db.execute("UPDATE ledger_serials SET last_serial = ? WHERE kind = 'voucher' AND year = ?", [seq, year])
    return seq


def business_date(on: _dt.date | None, today: _dt.date | None, field: str = "记账日期") -> _dt.date:
    today = today or _dt.date.today()
    on = on or today
    if on > today:
        raise ValidationError(field, "不能晚于今天", on.isoformat())
    return on


def positive_amount(value: int, field: str = "金额") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValidationError(field, "应大于 0", value)
    return value


def _lowest_from(db: Database, fund_id: int, day: str) -> int:
    """The fund's lowest end-of-day balance from ``day`` on (today's balance if nothing is later)."""
    before = int(scalar(db, "SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE fund_id = ? "
                            "AND entry_date < ?", [fund_id, day]))
    running = before + int(scalar(db, "SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE fund_id = ? "
                                      "AND entry_date = ?", [fund_id, day]))
    lowest = running                       # the end of ``day`` itself, then every later day
    for (total,) in db.execute("SELECT sum(amount_fen) FROM ledger_entries WHERE fund_id = ? AND entry_date > ? "
                               "GROUP BY entry_date ORDER BY entry_date", [fund_id, day]):
        running += int(total)
        lowest = min(lowest, running)
    return lowest


def _check_cover(db: Database, lines: Sequence[Line], on: str) -> None:
    delta: dict[int, int] = defaultdict(int)
    for ln in lines:
        delta[ln.fund_id] += ln.amount_fen
    for fund_id, change in delta.items():
        if change >= 0:
            continue
        f = row(db, "SELECT f.name, b.balance_fen FROM funds f JOIN fund_balances b ON b.fund_id = f.id "
                    "WHERE f.id = ?", [fund_id])
        if f is None:
            raise NotFoundError("资金", fund_id)
        if int(f["balance_fen"]) + change < 0:
            raise OverdrawError(str(f["name"]), int(f["balance_fen"]), -change)
        latest = scalar(db, "SELECT max(entry_date) FROM ledger_entries WHERE fund_id = ?", [fund_id])
        if latest is not None and str(latest) > on:
            lowest = _lowest_from(db, fund_id, on)
            if lowest + change < 0:
                raise OverdrawError(str(f["name"]), lowest, -change, on)


def post(db: Database, actor: Actor, kind: str, on: _dt.date, summary: str, lines: Sequence[Line], *,
         ref_no: str = "", counterparty: str = "", reverses_voucher_id: int | None = None, reason: str = "",
         today: _dt.date | None = None, audit_detail: dict[str, Any] | None = None) -> Posted:
    """Write one voucher with its lines. Runs inside the caller's transaction (or its own)."""
    actor.require("ledger.post")
    on = business_date(on, today)
    summary = summary.strip()
    if not summary:
        raise ValidationError("摘要", "不能为空")
    if not lines:
        raise ValidationError("分录", "凭证至少要有一行")
    with write(db):
        periods.require_open(db, on)
        if kind != "reversal":
            fund_ids = sorted({ln.fund_id for ln in lines})
            inactive = scalar(db, f"SELECT name FROM funds WHERE active = 0 AND id IN ({','.join('?' * len(fund_ids))})",
                              fund_ids)
            if inactive:
                raise StateError(f"资金“{inactive}”已停用，不能再记账。")
        _check_cover(db, lines, on.isoformat())
        year = on.year
        seq = next_seq(db, year)
        number = voucher_no(year, seq)
        at = now_iso()
        cur = db.execute(
            "INSERT INTO vouchers (year, seq, voucher_no, kind, entry_date, summary, ref_no, counterparty, "
            "reverses_voucher_id, reason, posted_by, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [year, seq, number, kind, on.isoformat(), summary, ref_no.strip(), counterparty.strip(),
             reverses_voucher_id, reason.strip(), actor.username, at])
        voucher_id = int(cur.lastrowid or 0)
        cols = ("voucher_id", "line", "entry_date", *_LINE_COLUMNS)
        db.conn.executemany(
            f"INSERT INTO ledger_entries ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [(voucher_id, i + 1, on.isoformat(), *(getattr(ln, c) for c in _LINE_COLUMNS))
             for i, ln in enumerate(lines)])
        entry_ids = tuple(int(r[0]) for r in db.execute(
            "SELECT id FROM ledger_entries WHERE voucher_id = ? ORDER BY line", [voucher_id]))
        by_fund: dict[int, int] = defaultdict(int)
        for ln in lines:
            by_fund[ln.fund_id] += ln.amount_fen
        detail = {"kind": kind, "date": on.isoformat(), "summary": summary, "ref_no": ref_no.strip(),
                  "counterparty": counterparty.strip(), "lines": len(lines),
                  "by_fund": {str(k): v for k, v in by_fund.items()}, **(audit_detail or {})}
        if len(lines) <= 20:
            detail["entries"] = [{k: v for k, v in asdict(ln).items() if v not in (None, "")} for ln in lines]
        audit.record(db, actor.username, "post", "voucher", number, None, detail)
    return Posted(voucher_id, number, entry_ids)


# ---------------------------------------------------------------------------------------- receipts

def post_receipt(db: Database, actor: Actor, fund_id: int, amount_fen: int, kind: str, summary: str, *,
                 on: _dt.date | None = None, ref_no: str = "", counterparty: str = "",
                 allocation_id: int | None = None, today: _dt.date | None = None) -> Posted:
    """收款: an allocation (拨款文号 required), a donation (donor required), interest or other income."""
    if kind not in RECEIPT_KINDS:
        raise ValidationError("收入类别", "须为拨款、捐赠、利息或其他收入", kind)
    amount_fen = positive_amount(amount_fen)
    if kind == "allocation" and not ref_no.strip():
        raise ValidationError("拨款文号", "拨款收入须填写拨款文号（或下拨通知编号）")
    if kind == "donation" and not counterparty.strip():
        raise ValidationError("捐赠人", "捐赠收入须填写捐赠单位或个人")
    fund = funds.get(db, fund_id)
    book = codes.load(db)
    line = Line(fund_id, kind, amount_fen, memo=summary.strip(), counterparty=counterparty.strip(),
                allocation_id=allocation_id)
    return post(db, actor, "receipt", business_date(on, today), summary or book.label("ledger_entry_kind", kind),
                [line], ref_no=ref_no, counterparty=counterparty, today=today,
                audit_detail={"fund": fund["name"]})


# ---------------------------------------------------------------------------------------- transfers

def post_transfer(db: Database, actor: Actor, from_fund: int, to_fund: int, amount_fen: int, summary: str, *,
                  on: _dt.date | None = None, ref_no: str = "", today: _dt.date | None = None) -> Posted:
    """调拨: money moves from one fund to another (two lines on one voucher)."""
    amount_fen = positive_amount(amount_fen)
    book = codes.load(db)
    source, target = funds.get(db, from_fund), funds.get(db, to_fund)
    refused = funds.transfer_refusal(book, source, target)
    if refused:
        raise StateError(refused + "。")
    memo = summary.strip() or f"{source['name']} 调入 {target['name']}"
    lines = [Line(from_fund, "transfer_out", -amount_fen, memo=memo, counterparty=target["name"]),
             Line(to_fund, "transfer_in", amount_fen, memo=memo, counterparty=source["name"])]
    return post(db, actor, "transfer", business_date(on, today), memo, lines, ref_no=ref_no, today=today)


# ---------------------------------------------------------------------------------------- reversals

def reversible_lines(db: Database, voucher_id: int) -> list[dict[str, Any]]:
    """The voucher's lines with whether each may still be reversed (and why not)."""
    out = rows(db, "SELECT e.*, r.id AS reversed_by, rv.voucher_no AS reversed_by_no FROM ledger_entries e "
                   "LEFT JOIN ledger_entries r ON r.reverses_id = e.id LEFT JOIN vouchers rv ON rv.id = r.voucher_id "
                   "WHERE e.voucher_id = ? ORDER BY e.line", [voucher_id])
    for e in out:
        e["why_not"] = ("本身是冲销分录" if e["reverses_id"] else
                        f"已被凭证 {e['reversed_by_no']} 冲销" if e["reversed_by"] else "")
    return out


@dataclass(frozen=True)
class ReversalHook:
    """What the feature owning some entry kinds does when they are reversed, inside the reversal's transaction:
    ``check(db, entries)`` refuses (raises) a reversal that would leave the feature inconsistent, and
    ``done(db, actor, entries, red_voucher_no, reason)`` follows it (claims wait again, contributions are unpaid…)."""

    check: Callable[[Database, Sequence[dict[str, Any]]], None]
    done: Callable[[Database, Actor, Sequence[dict[str, Any]], str, str], None]


#: Entry kind → the hook of the feature that owns it, registered by that feature (``core.mutual.settle``
#: registers 医疗互助 and 互助会费), so the ledger imports nothing above it.
_REVERSAL_HOOKS: dict[str, ReversalHook] = {}

#: Kinds whose reversal must not go through without their feature's hook.
HOOKED_KINDS = ("mutual_aid", "contribution")


def on_reversal(kinds: Sequence[str], hook: ReversalHook) -> None:
    """Register ``hook`` for the entries of ``kinds`` (called once by the owning feature's module)."""
    for kind in kinds:
        _REVERSAL_HOOKS[kind] = hook


def _reversal_hooks(entries: Sequence[dict[str, Any]]) -> list[ReversalHook]:
    found: list[ReversalHook] = []
    for e in entries:
        kind = str(e["kind"])
        hook = _REVERSAL_HOOKS.get(kind)
        if hook is None and kind in HOOKED_KINDS:
            raise StateError(f"第 {e['line']} 行是医疗互助的分录，但医疗互助功能没有载入，不能冲销。")
        if hook is not None and hook not in found:
            found.append(hook)
    return found


def reverse(db: Database, actor: Actor, voucher_id: int, reason: str, *, entry_ids: Sequence[int] | None = None,
            on: _dt.date | None = None, today: _dt.date | None = None) -> Posted:
    """红字冲销: a new voucher whose lines negate the chosen lines of ``voucher_id`` (all by default).

    A transfer (and a 医疗互助 contribution) is always reversed whole. A reversed payment is a returned payment (退回): its
    帮扶记录 is withdrawn and the decision can be paid again. A loan is reversed only before any
    repayment (the loan is then void).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError("冲销原因", "必须填写")
    with write(db):
        v = voucher(db, voucher_id)
        lines = reversible_lines(db, voucher_id)
        chosen = [e for e in lines if entry_ids is None or e["id"] in set(entry_ids)]
        if entry_ids is not None and len(chosen) != len(set(entry_ids)):
            raise ValidationError("冲销分录", f"不属于凭证 {v['voucher_no']}")
        if any(e["kind"] in ("transfer_in", "transfer_out", "contribution") for e in chosen):
            chosen = lines
        chosen = [e for e in chosen if not e["why_not"]] if entry_ids is None else chosen
        if not chosen:
            raise StateError(f"凭证 {v['voucher_no']} 没有可以冲销的分录（已冲销过或本身是冲销凭证）。")
        for e in chosen:
            if e["why_not"]:
                raise StateError(f"凭证 {v['voucher_no']} 第 {e['line']} 行{e['why_not']}，不能再冲销。")
            if e["kind"] == "loan":
                repaid = scalar(db, "SELECT coalesce(sum(amount_fen), 0) FROM ledger_entries WHERE loan_id = ? "
                                    "AND kind = 'repayment'", [e["loan_id"]])
                if repaid:
                    raise StateError("这笔周转金借款已有还款，不能冲销借出；请按还款办理。")
        hooks = _reversal_hooks(chosen)
        for hook in hooks:
            hook.check(db, chosen)
        red = [Line(int(e["fund_id"]), str(e["kind"]), -int(e["amount_fen"]), memo=f"冲销 {v['voucher_no']} 第 {e['line']} 行："
                    f"{e['memo']}", counterparty=str(e["counterparty"]), household_id=e["household_id"],
                    decision_id=e["decision_id"], project=e["project"], pay_method=e["pay_method"],
                    bank_name=str(e["bank_name"]), bank_branch=str(e["bank_branch"]), bank_account=str(e["bank_account"]),
                    record_no=e["record_no"], roster_id=e["roster_id"], loan_id=e["loan_id"],
                    allocation_id=e["allocation_id"], reverses_id=int(e["id"])) for e in chosen]
        posted = post(db, actor, "reversal", business_date(on, today), f"红字冲销 {v['voucher_no']}：{v['summary']}",
                      red, ref_no=str(v["voucher_no"]), reverses_voucher_id=voucher_id, reason=reason, today=today,
                      audit_detail={"reverses": v["voucher_no"], "reason": reason})
        for e in chosen:
            if e["kind"] == "payment" and e["record_no"]:
                _withdraw_record(db, actor, str(e["record_no"]), posted.voucher_no, reason)
        for hook in hooks:
            hook.done(db, actor, chosen, posted.voucher_no, reason)
    return posted


def _withdraw_record(db: Database, actor: Actor, record_no: str, red_voucher: str, reason: str) -> None:
    """A returned payment was not made: its 帮扶记录 goes (the ledger keeps both lines and the audit
    trail keeps the record as it was)."""
    sender = get_meta(db, "county_code")
    rec = row(db, "SELECT * FROM assistance_records WHERE sender_code = ? AND record_no = ?", [sender, record_no])
    if rec is None:
        return
    db.execute("DELETE FROM assistance_records WHERE id = ?", [rec["id"]])
    audit.record(db, actor.username, "delete", "assistance_record", record_no, rec,
                 {"why": f"发放退回，红字冲销凭证 {red_voucher}：{reason}"})


# ---------------------------------------------------------------------------------------- reading

def voucher(db: Database, voucher_id: int) -> dict[str, Any]:
    v = row(db, "SELECT * FROM vouchers WHERE id = ?", [voucher_id])
    if v is None:
        raise NotFoundError("凭证", voucher_id)
    return v


def voucher_by_no(db: Database, number: str) -> dict[str, Any]:
    v = row(db, "SELECT * FROM vouchers WHERE voucher_no = ?", [number.strip()])
    if v is None:
        raise NotFoundError("凭证", number)
    return v


def voucher_detail(db: Database, voucher_id: int) -> dict[str, Any]:
    """A voucher with its lines (fund names, households), attachments and what reversed it."""
    v = voucher(db, voucher_id)
    v["lines"] = rows(db, "SELECT e.*, f.name AS fund_name, h.name AS household_name, h.archive_no, "
                          "r.voucher_id AS reversed_by_voucher, rv.voucher_no AS reversed_by_no "
                          "FROM ledger_entries e JOIN funds f ON f.id = e.fund_id "
                          "LEFT JOIN households h ON h.id = e.household_id "
                          "LEFT JOIN ledger_entries r ON r.reverses_id = e.id "
                          "LEFT JOIN vouchers rv ON rv.id = r.voucher_id WHERE e.voucher_id = ? ORDER BY e.line",
                      [voucher_id])
    v["attachments"] = rows(db, "SELECT * FROM voucher_attachments WHERE voucher_id = ? ORDER BY id", [voucher_id])
    v["reverses_no"] = scalar(db, "SELECT voucher_no FROM vouchers WHERE id = ?", [v["reverses_voucher_id"]]) \
        if v["reverses_voucher_id"] else None
    v["total_in_fen"] = sum(int(e["amount_fen"]) for e in v["lines"] if int(e["amount_fen"]) > 0)
    v["total_out_fen"] = -sum(int(e["amount_fen"]) for e in v["lines"] if int(e["amount_fen"]) < 0)
    return v


def is_inflow(kind: str) -> bool:
    return kind in INFLOW_KINDS


# ---------------------------------------------------------------------------------------- attachments

def attach(db: Database, actor: Actor, folder: Path, voucher_id: int, source: Path, title: str) -> int:
    """A scan attached to a voucher (signed roster, bank slip, allocation notice): stored by SHA-256."""
    actor.require("ledger.post")
    title = title.strip() or Path(source).name
    v = voucher(db, voucher_id)
    sha, stored = attachments.store(folder, Path(source))
    with write(db):
        cur = db.execute("INSERT INTO voucher_attachments (voucher_id, title, file_name, sha256, added_at, added_by) "
                         "VALUES (?, ?, ?, ?, ?, ?)", [voucher_id, title, stored, sha, now_iso(), actor.username])
        attachment_id = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "attach", "voucher", v["voucher_no"], None,
                     {"title": title, "file": stored, "sha256": sha})
    return attachment_id
