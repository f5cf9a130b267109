"""Text in two languages, as templates and workbooks carry it."""

from __future__ import annotations

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
