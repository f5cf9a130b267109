"""CSV for people and for programs: `--dialect excel` opens in a French (or English) Excel as columns,
with accents and numbers intact; `--dialect machine` is the comma/UTF-8 contract scripts already read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE
from tests.rawcells import type_raw
from toolkit.cli import main
from toolkit.cli_out import emit
from toolkit.csv_out import HEADINGS, SEPARATOR, excel_csv
from toolkit.render import csv_safe
from toolkit.text import Language

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
MACHINE = Path(__file__).resolve().parent / "data" / "csv_machine"
# The copy behind the machine fixtures: accents, separators, line breaks, a formula-looking text,
# an invalid date, a real date, a person not on the list.
VARIED = {
    (PROGRESS, "B5"): "Ateliers de lecture; 120 élèves, « réussite »",
    (PROGRESS, "B6"): "=SOMME(A1:A2)",
    (PROGRESS, "C6"): "31/02/2026",
    (PROGRESS, "B7"): "Ligne 1\nLigne 2",
    (PROGRESS, "B8"): "-10 % de participation",
    (BACKBONE, "B5"): "Sophie Tremblay",
    (BACKBONE, "B6"): "Personne Inconnue",
    (BACKBONE, "C5"): "Vision partagée, adoptée",
}
MTIME = dt.datetime(2026, 10, 30, 14, 5, tzinfo=dt.UTC).timestamp()
# (fixture file, command, extra options): today's outputs, byte for byte
MACHINE_RUNS = [
    ("pull.csv", "pull", []),
    ("pull_raw.csv", "pull", ["--raw-csv"]),
    ("gaps.csv", "gaps", []),
    ("gaps_raw.csv", "gaps", ["--raw-csv"]),
]


def varied_copy(copies: dict[str | None, Path]) -> Path:
    """The ecole-baril copy with VARIED typed in and a fixed modification time."""
    import openpyxl

    path = copies["ecole-baril"]
    type_raw(path, {k: v for k, v in VARIED.items() if isinstance(v, str)})
    book = openpyxl.load_workbook(path)
    book[PROGRESS]["C5"].value = dt.datetime(2026, 11, 1)
    book.save(path)
    os.utime(path, (MTIME, MTIME))
    return path


def run(args: list[str]) -> bytes:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def csv_args(path: Path, *extra: str) -> list[str]:
    return [str(path), "--config", str(EXAMPLE), *extra]


@pytest.mark.parametrize(("fixture", "command", "extra"), MACHINE_RUNS, ids=[r[0] for r in MACHINE_RUNS])
def test_machine_dialect_is_byte_identical_to_before(
    copies: dict[str | None, Path],
    fixture: str,
    command: str,
    extra: list[str],
    request: pytest.FixtureRequest,
) -> None:
    """The fixtures were written by the code before --dialect existed: scripts reading them still work.
    (A deliberate change of a gap message's wording rewrites them with --update-golden: review the diff.)"""
    path = varied_copy(copies)
    out = run([command, *csv_args(path, "--format", "csv", "--dialect", "machine", *extra)])
    out = out.replace(str(path.parent).encode(), b"{folder}")
    if request.config.getoption("--update-golden"):
        (MACHINE / fixture).write_bytes(out)
    assert out == (MACHINE / fixture).read_bytes()


def read_as_excel_fr(data: bytes) -> list[list[str]]:
    """What Excel fr-CA does with a CSV: UTF-8 only after a BOM, fields split on ';'."""
    assert data.startswith(BOM_BYTES), "no byte-order mark: Excel would read accents as mojibake"
    return list(csv.reader(io.StringIO(data[len(BOM_BYTES) :].decode("utf-8"), newline=""), delimiter=";"))


BOM_BYTES = "\ufeff".encode()


def test_pull_csv_for_french_excel(copies: dict[str | None, Path], tmp_path: Path) -> None:
    path = varied_copy(copies)
    out = tmp_path / "cellules.csv"
    result = CliRunner().invoke(main, ["pull", *csv_args(path, "--out", str(out))])  # csv from the suffix
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    header, *rows = read_as_excel_fr(out.read_bytes())
    assert header == [
        "Feuille de travail",
        "Ligne",
        "Colonne",
        "Valeur",
        "Texte saisi",
        "Problème",
        "Cellule",
        "Origine",
        "Partenaire",
        "Fichier",
        "Modifié le",
    ]
    by_cell = {r[6]: r for r in rows}
    first = by_cell["Canevas des progrès!B5"]
    assert first[3] == "Ateliers de lecture; 120 élèves, « réussite »"  # one cell, accents intact
    assert first[7:9] == ["partenaire", "ecole-baril"]
    assert first[10] == "2026-10-30 10:05"  # 14:05 UTC in the initiative's time zone (Toronto)
    assert by_cell["Canevas des progrès!C5"][3] == "2026-11-01"
    assert by_cell["Canevas des progrès!B6"][3] == "'=SOMME(A1:A2)"  # never run by Excel
    assert by_cell["Canevas des progrès!B7"][3] == "Ligne 1\nLigne 2"
    assert by_cell["Canevas des progrès!C6"][4:6] == ["31/02/2026", "ce n'est pas une date"]
    assert out.read_bytes().count(b"\r\n") == len(rows) + 1  # CRLF ends each record, header included


def test_gaps_csv_for_french_excel_on_stdout(copies: dict[str | None, Path]) -> None:
    """`gaps --format csv > ecarts.csv`: output sent to a file gets the BOM too."""
    path = varied_copy(copies)
    header, *rows = read_as_excel_fr(run(["gaps", *csv_args(path, "--format", "csv")]))
    assert header == ["Type", "Gravité", "Feuille de travail", "Ligne", "Colonne", "Partenaire", "Message"]
    assert next(r[:6] for r in rows if r[5] == "cpe-les-lucioles") == [
        "Copies non reçues",
        "erreur",
        "",
        "",
        "",
        "cpe-les-lucioles",
    ]
    invalid = next(r for r in rows if r[0] == "Valeurs non valides")
    assert invalid[1:6] == ["erreur", "progress_canvas", "research_data", "date", "ecole-baril"]
    assert "« 31/02/2026 »" in invalid[6]


def test_excel_dialect_keeps_raw_text_on_request(copies: dict[str | None, Path]) -> None:
    path = varied_copy(copies)
    safe = read_as_excel_fr(run(["pull", *csv_args(path, "--format", "csv")]))
    raw = read_as_excel_fr(run(["pull", *csv_args(path, "--format", "csv", "--raw-csv")]))
    cells = {c for row in safe for c in row}
    assert "'=SOMME(A1:A2)" in cells and "'-10 % de participation" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    raw_cells = {c for row in raw for c in row}
    assert "=SOMME(A1:A2)" in raw_cells and "-10 % de participation" in raw_cells


def test_english_initiative_gets_commas_and_english_headings(
    copies: dict[str | None, Path], tmp_path: Path
) -> None:
    english = tmp_path / "initiative.yaml"
    english.write_text(EXAMPLE.read_text("utf-8").replace("language: fr", "language: en"), "utf-8")
    path = varied_copy(copies)
    data = run(["gaps", str(path), "--config", str(english), "--format", "csv"])
    assert data.startswith(BOM_BYTES)
    header, *rows = list(csv.reader(io.StringIO(data[len(BOM_BYTES) :].decode("utf-8"), newline="")))
    assert header == ["Kind", "Severity", "Worksheet", "Row", "Column", "Partner", "Message"]
    assert next(r[:2] for r in rows if r[5] == "cpe-les-lucioles") == ["Copies not received", "error"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["3,5", "-2", "1234567,25", "0,1", "Oui", "Non", "2026-11-02", "2026-11-02 04:30", ""]),
        ("en", ["3.5", "-2", "1234567.25", "0.1", "Yes", "No", "2026-11-02", "2026-11-02 04:30", ""]),
    ],
)
def test_values_as_excel_in_that_language_reads_them(language: Language, expected: list[str]) -> None:
    """Numbers with the local decimal mark (Excel fr-CA reads '3,5' as 3.5 with ';' as separator),
    yes/no as words, dates ISO, times in the initiative's zone; a negative number is not neutralised."""
    values: list[object] = [3.5, -2, 1234567.25, 0.1, True, False, dt.date(2026, 11, 2)]
    values += [dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC), None]
    text = excel_csv(
        ["value"], [{"value": v} for v in values], language, time_zone="America/Toronto", neutralise=csv_safe
    )
    header, *rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=SEPARATOR[language]))
    assert header == [HEADINGS["value"](language)]
    assert [r[0] if r else "" for r in rows] == expected


