"""The LibreOffice UNO driver, checked against a small openpyxl workbook.

Every edit goes through one batch (one soffice start) in a module fixture;
each test asserts one aspect of its results or files.
"""

from __future__ import annotations

import datetime
import zipfile

import openpyxl
import pytest
from openpyxl.styles import Protection
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from tests import libreoffice as lo

pytestmark = pytest.mark.libreoffice

PDF_MARKER = "Quarterly budget overview"
PARTNER_NOTE = "Partner note 42"


def build_workbook(path):
    """Data: protected, B2 unlocked with a list validation; Other: plain."""
    wb = openpyxl.Workbook()
    data = wb.active
    data.title = "Data"
    data["A1"] = "Header"
    data["B2"] = "yes"
    data["B2"].protection = Protection(locked=False)
    rule = DataValidation(
        type="list",
        formula1='"yes,no,maybe"',
        errorStyle="stop",
        showErrorMessage=True,
        errorTitle="Invalid",
        error="Pick from list",
        showInputMessage=True,
        promptTitle="Answer",
        prompt="yes/no/maybe",
    )
    data.add_data_validation(rule)
    rule.add("B2")
    data.protection.sheet = True
    other = wb.create_sheet("Other")
    other["A1"] = PDF_MARKER
    wb.save(path)


