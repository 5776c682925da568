"""Funds (资金): configurable pools with a source, an optional purpose, bank details and restrictions.

专款专用: a fund may be restricted to some 帮扶项目, some 困难类别, some 档案类型 or one 帮扶活动
(a donation earmarked for a campaign). ``refusal`` says in Chinese why a fund may not pay a given
grant (None: it may). A revolving fund (周转金, e.g. 创业周转金) pays only loans.

Funds are never deleted (entries point at them); one that is no longer used is made inactive.
Source and kind cannot change once a fund has entries, so statements by source stay true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access import audit
from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError, ValidationErrors
from helpdesk_gui.core.db import now_iso, row, rows, scalar, write

FIELDS = ("name", "source", "purpose", "kind", "bank_name", "account_name", "bank_account", "restrict_projects",
          "restrict_categories", "restrict_archive_types", "restrict_campaign_id", "earmark", "note", "ord", "active")


@dataclass
class FundDraft:
    """What the fund dialog edits. Code sets are lists of codes (empty: no restriction)."""

    name: str = ""
    source: str = ""
    purpose: str = ""
    kind: str = "grant"
    bank_name: str = ""
    account_name: str = ""
    bank_account: str = ""
    restrict_projects: list[str] = field(default_factory=list)
    restrict_categories: list[str] = field(default_factory=list)
    restrict_archive_types: list[str] = field(default_factory=list)
    restrict_campaign_id: int | None = None
    earmark: str = ""
    note: str = ""
    ord: int = 0
    active: bool = True


def _csv(values: list[str]) -> str:
    return ",".join(sorted(set(values), key=lambda c: (len(c), c)))


def codes_of(text: str | None) -> list[str]:
    return [c for c in (text or "").split(",") if c]


def draft_of(fund: dict[str, Any]) -> FundDraft:
    return FundDraft(
        name=fund["name"], source=fund["source"], purpose=fund["purpose"], kind=fund["kind"],
        bank_name=fund["bank_name"], account_name=fund["account_name"], bank_account=fund["bank_account"],
        restrict_projects=codes_of(fund["restrict_projects"]), restrict_categories=codes_of(fund["restrict_categories"]),
        restrict_archive_types=codes_of(fund["restrict_archive_types"]), restrict_campaign_id=fund["restrict_campaign_id"],
        earmark=fund["earmark"], note=fund["note"], ord=int(fund["ord"]), active=bool(fund["active"]))


def _validate(db: Database, draft: FundDraft) -> dict[str, Any]:
    book = codes.load(db)
    errors: list[ValidationError] = []
    name = draft.name.strip()
    if not name:
        errors.append(ValidationError("资金名称", "不能为空"))
    if not book.has_code("fund_source", draft.source):
        errors.append(ValidationError("资金来源", "必须从资金来源中选择", draft.source))
    if draft.purpose and not book.has_code("fund_purpose", draft.purpose):
        errors.append(ValidationError("资金用途", "不是可选值", draft.purpose))
    if draft.kind not in ("grant", "revolving"):
        errors.append(ValidationError("资金性质", "须为救助资金或周转金", draft.kind))
    for list_name, label, values in (("project", "限用帮扶项目", draft.restrict_projects),
                                     ("category", "限用困难类别", draft.restrict_categories),
                                     ("archive_type", "限用档案类型", draft.restrict_archive_types)):
        bad = [v for v in values if not book.has_code(list_name, v)]
        if bad:
            errors.append(ValidationError(label, "不是可选值", "、".join(bad)))
    account = "".join(draft.bank_account.split())
    if account and not account.isdigit():
        errors.append(ValidationError("银行账号", "只能是数字", draft.bank_account))
    if draft.restrict_campaign_id is not None and not scalar(
            db, "SELECT 1 FROM campaigns WHERE id = ?", [draft.restrict_campaign_id]):
        errors.append(ValidationError("限用帮扶活动", "不存在", draft.restrict_campaign_id))
    if errors:
        raise ValidationErrors(errors) if len(errors) > 1 else errors[0]
    return {"name": name, "source": draft.source, "purpose": draft.purpose, "kind": draft.kind,
            "bank_name": draft.bank_name.strip(), "account_name": draft.account_name.strip(), "bank_account": account,
            "restrict_projects": _csv(draft.restrict_projects), "restrict_categories": _csv(draft.restrict_categories),
            "restrict_archive_types": _csv(draft.restrict_archive_types),
            "restrict_campaign_id": draft.restrict_campaign_id, "earmark": draft.earmark.strip(),
            "note": draft.note.strip(), "ord": int(draft.ord), "active": int(bool(draft.active))}


def create_fund(db: Database, actor: Actor, draft: FundDraft) -> int:
    actor.require("ledger.funds")
    values = _validate(db, draft)
    with write(db):
        if scalar(db, "SELECT 1 FROM funds WHERE name = ?", [values["name"]]):
            raise ValidationError("资金名称", "已存在", values["name"])
        if not values["ord"]:
            values["ord"] = int(scalar(db, "SELECT coalesce(max(ord), 0) + 1 FROM funds"))
        values.update(created_by=actor.username, created_at=now_iso())
        cur = db.execute(f"INSERT INTO funds ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                         list(values.values()))
        fund_id = int(cur.lastrowid or 0)
        audit.record(db, actor.username, "create", "fund", fund_id, None, values)
    return fund_id


def update_fund(db: Database, actor: Actor, fund_id: int, draft: FundDraft) -> None:
    actor.require("ledger.funds")
    values = _validate(db, draft)
    with write(db):
        before = get(db, fund_id)
        if scalar(db, "SELECT 1 FROM funds WHERE name = ? AND id <> ?", [values["name"], fund_id]):
            raise ValidationError("资金名称", "已存在", values["name"])
        used = scalar(db, "SELECT 1 FROM ledger_entries WHERE fund_id = ? LIMIT 1", [fund_id])
        if used and (values["source"] != before["source"] or values["kind"] != before["kind"]):
            raise StateError(f"资金“{before['name']}”已有记账分录，不能再修改资金来源或资金性质；"
                             "如需调整，请新建资金并调拨。")
        if not values["active"] and int(scalar(db, "SELECT balance_fen FROM fund_balances WHERE fund_id = ?",
                                              [fund_id]) or 0):
            raise StateError(f"资金“{before['name']}”还有余额，须先调出余额才能停用。")
        sets = ", ".join(f"{k} = ?" for k in values)
        db.execute(f"UPDATE funds SET {sets} WHERE id = ?", [*values.values(), fund_id])
        changed = {k: before[k] for k in values if before[k] != values[k]}
        audit.record(db, actor.username, "update", "fund", fund_id, changed, {k: values[k] for k in changed})


def get(db: Database, fund_id: int) -> dict[str, Any]:
    f = row(db, "SELECT f.*, b.balance_fen FROM funds f JOIN fund_balances b ON b.fund_id = f.id WHERE f.id = ?",
            [fund_id])
    if f is None:
        raise NotFoundError("资金", fund_id)
    return f


def list_funds(db: Database, *, active_only: bool = False) -> list[dict[str, Any]]:
    where = "WHERE f.active = 1" if active_only else ""
    return rows(db, "SELECT f.*, b.balance_fen FROM funds f JOIN fund_balances b ON b.fund_id = f.id "
                    f"{where} ORDER BY f.ord, f.id")


def default_for_source(db: Database, source: str) -> int | None:
    """The general (no purpose, grant) active fund of a source: where an allocation goes by default."""
    r = scalar(db, "SELECT id FROM funds WHERE source = ? AND purpose = '' AND kind = 'grant' AND active = 1 "
                   "ORDER BY ord, id LIMIT 1", [source])
    return None if r is None else int(r)


def restrictions_text(book: codes.CodeBook, fund: dict[str, Any]) -> str:
    """The restrictions in words, for the overview and the fund dialog."""
    parts = []
    if fund["kind"] == "revolving":
        parts.append("只用于周转金借款")
    for col, list_name, title in (("restrict_projects", "project", "限"), ("restrict_categories", "category", "限"),
                                  ("restrict_archive_types", "archive_type", "限")):
        if fund[col]:
            parts.append(title + book.labels(list_name, fund[col]))
    if fund["restrict_campaign_id"]:
        parts.append(f"限帮扶活动 {fund['restrict_campaign_id']}")
    if fund["earmark"]:
        parts.append(fund["earmark"])
    return "；".join(parts) or "不限"


def refusal(book: codes.CodeBook, fund: dict[str, Any], *, project: str | None, category: str | None,
            archive_type: str | None, campaign_id: int | None) -> str | None:
    """Why ``fund`` may not pay this grant (专款专用), or None when it may."""
    name = fund["name"]
    if not fund["active"]:
        return f"资金“{name}”已停用"
    if fund["kind"] == "revolving":
        return f"资金“{name}”是周转金，只能办理借款"
    if fund["restrict_projects"] and (project or "") not in codes_of(fund["restrict_projects"]):
        return (f"资金“{name}”只能用于{book.labels('project', fund['restrict_projects'])}，"
                f"不能用于{book.label('project', project) or '该项目'}")
    if fund["restrict_categories"] and (category or "") not in codes_of(fund["restrict_categories"]):
        return (f"资金“{name}”只能用于{book.labels('category', fund['restrict_categories'])}家庭，"
                f"该户为{book.label('category', category) or '未定类别'}")
    if fund["restrict_archive_types"] and (archive_type or "") not in codes_of(fund["restrict_archive_types"]):
        return (f"资金“{name}”只能用于{book.labels('archive_type', fund['restrict_archive_types'])}，"
                f"该户为{book.label('archive_type', archive_type) or '未填档案类型'}")
    if fund["restrict_campaign_id"] and fund["restrict_campaign_id"] != campaign_id:
        return f"资金“{name}”是指定用于帮扶活动 {fund['restrict_campaign_id']} 的专项资金"
    return None


def transfer_refusal(book: codes.CodeBook, source: dict[str, Any], target: dict[str, Any]) -> str | None:
    """Restricted money may only move to a fund restricted at least as tightly (专款专用)."""
    if source["id"] == target["id"]:
        return "调出和调入不能是同一个资金"
    if not target["active"]:
        return f"资金“{target['name']}”已停用"
    if source["kind"] == "revolving" and target["kind"] != "revolving":
        return f"“{source['name']}”是周转金，只能调入其他周转金"
    for col, title in (("restrict_projects", "帮扶项目"), ("restrict_categories", "困难类别"),
                       ("restrict_archive_types", "档案类型")):
        allowed = set(codes_of(source[col]))
        wanted = set(codes_of(target[col]))
        if allowed and (not wanted or not wanted <= allowed):
            return (f"“{source['name']}”限定了{title}，只能调入限定范围相同或更窄的资金，"
                    f"“{target['name']}”的范围更宽")
    if source["restrict_campaign_id"] and source["restrict_campaign_id"] != target["restrict_campaign_id"]:
        return f"“{source['name']}”是指定用于帮扶活动的专项资金，只能调入同一活动的资金"
    return None
