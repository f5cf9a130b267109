"""Two rounds through real LibreOffice edits: each partner gets back its own answers only, and the
round-2 master keeps everyone's history (rewritten, untouched, withdrawn, not returned)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from tests import libreoffice as lo
from tests.conftest import FIXED_NOW
from toolkit import api
from toolkit.initiative import Initiative
from toolkit.merge import Merged
from toolkit.rounds import PreviousRound

pytestmark = pytest.mark.libreoffice

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
BI, PC = "backbone_infrastructure", "progress_canvas"
CDC, CPE, BARIL, CIUSSS = "cdc-hochelaga", "cpe-les-lucioles", "ecole-baril", "ciusss-est"
SPRING, AUTUMN = "2026-printemps", "2026-automne"
STRENGTH = (BI, "vision_strategy", "strengths")  # C5: the cell every partner answers
WEAKNESS = (BI, "vision_strategy", "weaknesses")  # D5
WHEN = (PC, "overview", "date")  # C5 of the progress tab

R1 = {
    CDC: [
        ("set_string", BACKBONE, "C5", "CDC : vision portée par le CA"),
        ("set_date", PROGRESS, "C5", "2026-10-15"),
    ],
    CPE: [("set_string", BACKBONE, "C5", "CPE : locaux partagés")],
    BARIL: [("set_string", BACKBONE, "C5", "Baril : parents mobilisés")],
    CIUSSS: [("set_string", BACKBONE, "D5", "CIUSSS : peu de données partagées")],
}  # fmt: skip
CDC_NEW = "CDC : vision adoptée en assemblée"
R2 = {
    CDC: [("set_string", BACKBONE, "C5", CDC_NEW)],  # rewrites its own answer
    CPE: [],  # opens, saves, changes nothing
    BARIL: [("set_string", BACKBONE, "C5", "")],  # clears its own answer
}  # CIUSSS returns nothing


def ops(edits: list[tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    return [{"op": op, "sheet": sheet, "cell": cell, "value": value} for op, sheet, cell, value in edits]


@dataclass(frozen=True)
class TwoRounds:
    first: Path
    second: Path
    merged: Merged
    read_back: PreviousRound
    copies: dict[str, Path]  # round 2's generated copies, as partners received them
    rounds_line: str


def edit_all(
    copies: dict[str, Path], edits: dict[str, list[tuple[str, str, str, str]]], inbox: Path
) -> list[Path]:
    inbox.mkdir()
    jobs = [lo.job(copies[p], ops(e), save=[inbox / copies[p].name]) for p, e in edits.items()]
    results = lo.run_jobs(jobs)
    assert all(r["ok"] for r in results), results
    return sorted(inbox.iterdir())


@pytest.fixture(scope="module")
def rounds(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> TwoRounds:
    lo.require()
    root = tmp_path_factory.mktemp("rounds")
    history = root / "history.sqlite"
    spring = dataclasses.replace(initiative, round=SPRING)
    made = api.generate(spring, root / "r1", partners=list(R1), blank=False, now=FIXED_NOW, progress=False)
    returned = edit_all({c.partner_id or "": Path(c.where) for c in made}, R1, root / "inbox1")
    first = root / "maitre-printemps.xlsx"
    api.write_master(api.merge(returned, spring, now=FIXED_NOW, history=history), first, history=history)
    autumn = dataclasses.replace(initiative, round=AUTUMN)
    later = FIXED_NOW + dt.timedelta(days=150)
    made = api.generate(
        autumn, root / "r2", partners=list(R1), blank=False, now=later, prefill=first, progress=False
    )
    copies = {c.partner_id or "": Path(c.where) for c in made}
    returned = edit_all(copies, R2, root / "inbox2")
    second = root / "maitre-automne.xlsx"
    merged = api.merge(returned, autumn, now=later, history=history)  # previous: found in the history
    api.write_master(merged, second, now=later, history=history)
    from toolkit.round_text import rounds_line

    return TwoRounds(
        first, second, merged, api.read_previous(second, autumn), copies, rounds_line(merged, True)
    )


def test_previous_master_found_in_the_history(rounds: TwoRounds) -> None:
    assert rounds.merged.previous == (str(rounds.first.resolve()), SPRING)
    assert rounds.rounds_line == (
        f"Ronde {AUTUMN} : suite du classeur maître {rounds.first.resolve()} (ronde {SPRING})"
    )


def test_round_two_master_holds_each_partners_answer_with_its_round(rounds: TwoRounds) -> None:
    held = {
        (a.worksheet, a.row, a.column, a.partner): (a.text, a.round, a.change) for a in rounds.merged.answers
    }
    assert held == {
        (*STRENGTH, CDC): (CDC_NEW, AUTUMN, "changed"),
        (*WHEN, CDC): ("2026-10-15", SPRING, "unchanged"),
        (*STRENGTH, CPE): ("CPE : locaux partagés", SPRING, "unchanged"),
        (*STRENGTH, BARIL): ("Baril : parents mobilisés", AUTUMN, "withdrawn"),
        (*WEAKNESS, CIUSSS): ("CIUSSS : peu de données partagées", SPRING, "unconfirmed"),
    }
    # read back from the written master exactly (withdrawn answers are listed, not carried on)
    assert {(a.key, a.text, a.round) for a in rounds.read_back.answers} == {
        ((*k,), t, r) for k, (t, r, c) in held.items() if c != "withdrawn"
    }
    assert (
        rounds.merged.values[STRENGTH] == f"CDC Hochelaga : {CDC_NEW}\n"
        "CPE Les Lucioles : CPE : locaux partagés"
    )
    assert rounds.merged.values[WEAKNESS] == "CIUSSS : peu de données partagées"
    assert rounds.merged.values[WHEN] == dt.date(2026, 10, 15)


def test_round_marks_visible_in_the_master(rounds: TwoRounds) -> None:
    tab = CalamineWorkbook.from_path(str(rounds.second)).get_sheet_by_name("Réponses par ronde").to_python()
    lines = {(row[3], row[4], row[5], row[6]) for row in tab[1:]}
    assert (
        "CIUSSS de l'Est",  # its short_name in examples/initiative.yaml
        "CIUSSS : peu de données partagées",
        SPRING,
        "non confirmé cette ronde",
    ) in lines
    assert ("École primaire Baril", "Baril : parents mobilisés", AUTUMN, "retirée par le partenaire") in lines
    assert ("CPE Les Lucioles", "CPE : locaux partagés", SPRING, "inchangée") in lines


def all_text(path: Path) -> str:
    book = CalamineWorkbook.from_path(str(path))
    return "\n".join(
        str(v) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for v in row
    )


def test_no_copy_shows_another_partners_text(rounds: TwoRounds) -> None:
    for partner, path in rounds.copies.items():
        text = all_text(path)
        for other, edits in R1.items():
            for *_, written in edits:
                if other != partner and not written.startswith("2026"):
                    assert written not in text, (partner, written)


def test_own_answers_come_back_typed(rounds: TwoRounds) -> None:
    book = CalamineWorkbook.from_path(str(rounds.copies[CDC]))
    assert book.get_sheet_by_name(PROGRESS).to_python(skip_empty_area=False)[4][2] == dt.date(2026, 10, 15)
    assert (
        book.get_sheet_by_name(BACKBONE).to_python(skip_empty_area=False)[4][2]
        == "CDC : vision portée par le CA"
    )
