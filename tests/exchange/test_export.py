"""Batch export: cells, manifest, 校验值 and 签名, incremental batches, and the round trip."""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import unicodedata
from decimal import Decimal

from openpyxl import load_workbook

from helpdesk_gui.core.access import auth
from helpdesk_gui.core.admin import settings
from helpdesk_gui.core.db import rows, scalar, write
from helpdesk_gui.core.demo import households as demo
from helpdesk_gui.core.register import households as register
from helpdesk_gui.core.register.draft import draft_from
from helpdesk_gui.core.sync import state as exchange_state
from helpdesk_gui.exchange import importer, spec
from helpdesk_gui.exchange.export import export_batch

from .conftest import CITY, COUNTY, TODAY


def independent_checksum(path) -> str:
    """The contract's canonical content computed from the cells, without the program's own code."""
    wb = load_workbook(path)
    lines: list[str] = []
    for sheet in spec.SHEETS:
        if sheet.name not in wb.sheetnames:
            continue
        ws = wb[sheet.name]
        data = [[c.value for c in r] for r in ws.iter_rows()]
        header = [str(h).strip().rstrip("*") for h in data[0]]
        kinds = [sheet.col(h).kind for h in header]
        lines.append("#" + sheet.name)
        lines.append("\t".join(header))
        for r in data[1:]:
            cells = []
            for kind, v in zip(kinds, r, strict=False):
                if v is None:
                    cells.append("")
                elif kind == "M":
                    cells.append(str(Decimal(str(v)).quantize(Decimal("0.01"))))
                elif kind == "I":
                    cells.append(str(int(v)))
                else:
                    cells.append(unicodedata.normalize("NFC", str(v).strip()))
            cells += [""] * (len(header) - len(cells))
            lines.append("\t".join(cells))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def manifest(path) -> dict[str, str]:
    ws = load_workbook(path)[spec.MANIFEST]
    return {r[0].value: r[1].value for r in ws.iter_rows()}


def test_contract_example_checksum():
    c = spec.Canonical()
    c.sheet("资金收支", ["资金来源", "期初余额", "本期收入", "本期支出", "期末余额"])
    c.row(["本级工会经费", "100.00", "50.00", "30.00", "120.00"])
    text = "#资金收支\n资金来源\t期初余额\t本期收入\t本期支出\t期末余额\n本级工会经费\t100.00\t50.00\t30.00\t120.00"
    assert c.hexdigest() == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert spec.signature(c.hexdigest(), b"k") == hmac.new(b"k", c.hexdigest().encode(), hashlib.sha256).hexdigest()


def test_export_cells_manifest_and_checksum(database, clerk, tmp_path):
    demo.generate(database, auth.SYSTEM, 40, seed=5, today=TODAY)
    with write(database):  # a name a formula-injector would love
        database.execute("UPDATE households SET address = '=HYPERLINK(\"http://x\",\"点我\")', "
                         "remarks = '' WHERE id = 1")
    out = tmp_path / "up.xlsx"
    key = b"shared key of county and city"
    result = export_batch(database, clerk, out, key=key)
    assert result.mode == "full" and result.receiver_code == CITY and result.signed
    m = manifest(out)
    assert m[spec.K_VERSION] == "1.0" and m[spec.K_SENDER] == COUNTY and m[spec.K_RECEIVER] == CITY
    assert m[spec.K_SENDER_NAME] == "某某县总工会" and m[spec.K_BATCH] == result.batch_id
    assert _dt.datetime.fromisoformat(m[spec.K_GENERATED]).tzinfo is not None
    n = scalar(database, "SELECT count(*) FROM households")
    assert m[f"{spec.K_ROWS}{spec.HOUSEHOLDS}"] == str(n)
    assert m[f"{spec.K_ROWS}{spec.MEMBERS}"] == str(scalar(database, "SELECT count(*) FROM members"))
    assert m[spec.K_CHECKSUM] == independent_checksum(out) == result.checksum
    assert m[spec.K_SIGNATURE] == hmac.new(key, result.checksum.encode(), hashlib.sha256).hexdigest()
    wb = load_workbook(out)
    ws = wb[spec.HOUSEHOLDS]
    header = [c.value for c in ws[1]]
    assert "银行账号" not in header and "开户银行" not in header     # only what the city needs
    id_col = header.index("公民身份号码") + 1
    id_cell = ws.cell(2, id_col)
    assert id_cell.data_type == "s" and len(id_cell.value) == 18 and id_cell.number_format == "@"
    assert ws.cell(2, header.index("联系电话") + 1).data_type == "s"
    bad = ws.cell(2, header.index("家庭住址") + 1)
    assert bad.data_type == "s" and bad.value.startswith("=HYPERLINK") and bad.quotePrefix
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["E"].width > 15
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["C2"] == '"男,女"' and "深度困难" in lists[f"{chr(64 + header.index('困难类别') + 1)}2"]
    money = ws.cell(2, header.index("家庭年收入") + 1)
    assert isinstance(money.value, (int, float)) and money.number_format == "0.00"
    line = exchange_state.history(database)[0]
    assert (line["direction"], line["result"], line["counterpart_code"], line["mode"]) == ("out", "sent", CITY, "full")


