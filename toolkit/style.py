"""One style model for every writer (Excel, Google Sheets, the XLSX report): colours, sizes, widths.

Colours are RRGGBB hex strings; each writer turns them into its own form (openpyxl fills,
Google `rgbColor`). Changing the look of every workbook is one edit here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

HEADER_FILL = "1F4E78"  # dark blue behind white header text
LABEL_FILL = "DDEBF7"  # light blue behind row labels
INPUT_FILL = "FFF2CC"  # yellow: the cells partners fill
BORDER = "A6A6A6"
ACCENT = "1F4E78"  # titles and headings
GREY = "595959"  # hints
WHITE = "FFFFFF"

# Column widths (characters) by column type, unless the template gives one.
DEFAULT_WIDTHS = {
    "label": 40,
    "text": 28,
    "long_text": 40,
    "date": 14,
    "person": 26,
    "choice": 22,
    "number": 12,
    "yes_no": 10,
}
LONG_ROW_HEIGHT = 75  # points: a row with a long-text column
SHORT_ROW_HEIGHT = 30
INLINE_LIST_LIMIT = 255  # Excel drops an inline dropdown list longer than this (PITFALLS.md)
DATE_FORMAT = "yyyy-mm-dd"
PAPER = "letter"  # Québec prints on US Letter
LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_HEIGHT = 409  # points: Excel's limit
CHARS_PER_WIDTH = 1.1  # characters of ordinary text per unit of column width, about


def text_lines(text: str, width: float) -> int:
    """Lines `text` takes wrapped in a column `width` characters wide (its own line breaks kept)."""
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def fitted_height(cells: Iterable[tuple[str, float]], minimum: float = 18) -> float:
    """Row height (points) showing every (text, column width) of a row whole, within Excel's limit."""
    lines = max((text_lines(text, width) for text, width in cells if text), default=1)
    return min(MAX_ROW_HEIGHT, max(minimum, LINE_HEIGHT * lines + 3))


@dataclass(frozen=True)
class FontStyle:
    """A font as every writer understands it: bold, italic, size in points, RRGGBB colour."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    colour: str | None = None


# Cover and banner lines, by the role the content gives them (see cover.Line.style).
LINE_FONTS = {
    "title": FontStyle(bold=True, size=16),
    "heading": FontStyle(bold=True, size=13, colour=ACCENT),
    "subheading": FontStyle(bold=True, italic=True),
    "field": FontStyle(bold=True),
}
SHEET_TITLE = FontStyle(bold=True, size=14, colour=ACCENT)
SHEET_HINT = FontStyle(italic=True, colour=GREY)
HEADER_FONT = FontStyle(bold=True, colour=WHITE)
DEBRIEF_HEADING = FontStyle(bold=True, size=12, colour=ACCENT)
