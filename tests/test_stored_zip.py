"""calamine reads the parts screening kept, handed over stored, exactly as it reads the file itself.

Pull gives calamine a package of the parts screening already inflated and checked, stored rather
than compressed (backends/stored_zip.py), so that it does not inflate them again. Whatever calamine
makes of a file, it must make the same of that package: the same tabs, values and types, and a
failure where the file fails. Checked over real files from other programs (tests/data/corpus), the
hostile files, our own filled copies and a few hundred fuzz mutants of them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.fuzzing import build_corpus, mutant
from toolkit.backends.files import _for_calamine, _panic, _read_dense
from toolkit.backends.stored_zip import stored_zip
from toolkit.errors import SourceError
from toolkit.initiative import Initiative
from toolkit.screening import screen

DATA = Path(__file__).parent / "data"
MUTANTS = 300


def test_the_package_is_a_zip_every_reader_opens_with_each_part_checked() -> None:
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "xl/feuille \u00e9t\u00e9.xml": "<r>\u00e9</r>".encode(),
        "vide.xml": b"",
    }
    checksums = {name: zipfile.crc32(data) for name, data in parts.items()}
    with zipfile.ZipFile(io.BytesIO(stored_zip(parts, checksums))) as package:
        assert package.testzip() is None  # every CRC checks out
        assert {i.filename: package.read(i) for i in package.infolist()} == parts
        assert {i.compress_type for i in package.infolist()} == {zipfile.ZIP_STORED}
    wrong = {**checksums, "vide.xml": 1}
    with zipfile.ZipFile(io.BytesIO(stored_zip(parts, wrong))) as package:
        assert package.testzip() == "vide.xml"  # the CRC written is the one given: a wrong one shows


def _calamine(path: Path, data: bytes) -> object:
    """What calamine makes of `data`: each tab's name, visibility and typed values, or that it fails."""
    try:
        sheets = _read_dense(path, {}, data)
    except BaseException as exc:  # as backends/files.py: plain errors, or a panic of calamine's
        if not isinstance(exc, Exception) and not _panic(exc):
            raise
        return "calamine fails"
    return [(s.name, s.visible, {k: (type(v), v) for k, v in s.cells.items()}) for s in sheets]


def _stored_reads_the_same(path: Path, data: bytes) -> bool | None:
    """None when screening refuses the file or the package is not built for it (calamine then reads
    the file itself); else whether calamine reads the package exactly as it reads the file."""
    try:
        screened = screen(path, data)
    except SourceError:
        return None
    if screened.format != "xlsx":
        return None
    package = _for_calamine(screened, data)
    if package is data:
        return None
    assert package is not None
    return _calamine(path, package) == _calamine(path, data)


def test_real_files_read_the_same_from_the_stored_parts() -> None:
    files = sorted((DATA / "corpus" / "files").glob("*.xls[xm]")) + sorted((DATA / "hostile").iterdir())
    checked = {p.name: _stored_reads_the_same(p, p.read_bytes()) for p in files}
    assert [name for name, same in checked.items() if same is False] == []
    assert sum(same is True for same in checked.values()) >= 15  # the package is built for most


def test_our_copies_and_their_mutants_read_the_same_from_the_stored_parts(
    initiative: Initiative, tmp_path: Path
) -> None:
    seeds, good = build_corpus(initiative, tmp_path)
    for copy in good:
        assert _stored_reads_the_same(copy, copy.read_bytes()) is True
    differ, checked = [], 0
    for number in range(MUTANTS):
        made = mutant(7, number, [s for s in seeds if s.suffix == ".xlsx"])
        same = _stored_reads_the_same(tmp_path / made.name, made.data)
        checked += same is not None
        if same is False:
            differ.append(made.name)
    assert differ == []
    assert checked >= MUTANTS // 3  # most mutants pass screening: the comparison is not vacuous


@pytest.mark.parametrize(
    ("extra", "built"),
    [
        (None, True),
        ("xl/media/image1.png", True),  # a picture holds no cell: left out
        ("xl/strings.dat", False),  # a part under an unusual name: screening did not keep it
        ("customXml/item1.xml", False),  # an empty part is not kept: calamine must see it as it is
    ],
)
def test_the_package_is_built_only_when_screening_kept_every_part_that_may_hold_cells(
    copies: dict[str | None, Path], tmp_path: Path, extra: str | None, built: bool
) -> None:
    original = next(iter(copies.values()))
    path = tmp_path / "copie.xlsx"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            copy.writestr(info, source.read(info))
        if extra:
            copy.writestr(extra, b"" if extra.endswith(".xml") else b"\x89PNG or any bytes")
    data = path.read_bytes()
    screened = screen(path, data)
    package = _for_calamine(screened, data)
    assert (package is not data) == built
    if built:
        assert package is not None and _stored_reads_the_same(path, data)
        with zipfile.ZipFile(io.BytesIO(package)) as stored:
            assert extra not in stored.namelist()


@pytest.mark.libreoffice
def test_a_copy_filled_and_saved_by_libreoffice_reads_the_same_from_the_stored_parts(
    initiative: Initiative, tmp_path: Path
) -> None:
    """Partners' copies come back re-saved by a spreadsheet application: shared strings, styles and
    the legacy drawing of the notes as it writes them. The package is built for such a copy, and
    calamine reads it exactly as it reads the file."""
    from tests import libreoffice as lo

    lo.require()
    _, good = build_corpus(initiative, tmp_path)
    saved = lo.resave(good[0], tmp_path / "resaved.xlsx")
    data = saved.read_bytes()
    assert screen(saved, data).every_part_kept
    assert _stored_reads_the_same(saved, data) is True
