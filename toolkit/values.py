"""Typing the cell values partners send back, one template column type at a time.

python-calamine hands over cached cell values as ``str``, ``float``, ``int``,
``bool``, ``datetime.date``, ``datetime.datetime``, ``datetime.time`` or
``datetime.timedelta`` ('' for an empty cell). :func:`parse_cell` turns such a
value into the Python value its column type calls for and, when it cannot,
says why with a stable problem code instead of raising: a partner's typo is a
result to report, not an error.

Problem codes (stable; used in JSON output and translations):

``not_a_date``      the text is not a date, or names an impossible one (31/02/2026)
``ambiguous_date``  the text could be two dates (03/04/2026 in English) or is
                    incomplete (``novembre 2026``); it is reported, never guessed
``missing_year``    a day and a month without a year (``le 3 décembre``, ``3/12``): a round can
                    straddle two years, so the year is asked for, never guessed
``not_a_number``    the text is not a number
``not_yes_no``      the text is not a yes/no answer
``not_in_choices``  the text matches none of the column's choices (the text is kept)
``formula``         reserved for callers that detect formulas; never produced here

For date, number and yes/no problems, ``Parsed.value`` is ``None`` and
``Parsed.detail`` holds the cleaned text the partner typed, so nothing is lost.

Stdlib only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import get_args

from .i18n import long_date
from .problems import CellProblem
from .templates import ColumnType
from .text import Language

__all__ = [
    "COLUMN_TYPES",
    "PROBLEM_CODES",
    "Parsed",
    "format_value",
    "normalise_key",
    "parse_cell",
]

COLUMN_TYPES: tuple[ColumnType, ...] = get_args(ColumnType)

NOT_A_DATE = "not_a_date"
AMBIGUOUS_DATE = "ambiguous_date"
MISSING_YEAR = "missing_year"
NOT_A_NUMBER = "not_a_number"
NOT_YES_NO = "not_yes_no"
NOT_IN_CHOICES = "not_in_choices"
FORMULA = "formula"

PROBLEM_CODES: tuple[CellProblem, ...] = get_args(CellProblem)

_TEXT_TYPES = frozenset({"label", "text", "long_text", "person"})


@dataclass(frozen=True)
class Parsed:
    """A typed cell value.

    ``value`` is the typed value (``None`` when the cell is empty or cannot be
    read as its type); ``problem`` is one of :data:`PROBLEM_CODES` or ``None``;
    ``detail`` is the cleaned text behind a problem ('' otherwise).
    """

    value: object | None
    problem: str | None = None
    detail: str = ""


# --------------------------------------------------------------------------- text


# Invisible characters that copy-paste brings along and that carry no meaning here. A regex drops
# them: str.translate with a dict looks every character up, several times slower on partners' text.
_INVISIBLE_CHARS = "\u200b\ufeff\u2060"  # zero-width space, BOM, word joiner
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")


@lru_cache(maxsize=64)  # asked once per cell read: a few distinct spellings at most
def _language(language: str) -> Language:
    """'fr', 'fr-CA', 'FR' → 'fr'; 'en', 'en_CA' → 'en'."""
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    if code == "fr":
        return "fr"
    if code == "en":
        return "en"
    raise ValueError(f"unknown language: {language!r} (expected 'fr' or 'en')")


def _visible_nfc(text: str) -> str:
    """NFC without invisible characters (ASCII text is both already)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    # three substring tests, not the regex's test of every character: 0.08 µs on a 400-character
    # answer against 1.6 (in text of Latin-1 letters, none of the three can be: answered at once)
    if "\u200b" in text or "\ufeff" in text or "\u2060" in text:  # _INVISIBLE_CHARS
        text = _INVISIBLE.sub("", text)
    return text


def _blank(text: str) -> bool:
    """`not _clean_line(text)` without cleaning a whole answer: only whitespace and invisible characters
    (NFC turns no other character into either)."""
    while True:
        stripped = text.strip().strip(_INVISIBLE_CHARS)
        if stripped == text:
            return not text
        text = stripped


