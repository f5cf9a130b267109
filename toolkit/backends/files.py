"""Reading local spreadsheet files (.xlsx, .ods) into RawWorkbooks: screened first, values via calamine.

python-calamine is fast but builds a dense grid per tab, so a tab whose values lie far apart
(A1 and ALL100000: 100 million cells) or a package whose parts are not where calamine looks
is read by the sparse XML reader instead. Either way a tab keeps only its non-empty cells.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from ..errors import SourceError
from ..rawbook import NO_FORMULAS, RawSheet, RawWorkbook
from ..screening import Screened, screen
from .stored_zip import stored_zip
from .xml_cells import package_cells
from .xml_parts import Formulas, _Package, package_comments, package_formulas_and_properties

# Largest grid handed to calamine: ~32 bytes a cell in calamine, 8 in the Python lists.
MAX_DENSE_CELLS = 2_000_000


def read_file(
    path: Path,
    data: bytes | None = None,
    modified: dt.datetime | None = None,
    screened: Screened | None = None,
) -> RawWorkbook:
    """Screen `path`, then read every tab's values, its formula cells and the document properties.

    `data`: the file's bytes, when the caller has read them (pull does, to hash them): the file is
    then read once, and the parts screening decompressed are not decompressed again.
    `modified`: the file's time, when the caller knows it (else the file's mtime).
    `screened`: what `screen(path, data)` found, when the caller screened the file already."""
    source = str(path)
    if screened is None:
        screened = screen(path, data)
    with _Package(path, data, screened.parts, screened.members) as pkg:
        formulas, properties = package_formulas_and_properties(pkg, screened.format)
        comments = package_comments(pkg, screened.format)  # partners' comments: text to keep, never drop
        if screened.grid_cells > MAX_DENSE_CELLS or not screened.standard_parts:
            sheets = _read_sparse(pkg, screened.format, formulas)
        else:
            try:
                sheets = _read_dense(path, formulas, _for_calamine(screened, data))
            except BaseException as exc:  # some damage comes as plain errors, some as a panic of calamine's
                if not isinstance(exc, CalamineError | ValueError | KeyError | OSError) and not _panic(exc):
                    raise
                # calamine is strict where producers are not (KOffice puts text between cells):
                # read what can be read; the file is damaged only if the XML reader fails too
                try:
                    sheets = _read_sparse(pkg, screened.format, formulas)
                except SourceError as again:
                    raise SourceError(source, again.code, f"{again.detail}; calamine: {exc}") from None
    if modified is None:
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return RawWorkbook(source, sheets, properties, modified, comments=comments)


def read_tab(path: Path, data: bytes, name: str) -> tuple[tuple[str, ...], Sequence[Sequence[object]] | None]:
    """Screen an .xlsx file as `read_file` does, then read one tab only: (every tab's name, that tab's
    rows from A1, '' for an empty cell). For a quick look at a big workbook (the guard's at last week's
    master); raises SourceError when screening refuses the file, ValueError when the tab cannot be
    read this way (read_file can)."""
    screened = screen(path, data)
    if screened.format != "xlsx" or not screened.standard_parts or screened.grid_cells > MAX_DENSE_CELLS:
        raise ValueError("not a plain .xlsx package")
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = tuple(m.name for m in workbook.sheets_metadata)
        if name not in names:
            return names, None
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except BaseException as exc:  # damage comes as plain errors or as a panic of calamine's
        if not isinstance(exc, CalamineError | ValueError | KeyError | OSError) and not _panic(exc):
            raise
        raise ValueError(str(exc)) from None
    return names, rows


def _read_sparse(pkg: _Package, fmt: str, formulas: dict[str, Formulas]) -> tuple[RawSheet, ...]:
    return tuple(
        RawSheet(s.name, s.visible, s.cells, formulas.get(s.name, NO_FORMULAS))
        for s in package_cells(pkg, fmt)
    )


# Above this, the parts are not copied into a package of their own: calamine reads the file's bytes.
_STORED_MAX_BYTES = 16 * 1024 * 1024


def _for_calamine(screened: Screened, data: bytes | None) -> bytes | None:
    """The package calamine reads: the parts screening kept, stored (it need not inflate them again),
    when screening kept every part that may hold cells; else the file's own bytes (None: the path)."""
    if not screened.every_part_kept or sum(map(len, screened.parts.values())) > _STORED_MAX_BYTES:
        return data
    return stored_zip(screened.parts, screened.checksums)


def _read_dense(path: Path, formulas: dict[str, Formulas], data: bytes | None = None) -> tuple[RawSheet, ...]:
    # by content: calamine picks a reader from the name given a path
    with path.open("rb") if data is None else io.BytesIO(data) as handle:
        workbook = CalamineWorkbook.from_filelike(handle)
        return tuple(
            RawSheet.from_rows(
                meta.name,
                meta.visible == SheetVisibleEnum.Visible,
                workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False),
                formulas.get(meta.name, NO_FORMULAS),
            )
            for meta in workbook.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet  # chart and macro sheets hold no cells of ours
        )


def _panic(exc: BaseException) -> bool:
    """A Rust panic inside calamine (a date out of range…): a BaseException, and not a reason to stop."""
    return type(exc).__name__ == "PanicException"