def test_out_suffix_must_say_the_format(copies: dict[str | None, Path], tmp_path: Path) -> None:
    path = varied_copy(copies)
    wrong = CliRunner().invoke(main, ["pull", *csv_args(path, "--out", str(tmp_path / "cellules.xlsx"))])
    assert wrong.exit_code == 2
    assert wrong.stderr.splitlines()[-1] == (
        f"Erreur : --out {tmp_path / 'cellules.xlsx'} : choisissez un de ces suffixes : .csv, .json, .txt"
    )
    assert not (tmp_path / "cellules.xlsx").exists()
    clash = CliRunner().invoke(
        main, ["gaps", *csv_args(path, "--format", "json", "--out", str(tmp_path / "ecarts.csv"))]
    )
    assert clash.exit_code == 2
    assert clash.stderr.splitlines()[-1] == (
        f"Erreur : --out {tmp_path / 'ecarts.csv'} contient du csv, pas du --format json"
    )
    md = CliRunner().invoke(main, ["gaps", *csv_args(path, "--out", str(tmp_path / "ecarts.md"))])
    assert md.exit_code == 0 and (tmp_path / "ecarts.md").read_text("utf-8").startswith("# Écarts — ")


def test_out_never_replaces_a_partner_copy(copies: dict[str | None, Path]) -> None:
    path = varied_copy(copies)
    before = path.read_bytes()
    target = path.with_suffix(".csv")
    target.write_bytes(before)  # a partner's workbook saved under a .csv name
    result = CliRunner().invoke(main, ["gaps", *csv_args(path, "--out", str(target))])
    assert result.exit_code == 1 and target.read_bytes() == before