def _clean_line(text: str) -> str:
    """NFC, without invisible characters, whitespace (incl. U+00A0, U+202F) collapsed."""
    return " ".join(_visible_nfc(text).split())


def _clean_lines(text: str) -> str:
    """Like :func:`_clean_line` but keeps line breaks (\\r\\n and \\r become \\n)."""
    text = _visible_nfc(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _unclean_lines(text):  # the usual answer: every line clean already
        return text.strip("\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


# What the per-line clean-up changes: whitespace (but a line break) starting or ending a line, two in a
# row, or any but a plain space (str.isspace() and str.split() agree on what whitespace is).
_ODD_WHITESPACE = re.compile(
    "[" + re.escape("".join(chr(c) for c in range(0x3001) if chr(c).isspace() and chr(c) not in " \n")) + "]"
)


def _unclean_lines(text: str) -> bool:
    """Whether some line of `text` has whitespace to fold: one character-set search and a few
    substring tests (one regex with anchors and alternatives took 28 µs on a 300-character answer,
    this takes 5)."""
    return (
        _ODD_WHITESPACE.search(text) is not None
        or "  " in text
        or " \n" in text
        or "\n " in text
        or text[:1] == " "
        or text[-1:] == " "
    )


def _fold(text: str) -> str:
    """Compatibility decomposition, combining marks dropped, case folded."""
    if text.isascii():  # nothing to decompose: the common case for headers, ids and most names
        return text.casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    # Case folding can yield characters that decompose further; settle them.
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


_APOSTROPHES = re.compile("[\u2019\u2018\u02bc\u2032\u00b4\u0060]")
_TRAILING_PUNCTUATION = re.compile(r"[\s?:!.;,]+$")


@lru_cache(
    maxsize=65536
)  # labels and headers repeat in every copy; pull asks for the same keys again and again
def normalise_key(text: str) -> str:
    """A key for matching labels, headers and choices tolerant of how they were typed.

    Case, accents (NFC or NFD), typographic apostrophes, runs of whitespace
    (incl. non-breaking) and trailing '?', ':', '!', '.', ';', ',' do not matter:
    ``normalise_key("Qui peut jouer ce rôle?") == normalise_key("qui peut jouer ce role ?")``.
    Idempotent.
    """
    key = _APOSTROPHES.sub("'", _fold(_INVISIBLE.sub("", text)))
    key = " ".join(key.split())
    return _TRAILING_PUNCTUATION.sub("", key)


def _natural_number_text(number: int | float) -> str:
    """2026.0 → '2026', 12.5 → '12.5', 1e20 → '100000000000000000000'."""
    if isinstance(number, int):
        return str(number)
    if not math.isfinite(number):
        return str(number)
    if number.is_integer():
        return str(int(number))
    return format(Decimal(repr(number)), "f")


def _time_text(value: dt.time) -> str:
    spec = "minutes" if value.second == 0 and value.microsecond == 0 else "seconds"
    return value.isoformat(timespec=spec)


def _natural_text(raw: object, language: str) -> str:
    """The text a non-string cell value stands for (dates in ISO form)."""
    if isinstance(raw, bool):
        return _YES_NO_WORDS[language][raw]
    if isinstance(raw, int | float):
        return _natural_number_text(raw)
    if isinstance(raw, dt.datetime):
        if raw.time() == dt.time(0, 0):
            return raw.date().isoformat()
        return f"{raw.date().isoformat()}T{_time_text(raw.time())}"
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, dt.time):
        return _time_text(raw)
    return _clean_line(str(raw))


def _as_text(raw: object, language: str, keep_lines: bool = False) -> str:
    if isinstance(raw, str):
        return _clean_lines(raw) if keep_lines else _clean_line(raw)
    return _natural_text(raw, language)


# --------------------------------------------------------------------------- dates

_MONTHS: dict[str, int] = {
    # French (folded: no accents), with the usual abbreviations
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    # English
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "febr": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

# Weekday names carry no information we need; "mar" (mardi) is left out because
# it is also the English abbreviation of March.
_IGNORED_WORDS = frozenset(
    {
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "lun",
        "mer",
        "jeu",
        "ven",
        "sam",
        "dim",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "le",
        "the",
        "of",
        "on",
    }
)

_TIME_SUFFIX = (
    r"(?:\s*[t ]\s*\d{1,2}\s*[:h]\s*\d{2}(?:\s*:\s*\d{2}(?:[.,]\d+)?)?"
    r"\s*(?:[ap]\.?\s?m\.?)?\s*(?:z|[+-]\d{2}:?\d{2})?)?"
)
_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME_SUFFIX)
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{4})")
_DAY_MONTH = re.compile(r"(\d{1,2})/(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})" + _TIME_SUFFIX)
_DAY = re.compile(r"(\d{1,2})(?:er|e|st|nd|rd|th)?")
_YEAR = re.compile(r"\d{4}|\d{2}")


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _full_year(digits: str) -> int:
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _parse_numeric_date(a: int, b: int, year: int, language: str) -> dt.date | str:
    """dd/mm/yyyy or mm/dd/yyyy: a date, or a problem code."""
    if (a > 12 and b > 12) or a == 0 or b == 0:
        return NOT_A_DATE
    if a > 12:
        day, month = a, b
    elif b > 12:
        month, day = a, b
    elif a == b or language == "fr":
        # Equal parts read the same either way; French writes the day first.
        day, month = a, b
    else:
        return AMBIGUOUS_DATE
    found = _make_date(year, month, day)
    return found if found is not None else NOT_A_DATE


