"""Typing any text into a copy the way LibreOffice or Google save it, past what openpyxl allows.

openpyxl refuses control characters and cuts text at 32,767 characters; LibreOffice saves both
(control characters with Excel's `_xHHHH_` escape, long text whole) and Google Sheets exports them.
`type_raw` writes a placeholder with openpyxl, then puts the real text in the package's XML.
"""

from __future__ import annotations

import io
import re
import uuid
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xlsx_text(text: str) -> str:
    """`text` as it sits in an .xlsx part: XML-escaped, literal _xHHHH_ protected, controls escaped."""
    text = re.sub("_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return escape(text)


def type_raw(path: Path, cells: Mapping[tuple[str, str], str], *, save_as: Path | None = None) -> Path:
    """Write `cells` ((tab, 'B5') -> text) into the copy at `path`, whatever the text holds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(path)
    tokens = {}
    for (tab, ref), text in cells.items():
        token = f"RAW{uuid.uuid4().hex}"
        tokens[token] = text
        cell = book[tab][ref]
        cell.value = token
        cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    target = save_as or path
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".xml"):
                xml = data.decode("utf-8")
                for token, text in tokens.items():
                    xml = xml.replace(token, xlsx_text(text))
                data = xml.encode("utf-8")
            out.writestr(info, data)
    return target
