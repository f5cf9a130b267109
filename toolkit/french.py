"""Small pieces of French grammar for sentences that carry an organisation's name or a count.

`de("Les Jardins du quartier")` → "des Jardins du quartier"; `de("CIUSSS de l'Est")` → "du CIUSSS de
l'Est"; `de("École Baril")` → "de l'École Baril"; `de("Bibliothèque Maisonneuve")` → "de la
Bibliothèque Maisonneuve"; `de("Centraide")` → "de Centraide". Names are used as written: only the
article in front changes (contracted with « de » as French requires: de + le = du, de + les = des).
"""

from __future__ import annotations

import unicodedata

# Words that open many organisation names, with their gender (m/f); a name starting with one of them
# takes an article ("de la Caisse populaire", "du Centre …"); a proper name ("Centraide") does not.
# fmt: off
NOUNS: dict[str, str] = {
    # feminine
    "association": "f", "bibliothèque": "f", "caisse": "f", "chambre": "f", "clinique": "f",
    "commission": "f", "coopérative": "f", "corporation": "f", "cuisine": "f", "direction": "f",
    "fabrique": "f", "fédération": "f", "fondation": "f", "halte": "f", "maison": "f",
    "municipalité": "f", "paroisse": "f", "ressourcerie": "f", "résidence": "f", "ruche": "f",
    "société": "f", "table": "f", "ville": "f", "école": "f", "épicerie": "f", "université": "f",
    "auberge": "f", "entraide": "f", "alliance": "f", "agence": "f", "antenne": "f", "escale": "f",
    # masculine
    "atelier": "m", "bureau": "m", "carrefour": "m", "centre": "m", "cercle": "m", "club": "m",
    "collectif": "m", "collège": "m", "comité": "m", "conseil": "m", "cégep": "m", "frigo": "m",
    "groupe": "m", "jardin": "m", "marché": "m", "musée": "m", "organisme": "m", "parc": "m",
    "patro": "m", "projet": "m", "regroupement": "m", "réseau": "m", "service": "m", "théâtre": "m",
    "hôpital": "m", "institut": "m", "office": "m", "espace": "m", "orchestre": "m", "observatoire": "m",
}
# Acronyms read as words of a known gender (the rest are taken as masculine: « du CLSC »).
ACRONYMS: dict[str, str] = {
    "CDC": "f", "CDEC": "f", "SDC": "f", "TCQ": "f", "CSDM": "f", "STM": "f", "SHQ": "f", "OMH": "m",
    "CPE": "m", "CLSC": "m", "CIUSSS": "m", "CISSS": "m", "CSSS": "m", "OBNL": "m", "YMCA": "m",
}
# fmt: on
_ELIDED = ("l'", "l’")


def _starts_with_vowel_sound(word: str) -> bool:
    """Vowels and a mute h (h aspiré words are rare in organisation names: 'Halte' is one, handled)."""
    first = unicodedata.normalize("NFD", word[:1].lower())[:1]
    return first in "aeiouy" or (first == "h" and word.lower() not in ("halte", "haut", "hauts"))


def _plain(word: str) -> str:
    return word.strip(",.;:()«»\"'").lower()


def de(name: str) -> str:
    """« de » followed by `name`, with the article French needs (see the module's docstring)."""
    name = name.strip()
    first, _, rest = name.partition(" ")
    lower = first.lower()
    if lower == "le" and rest:
        return f"du {rest}"
    if lower == "les" and rest:
        return f"des {rest}"
    if lower == "la" and rest:
        return f"de {name}"
    if lower.startswith(_ELIDED):
        return f"de {name}"
    if first.isupper() and len(first) >= 2 and first.isalpha():  # an acronym
        gender = ACRONYMS.get(first, "m")
        if _starts_with_vowel_sound(first) and first not in ACRONYMS:
            return f"de l'{name}"  # l'ONG, l'UQAM: read as words
        return f"du {name}" if gender == "m" else f"de la {name}"
    root = _plain(first).split("-")[0]  # "Halte-garderie": the gender of "halte"
    noun = NOUNS.get(root)
    if noun is None:
        return f"d'{name}" if _starts_with_vowel_sound(root) else f"de {name}"
    if _starts_with_vowel_sound(root):
        return f"de l'{name}"
    return f"du {name}" if noun == "m" else f"de la {name}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 copie retenue', '0 copie retenue', '3 copies retenues' (French: 0 and 1 take the singular)."""
    word = singular if abs(count) < 2 else (plural_form or _pluralise(singular))
    return f"{count} {word}"


PREPOSITIONS = ("à", "de", "d'", "du", "des", "en", "pour", "sans", "sur")


def _pluralise(words: str) -> str:
    """Each word up to a preposition gets an s (x after -eau, -au, -eu), unless it ends in s, x or z:
    'copie retenue' → 'copies retenues', 'cellule à remplir' → 'cellules à remplir'."""
    out: list[str] = []
    for i, word in enumerate(words.split(" ")):
        if word in PREPOSITIONS:
            return " ".join([*out, *words.split(" ")[i:]])
        if not word or word[-1] in "sxz" or not word[-1].isalpha():
            out.append(word)
        elif word.endswith(("eau", "au", "eu")):
            out.append(word + "x")
        else:
            out.append(word + "s")
    return " ".join(out)