def _parse_worded_date(key: str) -> dt.date | str:
    """'le lundi 2 nov. 2026', 'November 2nd, 2026', 'Nov 2 2026': a date or a problem code."""
    tokens = [t for t in re.split(r"[\s,.;/'-]+", key) if t and t not in _IGNORED_WORDS]
    months = [t for t in tokens if t in _MONTHS]
    if len(months) != 1:
        return NOT_A_DATE
    month = _MONTHS[months[0]]
    at = tokens.index(months[0])
    before, after = tokens[:at], tokens[at + 1 :]
    if not all(re.fullmatch(r"\d+[a-z]*", t) for t in before + after):
        return NOT_A_DATE

    day_text: str | None
    year_text: str | None
    if len(before) == 1 and len(after) == 1:  # 2 novembre 2026 / 2026 novembre 2
        if re.fullmatch(r"\d{4}", before[0]):
            year_text, day_text = before[0], after[0]
        else:
            day_text, year_text = before[0], after[0]
    elif not before and len(after) == 2:  # November 2, 2026
        day_text, year_text = after
    elif len(before) + len(after) <= 1:  # novembre 2026, 2 novembre, novembre
        rest = before + after
        if rest and _DAY.fullmatch(rest[0]):
            day = _DAY.fullmatch(rest[0])
            return MISSING_YEAR if day and _make_date(2000, month, int(day.group(1))) else NOT_A_DATE
        if not rest or re.fullmatch(r"\d{4}", rest[0]):
            return AMBIGUOUS_DATE
        return NOT_A_DATE
    else:
        return NOT_A_DATE

    day_match = _DAY.fullmatch(day_text)
    if day_match is None or _YEAR.fullmatch(year_text) is None:
        return NOT_A_DATE
    found = _make_date(_full_year(year_text), month, int(day_match.group(1)))
    return found if found is not None else NOT_A_DATE


