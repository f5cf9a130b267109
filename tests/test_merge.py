"""merge: one master, every contribution kept with who wrote it."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import FIXED_NOW, fill
from toolkit import api
from toolkit.initiative import Initiative

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
CDC, CPE, BARIL = "cdc-hochelaga", "cpe-les-lucioles", "ecole-baril"


def stamp(path: Path, day: int) -> Path:
    """Give a copy a known modification time (Nov `day`, 2026)."""
    moment = dt.datetime(2026, 11, day, 12, tzinfo=dt.UTC).timestamp()
    os.utime(path, (moment, moment))
    return path


@pytest.fixture
def returned(copies: dict[str | None, Path]) -> dict[str, Path]:
    """Three partners answer; two of them disagree on the same cells."""
    cdc = fill(
        copies[CDC],
        {
            (PROGRESS, "B5"): "Table créée en 2019",
            (PROGRESS, "C5"): dt.datetime(2026, 10, 1),
            (BACKBONE, "B5"): "Mamadou Diallo",
            (BACKBONE, "C5"): "Bonne concertation",
            (BACKBONE, "C6"): "=cmd|' /C calc'!A0",
        },
    )
    cpe = fill(
        copies[CPE],
        {
            (PROGRESS, "B5"): "Table créée en 2019",
            (PROGRESS, "C5"): dt.datetime(2026, 11, 15),
            (BACKBONE, "B5"): "Isabelle Côté; mamadou diallo",
            (BACKBONE, "C5"): "Des liens solides avec les écoles",
            (BACKBONE, "C7"): "+33 6 12",
            (BACKBONE, "D7"): "-2 postes",
            (BACKBONE, "E7"): "@SOMME(1;2)",
        },
    )
    baril = fill(copies[BARIL], {(BACKBONE, "C8"): "Projet lecture"})
    return {CDC: stamp(cdc, 2), CPE: stamp(cpe, 3), BARIL: stamp(baril, 4)}


def test_combination_rules(initiative: Initiative, returned: dict[str, Path]) -> None:
    values = api.merge(list(returned.values()), initiative).values
    assert values[("progress_canvas", "overview", "activities")] == "Table créée en 2019"  # agreed once
    assert values[("progress_canvas", "overview", "date")] == dt.date(2026, 11, 15)  # most recent date
    assert values[("backbone_infrastructure", "vision_strategy", "who")] == "Mamadou Diallo, Isabelle Côté"
    assert values[("backbone_infrastructure", "vision_strategy", "strengths")] == (
        "CDC Hochelaga : Bonne concertation\nCPE Les Lucioles : Des liens solides avec les écoles"
    )
    assert values[("backbone_infrastructure", "community_engagement", "strengths")] == "Projet lecture"


def test_deterministic_and_order_independent(initiative: Initiative, returned: dict[str, Path]) -> None:
    paths = list(returned.values())
    first = api.merge(paths, initiative)
    second = api.merge(list(reversed(paths)), initiative)
    assert first.values == second.values
    assert first.contributions.equals(second.contributions)


def test_same_copy_twice_counts_once(
    initiative: Initiative, returned: dict[str, Path], tmp_path: Path
) -> None:
    again = shutil.copy(returned[CDC], tmp_path / "renvoi-cdc.xlsx")
    merged = api.merge([*returned.values(), again], initiative)
    assert len(merged.accepted) == 3 and len(merged.duplicates) == 1
    assert merged.values == api.merge(list(returned.values()), initiative).values


def test_newest_copy_of_a_partner_wins_and_the_other_is_listed(
    initiative: Initiative, returned: dict[str, Path], tmp_path: Path
) -> None:
    newer = fill(
        returned[BARIL], {(BACKBONE, "C8"): "Projet lecture et numératie"}, save_as=tmp_path / "baril-v2.xlsx"
    )
    stamp(newer, 20)
    merged = api.merge([*returned.values(), newer], initiative)
    assert merged.values[("backbone_infrastructure", "community_engagement", "strengths")] == (
        "Projet lecture et numératie"
    )
    old = merged.contributions[merged.contributions["status"] == "superseded"]
    assert list(old["text"]) == ["Projet lecture"] and list(old["source"]) == [str(returned[BARIL])]


def test_master_is_recognised_and_not_double_counted(
    initiative: Initiative, returned: dict[str, Path], tmp_path: Path
) -> None:
    master = tmp_path / "out" / "maitre.xlsx"
    first = api.merge(list(returned.values()), initiative, out=master, now=FIXED_NOW)
    again = api.merge([master, *returned.values()], initiative)
    assert [s.source for s in again.ignored] == [str(master)]
    assert again.values == first.values


def test_master_workbook(initiative: Initiative, returned: dict[str, Path], tmp_path: Path) -> None:
    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in returned.values()}
    master = tmp_path / "out" / "maitre.xlsx"
    api.merge(list(returned.values()), initiative, out=master, now=FIXED_NOW)
    assert sorted(p.name for p in master.parent.iterdir()) == ["maitre.xlsx"]  # no temporary file left
    assert hashes == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in returned.values()}
    wb = openpyxl.load_workbook(master)
    tabs = ["Lisez-moi", PROGRESS, BACKBONE, "Contributions", "Réponses par ronde", "_toolkit"]
    assert wb.sheetnames == tabs
    ws = wb[BACKBONE]
    for ref, text in {
        "C6": "=cmd|' /C calc'!A0",
        "C7": "+33 6 12",
        "D7": "-2 postes",
        "E7": "@SOMME(1;2)",
    }.items():
        assert (ws[ref].value, ws[ref].data_type) == (text, "s"), ref  # inert text, never a formula
    assert wb[PROGRESS]["C5"].value == dt.datetime(2026, 11, 15)
    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name("Contributions").to_python()
    assert rows[0][:5] == ["Feuille", "Ligne", "Colonne", "Partenaire", "Valeur"]
    assert len(rows) == 1 + 5 + 7 + 1  # every non-empty value of the three copies
    assert [
        BACKBONE,
        "Guider la vision et la stratégie d'ensemble",
        "Forces actuelles",
        "CPE Les Lucioles",
        "Des liens solides avec les écoles",
    ] in [r[:5] for r in rows]
    assert {r[7] for r in rows[1:]} == {p.name for p in returned.values()}


def test_unmapped_text_is_kept_in_contributions(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    fill(copies[CDC], {(BACKBONE, "G6"): "Voir aussi le plan 2027"})
    merged = api.merge([copies[CDC]], initiative)
    kept = merged.contributions[merged.contributions["status"] == "unmapped"]
    assert list(zip(kept["location"], kept["text"], strict=True)) == [
        (f"{BACKBONE}!G6", "Voir aussi le plan 2027")
    ]
