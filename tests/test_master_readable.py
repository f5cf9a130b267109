"""A master a board member can read: short partner names, rows as tall as their text, no fill-in
instructions, every tab set up for printing on Letter paper, times in the initiative's time zone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from tests import libreoffice
from tests.conftest import FIXED_NOW, fill
from toolkit import api
from toolkit.i18n import WORDS
from toolkit.initiative import Initiative, Partner, abbreviate, load_initiative, partner_labels

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
CDC, CPE, BARIL = "cdc-hochelaga", "cpe-les-lucioles", "ecole-baril"
LONG_NAME = "École primaire Baril du Centre de services scolaires de Montréal"  # no short_name
LONG_ANSWER = "Des rencontres mensuelles avec les familles du quartier et les écoles. " * 8
# Texts written for the partners who fill a copy, never for whoever reads the master.
FILL_IN = ("Remplissez", "Fill in", "Choisissez", "Saisissez", "Répondez aux questions")


def stamp(path: Path, moment: dt.datetime) -> Path:
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


@pytest.fixture
def long_named(initiative: Initiative) -> Initiative:
    """The sample initiative, the school under a long official name and no short name."""
    partners = tuple(
        dataclasses.replace(p, name=LONG_NAME) if p.id == BARIL else p for p in initiative.partners
    )
    return dataclasses.replace(initiative, partners=partners)


@pytest.fixture
def master(long_named: Initiative, copies: dict[str | None, Path], tmp_path: Path) -> Path:
    """Three partners answer (CDC and the school disagree on one cell); the copies were saved on
    Nov 2, 2026 at 14:05 UTC, 09:05 in Montréal."""
    answers: dict[str, dict[tuple[str, str], object]] = {
        CDC: {(BACKBONE, "C5"): "Bonne concertation", (PROGRESS, "B5"): LONG_ANSWER},
        CPE: {(BACKBONE, "C5"): "Des liens solides avec les écoles"},
        BARIL: {(BACKBONE, "C5"): "Un comité de parents actif", (BACKBONE, "D5"): "Peu de temps"},
    }
    saved = dt.datetime(2026, 11, 2, 14, 5, tzinfo=dt.UTC)
    returned = [stamp(fill(copies[p], cells), saved) for p, cells in answers.items()]
    out = tmp_path / "maitre.xlsx"
    api.merge(returned, long_named, out=out, now=FIXED_NOW)
    return out


def visible(wb: openpyxl.Workbook) -> list[Worksheet]:
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def texts(ws: Worksheet) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_master_has_no_fill_in_instructions(master: Path) -> None:
    wb = openpyxl.load_workbook(master)
    for ws in visible(wb):
        for text in texts(ws):
            assert not any(phrase in text for phrase in FILL_IN), (ws.title, text)
            assert text not in (WORDS["sheet_hint"]("fr"), WORDS["sheet_hint"]("en"))
        for validation in ws.data_validations.dataValidation:
            assert not validation.showInputMessage and not validation.prompt, (ws.title, validation.sqref)
    assert wb[BACKBONE]["A3"].value == WORDS["master_hint"]("fr")  # what the tab holds, said instead


def test_contributions_name_partners_by_short_name(master: Path) -> None:
    wb = openpyxl.load_workbook(master)
    combined = wb[BACKBONE]["C5"].value
    assert combined == (
        "CDC Hochelaga : Bonne concertation\n"
        "CPE Les Lucioles : Des liens solides avec les écoles\n"
        "École primaire Baril … Montréal : Un comité de parents actif"
    )
    partners = {row[3] for row in wb["Contributions"].iter_rows(min_row=2, values_only=True)}
    assert partners == {"CDC Hochelaga", "CPE Les Lucioles", "École primaire Baril … Montréal"}
    cover = "\n".join(texts(wb["Lisez-moi"]))
    assert f"• {LONG_NAME}" in cover  # the cover lists partners under their full names


def test_rows_are_as_tall_as_their_text(master: Path) -> None:
    wb = openpyxl.load_workbook(master)
    for ws in visible(wb):
        widths = {letter: dim.width for letter, dim in ws.column_dimensions.items()}
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell.coordinate in ws.merged_cells:
                    continue
                width = widths.get(cell.column_letter) or 8.43
                lines = sum(-(-len(part) // int(width * 1.1)) or 1 for part in cell.value.split("\n"))
                assert cell.alignment.wrap_text or lines == 1, (ws.title, cell.coordinate)
                height = ws.row_dimensions[cell.row].height or 15  # unset: the default, one line
                assert height >= min(409, 15 * lines), (ws.title, cell.coordinate)
    assert wb[PROGRESS].row_dimensions[5].height > 100  # the long answer shows whole
    assert wb[PROGRESS].row_dimensions[6].height < 40  # an empty row stays short


def test_every_tab_is_set_up_for_printing(master: Path) -> None:
    wb = openpyxl.load_workbook(master)
    for ws in visible(wb):
        setup = ws.page_setup
        assert int(setup.paperSize) == 1, ws.title  # Letter
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    for title in (PROGRESS, BACKBONE, "Contributions"):
        assert wb[title].page_setup.orientation == "landscape", title
    assert wb[PROGRESS].print_title_rows == "$4:$4"  # the header row repeats on every page
    assert wb["Contributions"].print_title_rows == "$1:$1"
    assert wb["Lisez-moi"].page_setup.orientation == "portrait"


def test_times_are_the_initiatives_local_times(master: Path) -> None:
    wb = openpyxl.load_workbook(master)
    rows = list(wb["Contributions"].iter_rows(values_only=True))
    assert rows[0][8] == "Modifié le (heure de Toronto)"
    assert {r[8] for r in rows[1:]} == {"2026-11-02 09:05"}  # 14:05 UTC, Eastern Standard Time
    cover = texts(wb["Lisez-moi"])
    assert "Fusionné le : 2 novembre 2026 à 04 h 30 (heure de Toronto)" in cover  # FIXED_NOW 09:30 UTC


def test_english_master_in_another_time_zone(
    long_named: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    initiative = dataclasses.replace(long_named, language="en", time_zone="America/Vancouver")
    saved = dt.datetime(2026, 11, 2, 14, 5, tzinfo=dt.UTC)
    copy = stamp(fill(copies[CPE], {(BACKBONE, "C5"): "Strong ties"}), saved)
    out = tmp_path / "master.xlsx"
    api.merge([copy], initiative, out=out, now=FIXED_NOW)
    wb = openpyxl.load_workbook(out)
    rows = list(wb["Contributions"].iter_rows(values_only=True))
    assert rows[0][8] == "Modified (Vancouver time)" and rows[1][8] == "2026-11-02 06:05"
    assert "Merged on: November 2, 2026 at 01:30 (Vancouver time)" in texts(wb["Read me"])


@pytest.mark.parametrize(
    "name, short",
    [
        ("Centre de pédiatrie sociale de Hochelaga-Maisonneuve", "Centre … Hochelaga-Maisonneuve"),
        ("Corporation de développement communautaire Hochelaga", "Corporation … Hochelaga"),
        ("CPE Les Lucioles", "CPE Les Lucioles"),
        (
            "Centre intégré universitaire de santé et de services sociaux de l'Est-de-l'Île-de-Montréal",
            "Centre intégré universitaire…",
        ),
    ],
)
def test_abbreviation_keeps_whole_words(name: str, short: str) -> None:
    assert abbreviate(name) == short and len(short) <= 32


def test_partners_whose_abbreviations_clash_keep_their_names() -> None:
    a = Partner("a", "Centre de pédiatrie sociale de Hochelaga-Maisonneuve")
    b = Partner("b", "Centre communautaire multiethnique de Hochelaga-Maisonneuve")
    c = Partner("c", "Centre de pédiatrie sociale de Hochelaga-Maisonneuve", short_name="CPS HM")
    assert partner_labels((a, b, c)) == {"a": a.name, "b": b.name, "c": "CPS HM"}


SHORT = """
name: Table test
language: fr
kit: collective_impact
partners:
  - id: cps
    name: Centre de pédiatrie sociale de Hochelaga-Maisonneuve
    short_name: Pédiatrie sociale
  - id: cps-2
    name: Centre de pédiatrie sociale de Mercier-Est
    short_name: pédiatrie  sociale
