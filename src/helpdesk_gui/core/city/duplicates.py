"""跨县重复: people registered in active archives of two (or more) counties, found by ID number.

A person counts wherever they appear: as the head of a household or as a family member. Active means
the statuses rule 4 of the exchange guards (申请中 … 在档, ``register.ACTIVE_STATUSES``). Two archives of
the same county holding one person are that county's own problem (its batch is refused for it) and
are not listed here. Each place carries the city's latest verdict on that archive, if any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from helpdesk_gui.core.db import rows
from helpdesk_gui.core.register.households import ACTIVE_STATUSES


@dataclass(frozen=True)
class Place:
    household_id: int
    county_code: str
    archive_no: str
    head_name: str
    status: str
    role: str                 # 户主 | 家庭成员
    person_name: str
    verdict: dict[str, Any] | None = None    # the city's latest verdict on the archive


@dataclass
class Duplicate:
    id_number: str
    places: list[Place] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.places[0].person_name if self.places else ""

    @property
    def counties(self) -> list[str]:
        return sorted({p.county_code for p in self.places})

    @property
    def settled(self) -> bool:
        """Every county but one has been told (a verdict 跨县重复 or 退回 on all archives but those of one county)."""
        open_counties = {p.county_code for p in self.places
                         if not (p.verdict and p.verdict["result"] in ("2", "3"))}
        return len(open_counties) <= 1


def cross_county(db: Database) -> list[Duplicate]:
    """Every person active in more than one county, with each place, by ID number."""
    marks = ",".join("?" * len(ACTIVE_STATUSES))
    found = rows(db, f"""
        WITH people AS (
            SELECT h.id_number AS idn, h.id AS hid, h.sender_code, h.name AS person, '户主' AS role
            FROM households h WHERE h.status IN ({marks}) AND h.id_number <> ''
            UNION ALL
            SELECT m.id_number, h.id, h.sender_code, m.name, '家庭成员'
            FROM members m JOIN households h ON h.id = m.household_id
            WHERE h.status IN ({marks}) AND m.id_number <> ''),
        twice AS (SELECT idn FROM people GROUP BY idn HAVING count(DISTINCT sender_code) > 1)
        SELECT p.idn, p.hid, p.sender_code, h.archive_no, h.name AS head_name, h.status, p.role, p.person
        FROM people p JOIN twice t ON t.idn = p.idn JOIN households h ON h.id = p.hid
        ORDER BY p.idn, p.sender_code, h.archive_no""", [*ACTIVE_STATUSES, *ACTIVE_STATUSES])
    latest = latest_verdicts(db, [int(r["hid"]) for r in found])
    out: dict[str, Duplicate] = {}
    for r in found:
        hid = int(r["hid"])
        out.setdefault(str(r["idn"]), Duplicate(str(r["idn"]))).places.append(Place(
            hid, str(r["sender_code"]), str(r["archive_no"]), str(r["head_name"]), str(r["status"]), str(r["role"]),
            str(r["person"]), latest.get(hid)))
    return list(out.values())


def latest_verdicts(db: Database, household_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Household id → the city's latest verdict on it (for the few households listed)."""
    out: dict[int, dict[str, Any]] = {}
    ids = sorted(set(household_ids))
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for r in rows(db, f"SELECT * FROM city_verdicts WHERE household_id IN ({','.join('?' * len(chunk))}) "
                          "ORDER BY id", chunk):
            out[int(r["household_id"])] = r
    return out
