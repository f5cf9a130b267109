"""Text in two languages, as templates and workbooks carry it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")


@dataclass(frozen=True)
class Text:
    """One piece of user-facing text in French and English."""

    fr: str
    en: str

    def __call__(self, language: Language) -> str:
        return self.fr if language == "fr" else self.en

    @classmethod
    def of(cls, data: dict[str, Any]) -> Text:
        return cls(fr=data["fr"], en=data["en"])


@dataclass(frozen=True)
class Paragraphs:
    """A list of paragraphs (usage steps, context) in French and English."""

    fr: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def __call__(self, language: Language) -> tuple[str, ...]:
        return self.fr if language == "fr" else self.en

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> Paragraphs:
        if not data:
            return cls()
        return cls(fr=tuple(data["fr"]), en=tuple(data["en"]))


# Characters XML 1.0 cannot hold (C0 controls but tab, LF and CR; lone surrogates; U+FFFE, U+FFFF).
# Word field marks pasted into LibreOffice arrive as U+0013..U+0015; a Google Sheets value can be anything.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel's own escape for them inside .xlsx text (`_x0013_`); a literal one is written `_x005F_x0013_`.
EXCEL_ESCAPE = re.compile("_x[0-9A-Fa-f]{4}_")
CELL_LIMIT = 32_767  # characters (UTF-16 units) an Excel or LibreOffice cell holds; Google's is 50,000


def forbidden_characters(text: str) -> list[str]:
    """The XML-forbidden characters in `text`, each once, as U+XXXX."""
    if XML_FORBIDDEN.search(text) is None:  # the usual text: no list made
        return []
    return sorted({f"U+{ord(c):04X}" for c in XML_FORBIDDEN.findall(text)})


def excel_length(text: str) -> int:
    """How long `text` is for a spreadsheet cell: UTF-16 units, counting each escape written for it."""
    units = len(text) + len(_ASTRAL.findall(text))  # two UTF-16 units each (a regex: no Python loop)
    return units + 6 * len(XML_FORBIDDEN.findall(text)) + 6 * len(EXCEL_ESCAPE.findall(text))


_SURROGATE = re.compile("[\ud800-\udfff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def safe_text(text: str) -> str:
    """`text` encodable as UTF-8: a lone surrogate (a Google value, a file name in a foreign encoding)
    becomes the visible `_xDCFF_` form the .xlsx writer also uses."""
    return _SURROGATE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
