"""A formula typed where a value belongs: the gap quotes the formula as typed and says what to do, the
cell counts as not answered, and neither the formula nor its computed result enters the master (the
Contributions tab lists the formula, as text, marked "not used"). Text that merely starts with "=" is a
partner's answer like any other."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLE, FIXED_NOW
from toolkit import api
from toolkit.backends.xml_parts import ods_formula_text
from toolkit.gaps import quoted_formula
from toolkit.initiative import Initiative, load_initiative

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"
PC, BI = "progress_canvas", "backbone_infrastructure"
ACTIVITIES = "Vue d'ensemble de l'initiative et raisons pour lesquelles elle a été mise en œuvre"
LONG = (
    '=CONCATENATE("Une très longue formule qui reprend ";B6;" et encore du texte pour dépasser '
    "la limite raisonnable d'une citation\")"
)
FR_B5 = (
    "{partner} : une formule (« =B6 ») a été saisie au lieu d'une valeur dans « Description des "
    f"activités » pour « {ACTIVITIES} » (Canevas des progrès) : remplacez la formule par la valeur."
)
EN_B5 = (
    "{partner}: a formula (“=B6”) was typed instead of a value in “Description of activities” for "
    "“Overview of the initiative and why it was set up” (Progress canvas): replace the formula with "
    "the value."
)


def english(tmp_path: Path) -> Initiative:
    path = tmp_path / "en" / "initiative.yaml"
    path.parent.mkdir()
    path.write_text(EXAMPLE.read_text("utf-8").replace("language: fr", "language: en"), "utf-8")
    return load_initiative(path)


def typed_with_openpyxl(copy: Path) -> Path:
    """Formulas as openpyxl writes them: no cached result in the file at all."""
    book = openpyxl.load_workbook(copy)
    book[PROGRESS]["B5"] = "=B6"
    book[PROGRESS]["B6"] = "Ateliers de lecture"
    book[PROGRESS]["B7"] = "=oui"  # typed as text ('=oui in Excel): an answer, not a formula
    book[PROGRESS]["B7"].data_type = "s"
    book[BACKBONE]["C5"] = '="Vision "&"partagée"'
    book.save(copy)
    return copy


def cell(pulled: api.PullResult, worksheet: str, row: str, column: str) -> tuple[object, str, object]:
    cells = pulled.cells()
    found = cells[(cells.worksheet == worksheet) & (cells.row == row) & (cells.column == column)]
    assert len(found) == 1
    return found.value.iloc[0], found.text.iloc[0], found.problem.iloc[0]


def invalid(report: object, partner: str) -> dict[tuple[str, str, str], str]:
    return {
        (g.worksheet, g.row, g.column): g.message
        for g in report.gaps  # type: ignore[attr-defined]
        if g.kind == "invalid_value" and g.partner == partner
    }


def test_openpyxl_formula_is_quoted_as_typed_and_never_merged(
    copies: dict[str | None, Path], initiative: Initiative, tmp_path: Path
) -> None:
    copy = typed_with_openpyxl(copies["ecole-baril"])
    pulled = api.pull([str(copy)], initiative)
    assert cell(pulled, PC, "overview", "activities") == (None, "=B6", "formula")
    assert cell(pulled, PC, "partner_involvement", "activities") == ("=oui", "=oui", None)
    assert (PC, "overview", "activities") not in pulled.submissions[0].filled_keys  # not answered

    report = api.find_gaps([str(copy)], initiative)
    messages = invalid(report, "ecole-baril")
    assert messages[(PC, "overview", "activities")] == FR_B5.format(partner="École primaire Baril")
    assert '« ="Vision "&"partagée" »' in messages[(BI, "vision_strategy", "strengths")]
    assert (PC, "partner_involvement", "activities") not in messages  # "=oui" is an answer

    en = english(tmp_path)
    en_report = api.find_gaps([str(copy)], en)
    en_messages = invalid(en_report, "ecole-baril")
    assert en_messages[(PC, "overview", "activities")] == EN_B5.format(partner="École primaire Baril")

    master = tmp_path / "maitre.xlsx"
    merged = api.merge(api.pull([str(copy)], initiative), initiative, history=tmp_path / "h.sqlite")
    api.write_master(merged, str(master), history=tmp_path / "h.sqlite")
    book = openpyxl.load_workbook(master)
    assert book[PROGRESS]["B5"].value is None  # neither "=B6" nor what it computes
    assert book[BACKBONE]["C5"].value is None
    assert (book[PROGRESS]["B7"].value, book[PROGRESS]["B7"].data_type) == ("=oui", "s")
    listed = {
        (r[4].value, r[9].value): r[4].data_type
        for r in book["Contributions"].iter_rows(min_row=2)
        if isinstance(r[4].value, str)
    }
    assert listed[("=B6", "non retenue : une formule, pas une valeur")] == "s"  # shown, as inert text
    assert ("=oui", "retenue") in listed
    assert ("Ateliers de lecture", "retenue") in listed


@pytest.mark.libreoffice
def test_calc_formula_with_a_cached_result_is_quoted_not_its_result(
    copies: dict[str | None, Path], initiative: Initiative, tmp_path: Path
) -> None:
    """Calc saves the computed result beside the formula: the result must show up nowhere."""
    from tests import libreoffice as lo

    lo.require()
    ops = [
        {"op": "set_string", "sheet": PROGRESS, "cell": "B6", "value": "Portrait de quartier"},
        {"op": "set_formula", "sheet": PROGRESS, "cell": "B5", "value": "=B6"},
        {"op": "set_string", "sheet": PROGRESS, "cell": "B7", "value": "=oui"},  # text, as typed
        {"op": "set_formula", "sheet": BACKBONE, "cell": "C5", "value": LONG},
    ]
    returns = tmp_path / "retours"
    xlsx = returns / "hochelaga-ensemble_cdc-hochelaga.xlsx"
    ods = tmp_path / "ods" / "hochelaga-ensemble_cdc-hochelaga.ods"
    lo.run_one(lo.job(copies["cdc-hochelaga"], ops=ops, save=[xlsx, ods]))
    from python_calamine import CalamineWorkbook

    cached = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_name(PROGRESS).to_python()
    assert [row[1] for row in cached].count("Portrait de quartier") == 2  # B6, and B5's cached result
    typed = {}
    for path in (xlsx, ods):
        pulled = api.pull([str(path)], initiative)
        assert cell(pulled, PC, "overview", "activities") == (None, "=B6", "formula"), path.suffix
        value, text, problem = cell(pulled, BI, "vision_strategy", "strengths")
        assert (value, problem) == (None, "formula") and text.startswith('=CONCATENATE("Une très longue')
        typed[path.suffix] = text  # as stored: .xlsx separates arguments with ',', .ods with ';'
        assert cell(pulled, PC, "partner_involvement", "activities") == ("=oui", "=oui", None)

    report = api.find_gaps([str(xlsx)], initiative)
    messages = invalid(report, "cdc-hochelaga")
    partner = "Corporation de développement communautaire Hochelaga"
    assert messages[(PC, "overview", "activities")] == FR_B5.format(partner=partner)
    long_message = messages[(BI, "vision_strategy", "strengths")]
    assert f"une formule (« {quoted_formula(typed['.xlsx'])} »)" in long_message and "…" in long_message
    assert "Portrait de quartier" not in "".join(messages.values())  # the cached result is never quoted
    assert set(messages) == {(PC, "overview", "activities"), (BI, "vision_strategy", "strengths")}

    shutil.copyfile(xlsx, returns / "copie.xlsx")  # the same copy twice counts once
    master = tmp_path / "maitre.xlsx"
    merged = api.merge(api.pull([str(returns)], initiative), initiative, history=tmp_path / "h.sqlite")
    api.write_master(merged, str(master), history=tmp_path / "h.sqlite")
    book = openpyxl.load_workbook(master)
    assert book[PROGRESS]["B5"].value is None
    assert book[PROGRESS]["B6"].value == "Portrait de quartier"  # typed there: an answer
    assert book[BACKBONE]["C5"].value is None
    assert book[PROGRESS]["B7"].value == "=oui" and book[PROGRESS]["B7"].data_type == "s"
    statuses = {r[4].value: r[9].value for r in book["Contributions"].iter_rows(min_row=2)}
    assert statuses["=B6"] == "non retenue : une formule, pas une valeur"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=B6", "=B6"),
        ("=SOMME(\n  B6:B8)", "=SOMME( B6:B8)"),
        ("=" + "A1+" * 30 + "1", "=" + ("A1+" * 30)[:58] + "…"),
    ],
    ids=["short", "line-breaks", "long"],
)
def test_quoted_formula(formula: str, expected: str) -> None:
    assert quoted_formula(formula) == expected
    assert len(quoted_formula(formula)) <= 60


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("of:=[.B6]", "=B6"),
        ("of:=SUM([.C6:.C8])+[$Feuille2.B2]", "=SUM(C6:C8)+$Feuille2.B2"),
        ('of:=CONCATENATE("a";[.B6])', '=CONCATENATE("a";B6)'),
        ("oooc:=[.A1]*2", "=A1*2"),
    ],
)
def test_ods_formula_as_calc_shows_it(stored: str, shown: str) -> None:
    assert ods_formula_text(stored) == shown


def test_a_formula_over_last_rounds_answer_leaves_that_answer_unconfirmed(
    initiative: Initiative, tmp_path: Path
) -> None:
    """Round 2: CPE overwrites its pre-filled answer with a formula. The master keeps last round's
    answer, marked not confirmed; the formula never becomes CPE's answer for the next round."""
    before = Path(__file__).resolve().parent / "data" / "master_before_rounds.xlsx"
    made = {c.partner_id: c.where for c in api.generate(initiative, tmp_path / "r2", prefill=before)}
    book = openpyxl.load_workbook(made["cpe-les-lucioles"])
    book[BACKBONE]["C5"] = "=B5"  # was "Locaux partagés"
    book.save(made["cpe-les-lucioles"])
    merged = api.merge([made["cpe-les-lucioles"]], initiative, previous=before, now=FIXED_NOW)
    key = (BI, "vision_strategy", "strengths")
    answers = {a.partner: a for a in merged.answers if (a.worksheet, a.row, a.column) == key}
    assert (answers["cpe-les-lucioles"].text, answers["cpe-les-lucioles"].change) == (
        "Locaux partagés",
        "unconfirmed",
    )
    assert "=B5" not in str(merged.values[key]) and "Locaux partagés" in str(merged.values[key])
