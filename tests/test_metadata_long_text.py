"""Partner text recorded in a copy's or a master's hidden tab is never cut, however long.

A cell holds at most 32,767 characters in Excel: a pre-filled text or a master's per-partner answer
longer than that is written over several cells of its record and joined back when read.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FIXED_NOW
from toolkit.answers import Answer
from toolkit.backends.files import read_file
from toolkit.backends.xlsx import workbook_bytes
from toolkit.generate import CopyPlan
from toolkit.initiative import Initiative
from toolkit.metadata import METADATA_TAB, identity, parse_records, records
from toolkit.rawbook import RawSheet
from toolkit.read_copy import METADATA_WIDTH

LONG = "Début. " + "é" * 40_000 + " — fin."  # longer than one Excel cell


def test_long_answers_survive_the_records_and_a_real_workbook(initiative: Initiative, tmp_path: Path) -> None:
    plan = CopyPlan(initiative, "fr", (None,), FIXED_NOW)
    info = dataclasses.replace(
        identity(initiative, "fr", FIXED_NOW, None, "master"),
        prefill={("backbone_infrastructure", "policy", "strengths"): LONG},
        answers=(
            Answer("backbone_infrastructure", "policy", "strengths", "cdc-hochelaga", LONG, "1", "new"),
        ),
    )
    rows = records(info, plan.layout)
    assert all(len(v) <= 32_767 for row in rows for v in row)
    assert parse_records(rows).answers[0].text == LONG  # type: ignore[union-attr]
    spec = dataclasses.replace(plan.spec(None), info=info)
    path = tmp_path / "maitre.xlsx"
    path.write_bytes(workbook_bytes(spec))
    sheet = read_file(path).sheet(METADATA_TAB)
    assert sheet is not None
    back = parse_records(sheet.lines(METADATA_WIDTH))
    assert back is not None and back.answers is not None
    assert back.answers[0].text == LONG
    assert back.prefill[("backbone_infrastructure", "policy", "strengths")] == LONG


@given(
    st.dictionaries(
        st.tuples(st.integers(1, 6), st.integers(1, 20)),
        st.one_of(st.text(max_size=3), st.integers()),
        max_size=30,
    ),
    st.integers(1, 18),
)
def test_a_sheets_lines_are_its_first_columns_whatever_the_cells(
    cells: dict[tuple[int, int], object], width: int
) -> None:
    """RawSheet.lines (the metadata tab is read through it) takes a short cut for a row filled from
    column 1 without a gap: every row must still come out as its first `width` columns."""
    sheet = RawSheet("_toolkit", False, cells)
    expected = [[sheet.value(row, column) for column in range(1, width + 1)] for row in sheet.row_numbers()]
    assert list(sheet.lines(width)) == expected
