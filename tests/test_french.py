"""French grammar for sentences that carry an organisation's name or a count."""

from __future__ import annotations

import pytest

from toolkit.french import de, plural


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Les Jardins du quartier", "des Jardins du quartier"),
        ("Le Frigo solidaire", "du Frigo solidaire"),
        ("La Maison bleue", "de La Maison bleue"),
        ("L'Escale", "de L'Escale"),
        ("L’Escale", "de L’Escale"),
        ("École primaire Baril", "de l'École primaire Baril"),
        ("Hôpital Maisonneuve-Rosemont", "de l'Hôpital Maisonneuve-Rosemont"),
        ("CIUSSS de l'Est-de-l'Île-de-Montréal", "du CIUSSS de l'Est-de-l'Île-de-Montréal"),
        ("CPE Les Lucioles", "du CPE Les Lucioles"),
        ("CDC Hochelaga", "de la CDC Hochelaga"),
        ("UQAM", "de l'UQAM"),
        ("Bibliothèque Maisonneuve", "de la Bibliothèque Maisonneuve"),
        ("Carrefour familial Hochelaga", "du Carrefour familial Hochelaga"),
        ("Centraide", "de Centraide"),
        ("Ahuntsic en forme", "d'Ahuntsic en forme"),
        ("Halte-garderie du coin", "de la Halte-garderie du coin"),
    ],
)
def test_de_before_an_organisation_name(name: str, expected: str) -> None:
    assert de(name) == expected


@pytest.mark.parametrize(
    "count, words, expected",
    [
        (0, "copie retenue", "0 copie retenue"),
        (1, "copie retenue", "1 copie retenue"),
        (8, "copie retenue", "8 copies retenues"),
        (2, "cellule à remplir", "2 cellules à remplir"),
        (3, "nouveau bureau", "3 nouveaux bureaux"),
        (2, "en double", "2 en double"),
    ],
)
def test_plural(count: int, words: str, expected: str) -> None:
    assert plural(count, words) == expected
