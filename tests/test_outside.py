"""Nothing a partner typed is dropped: text on any tab, beside the table, and in comments is kept."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment

from tests import libreoffice
from tests.conftest import FIXED_NOW, fill
from toolkit import api
from toolkit.initiative import Initiative
from toolkit.metadata import METADATA_TAB

PROGRESS, BACKBONE, COVER, LISTS = "Canevas des progrès", "Infrastructure de soutien", "Lisez-moi", "Listes"
BARIL = "ecole-baril"
# Where a partner may type, and what: every one must come back with its tab and cell.
PLANTED = {
    (COVER, "A3"): "Partenaire : École Baril et la bibliothèque",  # a generated line, changed
    (COVER, "A70"): "Merci de nous rappeler en janvier",  # a line added under the cover's text
    (COVER, "D2"): "Voir notre rapport annuel",
    (PROGRESS, "E1"): "Brouillon — version 2",  # beside the title row
    (PROGRESS, "D2"): "À valider par le CA",  # beside the description row
    (PROGRESS, "E4"): "Commentaires",  # right of the header row
    (PROGRESS, "F9"): "Oui",  # a word the toolkit also uses elsewhere
    (METADATA_TAB, "D2"): "note cachée",  # beyond a record of the hidden tab
    (METADATA_TAB, "A300"): "ligne ajoutée",
}


def plant(path: Path, extra_tab: bool = True, comment: bool = True) -> Path:
    wb = openpyxl.load_workbook(path)
    for (tab, ref), value in PLANTED.items():
        wb[tab][ref].value = value
    if extra_tab:
        wb.create_sheet("Nos notes")["B3"] = "Budget 2027 à confirmer"
    if comment:
        wb[PROGRESS]["B6"].comment = Comment("Voir le procès-verbal de mars", "Sophie")
    wb.save(path)
    return path


EXPECTED = sorted(
    [(f"{tab}!{ref}", text) for (tab, ref), text in PLANTED.items()]
    + [
        ("Nos notes!B3", "Budget 2027 à confirmer"),
        (f"{PROGRESS}!B6 (commentaire)", "Voir le procès-verbal de mars"),
    ]
)


def test_a_copy_as_generated_has_nothing_outside_the_template(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    pulled = api.pull(list(copies.values()), initiative)
    assert [s.unmapped for s in pulled.submissions] == [()] * len(copies)


def test_every_planted_text_is_found_with_its_location(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    submission = api.pull(plant(copies[BARIL]), initiative).submissions[0]
    assert sorted(submission.unmapped) == EXPECTED


def test_planted_texts_reach_gaps_and_the_masters_contributions(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    path = plant(fill(copies[BARIL], {(PROGRESS, "B5"): "Ateliers"}))
    out = tmp_path / "maitre.xlsx"
    merged = api.merge([path], initiative, out=out)
    kept = merged.contributions[merged.contributions["status"] == "unmapped"]
    assert sorted(zip(kept["location"], kept["text"], strict=True)) == EXPECTED
    assert set(kept["partner"]) == {BARIL}
    rows = list(openpyxl.load_workbook(out)["Contributions"].iter_rows(min_row=2, values_only=True))
    in_master = sorted((r[6], r[4]) for r in rows if r[9] == "hors gabarit")
    assert in_master == EXPECTED
    messages = [g.message for g in api.find_gaps([path], initiative).gaps if g.kind == "structure_changed"]
    assert "École primaire Baril : texte hors du gabarit en Nos notes!B3 : « Budget 2027 à confirmer » " in (
        "\n".join(messages) + " "
    )


def test_the_generators_own_row_notes_are_not_partner_text(
    initiative: Initiative, copies: dict[str | None, Path]
) -> None:
    """The generator writes a comment on some row labels; only the partner's comments are reported."""
    wb = openpyxl.load_workbook(copies[BARIL])
    ours = [c.coordinate for row in wb[BACKBONE].iter_rows() for c in row if c.comment]
    assert ours, "the sample templates put notes on row labels"
    assert api.pull(copies[BARIL], initiative).submissions[0].unmapped == ()


