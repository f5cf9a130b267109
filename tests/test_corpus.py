"""Real files made by other programs (tests/data/corpus): no legitimate file is refused.

Each file's expected verdict is in the corpus README's table: "read" (the toolkit reads every tab;
pull then says the workbook is not one of our copies, `foreign_template`) or the file's true name
(encrypted, macro, a legacy format, genuinely damaged).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from python_calamine import CalamineError

from toolkit.backends.files import _read_dense, read_file
from toolkit.backends.xml_cells import read_cells
from toolkit.pull import pull
from toolkit.screening import screen

CORPUS = Path(__file__).parent / "data" / "corpus"
FILES = CORPUS / "files"
FALSE_REJECTIONS = {"corrupt", "zip_bomb", "xml_bomb", "not_spreadsheet", "too_large"}


def expected_verdicts() -> dict[str, str]:
    """File name -> verdict, from the README's table (the one place sources are listed)."""
    rows = re.findall(
        r"^\| `([^`]+)` \|(?:[^|]*\|){4} ([a-z_]+) \|", (CORPUS / "README.md").read_text(), re.M
    )
    return dict(rows)


EXPECTED = expected_verdicts()
READABLE = sorted(name for name, verdict in EXPECTED.items() if verdict == "read")


def test_readme_lists_every_file_and_the_corpus_stays_small() -> None:
    on_disk = {p.name: p.stat().st_size for p in FILES.iterdir()}
    assert set(on_disk) == set(EXPECTED)
    assert max(on_disk.values()) < 200_000 and sum(on_disk.values()) < 3_000_000
    producers = (CORPUS / "README.md").read_text()
    for producer in (
        "LibreOffice 5",
        "LibreOffice 7",
        "Apache OpenOffice",
        "Gnumeric",
        "WPS",
        "Numbers",
        "Excel",
    ):
        assert producer in producers


def test_pull_gives_every_file_its_true_verdict() -> None:
    result = pull(FILES)
    verdicts = {Path(p.source).name: p.code for p in result.errors}
    verdicts.update({Path(s.source).name: "submission" for s in result.submissions})
    got = {name: "read" if verdicts[name] == "foreign_template" else verdicts[name] for name in EXPECTED}
    assert got == EXPECTED
    refused = [name for name, code in got.items() if code in FALSE_REJECTIONS and EXPECTED[name] == "read"]
    assert refused == []


@pytest.mark.parametrize("name", READABLE)
def test_every_readable_file_reads(name: str) -> None:
    workbook = read_file(FILES / name)
    assert workbook.sheets  # some hold only formats or pictures: no values to check here


@pytest.mark.parametrize("name", READABLE)
def test_sparse_reader_agrees_with_calamine(name: str) -> None:
    """The XML reader (used for far-apart values and odd packages) types values like calamine."""
    path = FILES / name
    screened = screen(path)
    try:
        dense = _read_dense(path, {})
    except (CalamineError, ValueError) as exc:
        pytest.skip(f"calamine cannot read it: {exc}")
    sparse = read_cells(path, screened.format)
    assert [(s.name, s.visible) for s in sparse] == [(s.name, s.visible) for s in dense]
    for mine, theirs in zip(sparse, dense, strict=True):
        assert {k: (type(v), v) for k, v in mine.cells.items()} == {
            k: (type(v), v) for k, v in theirs.cells.items()
        }
