"""Cell values: USER_ENTERED / RAW input parsing and FORMATTED / UNFORMATTED / FORMULA rendering.

Formulas are stored, never evaluated: their effective value is absent (rendered as an empty cell, or as
the formula text with valueRenderOption=FORMULA).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

EPOCH = dt.date(1899, 12, 30)  # Sheets / Lotus serial number 0

_BOOL_WORDS = {"fr": ("VRAI", "FAUX")}


def _lang(locale: str) -> str:
    return locale.split("_")[0].lower()


def _bool_words(locale: str) -> tuple[str, str]:
    return _BOOL_WORDS.get(_lang(locale), ("TRUE", "FALSE"))


def _comma_decimal(locale: str) -> bool:
    return _lang(locale) in {"fr", "de", "es", "it", "pt", "nl", "ru", "pl", "sv", "da", "fi", "nb", "cs"}


def _default_date_pattern(locale: str) -> str:
    if locale in ("en_US", "en"):
        return "M/d/yyyy"
    if locale in ("fr_CA", "en_CA", "sv_SE", "zh_CN", "ja_JP", "ko_KR"):
        return "yyyy-MM-dd"
    return "dd/MM/yyyy"


def to_serial(day: dt.date) -> int:
    return (day - EPOCH).days


def from_serial(serial: float) -> dt.datetime:
    return dt.datetime.combine(EPOCH, dt.time()) + dt.timedelta(days=serial)


def parse_user_entered(text: str, locale: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """A typed string as Sheets parses it: (ExtendedValue or None to clear, numberFormat to set or None)."""
    if text == "":
        return None, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    stripped = text.strip()
    true_word, false_word = _bool_words(locale)
    if stripped.upper() in ("TRUE", true_word):
        return {"boolValue": True}, None
    if stripped.upper() in ("FALSE", false_word):
        return {"boolValue": False}, None
    number = _parse_number(stripped.rstrip("%").strip(), locale)
    if number is not None:
        if stripped.endswith("%"):
            return {"numberValue": number / 100}, {"type": "PERCENT", "pattern": "0%"}
        return {"numberValue": number}, None
    day = _parse_date(stripped, locale)
    if day is not None:
        return {"numberValue": to_serial(day)}, {"type": "DATE", "pattern": _default_date_pattern(locale)}
    return {"stringValue": text}, None


def _parse_number(text: str, locale: str) -> float | None:
    if _comma_decimal(locale):
        pattern = r"^[+-]?(\d{1,3}([  \u202f]\d{3})+|\d+)(,\d+)?$"
        if re.match(pattern, text):
            return float(re.sub(r"[  \u202f]", "", text).replace(",", "."))
        return float(text) if re.match(r"^[+-]?\d+$", text) else None
    if re.match(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?$|^[+-]?\.\d+$", text):
        return float(text.replace(",", ""))
    return None


SHORT_DATE_YEAR = 2026  # the stand-in's "this year" (its clock starts in 2026)


def _parse_date(text: str, locale: str) -> dt.date | None:
    iso = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", text)
    slash = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    short = re.match(r"^(\d{1,2})[-/](\d{1,2})$", text)  # "1-2": Sheets makes a date of this year
    try:
        if short:
            a, b = int(short.group(1)), int(short.group(2))
            month, day = (a, b) if locale == "en_US" else (b, a)
            return dt.date(SHORT_DATE_YEAR, month, day)
        if iso:
            return dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if slash:
            a, b, year = int(slash.group(1)), int(slash.group(2)), int(slash.group(3))
            month, day = (a, b) if locale == "en_US" else (b, a)
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def raw_value(value: Any) -> dict[str, Any] | None:
    """A JSON value written with valueInputOption=RAW: strings stay strings, even "=1+1"."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    if value == "":
        return None
    return {"stringValue": str(value)}


def user_entered_value(value: Any, locale: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, int | float):
        return {"numberValue": value}, None
    return parse_user_entered(str(value), locale)


def _json_number(number: float) -> int | float:
    return int(number) if float(number).is_integer() and abs(number) < 1e15 else number


def format_number(number: float, number_format: dict[str, Any] | None, locale: str) -> str:
    kind = (number_format or {}).get("type")
    pattern = (number_format or {}).get("pattern", "")
    if kind in ("DATE", "DATE_TIME", "TIME"):
        return format_date(number, pattern or _default_date_pattern(locale))
    if kind == "PERCENT":
        decimals = len(pattern.split(".")[1].rstrip("%")) if "." in pattern else 0
        text = f"{number * 100:.{decimals}f}%"
    elif kind in ("NUMBER", "CURRENCY") and "." in pattern:
        decimals = len(re.sub(r"[^0#]", "", pattern.split(".")[1]))
        text = f"{number:.{decimals}f}"
    else:
        value = _json_number(number)
        text = str(value) if isinstance(value, int) else f"{value:.10g}"
    return text.replace(".", ",") if _comma_decimal(locale) else text


def format_date(serial: float, pattern: str) -> str:
    when = from_serial(serial)
    tokens = {
        "yyyy": f"{when.year:04d}",
        "yy": f"{when.year % 100:02d}",
        "MM": f"{when.month:02d}",
        "M": str(when.month),
        "mm": f"{when.month:02d}",
        "m": str(when.month),
        "dd": f"{when.day:02d}",
        "d": str(when.day),
        "HH": f"{when.hour:02d}",
        "hh": f"{when.hour:02d}",
        "ss": f"{when.second:02d}",
    }
    out, i, after_hour = "", 0, False
    while i < len(pattern):
        for token in sorted(tokens, key=len, reverse=True):
            if pattern.startswith(token, i):
                if token.lower() in ("mm", "m") and after_hour:
                    out += f"{when.minute:02d}"
                else:
                    out += tokens[token]
                after_hour = token.lower() == "hh" or (after_hour and token.lower() not in ("mm", "m"))
                i += len(token)
                break
        else:
            out += pattern[i]
            i += 1
    return out


def render(cell: dict[str, Any], value_render: str, datetime_render: str, locale: str) -> Any:
    """One cell for the values API; ``None`` means empty."""
    entered = cell.get("userEnteredValue")
    if not entered:
        return None
    number_format = cell.get("userEnteredFormat", {}).get("numberFormat")
    if "formulaValue" in entered:
        return entered["formulaValue"] if value_render == "FORMULA" else None
    if "stringValue" in entered:
        return entered["stringValue"]
    if "errorValue" in entered:
        return entered["errorValue"].get("message", "#ERROR!")
    if "boolValue" in entered:
        if value_render == "FORMATTED_VALUE":
            return _bool_words(locale)[0 if entered["boolValue"] else 1]
        return entered["boolValue"]
    number = entered.get("numberValue", 0)
    is_date = (number_format or {}).get("type") in ("DATE", "DATE_TIME", "TIME")
    if value_render == "FORMATTED_VALUE" or (is_date and datetime_render == "FORMATTED_STRING"):
        return format_number(number, number_format, locale)
    return _json_number(number)


def effective(cell: dict[str, Any], locale: str) -> dict[str, Any]:
    """``effectiveValue`` and ``formattedValue`` of a stored cell (none for formulas)."""
    entered = cell.get("userEnteredValue")
    if not entered or "formulaValue" in entered:
        return {}
    formatted = render(cell, "FORMATTED_VALUE", "SERIAL_NUMBER", locale)
    value = {k: (_json_number(v) if k == "numberValue" else v) for k, v in entered.items()}
    return {"effectiveValue": value, "formattedValue": formatted}