def _parse_date_text(text: str, language: str) -> dt.date | str:
    key = _fold(text).strip()
    if match := _ISO.fullmatch(key):
        found = _make_date(int(match[1]), int(match[3]), int(match[4]))
        return found if found is not None else NOT_A_DATE
    if match := _NUMERIC.fullmatch(key):
        return _parse_numeric_date(int(match[1]), int(match[3]), _full_year(match[4]), language)
    if match := _DAY_MONTH.fullmatch(key):  # 3/12: no year (2000 is a leap year: 29/02 is a date)
        a, b = int(match[1]), int(match[2])
        possible = _make_date(2000, b, a) or (language != "fr" and _make_date(2000, a, b))
        return MISSING_YEAR if possible else NOT_A_DATE
    if match := _YEAR_MONTH.fullmatch(key):  # 2026-11, 11/2026: no day
        month = int(match[2] or match[3])
        return AMBIGUOUS_DATE if 1 <= month <= 12 else NOT_A_DATE
    if re.search(r"[a-z]", key):
        return _parse_worded_date(key)
    return NOT_A_DATE


def _parse_date(raw: object, language: str) -> Parsed:
    if isinstance(raw, dt.datetime):
        return Parsed(raw.date())
    if isinstance(raw, dt.date):
        return Parsed(raw)
    text = _as_text(raw, language)
    if not isinstance(raw, str):  # numbers are not serials here; times are not dates
        return Parsed(None, NOT_A_DATE, text)
    result = _parse_date_text(text, language)
    if isinstance(result, dt.date):
        return Parsed(result)
    return Parsed(None, result, text)


# --------------------------------------------------------------------------- numbers

_NUMBER_BODY = re.compile(r"\d[\d., ]*|[.,]\d+")
MAX_DIGITS = 300  # whole digits of the largest number a spreadsheet holds (about 1.8e308)


def _split_number(body: str, language: str) -> tuple[str, str] | None:
    """Integer and fraction digits of '1 234,5', '1,234.5', '12.5'…; None if not a number."""
    if not body[-1].isdigit():
        return None
    has_comma, has_dot = "," in body, "." in body
    decimal: str | None
    if has_comma and has_dot:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
    elif has_comma or has_dot:
        mark = "," if has_comma else "."
        if body.count(mark) > 1:
            decimal = None  # only a thousands separator repeats
        elif mark == "," and language == "en" and re.fullmatch(r"[1-9]\d{0,2}(?:,\d{3})+", body):
            decimal = None  # 1,234 in English
        else:
            decimal = mark  # 12,5 and 12.5 in either language
    else:
        decimal = None

    if decimal is not None:
        whole, _, fraction = body.rpartition(decimal)
        if not fraction.isdigit():
            return None
    else:
        whole, fraction = body, ""

    groups = {c for c in whole if not c.isdigit()}
    if len(groups) > 1:
        return None
    if groups:
        mark = groups.pop()
        if not re.fullmatch(r"\d{1,3}(?:" + re.escape(mark) + r"\d{3})+", whole):
            return None
        whole = whole.replace(mark, "")
    return whole or "0", fraction


def _parse_number_text(text: str, language: str) -> int | float | None:
    body = text.replace("\u2212", "-").replace("\u2013", "-")
    # One unit, at the end (12,5 %, 12 $, 12$) or at the start ($12, $ 12, -$12, $-12).
    unit = body.endswith(("%", "$"))
    if unit:
        body = body[:-1].rstrip()
    signed = negative = False
    if body[:1] in ("-", "+"):
        signed, negative = True, body[0] == "-"
        body = body[1:].lstrip()
    if not unit and body.startswith("$"):
        body = body[1:].lstrip()
        if not signed and body[:1] in ("-", "+"):
            negative = body[0] == "-"
            body = body[1:].lstrip()
    if not body or _NUMBER_BODY.fullmatch(body) is None:
        return None
    parts = _split_number(body, language)
    if parts is None:
        return None
    whole, fraction = parts
    if len(whole.lstrip("0")) > MAX_DIGITS:  # no spreadsheet holds it (and int() refuses 4,300 digits)
        return None
    sign = -1 if negative else 1
    if not fraction.strip("0"):
        return sign * int(whole)
    return sign * float(f"{whole}.{fraction}")


