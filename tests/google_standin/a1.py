"""A1 notation and GridRange helpers (half-open, 0-based indexes as in the Sheets API)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^\$?([A-Za-z]*)\$?([0-9]*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_CELL = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[Rr][0-9]*[Cc][0-9]*$")


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    number = 0
    for char in letters.upper():
        number = number * 26 + (ord(char) - 64)
    return number - 1


def quote_title(title: str) -> str:
    """A sheet title as Google writes it in A1 ranges: quoted (with '' escaping) unless plain."""
    if _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_CELL.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class Span:
    """Row and column bounds; ``None`` means unbounded on that side."""

    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None


@dataclass(frozen=True)
class A1:
    """A parsed A1 range: sheet title (None = first sheet) and span (None = the whole sheet)."""

    sheet: str | None
    span: Span | None


class A1Error(ValueError):
    pass


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """``'O''Brien'!A1`` -> ("O'Brien", "A1"); ``Sheet1`` -> ("Sheet1", None); ``A1:B2`` -> (None, ...)."""
    if text.startswith("'"):
        i, title = 1, ""
        while i < len(text):
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title += "'"
                    i += 2
                    continue
                break
            title += text[i]
            i += 1
        else:
            raise A1Error(f"Unable to parse range: {text}")
        rest = text[i + 1 :]
        if rest == "":
            return title, None
        if not rest.startswith("!"):
            raise A1Error(f"Unable to parse range: {text}")
        return title, rest[1:]
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def parse_cells(cells: str) -> Span:
    """``A1:B2``, ``A:A``, ``2:5``, ``A5:A``, ``B3`` -> Span."""
    first, sep, second = cells.partition(":")
    m1 = _CELL.match(first)
    m2 = _CELL.match(second) if sep else m1
    if not m1 or not m2:
        raise A1Error(f"Unable to parse range: {cells}")
    c1, r1 = m1.groups()
    c2, r2 = m2.groups()
    bad = (
        not (c1 or r1)
        or not (c2 or r2)
        or (not sep and not (c1 and r1))  # "A" or "5" alone is a sheet name, not cells
        or (c1 and not r1 and r2)  # "A:B5"
        or (r1 and not c1 and c2)  # "5:B5"
        or (r1 and int(r1) < 1)
        or (r2 and int(r2) < 1)
    )
    if bad:
        raise A1Error(f"Unable to parse range: {cells}")
    rows = sorted(int(r) for r in (r1, r2) if r)
    cols = sorted(column_index(c) for c in (c1, c2) if c)
    start_row = rows[0] - 1 if r1 else None
    end_row = rows[-1] if r2 else None
    start_col = cols[0] if c1 else None
    end_col = cols[-1] + 1 if c2 else None
    return Span(start_row, end_row, start_col, end_col)


def looks_like_cells(text: str) -> bool:
    try:
        parse_cells(text)
    except A1Error:
        return False
    return True


def format_range(title: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    """``'Sheet 1'!A1:C3`` (bounded, half-open indexes)."""
    first = f"{column_letters(start_col)}{start_row + 1}"
    last = f"{column_letters(end_col - 1)}{end_row}"
    cells = first if first == last else f"{first}:{last}"
    return f"{quote_title(title)}!{cells}"


def bounded(span: Span | None, rows: int, cols: int) -> tuple[int, int, int, int]:
    """Span clipped to a grid of ``rows`` x ``cols``: (start_row, end_row, start_col, end_col)."""
    s = span or Span()
    return (
        s.start_row or 0,
        rows if s.end_row is None else s.end_row,
        s.start_col or 0,
        cols if s.end_col is None else s.end_col,
    )


def grid_span(grid_range: dict[str, int]) -> Span:
    return Span(
        grid_range.get("startRowIndex"),
        grid_range.get("endRowIndex"),
        grid_range.get("startColumnIndex"),
        grid_range.get("endColumnIndex"),
    )


def span_contains(span: Span, row: int, col: int) -> bool:
    return (
        (span.start_row is None or row >= span.start_row)
        and (span.end_row is None or row < span.end_row)
        and (span.start_col is None or col >= span.start_col)
        and (span.end_col is None or col < span.end_col)
    )


def spans_intersect(a: Span, b: Span) -> bool:
    def overlap(s1: int | None, e1: int | None, s2: int | None, e2: int | None) -> bool:
        lo = max(s1 or 0, s2 or 0)
        hi = min(e1 if e1 is not None else 1 << 40, e2 if e2 is not None else 1 << 40)
        return lo < hi

    return overlap(a.start_row, a.end_row, b.start_row, b.end_row) and overlap(
        a.start_col, a.end_col, b.start_col, b.end_col
    )


def shift_grid_range(grid_range: dict[str, int], dimension: str, at: int, count: int) -> None:
    """Adjust a GridRange in place after ``count`` rows/columns were inserted at ``at`` (< 0: deleted)."""
    start_key, end_key = (
        ("startRowIndex", "endRowIndex") if dimension == "ROWS" else ("startColumnIndex", "endColumnIndex")
    )
    for key in (start_key, end_key):
        if key not in grid_range:
            continue
        value = grid_range[key]
        if count > 0:
            if value > at or (value == at and key == start_key):
                grid_range[key] = value + count
        else:
            deleted_end = at - count
            if value >= deleted_end:
                grid_range[key] = value + count
            elif value > at:
                grid_range[key] = at
