"""Partner text recorded in a copy's or a master's hidden tab is never cut, however long.

A cell holds at most 32,767 characters in Excel: a pre-filled text or a master's per-partner answer
longer than that is written over several cells of its record and joined back when read.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.conftest import FIXED_NOW
from toolkit.answers import Answer
from toolkit.backends.files import read_file
from toolkit.backends.xlsx import workbook_bytes
from toolkit.generate import CopyPlan
from toolkit.initiative import Initiative
from toolkit.metadata import METADATA_TAB, identity, parse_records, records
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