def _parse_number(raw: object, language: str) -> Parsed:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(raw, float):
            if not math.isfinite(raw):
                return Parsed(None, NOT_A_NUMBER, _natural_text(raw, language))
            return Parsed(int(raw) if raw.is_integer() else raw)
        return Parsed(raw)
    text = _as_text(raw, language)
    number = _parse_number_text(text, language) if isinstance(raw, str) else None
    if number is None:
        return Parsed(None, NOT_A_NUMBER, text)
    return Parsed(number)


# --------------------------------------------------------------------------- yes / no

_YES_NO: dict[str, bool] = {
    "oui": True,
    "o": True,
    "yes": True,
    "y": True,
    "vrai": True,
    "true": True,
    "x": True,
    "1": True,
    "non": False,
    "n": False,
    "no": False,
    "faux": False,
    "false": False,
    "0": False,
}

_YES_NO_WORDS: dict[str, dict[bool, str]] = {
    "fr": {True: "oui", False: "non"},
    "en": {True: "yes", False: "no"},
}


def _parse_yes_no(raw: object, language: str) -> Parsed:
    if isinstance(raw, bool):
        return Parsed(raw)
    if isinstance(raw, int | float) and raw in (0, 1):
        return Parsed(bool(raw))
    text = _as_text(raw, language)
    if isinstance(raw, str) and (answer := _YES_NO.get(normalise_key(text))) is not None:
        return Parsed(answer)
    return Parsed(None, NOT_YES_NO, text)


# --------------------------------------------------------------------------- entry point


def parse_cell(column_type: str, raw: object, language: str, choices: Sequence[str] = ()) -> Parsed:
    """Type one cell value ``raw`` (as python-calamine returns it) for its column type.

    ``language`` ('fr' or 'en') is the language of the copy: it decides how
    03/04/2026 and 1,234 read and the words a stray boolean becomes in text.
    ``choices`` are the canonical choices of a ``choice`` column.
    Empty cells (None, '', whitespace only) give ``Parsed(None)``.
    """
    if column_type not in COLUMN_TYPES:
        raise ValueError(f"unknown column type: {column_type!r}")
    lang = _language(language)
    if raw is None or (isinstance(raw, str) and _blank(raw)):
        return Parsed(None)

    if column_type in _TEXT_TYPES:
        return Parsed(_as_text(raw, lang, keep_lines=column_type == "long_text"))
    if column_type == "date":
        return _parse_date(raw, lang)
    if column_type == "number":
        return _parse_number(raw, lang)
    if column_type == "yes_no":
        return _parse_yes_no(raw, lang)
    # choice
    text = _as_text(raw, lang)
    key = normalise_key(text)
    for choice in choices:
        if normalise_key(choice) == key:
            return Parsed(choice)
    return Parsed(text, NOT_IN_CHOICES, text)


# --------------------------------------------------------------------------- display


def format_value(value: object, column_type: str, language: str) -> str:
    """Display a typed value: '2 novembre 2026' / 'November 2, 2026', oui/non or
    yes/no, numbers with a decimal comma in French. ``None`` gives ''.
    """
    if column_type not in COLUMN_TYPES:
        raise ValueError(f"unknown column type: {column_type!r}")
    lang = _language(language)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _YES_NO_WORDS[lang][value]
    if isinstance(value, int | float):
        text = _natural_number_text(value)
        return text.replace(".", ",") if lang == "fr" else text
    if isinstance(value, dt.datetime):
        shown = long_date(value.date(), lang)
        if column_type == "date" or value.time() == dt.time(0, 0):
            return shown
        return f"{shown} {_time_text(value.time())}"
    if isinstance(value, dt.date):
        return long_date(value, lang)
    if isinstance(value, str):
        return value
    return _natural_text(value, lang)
