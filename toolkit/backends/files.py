"""Reading local spreadsheet files (.xlsx, .ods) into RawWorkbooks: screened first, values via calamine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from ..errors import SourceError
from ..rawbook import RawSheet, RawWorkbook
from ..screening import screen_file
from .xml_parts import cell_comments, formulas_and_properties


def read_file(path: Path) -> RawWorkbook:
    """Screen `path`, then read every tab's values, its formula cells and the document properties."""
    source = str(path)
    fmt = screen_file(path)
    try:
        with path.open("rb") as handle:  # by content: calamine picks a reader from the name given a path
            workbook = CalamineWorkbook.from_filelike(handle)
            formulas, properties = formulas_and_properties(path, fmt)
            comments = cell_comments(path, fmt)
            sheets = tuple(
                RawSheet(
                    name=meta.name,
                    visible=meta.visible == SheetVisibleEnum.Visible,
                    rows=list(workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)),
                    formulas=formulas.get(meta.name, frozenset()),
                )
                for meta in workbook.sheets_metadata
                if meta.typ == SheetTypeEnum.WorkSheet  # chart and macro sheets hold no cells of ours
            )
    except CalamineError as exc:
        raise SourceError(source, "corrupt", str(exc)) from None
    except (ValueError, KeyError, OSError) as exc:  # calamine reports some damage as plain errors
        raise SourceError(source, "corrupt", f"{type(exc).__name__}: {exc}") from None
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return RawWorkbook(source, sheets, properties, modified, comments=comments)
