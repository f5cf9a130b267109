"""The master's big tabs are written as they are made: counted first, never all in memory, same file.

At a thousand copies the Contributions, answers and metadata tabs are hundreds of thousands of cells
(89 MB of XML); at ten thousand, ten times that. Their rows are made only as the writer walks them
(spec.LazyRows), and the package writer streams each into the zip a chunk at a time.
"""

from __future__ import annotations

import dataclasses
import io
import re
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import FIXED_NOW
from toolkit.answers import Answer
from toolkit.backends import xlsx_package
from toolkit.backends.xlsx import WRITER, workbook_bytes
from toolkit.generate import CopyPlan
from toolkit.initiative import Initiative
from toolkit.metadata import TEXT_PART, identity, record_rows, records
from toolkit.spec import ExtraTab, LazyRows, WorkbookSpec
from toolkit.writers import WriteOptions

WORKSHEET = "backbone_infrastructure"
BIG = 30_000  # rows


def _answer(text: str, partner: str = "cdc-hochelaga") -> Answer:
    return Answer(WORKSHEET, "policy", "strengths", partner, text, "2026", "new")


ANSWERS = {
    "none recorded": None,
    "no answers": (),
    "short": (_answer("Oui"), _answer("Des liens solides", "cpe-lucioles")),
    "one over several cells": (_answer("é" * (2 * TEXT_PART + 5)), _answer("")),
}


@pytest.mark.parametrize("answers", list(ANSWERS.values()), ids=list(ANSWERS))
def test_metadata_rows_are_counted_before_they_are_made(
    initiative: Initiative, answers: tuple[Answer, ...] | None
) -> None:
    plan = CopyPlan(initiative, "fr", (None,), FIXED_NOW)
    info = dataclasses.replace(
        identity(initiative, "fr", FIXED_NOW, None, "master"),
        prefill={(WORKSHEET, "policy", "strengths"): "x" * (TEXT_PART + 1)},
        answers=answers,
    )
    count, width, made = record_rows(info, plan.layout)
    rows = list(made())
    assert (count, width) == (len(rows), max(map(len, rows)))
    assert rows == records(info, plan.layout) and list(made()) == rows  # made anew on each walk


def _big_tab() -> ExtraTab:
    def rows() -> Iterator[tuple[object, ...]]:
        for i in range(BIG):
            yield (f"Organisme {i % 700}", f"Réponse numéro {i} : " + "des liens solides, " * 20, "retenue")

    return ExtraTab("Contributions", ("Partenaire", "Valeur", "Statut"), LazyRows(BIG, 3, rows), (22, 56, 16))


def _master_spec(initiative: Initiative, tab: ExtraTab) -> WorkbookSpec:
    plan = CopyPlan(initiative, "fr", (None,), FIXED_NOW)
    return dataclasses.replace(plan.spec(None), extra_tabs=(tab,), reading=True)


def test_a_big_tab_is_written_without_holding_its_rows(
    initiative: Initiative, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_package, "CHUNK", 1 << 16)  # memory is a few chunks: small ones here
    target = tmp_path / "maître.xlsx"
    spec = _master_spec(initiative, _big_tab())
    tracemalloc.start()
    try:
        WRITER.write_master(initiative, spec, str(target), WriteOptions())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    with zipfile.ZipFile(target) as archive:
        xml = max(info.file_size for info in archive.infolist())
    assert xml > 16 * 2**20  # the tab's XML: about twenty megabytes …
    assert peak < xml / 4  # … written in a few (all the rows' cells at once took more than the XML)
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("Contributions").to_python()
    assert len(rows) == BIG + 1 and rows[-1][0] == f"Organisme {(BIG - 1) % 700}"
    assert rows[-1][1].startswith(f"Réponse numéro {BIG - 1} : des liens")


def _parts(data: bytes | Path) -> dict[str, bytes]:
    with zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    core = parts["docProps/core.xml"]
    parts["docProps/core.xml"] = re.sub(rb"<dcterms:modified.*?</dcterms:modified>", b"", core)  # the time
    return parts


def test_the_master_file_is_the_same_package_as_in_memory(initiative: Initiative, tmp_path: Path) -> None:
    """Streamed into the file, or made in memory: the same parts."""
    target = tmp_path / "maître.xlsx"
    spec = _master_spec(initiative, _big_tab())
    WRITER.write_master(initiative, spec, str(target), WriteOptions())
    assert _parts(target) == _parts(workbook_bytes(spec))


def test_a_failure_while_writing_leaves_the_previous_master(initiative: Initiative, tmp_path: Path) -> None:
    target = tmp_path / "maître.xlsx"
    target.write_bytes(b"last week's master")

    def failing() -> Iterator[tuple[object, ...]]:
        for i in range(BIG):
            if i == BIG // 2:
                raise RuntimeError("the rows could not be made")
            yield ("Organisme", f"Réponse {i}", "retenue")

    tab = ExtraTab("Contributions", ("Partenaire", "Valeur", "Statut"), LazyRows(BIG, 3, failing))
    with pytest.raises(RuntimeError, match="could not be made"):
        WRITER.write_master(initiative, _master_spec(initiative, tab), str(target), WriteOptions())
    assert target.read_bytes() == b"last week's master"
    assert list(tmp_path.iterdir()) == [target]  # no half-written temporary file left


def test_rows_miscounted_are_an_error_not_a_wrong_file(initiative: Initiative, tmp_path: Path) -> None:
    """A tab states its size before its rows: a count that is not the rows' is refused, not written."""
    target = tmp_path / "maître.xlsx"
    tab = ExtraTab("Contributions", ("A", "B"), LazyRows(3, 2, lambda: iter([("a", "b"), ("c", "d")])))
    with pytest.raises(ValueError, match="not 4 as counted"):
        WRITER.write_master(initiative, _master_spec(initiative, tab), str(target), WriteOptions())
    wide = ExtraTab("Contributions", ("A", "B"), LazyRows(1, 2, lambda: iter([("a", "b", "c")])))
    with pytest.raises(ValueError, match="more than the table's 2 columns"):
        WRITER.write_master(initiative, _master_spec(initiative, wide), str(target), WriteOptions())
    assert not target.exists()
