"""The whole cycle a coordinator lives, with copies filled by partners in a real LibreOffice Calc.

generate -> partners fill their copies in Calc (and change them: rows, tabs, formulas, odd dates)
-> the coordinator drops every returned file, and last round's master, in one folder
-> pull, merge (master.xlsx), find_gaps -> the master opened again in Calc.

Everything runs once in a module-scoped fixture (two soffice starts); each test checks one thing
a coordinator would notice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from tests import libreoffice as lo
from tests.conftest import FIXED_NOW
from toolkit import api
from toolkit.gaps import GapReport
from toolkit.initiative import Initiative
from toolkit.merge import Merged
from toolkit.submission import PullResult, Submission

pytestmark = pytest.mark.libreoffice

PROGRESS, BACKBONE, RENAMED = "Canevas des progrès", "Infrastructure de soutien", "Progrès 2026"
PC, BI = "progress_canvas", "backbone_infrastructure"
NAMES = {
    "cdc-hochelaga": "Corporation de développement communautaire Hochelaga",
    "cpe-les-lucioles": "CPE Les Lucioles",
    "ecole-baril": "École primaire Baril",
    "ciusss-est": "CIUSSS de l'Est-de-l'Île-de-Montréal",
}
# What the master's tables show (short_name in examples/initiative.yaml, else the name).
LABELS = {**NAMES, "cdc-hochelaga": "CDC Hochelaga", "ciusss-est": "CIUSSS de l'Est"}
SILENT = ["cuisine-collective", "maison-des-jeunes", "bibliotheque", "caisse-populaire"]

# Returned file names, as they land in the coordinator's inbox.
A_FILE = "hochelaga-ensemble_cdc-hochelaga.xlsx"
A_AGAIN = "renvoi_cdc-hochelaga.xlsx"  # the same file, sent a second time under another name
B_FILE = "hochelaga-ensemble_ecole-baril.ods"
C_OLD = "hochelaga-ensemble_cpe-les-lucioles.xlsx"
# Sorts *before* C_OLD by name (" " < "."), so only the modification time can make it win.
C_NEW = "hochelaga-ensemble_cpe-les-lucioles (corrigé).xlsx"
D_FILE = "reponse_CIUSSS.xlsx"  # no partner id in the name: only the document properties can tell
FIRST_MASTER = "maitre-ronde-1.xlsx"

# What partners type; the tests compare against these exact strings.
A_OVERVIEW = "Table créée en 2019 après la fermeture de l'épicerie du quartier"
A_PLUS = "+15 % de familles rejointes"  # starts with "+": must stay text, never a formula
A_STRENGTH = "Animation reconnue par les membres"
A_OFF_ROSTER = "Paul Lavoie-Ménard"
A_DEBRIEF = "Bien, mais lentement."
A_DASH = "- ateliers de cuisine\n- friperie solidaire"  # "-" first, two lines
A_AT = "@Geneviève : relancer la Ville"  # "@" first
B_NOTE = "Note : ce rôle est partagé avec la Table jeunesse"
B_FORMULA_TEXT = "=SOMME(A1:A3)"
B_INVALID_DATE = "31/02/2026"
B_INVOLVEMENT = "Le conseil d'établissement vote les priorités"
B_DEBRIEF = "Forte mobilisation des parents"
C_STRENGTH = "Locaux partagés au CPE"
C_ACHIEVEMENT_OLD = "Halte-garderie ouverte"
C_ACHIEVEMENT_NEW = "Halte-garderie ouverte 3 jours par semaine"
D_AGENDA = "Groupe de travail santé des tout-petits"


def text(sheet: str, cell: str, value: str) -> dict[str, Any]:
    return {"op": "set_string", "sheet": sheet, "cell": cell, "value": value}


def date(sheet: str, cell: str, iso: str) -> dict[str, Any]:
    return {"op": "set_date", "sheet": sheet, "cell": cell, "value": iso}


def formula(sheet: str, cell: str, value: str) -> dict[str, Any]:
    return {"op": "set_formula", "sheet": sheet, "cell": cell, "value": value}


# Generated layout: progress rows 5-11 (B activities, C date), debrief answers B14-B16;
# backbone rows 5-10 (B who, C strengths, D weaknesses, E next steps), debrief answers B13-B15.
PARTNER_A = [
    text(PROGRESS, "B5", A_OVERVIEW),
    text(PROGRESS, "B6", A_PLUS),
    date(PROGRESS, "C5", "2026-10-15"),
    text(PROGRESS, "C6", "2 novembre 2026"),  # a date typed as text
    text(PROGRESS, "B14", A_DEBRIEF),
    text(BACKBONE, "B5", "Mamadou Diallo"),
    text(BACKBONE, "B6", A_OFF_ROSTER),
    text(BACKBONE, "C5", A_STRENGTH),
    text(BACKBONE, "D5", A_DASH),
    text(BACKBONE, "E5", A_AT),
]
# Partner B unprotects the backbone tab and inserts a row before row 7: from there on, everything
# sits one row lower (aligned_activities 8, community_engagement 9, policy 10, resources 11;
# debrief answers B14-B16).
PARTNER_B = [
    {"op": "unprotect", "sheet": BACKBONE},
    {"op": "insert_rows", "sheet": BACKBONE, "before": 7, "count": 1},
    text(BACKBONE, "A7", B_NOTE),
    {"op": "rename_sheet", "sheet": PROGRESS, "to": RENAMED},
    {"op": "move_sheet", "sheet": BACKBONE, "to_index": 0},
    text(BACKBONE, "B5", "Mamadou Diallo; Sophie Tremblay"),
    text(BACKBONE, "B8", "Olivier Roy"),
    text(BACKBONE, "C8", B_FORMULA_TEXT),  # typed as text: a partner's text, not a formula
    formula(BACKBONE, "D11", "=2+2"),  # a real formula in an input cell
    text(BACKBONE, "B14", B_DEBRIEF),
    text(RENAMED, "B7", B_INVOLVEMENT),
    text(RENAMED, "C7", B_INVALID_DATE),
]
PARTNER_C = [
    text(BACKBONE, "B5", "Isabelle Côté"),
    text(BACKBONE, "C5", C_STRENGTH),
    date(PROGRESS, "C5", "2026-11-20"),
    text(PROGRESS, "B8", C_ACHIEVEMENT_OLD),
]
PARTNER_C_AGAIN = [text(PROGRESS, "B8", C_ACHIEVEMENT_NEW)]  # the corrected copy: one more change
PARTNER_D = [
    {"op": "remove_sheet", "sheet": "_toolkit"},
    text(PROGRESS, "B10", D_AGENDA),
    text(BACKBONE, "B9", "Karim Benali"),
]

COVER_MOVED = {"op": "move_sheet", "sheet": "Lisez-moi", "to_index": 2}

# Modification times (seconds after FIXED_NOW) set after Calc ran, so "newest" is deterministic.
MTIMES = {A_FILE: 3600, A_AGAIN: 7200, B_FILE: 5400, C_OLD: 1800, C_NEW: 9000, D_FILE: 4000}


@dataclass(frozen=True)
class Cycle:
    inbox: Path
    first: Merged
    pulled: PullResult
    merged: Merged
    gaps: GapReport
    master: Path
    master_cells: dict[str, dict[str, dict[str, Any]]]
    contributions: list[list[object]]
    hashes_before: dict[str, str]
    hashes_after: dict[str, str]
    cover_moved: Submission

    def submission(self, file_name: str) -> Submission:
        return next(s for s in self.pulled.submissions if Path(s.source).name == file_name)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def cycle(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> Cycle:
    lo.require()
    root = tmp_path_factory.mktemp("cycle")
    copies = {c.partner_id: c.path for c in api.generate(initiative, root / "copies", now=FIXED_NOW)}
    inbox = root / "inbox"
    results = lo.run_jobs(
        [
            lo.job(copies["cdc-hochelaga"], ops=PARTNER_A, save=[inbox / A_FILE]),
            lo.job(copies["ecole-baril"], ops=PARTNER_B, save=[inbox / B_FILE]),
            lo.job(copies["cpe-les-lucioles"], ops=PARTNER_C, save=[inbox / C_OLD]),
            lo.job(inbox / C_OLD, ops=PARTNER_C_AGAIN, save=[inbox / C_NEW]),
            lo.job(copies["ciusss-est"], ops=PARTNER_D, save=[inbox / D_FILE]),
            # outside the inbox: a copy whose only change is the cover tab moved after the worksheets
            lo.job(copies["cdc-hochelaga"], ops=[COVER_MOVED], save=[root / "other" / "cover_moved.xlsx"]),
        ]
    )
    assert all(r["ok"] for r in results), results
    shutil.copy(inbox / A_FILE, inbox / A_AGAIN)
    start = FIXED_NOW.timestamp()
    for name, offset in MTIMES.items():
        os.utime(inbox / name, (start + offset, start + offset))
    hashes_before = digest(inbox)

    # Last round: the first master is written into the inbox, so this round reads it as a source.
    first = api.merge([inbox], initiative, out=inbox / FIRST_MASTER, now=FIXED_NOW)
    pulled = api.pull([inbox], initiative)
    master = root / "out" / "master.xlsx"
    merged = api.merge(pulled, initiative, out=master, now=FIXED_NOW)
    gaps = api.find_gaps(pulled, initiative, now=FIXED_NOW)
    hashes_after = {name: h for name, h in digest(inbox).items() if name != FIRST_MASTER}

    cells = {PROGRESS: ["B5", "B6", "C5", "C6"], BACKBONE: ["B5", "C5", "D5", "E5", "C7", "D10"]}
    shown = lo.run_jobs([lo.job(master, inspect={"cells": cells})])[0]
    assert shown["ok"], shown
    contributions = CalamineWorkbook.from_path(str(master)).get_sheet_by_name("Contributions").to_python()
    return Cycle(
        inbox,
        first,
        pulled,
        merged,
        gaps,
        master,
        shown["inspect"]["cells"],
        [list(r) for r in contributions],
        hashes_before,
        hashes_after,
        api.pull([root / "other" / "cover_moved.xlsx"], initiative).submissions[0],
    )


def test_every_returned_file_is_read(cycle: Cycle) -> None:
    assert cycle.pulled.errors == ()
    found = {Path(s.source).name: s.partner_id for s in cycle.pulled.submissions}
    assert found == {
        A_FILE: "cdc-hochelaga",
        A_AGAIN: "cdc-hochelaga",
        B_FILE: "ecole-baril",
        C_OLD: "cpe-les-lucioles",
        C_NEW: "cpe-les-lucioles",
        D_FILE: "ciusss-est",
        FIRST_MASTER: None,
    }


def typed(submission: Submission) -> dict[tuple[str, str, str], object]:
    """(worksheet, row, column) -> typed value, for every cell the partner filled."""
    cells = submission.cells[submission.cells["text"] != ""]
    return {(c.worksheet, c.row, c.column): c.value for c in cells.itertuples()}


def found_at(submission: Submission) -> dict[tuple[str, str, str], str]:
    cells = submission.cells[submission.cells["text"] != ""]
    return {(c.worksheet, c.row, c.column): c.location for c in cells.itertuples()}


def problems(submission: Submission) -> dict[tuple[str, str, str], tuple[str, str]]:
    cells = submission.cells[submission.cells["problem"].notna()]
    return {(c.worksheet, c.row, c.column): (c.problem, c.text) for c in cells.itertuples()}


def gaps(cycle: Cycle, kind: str, partner: str | None = "any") -> list[tuple[str | None, ...]]:
    return [
        (g.partner, g.worksheet, g.row, g.column, g.message)
        for g in cycle.gaps.gaps
        if g.kind == kind and (partner == "any" or g.partner == partner)
    ]


# ------------------------------------------------------------------------------------------ pull


def test_partner_a_values_exactly_as_typed(cycle: Cycle) -> None:
    a = cycle.submission(A_FILE)
    assert typed(a) == {
        (PC, "overview", "activities"): A_OVERVIEW,
        (PC, "overview", "date"): dt.date(2026, 10, 15),
        (PC, "research_data", "activities"): A_PLUS,
        (PC, "research_data", "date"): dt.date(2026, 11, 2),  # typed as text "2 novembre 2026"
        (PC, "how_progressing", "answer"): A_DEBRIEF,
        (BI, "vision_strategy", "who"): "Mamadou Diallo",
        (BI, "vision_strategy", "strengths"): A_STRENGTH,
        (BI, "vision_strategy", "weaknesses"): A_DASH,
        (BI, "vision_strategy", "next_steps"): A_AT,
        (BI, "shared_measurement", "who"): A_OFF_ROSTER,
    }
    assert problems(a) == {}
    assert a.notes == () and a.unmapped == ()


def test_partner_b_cells_found_below_the_inserted_row_and_in_the_renamed_tab(cycle: Cycle) -> None:
    b = cycle.submission(B_FILE)
    assert typed(b) == {
        (PC, "partner_involvement", "activities"): B_INVOLVEMENT,
        (PC, "partner_involvement", "date"): None,  # 31/02/2026: not a date
        (BI, "vision_strategy", "who"): "Mamadou Diallo; Sophie Tremblay",
        (BI, "aligned_activities", "who"): "Olivier Roy",
        (BI, "aligned_activities", "strengths"): B_FORMULA_TEXT,  # text typed by a partner stays text
        (BI, "resources", "weaknesses"): None,  # a formula: no value taken from it
        (BI, "strengths_weaknesses", "answer"): B_DEBRIEF,
    }
    assert found_at(b) == {
        (PC, "partner_involvement", "activities"): f"{RENAMED}!B7",
        (PC, "partner_involvement", "date"): f"{RENAMED}!C7",
        (BI, "vision_strategy", "who"): f"{BACKBONE}!B5",
        (BI, "aligned_activities", "who"): f"{BACKBONE}!B8",
        (BI, "aligned_activities", "strengths"): f"{BACKBONE}!C8",
        (BI, "resources", "weaknesses"): f"{BACKBONE}!D11",
        (BI, "strengths_weaknesses", "answer"): f"{BACKBONE}!B14",
    }


def test_partner_b_formula_and_impossible_date_are_problems(cycle: Cycle) -> None:
    assert problems(cycle.submission(B_FILE)) == {
        (PC, "partner_involvement", "date"): ("not_a_date", B_INVALID_DATE),
        (BI, "resources", "weaknesses"): ("formula", "=2+2"),  # the formula as typed, never its result 4
    }


def test_partner_b_structure_changes_are_noted(cycle: Cycle) -> None:
    b = cycle.submission(B_FILE)
    assert [(n.code, n.worksheet, dict(n.params)) for n in b.notes] == [
        ("tab_renamed", PC, {"old": PROGRESS, "new": RENAMED}),
        ("rows_moved", BI, {"count": "7"}),  # 4 table rows and 3 debrief questions below the new row
        ("tab_moved", PC, {"tab": RENAMED}),  # the two worksheet tabs swapped order
        ("tab_moved", BI, {"tab": BACKBONE}),
    ]
    assert b.unmapped == ((f"{BACKBONE}!A7", B_NOTE),)


def test_moving_only_the_cover_tab_does_not_report_the_worksheets_as_moved(cycle: Cycle) -> None:
    # Tabs were [Lisez-moi, Canevas, Infrastructure]; the partner moved only the cover to the end.
    # The worksheet tabs keep their order, so "onglet « Canevas des progrès » déplacé" would be false.
    assert cycle.cover_moved.notes == ()


def test_partner_d_recognised_without_the_metadata_tab(cycle: Cycle) -> None:
    d_file = cycle.inbox / D_FILE
    tabs = [s.name for s in CalamineWorkbook.from_path(str(d_file)).sheets_metadata]
    assert tabs == ["Lisez-moi", PROGRESS, BACKBONE]  # the hidden _toolkit tab is really gone
    d = cycle.submission(D_FILE)
    assert d.partner_id == "ciusss-est" and d.role == "partner"
    assert d.notes == ()  # identity and layout came from the document properties, not the file name
    assert typed(d) == {(PC, "common_agenda", "activities"): D_AGENDA, (BI, "policy", "who"): "Karim Benali"}
    assert found_at(d) == {
        (PC, "common_agenda", "activities"): f"{PROGRESS}!B10",
        (BI, "policy", "who"): f"{BACKBONE}!B9",
    }


# ----------------------------------------------------------------------------------------- merge


def test_newest_copy_of_a_partner_wins_by_modification_time(cycle: Cycle) -> None:
    merged = cycle.merged
    assert [Path(s.source).name for s in merged.accepted] == [A_FILE, C_NEW, B_FILE, D_FILE]
    assert [Path(s.source).name for s in merged.superseded] == [C_OLD]
    assert merged.values[(PC, "achievements", "activities")] == C_ACHIEVEMENT_NEW
    old = merged.contributions[merged.contributions["source"].map(lambda s: Path(s).name) == C_OLD]
    assert set(old["status"]) == {"superseded"}
    assert sorted(old["text"]) == ["2026-11-20", C_ACHIEVEMENT_OLD, "Isabelle Côté", C_STRENGTH]


def test_same_copy_sent_twice_counts_once(cycle: Cycle) -> None:
    merged = cycle.merged
    assert [Path(s.source).name for s in merged.duplicates] == [A_AGAIN]
    sources = merged.contributions["source"].map(lambda s: Path(s).name)
    assert A_AGAIN not in set(sources)
    assert (sources == A_FILE).sum() == len(typed(cycle.submission(A_FILE))) == 10


def test_last_rounds_master_is_set_aside(cycle: Cycle) -> None:
    assert [Path(s.source).name for s in cycle.merged.ignored] == [FIRST_MASTER]
    assert cycle.submission(FIRST_MASTER).role == "master"
    assert FIRST_MASTER not in set(cycle.merged.contributions["source"].map(lambda s: Path(s).name))
    assert cycle.merged.values == cycle.first.values  # merging again with it changes nothing
    assert len(cycle.merged.contributions) == len(cycle.first.contributions)


def test_merged_values(cycle: Cycle) -> None:
    assert cycle.merged.values == {
        (PC, "overview", "activities"): A_OVERVIEW,
        (PC, "overview", "date"): dt.date(2026, 11, 20),  # A said 2026-10-15, C 2026-11-20: most recent
        (PC, "research_data", "activities"): A_PLUS,
        (PC, "research_data", "date"): dt.date(2026, 11, 2),
        (PC, "partner_involvement", "activities"): B_INVOLVEMENT,
        (PC, "partner_involvement", "date"): B_INVALID_DATE,  # shown as typed; flagged in the gaps
        (PC, "achievements", "activities"): C_ACHIEVEMENT_NEW,
        (PC, "common_agenda", "activities"): D_AGENDA,
        (PC, "how_progressing", "answer"): A_DEBRIEF,
        # who: the union of names, in partner order, each name once
        (BI, "vision_strategy", "who"): "Mamadou Diallo, Isabelle Côté, Sophie Tremblay",
        # distinct texts: one line per partner, "Nom du partenaire : texte"
        (BI, "vision_strategy", "strengths"): f"{LABELS['cdc-hochelaga']} : {A_STRENGTH}\n"
        f"{LABELS['cpe-les-lucioles']} : {C_STRENGTH}",
        (BI, "vision_strategy", "weaknesses"): A_DASH,
        (BI, "vision_strategy", "next_steps"): A_AT,
        (BI, "shared_measurement", "who"): A_OFF_ROSTER,
        (BI, "aligned_activities", "who"): "Olivier Roy",
        (BI, "aligned_activities", "strengths"): B_FORMULA_TEXT,
        (BI, "policy", "who"): "Karim Benali",
        # (BI, "resources", "weaknesses") holds a formula (=2+2): neither it nor its result 4 is merged
        (BI, "strengths_weaknesses", "answer"): B_DEBRIEF,
    }


# ------------------------------------------------------------------------------------------ gaps


def test_gaps_name_the_partners_who_sent_nothing(cycle: Cycle) -> None:
    assert [g[0] for g in gaps(cycle, "missing_submission")] == SILENT
    first = gaps(cycle, "missing_submission")[0][4]
    assert first == "Aucune copie reçue de la Cuisine collective Hochelaga-Maisonneuve."


def test_gaps_flag_invalid_values(cycle: Cycle) -> None:
    assert gaps(cycle, "invalid_value") == [
        (
            "ecole-baril",
            PC,
            "partner_involvement",
            "date",
            "École primaire Baril : « 31/02/2026 » ne convient pas à « Date » pour « Implication des "
            "partenaires dans l'initiative et la mise en œuvre des décisions clés » (Canevas des progrès) : "
            "ce n'est pas une date.",
        ),
        (
            "ecole-baril",
            BI,
            "resources",
            "weaknesses",
            "École primaire Baril : une formule (« =2+2 ») a été saisie au lieu d'une valeur dans "
            "« Faiblesses actuelles » pour « Mobiliser les ressources (financières et autres) » "
            "(Infrastructure de soutien) : remplacez la formule par la valeur.",
        ),
    ]


def test_gaps_warn_about_a_name_not_in_the_roster(cycle: Cycle) -> None:
    assert gaps(cycle, "unknown_person") == [
        (
            "cdc-hochelaga",
            BI,
            "shared_measurement",
            "who",
            f"{NAMES['cdc-hochelaga']} : « {A_OFF_ROSTER} » n'est pas dans la liste des personnes "
            "(« Établir un système d'évaluation commun », Infrastructure de soutien).",
        ),
    ]
    assert {g.severity for g in cycle.gaps.gaps if g.kind == "unknown_person"} == {"warning"}


def test_gaps_list_roles_nobody_took(cycle: Cycle) -> None:
    assert gaps(cycle, "ownerless_role") == [
        (
            None,
            BI,
            "community_engagement",
            "who",
            "Rôle sans responsable : « Cultiver et maintenir l'engagement de la communauté » "
            "(Infrastructure de soutien).",
        ),
        (
            None,
            BI,
            "resources",
            "who",
            "Rôle sans responsable : « Mobiliser les ressources (financières et autres) » "
            "(Infrastructure de soutien).",
        ),
    ]


def test_gaps_report_partner_b_structure_changes(cycle: Cycle) -> None:
    prefix = "École primaire Baril : "
    assert [g[4] for g in gaps(cycle, "structure_changed")] == [
        prefix + f"onglet « {PROGRESS} » renommé « {RENAMED} »",
        prefix + f"lignes insérées ou supprimées dans « {BACKBONE} »; cellules retrouvées par leurs libellés",
        prefix + f"onglet « {RENAMED} » déplacé",
        prefix + f"onglet « {BACKBONE} » déplacé",
        prefix + f"texte hors du gabarit en {BACKBONE}!A7 : « {B_NOTE} » "
        "(conservé dans l'onglet Contributions du classeur maître)",
    ]


def test_gaps_cover_the_accepted_copies_only(cycle: Cycle) -> None:
    assert [Path(s.source).name for s in cycle.gaps.submissions] == [A_FILE, C_NEW, B_FILE, D_FILE]
    assert cycle.gaps.errors == ()


# ---------------------------------------------------------------------------------------- master


def test_master_keeps_typed_text_as_text_in_calc(cycle: Cycle) -> None:
    progress, backbone = cycle.master_cells[PROGRESS], cycle.master_cells[BACKBONE]
    for cell, expected in [
        (progress["B6"], A_PLUS),
        (backbone["D5"], A_DASH),
        (backbone["E5"], A_AT),
        (backbone["C7"], B_FORMULA_TEXT),
    ]:
        assert (cell["type"], cell["string"]) == ("TEXT", expected)
    assert progress["C5"]["type"] == "VALUE" and progress["C5"]["string"] == "2026-11-20"
    assert backbone["C5"]["string"] == cycle.merged.values[(BI, "vision_strategy", "strengths")]


SUPERSEDED_FR = "remplacée par une copie plus récente"
NOT_USED = "non retenue : une formule, pas une valeur"


def test_master_contributions_tab_names_partner_and_file_for_every_value(cycle: Cycle) -> None:
    header, *rows = cycle.contributions
    assert header[3:5] == ["Partenaire", "Valeur"] and header[7] == "Fichier source" and header[9] == "Statut"
    listed = sorted((r[3], r[4], r[7], r[9]) for r in rows)
    expected = sorted(
        (
            c.partner_name,
            c.text,
            Path(c.source).name,
            {"used": "retenue", "superseded": SUPERSEDED_FR, "unmapped": "hors gabarit", "formula": NOT_USED}[
                c.status
            ],
        )
        for c in cycle.merged.contributions.itertuples()
    )
    # A: 10 cells; C: 4 used + 4 superseded; B: 7 cells + 1 text outside the template; D: 2 cells
    assert listed == expected and len(rows) == 10 + 4 + 4 + 8 + 2
    assert (LABELS["ecole-baril"], B_NOTE, B_FILE, "hors gabarit") in listed
    assert (LABELS["ecole-baril"], B_FORMULA_TEXT, B_FILE, "retenue") in listed
    assert (LABELS["ecole-baril"], "=2+2", B_FILE, NOT_USED) in listed  # the formula as typed, not merged
    assert (LABELS["cpe-les-lucioles"], C_ACHIEVEMENT_OLD, C_OLD, SUPERSEDED_FR) in listed


# ----------------------------------------------------------------------------------------- files


def test_partner_files_are_never_modified(cycle: Cycle) -> None:
    assert cycle.hashes_after == cycle.hashes_before
    assert sorted(cycle.hashes_before) == sorted([A_FILE, A_AGAIN, B_FILE, C_OLD, C_NEW, D_FILE])


def test_a_folder_given_as_one_string_is_read_as_that_folder(
    cycle: Cycle, initiative: Initiative, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A coordinator's script writes api.pull("inbox", ...). A relative name keeps this test safe: an
    # absolute one ("/tmp/…/inbox") is iterated character by character too, and "/" walks the whole disk.
    monkeypatch.chdir(cycle.inbox.parent)
    pulled = api.pull("inbox", initiative)
    assert pulled.errors == ()
    assert sorted(Path(s.source).name for s in pulled.submissions) == sorted(
        Path(s.source).name for s in cycle.pulled.submissions
    )
