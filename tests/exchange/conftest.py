"""Small batch workbooks built in the tests, and a second database for the city (530100)."""

from __future__ import annotations

import datetime as _dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from helpdesk_gui.core.base import ids
from helpdesk_gui.exchange import spec

COUNTY = "530122"
CITY = "530100"
TODAY = _dt.date(2026, 11, 20)


def person(birth: str, seq: int, region: str = COUNTY) -> str:
    return ids.make(region, _dt.date.fromisoformat(birth), seq)


def household(archive: str, name: str, idn: str, **over: Any) -> dict[str, Any]:
    """A valid 困难职工 row (labels as a batch writes them)."""
    row: dict[str, Any] = {
        "档案编号": archive, "姓名": name, "性别": "男" if int(idn[16]) % 2 else "女", "民族": "汉族",
        "公民身份号码": idn, "出生日期": f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}", "联系电话": "13812345678",
        "工作单位": "金马纺织厂", "单位性质": "民营企业", "工作状态": "下岗", "是否农民工": "否", "劳模类型": "非劳模",
        "健康状况": "良好", "家庭住址": "城关镇人民路 12 号", "家庭人口": 3, "家庭年收入": "36000.00",
        "刚性支出": "6000.00", "家庭月人均收入": "833.33", "困难类别": "深度困难", "主要致困原因": "下岗失业",
        "次要致困原因": "患重特大疾病、子女上学", "档案状态": "在档", "建档日期": "2024-03-01", "脱困日期": "",
        "开户银行": "中国农业银行", "银行账号": "6228480123456789012", "最后修改时间": "2026-10-01T09:00:00+08:00",
    }
    row.update(over)
    return row


def member(archive: str, name: str, relation: str, idn: str = "", **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"档案编号": archive, "姓名": name, "与户主关系": relation, "公民身份号码": idn,
                           "出生日期": f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}" if idn else "", "健康状况": "良好",
                           "人员身份": "在岗", "单位或学校": "", "月收入": "1000.00"}
    row.update(over)
    return row


def record(number: str, archive: str, **over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"记录编号": number, "档案编号": archive, "帮扶项目": "生活救助", "资金来源": "本级工会经费",
                           "金额": "1500.00", "发放日期": "2026-09-15", "发放方式": "银行转账", "审批人": "王主任",
                           "备注": ""}
    row.update(over)
    return row


def table(sheet: str, rows: list[dict[str, Any]], labels: list[str] | None = None) -> list[list[Any]]:
    """Header + rows of a data sheet (all columns of the contract, or ``labels``)."""
    labels = labels or list(spec.SHEET_BY_NAME[sheet].labels)
    return [list(labels), *[[r.get(label, "") for label in labels] for r in rows]]


class BatchBuilder:
    """Writes batch workbooks with openpyxl (so tests control each cell's type)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.n = 0

    def write(self, sheets: dict[str, list[list[Any]]], *, sender: str = COUNTY, receiver: str = CITY,
              batch_id: str | None = None, manifest: dict[str, Any] | None = None, checksum: bool | str = True,
              key: bytes | None = None, name: str | None = None, counts: bool = True,
              extra: dict[str, list[list[Any]]] | None = None) -> Path:
        """A batch; the 校验值 is the one the content gives unless ``checksum`` is False or a string."""
        self.n += 1
        path = self.folder / (name or f"batch{self.n}.xlsx")
        m: dict[str, Any] = {spec.K_VERSION: "1.0", spec.K_BATCH: batch_id or str(uuid.uuid4()),
                             spec.K_SENDER: sender, spec.K_SENDER_NAME: "某某县总工会", spec.K_RECEIVER: receiver,
                             spec.K_GENERATED: "2026-11-01T10:30:00+08:00"}
        if counts:
            for sheet, rows in sheets.items():
                m[f"{spec.K_ROWS}{sheet}"] = str(sum(1 for r in rows[1:] if any(v not in ("", None) for v in r)))
        m.update(manifest or {})
        self._save(path, sheets, m, extra)
        if checksum is True:
            from helpdesk_gui.core.base import codes
            from helpdesk_gui.exchange.validate import parse_batch
            parsed = parse_batch(path, codes.CodeBook.defaults(), receiver_code=None, today=TODAY)
            m[spec.K_CHECKSUM] = parsed.checksum
            if key:
                m[spec.K_SIGNATURE] = spec.signature(parsed.checksum, key)
            self._save(path, sheets, m, extra)
        elif isinstance(checksum, str):
            m[spec.K_CHECKSUM] = checksum
            self._save(path, sheets, m, extra)
        return path

    @staticmethod
    def _save(path: Path, sheets: dict[str, list[list[Any]]], manifest: dict[str, Any],
              extra: dict[str, list[list[Any]]] | None) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = spec.MANIFEST
        for k, v in manifest.items():
            if v is not None:
                ws.append([k, v])
        for name, rows in {**sheets, **(extra or {})}.items():
            ws = wb.create_sheet(name)
            for r in rows:
                ws.append(r)
        wb.save(path)


@pytest.fixture
def builder(tmp_path: Path) -> BatchBuilder:
    return BatchBuilder(tmp_path)


#: ``@BOTH_ENGINES`` on a test: its ``city`` register on SQLite, then on PostgreSQL
BOTH_ENGINES = pytest.mark.parametrize("city", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def city(request: pytest.FixtureRequest, tmp_path: Path):
    """The city union's database (530100), with a clerk and a reviewer: the folder's SQLite file, or with
    ``BOTH_ENGINES`` also a fresh register on a PostgreSQL server (``helpdesk server init``)."""
    from helpdesk_gui.core import db as dbm
    from helpdesk_gui.core.access import auth
    from helpdesk_gui.core.admin import server_move, setup
    from helpdesk_gui.core.base import paths
    from helpdesk_gui.core.db import server
    folder = tmp_path / "city"
    if getattr(request, "param", "sqlite") == "sqlite":
        db = setup.initialise(paths.db_path(folder), CITY, "某某市总工会", "admin1234")
    else:
        srv = server.parse(request.getfixturevalue("pg_url"))
        server_move.init_server(folder, srv, CITY, "某某市总工会", "admin1234")
        db = dbm.open_server(srv, folder)
    admin = auth.get_actor(db, "admin")
    auth.create_user(db, admin, "clerk", "市经办", ["clerk"], "passw0rd!")
    auth.create_user(db, admin, "reviewer", "市审核", ["reviewer"], "passw0rd!")
    yield db
    db.conn.close()


@pytest.fixture
def city_clerk(city):
    from helpdesk_gui.core.access import auth
    return auth.get_actor(city, "clerk")


@pytest.fixture
def city_reviewer(city):
    from helpdesk_gui.core.access import auth
    return auth.get_actor(city, "reviewer")
