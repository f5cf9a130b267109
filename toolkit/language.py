"""The user's language before an initiative file says it: TOOLKIT_LANG, the system locale, else French."""

from __future__ import annotations

import os
from collections.abc import Mapping

from .text import Language

DEFAULT_LANGUAGE: Language = "fr"  # the toolkit's users are Québec coordinators first
_VARIABLES = ("TOOLKIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


def user_language(environ: Mapping[str, str] | None = None) -> Language:
    """'fr' or 'en' from the first locale variable that names one of them ('C', 'POSIX', 'de_DE' … skip)."""
    environ = os.environ if environ is None else environ
    for name in _VARIABLES:
        value = environ.get(name, "").strip().lower()
        if value.startswith("fr"):
            return "fr"
        if value.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE
