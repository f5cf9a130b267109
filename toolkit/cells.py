"""A1 cell references: column letters and back (pure helpers shared by readers and writers)."""

from __future__ import annotations


def column_letter(index: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def a1(row: int, column: int) -> str:
    """(7, 2) -> 'B7'."""
    return f"{column_letter(column)}{row}"


def parse_a1(ref: str) -> tuple[int, int]:
    """'B12' -> (12, 2)."""
    letters = ref.rstrip("0123456789")
    if not letters or not letters.isalpha() or letters == ref:
        raise ValueError(f"not a cell reference: {ref!r}")
    column = 0
    for char in letters.upper():
        column = column * 26 + ord(char) - 64
    return int(ref[len(letters) :]), column
