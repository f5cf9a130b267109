"""Text longer than a spreadsheet cell holds: split it whole, or cut it with a mark saying where the rest is.

Pure helpers for the master (master.py) and the gaps (gaps.py): nothing is ever cut silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .text import CELL_LIMIT, XML_FORBIDDEN

ASTRAL = re.compile("[\U00010000-\U0010ffff]")
COSTLY = re.compile(f"{XML_FORBIDDEN.pattern}|_|{ASTRAL.pattern}")  # characters costing more than 1


def cost(char: str) -> int:
    """What one character takes in a cell: 2 UTF-16 units above U+FFFF, 7 once escaped as _xHHHH_."""
    return 7 if XML_FORBIDDEN.match(char) else 2 if ord(char) > 0xFFFF else 1


def fits(text: str, limit: int = CELL_LIMIT) -> bool:
    # `_x0041_` typed literally is written with 6 more characters (see backends/xlsx.py): count 7 per '_'
    if len(text) > limit:  # every character takes at least one unit (a merged cell can be megabytes)
        return False
    return len(text) * 7 <= limit or weight(text) <= limit


def weight(text: str) -> int:
    """sum(cost(c) + 6 * (c == '_')) over `text`, counted by C-speed searches rather than a Python loop."""
    escaped = len(XML_FORBIDDEN.findall(text)) + text.count("_")
    return len(text) + 6 * escaped + len(ASTRAL.findall(text))


def split_text(text: str, limit: int = CELL_LIMIT) -> list[str]:
    """`text` in consecutive parts that each fit a cell; joined, they give `text` back exactly."""
    if fits(text, limit) or limit < 1:
        return [text] if limit >= 1 else _split_each(text, limit)
    # Only the characters costing more than 1 are looked at one by one (C-speed search between them):
    # a merged cell of a thousand partners' answers is megabytes.
    parts: list[str] = []
    start, used, at = 0, 0, 0
    for match in COSTLY.finditer(text):
        i = match.start()
        start, used = _plain(text, parts, start, used, at, i, limit)
        char = match.group()
        weight = cost(char) + 6 * (char == "_")
        if used + weight > limit:
            parts.append(text[start:i])
            start, used = i, 0
        used += weight
        at = i + 1
    start, used = _plain(text, parts, start, used, at, len(text), limit)
    parts.append(text[start:])
    return parts


def _split_each(text: str, limit: int) -> list[str]:
    """split_text one character at a time (a limit no character fits in: each part is empty)."""
    parts, start, used = [], 0, 0
    for i, char in enumerate(text):
        weight = cost(char) + 6 * (char == "_")
        if used + weight > limit:
            parts.append(text[start:i])
            start, used = i, 0
        used += weight
    parts.append(text[start:])
    return parts


def _plain(
    text: str, parts: list[str], start: int, used: int, at: int, end: int, limit: int
) -> tuple[int, int]:
    """split_text over text[at:end], where every character costs 1: cut every `limit` units."""
    while at < end and used + (end - at) > limit:
        cut = at + max(0, limit - used)
        parts.append(text[start:cut])
        start, used, at = cut, 0, cut
    return start, used + (end - at)


def head(text: str, mark: str, limit: int = CELL_LIMIT) -> str:
    """The beginning of `text` that fits a cell together with `mark` (which says where the rest is)."""
    # every character costs at least 1: the first part lies within the first `limit` characters
    return split_text(text[: max(0, limit - len(mark))], limit - len(mark))[0] + mark


def row_ranges(rows: Iterable[int]) -> str:
    """[12, 13, 14, 40] -> '12–14, 40'."""
    numbers = sorted(set(rows))
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in spans)