def test_omitted_columns_are_configurable(database, clerk, admin, tmp_path):
    demo.generate(database, auth.SYSTEM, 5, seed=5, today=TODAY)
    with write(database):
        settings.put(database, "exchange_omit_columns", ["联系电话"])
    out = tmp_path / "b.xlsx"
    export_batch(database, clerk, out, full=True)
    header = [c.value for c in load_workbook(out)[spec.HOUSEHOLDS][1]]
    assert "银行账号" in header and "联系电话" not in header
    assert "档案编号" in header    # required columns always leave


def test_incremental_export_has_only_changes(database, clerk, tmp_path):
    demo.generate(database, auth.SYSTEM, 30, seed=5, today=TODAY)
    with write(database):  # made long ago (a change in the very second of an export is sent again next time)
        database.execute("UPDATE assistance_records SET created_at = '2026-01-01T00:00:00+08:00'")
    first = export_batch(database, clerk, tmp_path / "1.xlsx")
    assert first.mode == "full" and first.counts[spec.HOUSEHOLDS] == 30
    second = export_batch(database, clerk, tmp_path / "2.xlsx")
    assert second.mode == "incremental"
    assert {k: second.counts[k] for k in (spec.HOUSEHOLDS, spec.MEMBERS, spec.RECORDS)} == {
        spec.HOUSEHOLDS: 0, spec.MEMBERS: 0, spec.RECORDS: 0}
    hid = int(scalar(database, "SELECT id FROM households WHERE status = 'active' ORDER BY id LIMIT 1"))
    h = register.get_household(database, hid)
    draft = draft_from(h)
    draft.fields["address"] = "新的地址 1 号"
    register.update_household(database, clerk, hid, draft)
    with write(database):
        database.execute("INSERT INTO assistance_records (sender_code, record_no, household_id, project, fund_source, "
                         "amount_fen, paid_date, method, created_at) VALUES (?, 'NEW-1', ?, '1', '5', 10000, "
                         "'2026-11-20', '2', ?)", [COUNTY, hid, "2999-01-01T00:00:00+08:00"])
    third = export_batch(database, clerk, tmp_path / "3.xlsx")
    assert third.counts[spec.HOUSEHOLDS] == 1 and third.counts[spec.RECORDS] == 1
    assert third.counts[spec.MEMBERS] == len(h["members"])
    ws = load_workbook(tmp_path / "3.xlsx")[spec.HOUSEHOLDS]
    assert ws.cell(2, 1).value == h["archive_no"]
    full = export_batch(database, clerk, tmp_path / "4.xlsx", full=True)
    assert full.counts[spec.HOUSEHOLDS] == 30


