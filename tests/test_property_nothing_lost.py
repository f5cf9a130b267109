"""Property: whatever a partner types in a template cell or a debrief answer (any Unicode, control
characters, Word field marks, 40,000-character answers), it is found in the master's Contributions with
the right partner and place, or named in a problem. Nothing vanishes, nothing is cut.

Text is typed the way LibreOffice saves it (tests/rawcells.py), past what openpyxl allows. Characters no
spreadsheet file can hold at all (lone surrogates, U+FFFE, U+FFFF) are left out of the alphabet.
Text outside the template's cells is another property (text kept outside the template).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from scripts.answers import input_cells
from tests.conftest import FIXED_NOW
from tests.rawcells import type_raw
from tests.test_properties import reference_clean
from toolkit import api
from toolkit.cells import a1
from toolkit.initiative import Initiative, partner_labels
from toolkit.layout import WorkbookLayout, workbook_layout

PARTNER = "cdc-hochelaga"
SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
CONTROLS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85]))
characters = st.characters(exclude_categories=("Cs",), exclude_characters="\ufffe\uffff")
hostile_text = st.one_of(
    st.text(characters, min_size=1, max_size=40),
    st.text(st.sampled_from(CONTROLS + "ab _x0041_=+-@<>[]()!\n\r\t\u2028é😀"), min_size=1, max_size=40),
    st.builds(
        lambda c, n, tail: c * n + tail,
        st.sampled_from("xé😀\x13 "),
        st.integers(32_000, 41_000),
        st.text(characters, max_size=5),
    ),
)


@pytest.fixture(scope="module")
def layout(initiative: Initiative) -> WorkbookLayout:
    return workbook_layout(initiative.kit, initiative.language)


@pytest.fixture(scope="module")
def blank(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nothing_lost")
    (copy,) = api.generate(initiative, out, partners=[PARTNER], blank=False, now=FIXED_NOW)
    return copy.path


@SETTINGS
@given(data=st.data())
def test_every_typed_value_reaches_the_master_or_a_problem(
    data: st.DataObject, initiative: Initiative, layout: WorkbookLayout, blank: Path, tmp_path: Path
) -> None:
    cells = list(input_cells(layout))
    chosen = data.draw(
        st.lists(st.sampled_from(cells), min_size=1, max_size=6, unique_by=lambda c: c[2]), label="cells"
    )
    typed = {
        (tab, a1(row, col)): (kind, key, data.draw(hostile_text, label=str(key)))
        for tab, kind, key, row, col in chosen
    }
    folder = tmp_path / f"run{dt.datetime.now().timestamp()}"
    folder.mkdir()
    copy = type_raw(
        blank, {where: text for where, (_k, _key, text) in typed.items()}, save_as=folder / blank.name
    )

    pulled = api.pull([copy], initiative)
    assert pulled.errors == ()
    (submission,) = pulled.submissions
    master = folder / "maître.xlsx"
    merged = api.merge(pulled, initiative, out=master)
    gaps = api.find_gaps(pulled, initiative, merged=merged)

    book = CalamineWorkbook.from_path(str(master))
    contributions = book.get_sheet_by_name("Contributions").to_python()
    name = partner_labels(initiative.partners)[PARTNER]  # as Contributions names partners
    by_cell = {(c.worksheet, c.row, c.column): c for c in submission.rows}
    for (tab, ref), (kind, key, text) in typed.items():
        expected = reference_clean(text, keep_lines=kind == "long_text")
        if not expected:
            continue  # only spaces and invisible characters: nothing was typed
        kept = "".join(str(r[4]) for r in contributions[1:] if r[3] == name and r[6] == f"{tab}!{ref}")
        cell = by_cell[key]
        if kept == expected:
            continue
        # a typed column may have read the text as a date, a number, a choice: then it is kept in that form,
        # and a text that does not fit is named in an invalid_value gap (and kept as typed)
        assert kind not in ("text", "long_text", "person"), (tab, ref, kept[:80], expected[:80])
        if cell.problem:
            assert any(g.kind == "invalid_value" and (g.worksheet, g.row, g.column) == key for g in gaps.gaps)
            assert kept == cell.text
        else:
            assert cell.value is not None and kept == cell.text, (tab, ref, kept[:80], expected[:80])