# LibreOffice's CSV import as a French-Canadian Calc (Excel fr-CA's own defaults): separator ';' (59),
# text delimiter '"' (34), UTF-8 (76), from line 1, standard column types, locale fr-CA (3084).
FRENCH_CSV = {"name": "Text - txt - csv (StarCalc)", "options": "59,34,76,1,,3084"}


@pytest.mark.libreoffice
def test_french_calc_opens_the_csv_as_columns(copies: dict[str | None, Path], tmp_path: Path) -> None:
    from tests import libreoffice

    libreoffice.require()
    path = varied_copy(copies)
    cells_csv = tmp_path / "cellules.csv"
    run(["pull", *csv_args(path, "--out", str(cells_csv))])
    numbers_csv = tmp_path / "nombres.csv"
    records = [{"value": v} for v in (3.5, -2, dt.date(2026, 11, 2))]
    text = excel_csv(["value"], records, "fr", time_zone="America/Toronto", neutralise=csv_safe)
    numbers_csv.write_bytes(BOM_BYTES + text.encode("utf-8"))
    jobs = [
        libreoffice.job(
            cells_csv,
            inspect={"cells": {"cellules": ["A1", "D1", "K1", "D2", "G2", "D4"]}},
            load_filter=FRENCH_CSV,
        ),
        libreoffice.job(
            numbers_csv, inspect={"cells": {"nombres": ["A1", "A2", "A3", "A4"]}}, load_filter=FRENCH_CSV
        ),
    ]
    pulled, numbers = libreoffice.run_jobs(jobs)
    assert pulled["ok"] and numbers["ok"], (pulled["error"], numbers["error"])
    cells = pulled["inspect"]["cells"]["cellules"]
    assert cells["A1"]["string"] == "Feuille de travail"  # the BOM is read as the encoding, not as text
    assert (cells["D1"]["string"], cells["K1"]["string"]) == ("Valeur", "Modifié le")
    assert cells["D2"]["string"] == "Ateliers de lecture; 120 élèves, « réussite »"  # one cell
    assert cells["G2"]["string"] == "Canevas des progrès!B5"
    assert cells["D4"]["string"] == "'=SOMME(A1:A2)" and cells["D4"]["type"] == "TEXT"  # not run
    got = numbers["inspect"]["cells"]["nombres"]
    assert got["A1"]["string"] == "Valeur"
    assert (got["A2"]["type"], got["A2"]["value"]) == ("VALUE", 3.5)  # '3,5' read as a number
    assert (got["A3"]["type"], got["A3"]["value"]) == ("VALUE", -2.0)
    assert got["A4"]["type"] == "VALUE"  # '2026-11-02' read as a date (a serial number)


def test_no_byte_order_mark_on_a_terminal_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mark is for files Excel opens; on a screen it would be an odd character before the header."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    emit("Partenaire;Valeur\r\n", for_excel=True, out=None, language="fr")
    assert screen.getvalue() == "Partenaire;Valeur\r\n"