def edit_ops():
    return [
        {"op": "unprotect", "sheet": "Data", "password": ""},
        {"op": "insert_rows", "sheet": "Data", "before": 2, "count": 1},
        {"op": "protect", "sheet": "Data", "password": ""},
        {"op": "set_string", "sheet": "Other", "cell": "B5", "value": "=1+1"},
        {"op": "set_date", "sheet": "Other", "cell": "B6", "value": "2026-11-02"},
        {"op": "set_number", "sheet": "Other", "cell": "B7", "value": 12.5},
        {"op": "set_formula", "sheet": "Other", "cell": "B8", "value": "=B7*2"},
        {"op": "set_string", "sheet": "Other", "cell": "A2", "value": PARTNER_NOTE},
        {"op": "rename_sheet", "sheet": "Other", "to": "Budget"},
        {"op": "move_sheet", "sheet": "Budget", "to_index": 0},
    ]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Run all jobs in one soffice; return (results by name, work dir)."""
    lo.require()
    tmp = tmp_path_factory.mktemp("lo")
    src = tmp / "in.xlsx"
    build_workbook(src)
    cells = {"Data": ["A1", "B2"]}
    edited = [tmp / "edited.xlsx", tmp / "edited.ods", tmp / "edited.pdf"]
    jobs = {
        "roundtrip": lo.job(src, save=[tmp / "roundtrip.xlsx"]),
        "inspect_roundtrip": lo.job(tmp / "roundtrip.xlsx", inspect={"cells": cells}),
        "refused": lo.job(src, ops=[{"op": "insert_rows", "sheet": "Data", "before": 2, "count": 1}]),
        "bad_op": lo.job(src, ops=[{"op": "explode", "sheet": "Data"}]),
        "edit": lo.job(src, ops=edit_ops(), save=edited, inspect={"cells": {"Budget": ["B5", "B6", "B8"]}}),
        "inspect_ods": lo.job(
            tmp / "edited.ods", inspect={"cells": {"Data": ["B2", "B3"], "Budget": ["A2", "B6"]}}
        ),
    }
    results = lo.run_jobs(list(jobs.values()))
    return dict(zip(jobs, results, strict=True)), tmp


def calamine_rows(path, sheet):
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def test_validation_and_protection_survive_xlsx_roundtrip(batch):
    results, _ = batch
    assert results["roundtrip"] == {"ok": True, "error": None, "inspect": None}
    found = results["inspect_roundtrip"]["inspect"]
    assert found["sheets"][0] == {"name": "Data", "index": 0, "visible": True, "protected": True}
    a1, b2 = found["cells"]["Data"]["A1"], found["cells"]["Data"]["B2"]
    assert a1["locked"] is True and a1["validation"] is None
    assert b2["locked"] is False
    assert b2["validation"]["type"] == "LIST"
    assert b2["validation"]["list"] == ["yes", "no", "maybe"]
    assert b2["validation"]["error_style"] == "STOP"
    assert b2["validation"]["show_error"] is True
    assert b2["validation"]["error_message"] == "Pick from list"
    assert b2["validation"]["show_input"] is True
    assert b2["validation"]["input_title"] == "Answer"
    assert b2["validation"]["input_message"] == "yes/no/maybe"


def test_insert_rows_on_protected_sheet_is_refused(batch):
    results, _ = batch
    assert results["refused"]["ok"] is False
    assert "protected" in results["refused"]["error"]


def test_bad_op_fails_its_job_and_next_job_still_runs(batch):
    results, _ = batch
    assert results["bad_op"]["ok"] is False
    assert "unknown op 'explode'" in results["bad_op"]["error"]
    assert results["edit"]["ok"] is True, results["edit"]["error"]


def test_set_string_formula_text_stays_text(batch):
    results, tmp = batch
    b5 = results["edit"]["inspect"]["cells"]["Budget"]["B5"]
    assert b5["type"] == "TEXT"
    assert calamine_rows(tmp / "edited.xlsx", "Budget")[4][1] == "=1+1"


def test_set_date_reads_back_as_date(batch):
    results, tmp = batch
    b6 = results["edit"]["inspect"]["cells"]["Budget"]["B6"]
    assert b6["type"] == "VALUE" and b6["string"] == "2026-11-02"
    rows = calamine_rows(tmp / "edited.xlsx", "Budget")
    assert rows[5][1] == datetime.date(2026, 11, 2)
    assert rows[6][1] == 12.5 and rows[7][1] == 25.0


def test_rename_move_and_insert_rows(batch):
    _, tmp = batch
    book = CalamineWorkbook.from_path(str(tmp / "edited.xlsx"))
    assert book.sheet_names == ["Budget", "Data"]
    data = calamine_rows(tmp / "edited.xlsx", "Data")
    assert data[0][0] == "Header"
    assert data[1] == ["", ""]  # the inserted row
    assert data[2][1] == "yes"  # B2 moved down to B3


def test_ods_save_keeps_edits_validation_and_protection(batch):
    results, tmp = batch
    with zipfile.ZipFile(tmp / "edited.ods") as ods:
        assert ods.read("mimetype") == (b"application/vnd.oasis.opendocument.spreadsheet")
    found = results["inspect_ods"]
    assert found["ok"] is True, found["error"]
    sheets = found["inspect"]["sheets"]
    assert [s["name"] for s in sheets] == ["Budget", "Data"]
    assert sheets[1]["protected"] is True  # re-protected by the ops
    b3 = found["inspect"]["cells"]["Data"]["B3"]
    assert b3["string"] == "yes" and b3["locked"] is False
    assert b3["validation"]["list"] == ["yes", "no", "maybe"]
    assert found["inspect"]["cells"]["Budget"]["A2"]["string"] == PARTNER_NOTE


def test_pdf_contains_cell_text(batch):
    _, tmp = batch
    text = lo.pdf_text(tmp / "edited.pdf")
    assert PDF_MARKER in text
    assert PARTNER_NOTE in text


def test_convenience_helpers(tmp_path):
    lo.require()
    src = tmp_path / "in.xlsx"
    build_workbook(src)
    ods = lo.resave(src, tmp_path / "copy.ods")
    found = lo.inspect(ods, {"Data": ["B2"]})
    assert found["cells"]["Data"]["B2"]["validation"]["type"] == "LIST"
    pdf = lo.to_pdf(ods, tmp_path / "copy.pdf")
    assert PDF_MARKER in lo.pdf_text(pdf)
    with pytest.raises(lo.LibreOfficeError, match="input not found"):
        lo.inspect(tmp_path / "missing.xlsx")


def test_driver_crash_raises_with_stderr(tmp_path, monkeypatch):
    lo.require()
    monkeypatch.setattr(lo, "DRIVER", tmp_path / "no_such_driver.py")
    with pytest.raises(lo.LibreOfficeError, match="no_such_driver"):
        lo.run_jobs([])