"""


def test_short_names_in_the_initiative_file(write: Callable[[str, str], Path]) -> None:
    initiative = load_initiative(write("initiative.yaml", SHORT))
    assert [p.short_name for p in initiative.partners] == ["Pédiatrie sociale", "pédiatrie sociale"]
    assert list(initiative.warnings) == [
        "initiative.yaml, ligne 11 : partenaires n° 1 (cps) et n° 2 (cps-2) : même nom court "
        "« pédiatrie  sociale »; le classeur maître ne saurait plus qui a écrit quoi. "
        "Donnez à chacun son propre short_name."
    ]


def test_a_short_name_too_long_is_refused(write: Callable[[str, str], Path]) -> None:
    text = SHORT.replace("short_name: Pédiatrie sociale", "short_name: " + "x" * 61)
    with pytest.raises(Exception) as error:
        load_initiative(write("initiative.yaml", text))
    assert str(error.value) == (
        "initiative.yaml, ligne 8 : partenaire n° 1 (cps), short_name : 60 caractères au plus (ici 61)"
    )


@pytest.mark.libreoffice
def test_master_prints_readably_in_libreoffice(master: Path, tmp_path: Path) -> None:
    libreoffice.require()
    pdf = libreoffice.to_pdf(master, tmp_path / "maitre.pdf")
    text = " ".join(libreoffice.pdf_text(pdf).split())
    assert not any(phrase in text for phrase in FILL_IN)
    assert "CDC Hochelaga" in text and "École primaire Baril … Montréal" in text
    assert "Fusionné le : 2 novembre 2026 à 04 h 30 (heure de Toronto)" in text
    assert "2026-11-02 09:05" in text and "2026-11-02 14:05" not in text
    # the long answer prints whole, not cut by a fixed row height
    assert "les écoles. Des rencontres" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages <= 8  # cover, two worksheets, Contributions: each fitted to the page's width
