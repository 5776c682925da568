"""Who this desk is (county, city or province, from its 6-digit code) and which counties a city hears from.

A county's archives at the city are kept apart by ``households.sender_code`` (the 发送单位代码 of the
batches that brought them; archive numbers are unique per sender only). A county is named by the
发送单位名称 of its latest batch (``exchange_counterparts``), else by its code: the program carries no
list of China's administrative divisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from helpdesk_gui.core.base.errors import HelpdeskError
from helpdesk_gui.core.db import get_meta, rows, scalar

COUNTY, CITY, PROVINCE = "county", "city", "province"


def level(code: str) -> str:
    """``530122`` county, ``530100`` city, ``530000`` province ('' for anything that is not 6 digits)."""
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return ""
    if code[2:] == "0000":
        return PROVINCE
    if code[4:] == "00":
        return CITY
    return COUNTY


def own_code(db: Database) -> str:
    return get_meta(db, "county_code")


def is_city(db: Database) -> bool:
    """This desk is a city union's (its code ends in 00 but not 0000)."""
    return level(own_code(db)) == CITY


def in_city(city_code: str, code: str) -> bool:
    """``code`` is a county of ``city_code`` (same first four digits, not the city itself)."""
    return level(code) == COUNTY and code[:4] == city_code[:4]


def province_of(code: str) -> str:
    return code[:2] + "0000" if len(code) == 6 else ""


@dataclass(frozen=True)
class County:
    code: str
    name: str
    households: int            # archives held here from this county (any status)
    last_received_at: str | None
    last_sent_at: str | None


def senders(db: Database) -> list[str]:
    """Every sender whose archives this database holds (its own code included when it has archives)."""
    return [str(c) for (c,) in db.execute("SELECT DISTINCT sender_code FROM households ORDER BY sender_code")]


def holds_several(db: Database) -> bool:
    """More than one sender's archives here: the register, statistics and reports offer a county filter."""
    return int(scalar(db, "SELECT count(*) FROM (SELECT DISTINCT sender_code FROM households LIMIT 2) AS s") or 0) > 1


def names(db: Database) -> dict[str, str]:
    """Code → name of every counterpart (the 发送单位名称 of its batches), and this desk's own name."""
    out = {str(r["code"]): str(r["name"] or "") for r in rows(db, "SELECT code, name FROM exchange_counterparts")}
    out[own_code(db)] = get_meta(db, "union_name")
    return out


def name_of(db: Database, code: str) -> str:
    return names(db).get(code) or code


def label(code: str, known: dict[str, str]) -> str:
    """``530122 某某县总工会`` (or the code alone)."""
    name = known.get(code, "")
    return f"{code} {name}" if name else code


def counties(db: Database) -> list[County]:
    """The counties of this city: those whose archives are here or that exchanged batches with it, by code."""
    own = own_code(db)
    held = {str(c): int(n) for c, n in db.execute("SELECT sender_code, count(*) FROM households GROUP BY sender_code")}
    parts = {str(r["code"]): r for r in rows(db, "SELECT * FROM exchange_counterparts")}
    codes = sorted({c for c in (*held, *parts) if c != own and (in_city(own, c) or c in held)})
    out = []
    for code in codes:
        p = parts.get(code) or {}
        out.append(County(code, str(p.get("name") or ""), held.get(code, 0), p.get("last_received_at"),
                          p.get("last_sent_at")))
    return out


class ReceiverRequired(HelpdeskError):
    """A city exporting a batch must say to which county (a usage error: exit 2 on the command line)."""

    exit_code = 2

    def __init__(self, own: str, choices: list[County]) -> None:
        listed = "；".join(f"{c.code} {c.name}".strip() for c in choices) or "（还没有收到过任何县的批次）"
        super().__init__(
            f"本单位是市总工会（{own}），下发批次一次只发给一个县，请用 --to 指定接收单位代码。本市各县：{listed}。"
            f"向省总工会上报本单位的档案请用 --to {province_of(own)}。")


class ReceiverRefused(HelpdeskError):
    """A receiver this desk does not send to."""

    def __init__(self, own: str, receiver: str, why: str) -> None:
        super().__init__(f"接收单位代码 {receiver}：{why}（本单位 {own}）。")


def check_receiver(db: Database, receiver: str) -> str:
    """The receiver of a batch from this city: one of its counties (the 下发 batch) or its province (the city's
    own register, 上报). No receiver, itself or anyone else is refused with what it may send to."""
    own = own_code(db)
    receiver = (receiver or "").strip()
    if not receiver:
        raise ReceiverRequired(own, counties(db))
    if receiver == own:
        raise ReceiverRefused(own, receiver, "不能发给本单位自己；下发给县请写该县的代码，上报请写省总工会的代码")
    if level(receiver) == COUNTY and (in_city(own, receiver) or receiver in {c.code for c in counties(db)}):
        return receiver
    if receiver == province_of(own):
        return receiver
    raise ReceiverRefused(own, receiver, f"市总工会只向本市各县（{own[:4]}xx）下发、向本省总工会（{province_of(own)}）上报")


def sender_choices(db: Database) -> list[tuple[str, str]]:
    """The 所属县区 filter's choices: every sender whose archives are here, ``(code, "name（code）")``."""
    known = names(db)
    return [(c, f"{known[c]}（{c}）" if known.get(c) else c) for c in senders(db)]


def shows_counties(db: Database) -> bool:
    """The screens show 所属县区 (a filter, a column): at the city, or wherever several senders' archives are."""
    return is_city(db) or holds_several(db)
