"""Generated workbooks opened by a real spreadsheet application (headless LibreOffice Calc)."""

from __future__ import annotations

from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests import libreoffice as lo
from tests.conftest import FIXED_NOW
from toolkit import api
from toolkit.initiative import Initiative
from toolkit.metadata import METADATA_TAB, parse_records

pytestmark = pytest.mark.libreoffice

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
CELLS = {PROGRESS: ["A5", "B5", "C5", "B14"], BACKBONE: ["A4", "A5", "B5", "C5", "B13"]}


@pytest.fixture(scope="module")
def opened(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One soffice start: print to PDF, inspect, re-save as .xlsx and .ods, inspect the re-saved .xlsx."""
    lo.require()
    out = tmp_path_factory.mktemp("lo")
    source = api.generate(initiative, out, partners=["cdc-hochelaga"], blank=False, now=FIXED_NOW)[0].path
    english = api.generate(initiative, out / "en", language="en", partners=["cdc-hochelaga"], blank=False)[
        0
    ].path
    paths = {
        "pdf": out / "copy.pdf",
        "xlsx": out / "resaved.xlsx",
        "ods": out / "resaved.ods",
        "en_pdf": out / "english.pdf",
    }
    results = lo.run_jobs(
        [
            lo.job(source, save=[paths["pdf"], paths["xlsx"], paths["ods"]], inspect={"cells": CELLS}),
            lo.job(paths["xlsx"], inspect={"cells": CELLS}),
            lo.job(english, save=[paths["en_pdf"]]),
        ]
    )
    assert all(r["ok"] for r in results), results
    return {"original": results[0]["inspect"], "resaved": results[1]["inspect"], **paths}


def test_pdf_shows_every_worksheet_title(opened: dict[str, Any]) -> None:
    text = lo.pdf_text(opened["pdf"])
    for expected in (
        "Canevas des progrès accomplis",
        "Planifier votre infrastructure de soutien",
        "Qui peut jouer ce rôle?",
        "Prochaines étapes",
        "Ce que nous vous demandons",
        "Débreffage",
    ):
        assert expected in text, expected
    assert "progress_canvas" not in text  # the metadata tab is not printed
    words = " ".join(text.split())
    assert "Les titres, les en-têtes et les libellés sont protégés." in words  # the cover fits the page width


def test_english_pdf(opened: dict[str, Any]) -> None:
    text = lo.pdf_text(opened["en_pdf"])
    assert "Plan your backbone infrastructure" in text and "Who can play this role?" in text


@pytest.mark.parametrize("stage", ["original", "resaved"])
def test_protection_and_locking_survive(opened: dict[str, Any], stage: str) -> None:
    found = opened[stage]
    sheets = {s["name"]: s for s in found["sheets"]}
    assert sheets[PROGRESS]["protected"] and sheets[BACKBONE]["protected"]
    assert not sheets[METADATA_TAB]["visible"]
    cells = found["cells"][BACKBONE]
    assert cells["A4"]["locked"] and cells["A5"]["locked"]
    assert not cells["B5"]["locked"] and not cells["C5"]["locked"] and not cells["B13"]["locked"]
    assert found["cells"][PROGRESS]["A5"]["string"].startswith("Vue d'ensemble de l'initiative")


@pytest.mark.parametrize("stage", ["original", "resaved"])
def test_validation_survives(opened: dict[str, Any], stage: str) -> None:
    person = opened[stage]["cells"][BACKBONE]["B5"]["validation"]
    assert person["type"] == "LIST" and person["error_style"] == "WARNING" and person["show_error"]
    assert "Isabelle Côté" in person["list"]
    date = opened[stage]["cells"][PROGRESS]["C5"]["validation"]
    assert date["type"] == "DATE" and date["error_style"] == "STOP"
    assert date["input_message"] == "Saisissez une date, par exemple 2026-11-02."
    assert opened[stage]["cells"][BACKBONE]["C5"]["validation"] is None  # long text is free


def test_resaved_xlsx_keeps_metadata_and_openpyxl_sees_protection(opened: dict[str, Any]) -> None:
    info = parse_records(
        CalamineWorkbook.from_path(str(opened["xlsx"])).get_sheet_by_name(METADATA_TAB).to_python()
    )
    assert info is not None and info.partner_id == "cdc-hochelaga" and info.generated_at == FIXED_NOW
    ws = openpyxl.load_workbook(opened["xlsx"])[BACKBONE]
    assert ws.protection.sheet and not ws["B5"].protection.locked and ws["A5"].protection.locked


def test_resaved_ods_keeps_metadata(opened: dict[str, Any]) -> None:
    wb = CalamineWorkbook.from_path(str(opened["ods"]))
    info = parse_records(wb.get_sheet_by_name(METADATA_TAB).to_python())
    assert info is not None and info.partner_id == "cdc-hochelaga"
    assert wb.sheet_names[1:3] == [PROGRESS, BACKBONE]
