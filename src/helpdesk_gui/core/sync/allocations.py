"""下拨资金 from the city (received in a batch) posted into the ledger: a receipt into the source's general
fund, and the allocation marked posted with its voucher number, in one transaction."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.access.auth import Actor
from helpdesk_gui.core.base import codes
from helpdesk_gui.core.base.errors import NotFoundError, StateError, ValidationError
from helpdesk_gui.core.db import row, write
from helpdesk_gui.core.ledger import funds
from helpdesk_gui.core.ledger import posting as ledger
from helpdesk_gui.core.sync import state as exchange_state


def post_allocation(db: Database, actor: Actor, allocation_id: int, *, fund_id: int | None = None,
                    on: _dt.date | None = None, ref_no: str = "", today: _dt.date | None = None) -> ledger.Posted:
    """入账 a 下拨资金 received from the city (exchange): a receipt into the source's general fund,
    and the allocation marked posted with the voucher number, in one transaction."""
    book = codes.load(db)
    with write(db):
        a = row(db, "SELECT * FROM exchange_allocations WHERE id = ?", [allocation_id])
        if a is None:
            raise NotFoundError("下拨资金", allocation_id)
        if a["posted_at"]:
            raise StateError(f"这笔下拨资金已入账（凭证 {a['posted_ref']}）。")
        source = str(a["fund_source"])
        if not book.has_code("fund_source", source):
            source = book.code("fund_source", source, field="下拨资金的资金来源")
        target = fund_id or funds.default_for_source(db, source)
        if target is None:
            raise StateError(f"没有资金来源为“{book.label('fund_source', source)}”的可用资金，请先在资金设置中新建。")
        if funds.get(db, target)["source"] != source:
            raise ValidationError("入账资金", f"资金来源应为“{book.label('fund_source', source)}”")
        posted = ledger.post_receipt(
            db, actor, target, int(a["amount_fen"]), "allocation",
            f"{a['year']}年市总工会下拨{book.label('fund_source', source)}资金", on=on,
            ref_no=ref_no.strip() or f"下拨批次 {a['batch_id']}", counterparty=f"市总工会（{a['sender_code']}）",
            allocation_id=allocation_id, today=today)
        exchange_state.mark_allocation_posted(db, actor, allocation_id, posted.voucher_no)
    return posted


def unposted_allocations(db: Database) -> list[dict[str, Any]]:
    return exchange_state.allocations(db, unposted_only=True)