def test_round_trip_demo_register_into_a_fresh_database(database, clerk, city, city_clerk, tmp_path):
    """demo register → export → import into a fresh database → same households, members, records, amounts."""
    demo.generate(database, auth.SYSTEM, 250, seed=9, today=TODAY)
    with write(database):
        settings.put(database, "exchange_omit_columns", [])
    out = tmp_path / "all.xlsx"
    export_batch(database, clerk, out)
    result = importer.import_batch(city, city_clerk, out, today=_dt.date.today())
    assert result.status == importer.IMPORTED, result.analysis.problems.items[:5]
    assert result.analysis.problems.items == []

    status = {"applying": "applying", "visiting": "applying", "publicity": "applying", "pending": "applying"}
    hh_cols = ("archive_no", "name", "gender", "ethnicity", "id_number", "birth_date", "phone", "work_status",
               "is_migrant", "model_worker", "health", "address", "family_size", "annual_income_fen",
               "rigid_expense_fen", "per_capita_month_fen", "category", "cause_main", "causes_secondary",
               "created_date", "exit_date", "bank_name", "bank_account", "updated_at")
    sql = (f"SELECT {', '.join('h.' + c for c in hh_cols)}, h.status, e.name, e.nature FROM households h "
           "LEFT JOIN employers e ON e.id = h.employer_id ORDER BY h.archive_no")

    def households(db):
        return [(*r[:-3], status.get(r[-3], r[-3]), r[-2], r[-1]) for r in db.execute(sql)]
    assert households(city) == households(database)
    members_sql = ("SELECT h.archive_no, m.ord, m.name, m.relation, m.id_number, m.birth_date, m.health, m.identity, "
                   "m.school_or_employer, m.monthly_income_fen FROM members m JOIN households h "
                   "ON h.id = m.household_id ORDER BY h.archive_no, m.ord")
    assert rows(city, members_sql) == rows(database, members_sql)
    records_sql = ("SELECT a.sender_code, a.record_no, h.archive_no, a.project, a.fund_source, a.amount_fen, "
                   "a.paid_date, a.method, a.approver, a.remarks FROM assistance_records a JOIN households h "
                   "ON h.id = a.household_id ORDER BY a.record_no")
    assert rows(city, records_sql) == rows(database, records_sql)
    assert scalar(city, "SELECT sum(amount_fen) FROM assistance_records") == \
        scalar(database, "SELECT sum(amount_fen) FROM assistance_records")
    assert scalar(city, "SELECT count(*) FROM households WHERE sender_code = ?", [COUNTY]) == 250
    # 资金收支: the county's fund ledger for the year to date, by source, balanced
    from helpdesk_gui.core.ledger import reports as ledger_reports
    today = _dt.date.today()
    ledger = {r["fund_source"]: (r["opening_fen"], r["income_fen"], r["expense_fen"], r["closing_fen"])
              for r in ledger_reports.source_summary(database, f"{today.year}-01-01", today.isoformat())}
    got = {r["fund_source"]: (r["opening_fen"], r["income_fen"], r["expense_fen"], r["closing_fen"])
           for r in exchange_state.fund_reports(city)}
    assert got == ledger and got
    from helpdesk_gui.core import check
    assert check.run(city) == []


def test_exported_batch_carries_the_audit_anchor(database, clerk, tmp_path):
    """The contract allows no extra 批次信息 keys but does allow extra sheets: the sender's audit head at
    export time goes into the sheet 审计锚点 (the export's own audit row comes after it)."""
    demo.generate(database, auth.SYSTEM, 5, seed=5, today=TODAY)
    before = database.execute("SELECT count(*), max(id) FROM audit_log").fetchone()
    head = scalar(database, "SELECT hash FROM audit_log WHERE id = ?", [before[1]])
    out = tmp_path / "up.xlsx"
    export_batch(database, clerk, out)
    ws = load_workbook(out)[spec.AUDIT_SHEET]
    anchor = {r[0].value: r[1].value for r in ws.iter_rows()}
    assert anchor == {spec.K_AUDIT_ROWS: str(before[0]), spec.K_AUDIT_LAST: str(before[1]), spec.K_AUDIT_HEAD: head}
    assert spec.K_AUDIT_ROWS not in manifest(out)


def test_an_export_the_other_end_could_not_import_is_not_written():
    import pytest

    from helpdesk_gui.core.base.errors import ValidationError
    from helpdesk_gui.exchange.export import too_big
    from helpdesk_gui.exchange.safety import Limits
    too_big({"households": 200_000, "members": 460_000, "records": 3})
    with pytest.raises(ValidationError, match="困难职工 200,001 户（最多 200,000）.*按县区分开导出"):
        too_big({"households": 200_001, "members": 10, "records": 0})
    with pytest.raises(ValidationError, match="家庭成员 5 行（最多 4）"):
        too_big({"households": 2, "members": 5, "records": 0}, Limits(max_sheet_rows=4))
