"""Typing cell values: toolkit.values (parse_cell, normalise_key, format_value)."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.values import (
    COLUMN_TYPES,
    PROBLEM_CODES,
    Parsed,
    format_value,
    normalise_key,
    parse_cell,
)

NOV_2 = dt.date(2026, 11, 2)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --------------------------------------------------------------------------- Parsed, codes


def test_parsed_defaults_and_frozen() -> None:
    parsed = Parsed(3)
    assert (parsed.value, parsed.problem, parsed.detail) == (3, None, "")
    with pytest.raises(AttributeError):
        parsed.value = 4  # type: ignore[misc]


def test_problem_codes_are_stable() -> None:
    assert set(PROBLEM_CODES) == {
        "not_a_date",
        "ambiguous_date",
        "missing_year",
        "not_a_number",
        "not_yes_no",
        "not_in_choices",
        "formula",
    }


# --------------------------------------------------------------------------- empty cells


@pytest.mark.parametrize("column_type", COLUMN_TYPES)
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(None, id="none"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="spaces"),
        pytest.param("\u00a0\u202f\t\n", id="nbsp-and-breaks"),
        pytest.param("\u200b", id="zero-width-space"),
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_empty_is_none_without_problem(column_type: str, raw: object, language: str) -> None:
    assert parse_cell(column_type, raw, language, choices=("Oui",)) == Parsed(None)


# --------------------------------------------------------------------------- text types


@pytest.mark.parametrize(
    ("column_type", "raw", "expected"),
    [
        pytest.param("text", "  Centre  des   femmes ", "Centre des femmes", id="text-collapse-spaces"),
        pytest.param("text", "Centre\u00a0des\u202ffemmes", "Centre des femmes", id="text-nbsp"),
        pytest.param("text", "Rôle", "Rôle", id="text-nfc-kept"),
        pytest.param("text", nfd("Rôle de l’équipe"), "Rôle de l’équipe", id="text-nfd-to-nfc"),
        pytest.param("text", "ligne 1\nligne 2", "ligne 1 ligne 2", id="text-line-break-to-space"),
        pytest.param("text", "=SOMME(A1:A3)", "=SOMME(A1:A3)", id="text-equals-is-text"),
        pytest.param("label", " Qui peut jouer ce rôle? ", "Qui peut jouer ce rôle?", id="label"),
        pytest.param("person", "Marie-Ève  Tremblay", "Marie-Ève Tremblay", id="person"),
        pytest.param("text", 2026.0, "2026", id="text-integral-float"),
        pytest.param("text", 12.5, "12.5", id="text-float"),
        pytest.param("text", 42, "42", id="text-int"),
        pytest.param("text", 0.1, "0.1", id="text-float-short-repr"),
        pytest.param("text", 1e20, "100000000000000000000", id="text-big-float-no-exponent"),
        pytest.param("text", NOV_2, "2026-11-02", id="text-date-iso"),
        pytest.param("text", dt.datetime(2026, 11, 2), "2026-11-02", id="text-midnight-datetime-iso-date"),
        pytest.param(
            "text", dt.datetime(2026, 11, 2, 14, 30), "2026-11-02T14:30", id="text-datetime-with-time-iso"
        ),
        pytest.param("text", dt.time(9, 5), "09:05", id="text-time"),
        pytest.param("person", 12.0, "12", id="person-number"),
    ],
)
def test_text_types(column_type: str, raw: object, expected: str) -> None:
    assert parse_cell(column_type, raw, "fr") == Parsed(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("ligne 1\nligne 2", "ligne 1\nligne 2", id="keeps-line-breaks"),
        pytest.param("ligne 1\r\nligne 2", "ligne 1\nligne 2", id="crlf-to-lf"),
        pytest.param("ligne 1\rligne 2", "ligne 1\nligne 2", id="cr-to-lf"),
        pytest.param("\n  a\u00a0\u00a0b  \n\nc \n\n", "a b\n\nc", id="trim-lines-and-ends"),
        pytest.param(nfd("élève\nété"), "élève\nété", id="nfd-to-nfc"),
    ],
)
def test_long_text(raw: str, expected: str) -> None:
    assert parse_cell("long_text", raw, "fr") == Parsed(expected)


@pytest.mark.parametrize(
    ("language", "expected"),
    [pytest.param("fr", "oui", id="fr"), pytest.param("en", "yes", id="en")],
)
def test_text_from_boolean_uses_language(language: str, expected: str) -> None:
    assert parse_cell("text", True, language) == Parsed(expected)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("2 novembre 2026", NOV_2, id="fr-long"),
        pytest.param("2 nov. 2026", NOV_2, id="fr-abbrev-dot"),
        pytest.param("2 nov 2026", NOV_2, id="fr-abbrev"),
        pytest.param("le 2 novembre 2026", NOV_2, id="fr-le"),
        pytest.param("Le lundi 2 novembre 2026", NOV_2, id="fr-le-weekday"),
        pytest.param("lundi, 2 novembre 2026", NOV_2, id="fr-weekday-comma"),
        pytest.param("1er novembre 2026", dt.date(2026, 11, 1), id="fr-1er"),
        pytest.param("1ᵉʳ novembre 2026", dt.date(2026, 11, 1), id="fr-1er-superscript"),
        pytest.param("2 NOVEMBRE 2026", NOV_2, id="fr-upper"),
        pytest.param("2\u00a0novembre\u202f2026", NOV_2, id="fr-nbsp"),
        pytest.param("2 novembre 26", NOV_2, id="fr-two-digit-year"),
        pytest.param("2 janv. 2026", dt.date(2026, 1, 2), id="fr-janv"),
        pytest.param("2 févr. 2026", dt.date(2026, 2, 2), id="fr-fevr-accent"),
        pytest.param("2 fevr 2026", dt.date(2026, 2, 2), id="fr-fevr-no-accent"),
        pytest.param("2 fév 2026", dt.date(2026, 2, 2), id="fr-fev"),
        pytest.param(nfd("2 février 2026"), dt.date(2026, 2, 2), id="fr-fevrier-nfd"),
        pytest.param("2 mars 2026", dt.date(2026, 3, 2), id="fr-mars"),
        pytest.param("2 avr. 2026", dt.date(2026, 4, 2), id="fr-avr"),
        pytest.param("2 mai 2026", dt.date(2026, 5, 2), id="fr-mai"),
        pytest.param("2 juin 2026", dt.date(2026, 6, 2), id="fr-juin"),
        pytest.param("2 juil. 2026", dt.date(2026, 7, 2), id="fr-juil"),
        pytest.param("2 août 2026", dt.date(2026, 8, 2), id="fr-aout-accent"),
        pytest.param("2 aout 2026", dt.date(2026, 8, 2), id="fr-aout-no-accent"),
        pytest.param("2 sept. 2026", dt.date(2026, 9, 2), id="fr-sept"),
        pytest.param("2 oct. 2026", dt.date(2026, 10, 2), id="fr-oct"),
        pytest.param("2 déc. 2026", dt.date(2026, 12, 2), id="fr-dec"),
        pytest.param("2 décembre 2026", dt.date(2026, 12, 2), id="fr-decembre"),
        pytest.param("November 2, 2026", NOV_2, id="en-month-day-year"),
        pytest.param("Nov 2 2026", NOV_2, id="en-abbrev-no-comma"),
        pytest.param("Nov. 2, 2026", NOV_2, id="en-abbrev-dot"),
        pytest.param("November 2nd, 2026", NOV_2, id="en-ordinal-nd"),
        pytest.param("March 1st, 2026", dt.date(2026, 3, 1), id="en-ordinal-st"),
        pytest.param("Mar 3 2026", dt.date(2026, 3, 3), id="en-mar-is-march"),
        pytest.param("the 4th of July 2026", dt.date(2026, 7, 4), id="en-the-of"),
        pytest.param("2 November 2026", NOV_2, id="en-day-month-year"),
        pytest.param("Monday, November 2, 2026", NOV_2, id="en-weekday"),
        pytest.param("Sept 30 2026", dt.date(2026, 9, 30), id="en-sept"),
        pytest.param("02-Nov-2026", NOV_2, id="dashed-abbrev"),
        pytest.param("2026-11-02", NOV_2, id="iso"),
        pytest.param("2026-11-2", NOV_2, id="iso-short-day"),
        pytest.param("2026/11/02", NOV_2, id="year-first-slashes"),
        pytest.param("2026-11-02T14:30:00", NOV_2, id="iso-with-time"),
        pytest.param("2026-11-02 00:00:00", NOV_2, id="iso-with-midnight"),
        pytest.param("13/11/2026", dt.date(2026, 11, 13), id="day-over-12-first"),
        pytest.param("11/13/2026", dt.date(2026, 11, 13), id="day-over-12-second"),
        pytest.param("25.12.2026", dt.date(2026, 12, 25), id="dots"),
        pytest.param("25-12-26", dt.date(2026, 12, 25), id="dashes-two-digit-year"),
        pytest.param("05/05/2026", dt.date(2026, 5, 5), id="equal-parts"),
        pytest.param("29/02/2028", dt.date(2028, 2, 29), id="leap-day"),
        pytest.param("  2026-11-02  ", NOV_2, id="surrounding-spaces"),
        pytest.param(NOV_2, NOV_2, id="date-value"),
        pytest.param(dt.datetime(2026, 11, 2, 15, 45), NOV_2, id="datetime-value"),
    ],
)
def test_dates_read_in_both_languages(raw: object, expected: dt.date, language: str) -> None:
    assert parse_cell("date", raw, language) == Parsed(expected)


@pytest.mark.parametrize(
    ("raw", "language", "expected"),
    [
        pytest.param("02/11/2026", "fr", Parsed(NOV_2), id="fr-day-first"),
        pytest.param("2/11/26", "fr", Parsed(NOV_2), id="fr-day-first-short"),
        pytest.param("03.04.2026", "fr", Parsed(dt.date(2026, 4, 3)), id="fr-day-first-dots"),
        pytest.param("02/11/2026", "en", Parsed(None, "ambiguous_date", "02/11/2026"), id="en-ambiguous"),
        pytest.param("2/11/26", "en", Parsed(None, "ambiguous_date", "2/11/26"), id="en-ambiguous-short"),
        pytest.param("02/11/2026", "fr-CA", Parsed(NOV_2), id="fr-CA-day-first"),
        pytest.param("02/11/2026", "en_CA", Parsed(None, "ambiguous_date", "02/11/2026"), id="en_CA"),
    ],
)
def test_numeric_day_month_order(raw: str, language: str, expected: Parsed) -> None:
    assert parse_cell("date", raw, language) == expected


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("raw", "problem", "detail"),
    [
        pytest.param("novembre 2026", "ambiguous_date", "novembre 2026", id="month-year-fr"),
        pytest.param("November 2026", "ambiguous_date", "November 2026", id="month-year-en"),
        pytest.param("nov. 2026", "ambiguous_date", "nov. 2026", id="month-year-abbrev"),
        pytest.param("2 novembre", "missing_year", "2 novembre", id="day-month-no-year"),
        pytest.param("le 3 décembre", "missing_year", "le 3 décembre", id="le-3-decembre"),
        pytest.param("3/12", "missing_year", "3/12", id="numeric-day-month"),
        pytest.param("31 novembre", "not_a_date", "31 novembre", id="impossible-no-year"),
        pytest.param("11/2026", "ambiguous_date", "11/2026", id="numeric-month-year"),
        pytest.param("2026-11", "ambiguous_date", "2026-11", id="iso-month-year"),
        pytest.param("31/02/2026", "not_a_date", "31/02/2026", id="impossible-feb-31"),
        pytest.param("29/02/2026", "not_a_date", "29/02/2026", id="not-a-leap-year"),
        pytest.param("31 avril 2026", "not_a_date", "31 avril 2026", id="impossible-april-31"),
        pytest.param("2026-13-01", "not_a_date", "2026-13-01", id="iso-month-13"),
        pytest.param("13/13/2026", "not_a_date", "13/13/2026", id="both-over-12"),
        pytest.param("00/11/2026", "not_a_date", "00/11/2026", id="day-zero"),
        pytest.param("32 novembre 2026", "not_a_date", "32 novembre 2026", id="day-32"),
        pytest.param("2/11/226", "not_a_date", "2/11/226", id="three-digit-year"),
        pytest.param("bientôt", "not_a_date", "bientôt", id="word"),
        pytest.param("à déterminer", "not_a_date", "à déterminer", id="tbd"),
        pytest.param("2 machin 2026", "not_a_date", "2 machin 2026", id="unknown-word"),
        pytest.param("2 nov 2026 nov", "not_a_date", "2 nov 2026 nov", id="two-months"),
        pytest.param("2026", "not_a_date", "2026", id="year-only-text"),
        pytest.param("  31/02/2026\u00a0", "not_a_date", "31/02/2026", id="detail-is-cleaned"),
        pytest.param(46328, "not_a_date", "46328", id="int-is-not-a-serial"),
        pytest.param(46328.0, "not_a_date", "46328", id="float-is-not-a-serial"),
        pytest.param(True, "not_a_date", None, id="bool"),
        pytest.param(dt.time(14, 30), "not_a_date", "14:30", id="time"),
    ],
)
def test_date_problems(raw: object, problem: str, detail: str | None, language: str) -> None:
    parsed = parse_cell("date", raw, language)
    assert parsed.value is None
    assert parsed.problem == problem
    if detail is not None:
        assert parsed.detail == detail


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "language", "expected"),
    [
        pytest.param(12, "fr", 12, id="int"),
        pytest.param(12.0, "fr", 12, id="integral-float-to-int"),
        pytest.param(12.5, "fr", 12.5, id="float"),
        pytest.param(-3.0, "en", -3, id="negative-integral-float"),
        pytest.param("12", "fr", 12, id="text-int"),
        pytest.param("12,5", "fr", 12.5, id="fr-decimal-comma"),
        pytest.param("12.5", "fr", 12.5, id="fr-decimal-point-tolerated"),
        pytest.param("12.5", "en", 12.5, id="en-decimal-point"),
        pytest.param("12,0", "fr", 12, id="integral-decimal-to-int"),
        pytest.param("1 234,5", "fr", 1234.5, id="fr-space-thousands"),
        pytest.param("1\u00a0234,5", "fr", 1234.5, id="fr-nbsp-thousands"),
        pytest.param("1\u202f234\u202f567", "fr", 1234567, id="fr-narrow-nbsp-thousands"),
        pytest.param("1,234", "fr", 1.234, id="fr-comma-is-decimal"),
        pytest.param("1,234", "en", 1234, id="en-comma-thousands"),
        pytest.param("1,234.5", "en", 1234.5, id="en-comma-thousands-point-decimal"),
        pytest.param("1,234,567", "en", 1234567, id="en-many-groups"),
        pytest.param("1,5", "en", 1.5, id="en-comma-not-a-group-is-decimal"),
        pytest.param("1 234", "en", 1234, id="en-space-thousands"),
        pytest.param("12,5 %", "fr", 12.5, id="fr-percent"),
        pytest.param("12.5%", "en", 12.5, id="en-percent"),
        pytest.param("$12", "en", 12, id="dollar-before"),
        pytest.param("$ 12.50", "en", 12.5, id="dollar-space-before"),
        pytest.param("12 $", "fr", 12, id="dollar-after"),
        pytest.param("1 234,50 $", "fr", 1234.5, id="fr-dollar-after-thousands"),
        pytest.param("12$", "fr", 12, id="dollar-after-no-space"),
        pytest.param("-12", "fr", -12, id="negative"),
        pytest.param("\u221212,5", "fr", -12.5, id="unicode-minus"),
        pytest.param("-$12", "en", -12, id="minus-dollar"),
        pytest.param("$-12", "en", -12, id="dollar-minus"),
        pytest.param("+7", "en", 7, id="plus"),
        pytest.param(",5", "fr", 0.5, id="leading-comma"),
        pytest.param("007", "fr", 7, id="leading-zeros"),
        pytest.param("  42  ", "fr", 42, id="spaces-around"),
    ],
)
def test_numbers(raw: object, language: str, expected: int | float) -> None:
    parsed = parse_cell("number", raw, language)
    assert parsed == Parsed(expected)
    assert type(parsed.value) is type(expected)


@pytest.mark.parametrize(
    ("raw", "language", "detail"),
    [
        pytest.param(True, "fr", "oui", id="bool-is-not-a-number"),
        pytest.param(False, "en", "no", id="bool-false"),
        pytest.param("douze", "fr", "douze", id="word"),
        pytest.param("12 personnes", "fr", "12 personnes", id="trailing-word"),
        pytest.param("1 23", "fr", "1 23", id="bad-grouping"),
        pytest.param("12,", "fr", "12,", id="dangling-comma"),
        pytest.param("1,2,3.4,5", "en", "1,2,3.4,5", id="mixed-separators"),
        pytest.param("12 %$", "fr", "12 %$", id="two-units"),
        pytest.param("1e5", "en", "1e5", id="exponent"),
        pytest.param("-", "fr", "-", id="sign-only"),
        pytest.param("$", "fr", "$", id="dollar-only"),
        pytest.param(float("nan"), "fr", "nan", id="nan"),
        pytest.param(NOV_2, "fr", "2026-11-02", id="date"),
        pytest.param("=A1+1", "fr", "=A1+1", id="formula-text"),
    ],
)
def test_not_a_number(raw: object, language: str, detail: str) -> None:
    assert parse_cell("number", raw, language) == Parsed(None, "not_a_number", detail)


# --------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("oui", True, id="oui"),
        pytest.param("OUI", True, id="OUI"),
        pytest.param(" Oui. ", True, id="oui-dot"),
        pytest.param("o", True, id="o"),
        pytest.param("yes", True, id="yes"),
        pytest.param("Y", True, id="Y"),
        pytest.param("vrai", True, id="vrai"),
        pytest.param("VRAI", True, id="VRAI"),
        pytest.param("true", True, id="true"),
        pytest.param("x", True, id="x"),
        pytest.param("X", True, id="X"),
        pytest.param("1", True, id="text-1"),
        pytest.param("non", False, id="non"),
        pytest.param("Non", False, id="Non"),
        pytest.param("n", False, id="n"),
        pytest.param("no", False, id="no"),
        pytest.param("faux", False, id="faux"),
        pytest.param("FALSE", False, id="FALSE"),
        pytest.param("0", False, id="text-0"),
        pytest.param("\u00a0oui\u202f", True, id="nbsp"),
        pytest.param(True, True, id="bool-true"),
        pytest.param(False, False, id="bool-false"),
        pytest.param(1, True, id="int-1"),
        pytest.param(0, False, id="int-0"),
        pytest.param(1.0, True, id="float-1"),
    ],
)
def test_yes_no(raw: object, expected: bool, language: str) -> None:
    assert parse_cell("yes_no", raw, language) == Parsed(expected)


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        pytest.param("peut-être", "peut-être", id="maybe"),
        pytest.param("oui et non", "oui et non", id="both"),
        pytest.param("2", "2", id="text-2"),
        pytest.param(2, "2", id="int-2"),
        pytest.param(0.5, "0.5", id="float-half"),
        pytest.param("?", "?", id="question-mark"),
        pytest.param(NOV_2, "2026-11-02", id="date"),
    ],
)
def test_not_yes_no(raw: object, detail: str) -> None:
    assert parse_cell("yes_no", raw, "fr") == Parsed(None, "not_yes_no", detail)


# --------------------------------------------------------------------------- choices

CHOICES = ("Partenaire établi", "Nouveau partenaire", "Organisme d’accueil", "2026")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Partenaire établi", "Partenaire établi", id="exact"),
        pytest.param("partenaire ETABLI", "Partenaire établi", id="case-and-accent"),
        pytest.param(nfd("Partenaire établi"), "Partenaire établi", id="nfd"),
        pytest.param("  Nouveau\u00a0\u00a0partenaire ", "Nouveau partenaire", id="nbsp-spacing"),
        pytest.param("Organisme d'accueil", "Organisme d’accueil", id="straight-apostrophe"),
        pytest.param(2026.0, "2026", id="number-as-text"),
    ],
)
def test_choice_matches_return_canonical(raw: object, expected: str) -> None:
    assert parse_cell("choice", raw, "fr", CHOICES) == Parsed(expected)


@pytest.mark.parametrize(
    ("raw", "choices", "expected"),
    [
        pytest.param(
            " Partenaire  inconnu ",
            CHOICES,
            Parsed("Partenaire inconnu", "not_in_choices", "Partenaire inconnu"),
            id="unknown-kept-cleaned",
        ),
        pytest.param("Autre", (), Parsed("Autre", "not_in_choices", "Autre"), id="no-choices"),
        pytest.param(
            nfd("Rôle"), ("Role A",), Parsed("Rôle", "not_in_choices", "Rôle"), id="kept-text-is-nfc"
        ),
    ],
)
def test_choice_not_found_keeps_text(raw: object, choices: tuple[str, ...], expected: Parsed) -> None:
    assert parse_cell("choice", raw, "fr", choices) == expected


# --------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("column_type", "language"),
    [
        pytest.param("currency", "fr", id="unknown-column-type"),
        pytest.param("text", "es", id="unknown-language"),
    ],
)
def test_bad_arguments_raise(column_type: str, language: str) -> None:
    with pytest.raises(ValueError):
        parse_cell(column_type, "x", language)


# --------------------------------------------------------------------------- normalise_key


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param("Qui peut jouer ce rôle?", "qui peut jouer ce role ?", id="question-accent-space"),
        pytest.param("Qui peut jouer ce rôle\u00a0?", "Qui peut jouer ce rôle?", id="nbsp-before-question"),
        pytest.param("Nom de l’organisme :", "nom de l'organisme", id="colon-apostrophe"),
        pytest.param(nfd("Échéance"), "échéance", id="nfd-vs-nfc"),
        pytest.param("  Date   de\tdébut ", "date de debut", id="whitespace"),
        pytest.param("STRASSE", "straße", id="casefold"),
    ],
)
def test_normalise_key_matches(left: str, right: str) -> None:
    assert normalise_key(left) == normalise_key(right)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Qui peut jouer ce rôle?", "qui peut jouer ce role", id="example"),
        pytest.param("Courriel :", "courriel", id="trailing-colon"),
        pytest.param("  Rôle ?  ", "role", id="spaces-around"),
        pytest.param("Organisme d’accueil", "organisme d'accueil", id="apostrophe"),
        pytest.param("Nom\u202fcomplet", "nom complet", id="narrow-nbsp"),
        pytest.param("", "", id="empty"),
    ],
)
def test_normalise_key_value(text: str, expected: str) -> None:
    assert normalise_key(text) == expected


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param("Rôle", "Role principal", id="different-words"),
        pytest.param("Début?", "Fin?", id="different-questions"),
    ],
)
def test_normalise_key_keeps_differences(left: str, right: str) -> None:
    assert normalise_key(left) != normalise_key(right)


@given(st.text())
def test_normalise_key_is_idempotent(text: str) -> None:
    once = normalise_key(text)
    assert normalise_key(once) == once


@given(st.text())
def test_normalise_key_ignores_normal_form(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    assert normalise_key(nfc) == normalise_key(unicodedata.normalize("NFD", text))


# --------------------------------------------------------------------------- format_value


@pytest.mark.parametrize(
    ("value", "column_type", "language", "expected"),
    [
        pytest.param(NOV_2, "date", "fr", "2 novembre 2026", id="date-fr"),
        pytest.param(NOV_2, "date", "en", "November 2, 2026", id="date-en"),
        pytest.param(dt.date(2026, 11, 1), "date", "fr", "1er novembre 2026", id="date-fr-1er"),
        pytest.param(dt.date(2026, 8, 15), "date", "fr", "15 août 2026", id="date-fr-accent"),
        pytest.param(dt.date(2026, 2, 1), "date", "en", "February 1, 2026", id="date-en-first"),
        pytest.param(dt.datetime(2026, 11, 2, 9, 30), "date", "fr", "2 novembre 2026", id="datetime-date"),
        pytest.param(True, "yes_no", "fr", "oui", id="oui"),
        pytest.param(False, "yes_no", "fr", "non", id="non"),
        pytest.param(True, "yes_no", "en", "yes", id="yes"),
        pytest.param(False, "yes_no", "en", "no", id="no"),
        pytest.param(12.5, "number", "fr", "12,5", id="number-fr-comma"),
        pytest.param(12.5, "number", "en", "12.5", id="number-en-point"),
        pytest.param(1234, "number", "fr", "1234", id="int"),
        pytest.param(-0.25, "number", "fr", "-0,25", id="negative-fr"),
        pytest.param(2026.0, "number", "en", "2026", id="integral-float"),
        pytest.param(1e-7, "number", "en", "0.0000001", id="no-exponent"),
        pytest.param("Partenaire établi", "choice", "fr", "Partenaire établi", id="choice"),
        pytest.param("a\nb", "long_text", "fr", "a\nb", id="long-text"),
        pytest.param(None, "text", "fr", "", id="none"),
        pytest.param("31/02/2026", "date", "fr", "31/02/2026", id="kept-text-in-date-column"),
    ],
)
def test_format_value(value: object, column_type: str, language: str, expected: str) -> None:
    assert format_value(value, column_type, language) == expected


# --------------------------------------------------------------------------- round trips

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))
languages = st.sampled_from(["fr", "en"])


@given(dates, languages)
def test_formatted_date_reads_back(day: dt.date, language: str) -> None:
    assert parse_cell("date", format_value(day, "date", language), language) == Parsed(day)


@given(dates, languages)
def test_iso_date_reads_back(day: dt.date, language: str) -> None:
    assert parse_cell("date", day.isoformat(), language) == Parsed(day)


@given(dates, languages)
def test_date_read_from_other_language(day: dt.date, language: str) -> None:
    other = "en" if language == "fr" else "fr"
    assert parse_cell("date", format_value(day, "date", other), language) == Parsed(day)


@given(
    st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    ),
    languages,
)
def test_formatted_number_reads_back(number: int | float, language: str) -> None:
    parsed = parse_cell("number", format_value(number, "number", language), language)
    assert parsed.problem is None
    assert parsed.value == number


@given(
    st.text(
        alphabet=st.sampled_from(" \t\n\r\u00a0\u202f\u2000\u3000\u200b\ufeff\u2060xé\u0301"), max_size=12
    )
)
def test_a_cell_is_empty_exactly_when_its_cleaned_text_is(text: str) -> None:
    from toolkit.values import _blank, _clean_line

    assert _blank(text) == (not _clean_line(text))
    assert (parse_cell("text", text, "fr").value is None) == (not _clean_line(text))


@given(st.text(alphabet=st.sampled_from(" \t\n\r\u00a0\u2028\x1c\x85\u200bxé"), max_size=14))
def test_long_text_clean_up_takes_its_short_cut_only_when_nothing_changes(text: str) -> None:
    from toolkit.values import _clean_lines, _visible_nfc

    slow = _visible_nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    assert _clean_lines(text) == "\n".join(" ".join(line.split()) for line in slow.split("\n")).strip("\n")


@pytest.mark.parametrize("kind", ["latin-1", "wider"])
def test_every_invisible_character_is_dropped_from_any_answer(kind: str) -> None:
    """The short cut tests for each invisible character by name: it must know every one."""
    from toolkit.values import _INVISIBLE_CHARS, _clean_lines

    letters = "Été" if kind == "latin-1" else "Été — ok"
    for char in _INVISIBLE_CHARS:
        assert _clean_lines(f"{letters}{char}!") == f"{letters}!"


def test_the_odd_whitespace_set_is_every_whitespace_but_space_and_line_feed() -> None:
    from toolkit.values import _ODD_WHITESPACE

    everything = "".join(map(chr, range(0x110000)))
    expected = [c for c in everything if c.isspace() and c not in " \n"]
    assert _ODD_WHITESPACE.findall(everything) == expected


@given(st.text(alphabet=st.sampled_from("  \t\n\u00a0\u3000\u2029x"), max_size=10))
def test_unclean_lines_is_what_the_line_clean_up_changes(text: str) -> None:
    from toolkit.values import _unclean_lines

    cleaned = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    assert _unclean_lines(text) == (cleaned != text)