def test_the_hidden_lists_tab_keeps_only_what_differs(initiative: Initiative, tmp_path: Path) -> None:
    """Forty people make the people dropdown too long to be inline: it goes to the hidden lists tab."""
    crowded = dataclasses.replace(initiative, people=tuple(f"Personne numéro {i}" for i in range(40)))
    path = api.generate(crowded, tmp_path, partners=[BARIL], blank=False, now=FIXED_NOW)[0].path
    wb = openpyxl.load_workbook(path)
    assert wb[LISTS]["A1"].value == "Personne numéro 0"
    assert api.pull(path, crowded).submissions[0].unmapped == ()
    wb[LISTS]["A1"].value = "Personne numéro zéro (a quitté)"
    wb[LISTS]["C3"].value = "Ajout"
    wb.save(path)
    assert sorted(api.pull(path, crowded).submissions[0].unmapped) == [
        (f"{LISTS}!A1", "Personne numéro zéro (a quitté)"),
        (f"{LISTS}!C3", "Ajout"),
    ]


@pytest.mark.libreoffice
@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_text_typed_in_libreoffice_on_the_cover_a_new_tab_and_a_comment(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path, suffix: str
) -> None:
    libreoffice.require()
    saved = tmp_path / f"hochelaga-ensemble_ecole-baril{suffix}"
    plain = tmp_path / f"plain_ecole-baril{suffix}"
    ops = [
        {"op": "unprotect", "sheet": COVER},
        {"op": "set_string", "sheet": COVER, "cell": "A60", "value": "Note du partenaire sur la couverture"},
        {"op": "set_string", "sheet": COVER, "cell": "C2", "value": "À côté du titre"},
        {"op": "insert_sheet", "sheet": "Nos notes"},
        {"op": "set_string", "sheet": "Nos notes", "cell": "B3", "value": "Budget 2027 à confirmer"},
        {"op": "add_comment", "sheet": PROGRESS, "cell": "B5", "value": "Voir le procès-verbal de mars"},
        {"op": "set_string", "sheet": PROGRESS, "cell": "B5", "value": "Table lancée"},
    ]
    results = libreoffice.run_jobs(
        [libreoffice.job(copies[BARIL], ops, save=[saved]), libreoffice.job(copies[BARIL], save=[plain])]
    )
    assert all(r["ok"] for r in results), results
    edited, untouched = api.pull([saved, plain], initiative).submissions
    assert untouched.unmapped == ()  # a LibreOffice re-save alone adds nothing
    assert sorted(edited.unmapped) == [
        (f"{PROGRESS}!B5 (commentaire)", "Voir le procès-verbal de mars"),
        (f"{COVER}!A60", "Note du partenaire sur la couverture"),
        (f"{COVER}!C2", "À côté du titre"),
        ("Nos notes!B3", "Budget 2027 à confirmer"),
    ]
    cells = edited.cells
    answer = cells[(cells["row"] == "overview") & (cells["column"] == "activities")]
    assert list(answer["text"]) == ["Table lancée"]  # the comment is not mixed into the cell


# --- property: text typed anywhere is found where it was typed -----------------------------------------

TABS = [COVER, PROGRESS, BACKBONE, "Ajout"]
planted_text = st.text("abcdefghijklmnopqrstuvwxyzéàçœ0123456789 ", min_size=1, max_size=40).map(
    lambda t: "zq " + " ".join(t.split())  # a letter first: no column type reads it as a number or date
)
positions = st.one_of(
    st.tuples(st.sampled_from(TABS), st.integers(1, 30), st.integers(1, 9)),
    st.tuples(st.just(METADATA_TAB), st.integers(1, 80), st.integers(6, 9)),  # beside the records
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(positions, planted_text, min_size=1, max_size=12))
def test_text_typed_anywhere_comes_back_where_it_was_typed(
    initiative: Initiative,
    generated: dict[str | None, Path],
    tmp_path_factory: pytest.TempPathFactory,
    typed: dict,
) -> None:
    """Every text typed into any cell of any tab is in the cells table or the unmapped list, at its cell."""
    path = tmp_path_factory.mktemp("typed") / generated[BARIL].name
    wb = openpyxl.load_workbook(generated[BARIL])
    wb.create_sheet("Ajout")
    planted = {}
    for (tab, row, column), text in typed.items():
        cell = wb[tab].cell(row=row, column=column)
        if isinstance(cell, MergedCell):  # only the first cell of a merged range holds a value
            continue
        cell.value = text
        cell.data_type = "s"
        planted[f"{tab}!{cell.coordinate}"] = text
    wb.save(path)
    submission = api.pull(path, initiative).submissions[0]
    found = set(submission.unmapped) | {
        (c.location, c.text) for c in submission.rows if c.location and c.text
    }
    assert {(where, text) for where, text in planted.items()} <= found
