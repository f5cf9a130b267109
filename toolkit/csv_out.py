"""CSV in two dialects: `excel` for a person opening the file in a spreadsheet, `machine` for programs.

Excel reads a CSV with the list separator and decimal mark of its locale, and as UTF-8 only when the
file starts with a byte-order mark: Excel fr-CA splits on ';' (',' is its decimal mark) and reads
'3,5' as a number. So the excel dialect writes ';' and decimal commas in French, ',' and decimal points
in English, always the BOM (in a file), headings and labels in the user's language, dates ISO (which
Excel reads as dates in every locale). The machine dialect is the stable contract: ',', no BOM,
snake_case column names, codes and values as they are (render.py writes it unchanged).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from .i18n import word
from .problems import CELLS, GAPS, cell_reason, gap_label
from .text import Language, Text
from .values import format_value

Dialect = Literal["excel", "machine"]
DIALECTS: tuple[Dialect, ...] = get_args(Dialect)
BOM = "\ufeff"  # how Excel (Windows and macOS) knows a CSV is UTF-8; without it, accents are mojibake
SEPARATOR: dict[Language, str] = {"fr": ";", "en": ","}
UNREADABLE = "unreadable_source"

HEADINGS: dict[str, Text] = {
    "worksheet": Text("Feuille de travail", "Worksheet"),
    "row": Text("Ligne", "Row"),
    "column": Text("Colonne", "Column"),
    "value": Text("Valeur", "Value"),
    "text": Text("Texte saisi", "Text as typed"),
    "problem": Text("Problème", "Problem"),
    "location": Text("Cellule", "Cell"),
    "origin": Text("Origine", "Origin"),
    "partner": Text("Partenaire", "Partner"),
    "source": Text("Fichier", "File"),
    "modified": Text("Modifié le", "Modified"),
    "kind": Text("Type", "Kind"),
    "severity": Text("Gravité", "Severity"),
    "message": Text("Message", "Message"),
}
LABELS: dict[str, Text] = {
    "error": Text("erreur", "error"),
    "warning": Text("avertissement", "warning"),
    "partner": Text("partenaire", "partner"),
    "prefill": Text("prérempli", "pre-filled"),
    UNREADABLE: Text("Fichiers illisibles", "Unreadable files"),
}


def excel_csv(
    fields: Sequence[str],
    records: Sequence[Mapping[str, object]],
    language: Language,
    *,
    time_zone: str,
    neutralise: Callable[[object], object],
) -> str:
    """`records` as CSV for a spreadsheet in `language` (no BOM: the caller adds it to files).

    `neutralise` runs first on every raw value (a text starting with '=' gets its quote before any
    number is formatted, so a negative number stays a number)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR[language], lineterminator="\r\n")
    writer.writerow([HEADINGS[f](language) for f in fields])
    zone = ZoneInfo(time_zone)
    for record in records:
        writer.writerow([_cell(f, neutralise(record.get(f)), language, zone) for f in fields])
    return buffer.getvalue()


def _cell(field: str, value: object, language: Language, zone: dt.tzinfo) -> str:
    """One value as Excel in `language` reads it: codes as labels, numbers with the local decimal mark."""
    if value is None or value != value:  # None, NaN, NaT
        return ""
    if field in ("severity", "origin", "kind") and str(value) in LABELS:
        return LABELS[str(value)](language)
    if field == "kind" and str(value) in GAPS:
        return gap_label(str(value), language)
    if field == "problem" and str(value) in CELLS:
        return cell_reason(str(value), language)
    if isinstance(value, bool):
        return word("yes" if value else "no", language)
    if isinstance(value, numbers.Integral):
        return format_value(int(value), "number", language)
    if isinstance(value, numbers.Real):
        return format_value(float(value), "number", language)
    if isinstance(value, dt.datetime):
        local = value.astimezone(zone) if value.tzinfo else value
        return local.strftime("%Y-%m-%d %H:%M")  # Excel reads it as a date and time; an offset it does not
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
