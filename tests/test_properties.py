"""Properties of the core cycle: values typed into a copy come back from pull, and merge is a set operation.

- values -> workbook -> pull: what openpyxl writes into the input cells of a generated copy comes back
  in the tidy `cells` table exactly typed (dates as datetime.date, text after the toolkit's whitespace
  and NFC normalisation, which an independent reference normaliser below reproduces);
- merge (`toolkit.merge.combine`): the order of the submissions, and giving one several times, changes
  nothing, and no partner's text is lost from `contributions`.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import random
import unicodedata
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.answers import input_cells, type_answers
from tests.conftest import FIXED_NOW
from toolkit import api
from toolkit.initiative import Initiative
from toolkit.layout import WorkbookLayout, workbook_layout
from toolkit.merge import Merged, combine
from toolkit.submission import Submission

PARTNER = "cdc-hochelaga"
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Key = tuple[str, str, str]  # (worksheet, row, column)

# --- text, already in the toolkit's normal form -------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzéèêëàâçîïôœùûüÉÈÀÇÔŒ"
WORD_CHARS = LETTERS + LETTERS.upper()[:26] + "0123456789'’-«»().,;:!?%$/&"
WORDS = ["été", "Québec", "ça", "naïve", "cœur", "Éric", "À", "noël", "hôpital", "garçon", "façade", "où"]
PREFIXES = ["=", "+", "-", "@", "=SUM(A1:A3)", "=1+1", "+33 ", "- ", "@mention "]

word = st.one_of(st.sampled_from(WORDS), st.text(WORD_CHARS, min_size=1, max_size=12))
line = st.lists(word, min_size=1, max_size=8).map(" ".join)


@st.composite
def one_line(draw: st.DrawFn) -> str:
    text = draw(line)
    if draw(st.booleans()):
        text = draw(st.sampled_from(PREFIXES)) + text  # stays text: written with data_type "s"
    return " ".join(text.split())


@st.composite
def many_lines(draw: st.DrawFn) -> str:
    first = draw(one_line())
    rest = draw(st.lists(st.one_of(line, st.just("")), max_size=4))  # "" is an empty line inside
    last = [draw(line)] if rest else []
    return "\n".join([first, *rest, *last])


def reference_clean(text: str, keep_lines: bool) -> str:
    """What toolkit.values does to typed text, written out independently: NFC, invisible characters
    dropped, runs of whitespace collapsed on each line, line breaks kept only in long text."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if c not in "\u200b\ufeff\u2060")
    if not keep_lines:
        return " ".join(text.split())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(" ".join(part.split()) for part in text.split("\n")).strip("\n")


@st.composite
def messy(draw: st.DrawFn, clean: str) -> str:
    """`clean` as a partner might type it: decomposed accents, extra and non-breaking spaces,
    zero-width characters, Windows line breaks, blank lines around it."""
    text = clean
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    if draw(st.booleans()):
        text = text.replace(" ", draw(st.sampled_from(["  ", "\u00a0", " \u200b", "\u202f", "\t"])))
    if draw(st.booleans()):
        text = text.replace("\n", draw(st.sampled_from(["\r\n", " \n ", "\n\u00a0"])))
    return draw(st.sampled_from(["", " ", "\n", "\u00a0"])) + text + draw(st.sampled_from(["", "  ", "\n"]))


# --- values for each column type -----------------------------------------------------------------------

MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre"]  # fmt: skip
dates = st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31))


@st.composite
def date_cell(draw: st.DrawFn) -> tuple[object, dt.date]:
    """(what is written, the date pull must give back): a real date, or a date typed as text."""
    day = draw(dates)
    form = draw(st.sampled_from(["date", "datetime", "iso", "dmy", "words"]))
    if form == "datetime":
        return dt.datetime.combine(day, dt.time(0, 0)), day
    if form == "iso":
        return day.isoformat(), day
    if form == "dmy":  # the initiative is in French: day first
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}", day
    if form == "words":
        return f"{'1er' if day.day == 1 else day.day} {MONTHS_FR[day.month - 1]} {day.year}", day
    return day, day


@st.composite
def text_cell(draw: st.DrawFn, keep_lines: bool) -> tuple[object, str]:
    clean = draw(many_lines() if keep_lines else one_line())
    return (draw(messy(clean)) if draw(st.booleans()) else clean), reference_clean(clean, keep_lines)


@st.composite
def person_cell(draw: st.DrawFn, people: tuple[str, ...]) -> tuple[object, str]:
    names = draw(st.lists(st.sampled_from(people), min_size=1, max_size=3, unique=True))
    clean = draw(st.sampled_from([", ", "; ", " et ", "/"])).join(names)
    return (draw(messy(clean)) if draw(st.booleans()) else clean), reference_clean(clean, False)


def write_value(ws: Any, row: int, column: int, value: object) -> None:
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text starting with "=" stays text


# --- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def layout(initiative: Initiative) -> WorkbookLayout:
    return workbook_layout(initiative.kit, initiative.language)


@pytest.fixture(scope="module")
def blank_copy(initiative: Initiative, tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    """A generated partner copy, as bytes, and the folder where filled versions are written."""
    out = tmp_path_factory.mktemp("roundtrip")
    (copy,) = api.generate(initiative, out / "generated", partners=[PARTNER], blank=False, now=FIXED_NOW)
    return copy.path.read_bytes(), out


def load(data: bytes) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on extensions it does not keep
        return openpyxl.load_workbook(io.BytesIO(data))


# --- values -> workbook -> pull ------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_pull_gives_back_the_typed_values(
    data: st.DataObject, initiative: Initiative, layout: WorkbookLayout, blank_copy: tuple[bytes, Path]
) -> None:
    template, out = blank_copy
    book = load(template)
    expected: dict[Key, tuple[object, str]] = {}  # key -> (value, text)
    for tab, kind, key, row, column in input_cells(layout):
        if not data.draw(st.integers(0, 9), label=f"fill {key}"):  # about one cell in ten stays empty
            expected[key] = (None, "")
            continue
        if kind == "date":
            written, day = data.draw(date_cell(), label=str(key))
            expected[key] = (day, day.isoformat())
        elif kind == "person":
            written, clean = data.draw(person_cell(initiative.people), label=str(key))
            expected[key] = (clean, clean)
        else:
            written, clean = data.draw(text_cell(keep_lines=kind == "long_text"), label=str(key))
            expected[key] = (clean, clean)
        write_value(book[tab], row, column, written)
    path = out / f"hochelaga-ensemble_{PARTNER}.xlsx"
    book.save(path)

    pulled = api.pull([path], initiative)

    assert pulled.errors == ()
    (submission,) = pulled.submissions
    assert submission.partner_id == PARTNER
    assert submission.notes == () and submission.unmapped == ()
    cells = pulled.cells()
    got = {
        (r["worksheet"], r["row"], r["column"]): (r["value"], r["text"], r["problem"])
        for r in cells.to_dict(orient="records")
    }
    assert set(got) == set(expected)
    for key, (value, text) in expected.items():
        got_value, got_text, problem = got[key]
        assert problem is None, (key, problem)
        assert (got_value, got_text) == (value, text), key
        assert type(got_value) is type(value), key  # a date, not a datetime; text as str


# --- merge ---------------------------------------------------------------------------------------------

FILL_TEXTS = ["Rencontre mensuelle", "Portrait du quartier", "=à suivre", "Voir le rapport\nannuel 2025",
              "Oui", "", ""]  # fmt: skip
FILL_DATES: list[object] = [dt.date(2025, 3, 1), dt.date(2026, 1, 15), "fin mars", ""]


def fill_copy(path: Path, layout: WorkbookLayout, people: tuple[str, ...], seed: str, mtime: float) -> None:
    """Fill a generated copy from a small pool of values, so partners agree on some cells and not others."""
    rnd = random.Random(seed)
    answers: dict[Key, object] = {}
    for _tab, kind, key, _row, _column in input_cells(layout):
        if kind == "date":
            answers[key] = rnd.choice(FILL_DATES)
        elif kind == "person":
            answers[key] = rnd.choice([*people[:4], f"{people[0]}, {people[1]}", ""])
        else:
            answers[key] = rnd.choice([*FILL_TEXTS, f"{seed}: texte propre à ce partenaire"])
    type_answers(path, answers, layout)
    os.utime(path, (mtime, mtime))


@pytest.fixture(scope="module")
def submissions(
    initiative: Initiative, layout: WorkbookLayout, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Submission, ...]:
    """Pulled once: four filled partner copies, an older copy of one of them, and an untouched blank."""
    out = tmp_path_factory.mktemp("merge")
    partners = [p.id for p in initiative.partners[:4]]
    copies = api.generate(initiative, out, partners=partners, now=FIXED_NOW)
    base = FIXED_NOW.timestamp()
    for i, copy in enumerate(c for c in copies if c.partner_id):
        fill_copy(copy.path, layout, initiative.people, copy.partner_id or "", base + 3600 * (i + 2))
    older = out / "ancienne version" / f"hochelaga-ensemble_{partners[0]}.xlsx"
    older.parent.mkdir()
    older.write_bytes(next(c.path for c in copies if c.partner_id == partners[0]).read_bytes())
    fill_copy(older, layout, initiative.people, "ancienne", base + 60)  # a different, older copy
    pulled = api.pull([out], initiative)
    assert pulled.errors == ()
    assert len(pulled.submissions) == 6
    return pulled.submissions


def _plain(value: object) -> object:
    """None for every missing marker pandas may use, so records compare by value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def records(merged: Merged) -> list[tuple[object, ...]]:
    rows = [tuple(_plain(v) for v in r) for r in merged.contributions.itertuples(index=False)]
    return sorted(rows, key=repr)


def summary(merged: Merged) -> tuple[object, ...]:
    """What a merge decides: the master values, every contribution, which copies were used or superseded.

    Set-aside copies (blanks, masters) are compared as a set of sources (see `ignored_sources`).
    """
    return (
        merged.values,
        records(merged),
        sorted(s.source for s in merged.accepted),
        sorted(s.source for s in merged.superseded),
    )


def ignored_sources(merged: Merged) -> set[str]:
    return {s.source for s in merged.ignored}


@pytest.fixture(scope="module")
def reference(submissions: tuple[Submission, ...], initiative: Initiative) -> Merged:
    return combine(submissions, initiative)


def test_reference_merge_has_every_kind_of_submission(reference: Merged) -> None:
    assert len(reference.accepted) == 4
    assert len(reference.superseded) == 1 and "ancienne version" in reference.superseded[0].source
    assert len(reference.ignored) == 1 and reference.ignored[0].role == "blank"
    assert reference.duplicates == ()
    assert set(reference.contributions["status"]) == {"used", "superseded"}


@SETTINGS
@given(data=st.data())
def test_merge_ignores_order_and_repeats(
    data: st.DataObject, submissions: tuple[Submission, ...], reference: Merged, initiative: Initiative
) -> None:
    indices = list(range(len(submissions)))
    extra = data.draw(st.lists(st.sampled_from(indices), max_size=6), label="repeated")
    order = data.draw(st.permutations(indices + extra), label="order")

    merged = combine([submissions[i] for i in order], initiative)

    assert summary(merged) == summary(reference)
    assert ignored_sources(merged) == ignored_sources(reference)
    assert len(merged.duplicates) == len(extra)  # every repeat, blank copies included, counts once
    # merging again what was kept gives the same master
    assert summary(combine([*merged.accepted, *merged.superseded], initiative)) == summary(reference)


@SETTINGS
@given(data=st.data())
def test_adding_a_submission_twice_changes_nothing(
    data: st.DataObject, submissions: tuple[Submission, ...], initiative: Initiative
) -> None:
    indices = data.draw(st.lists(st.sampled_from(range(len(submissions))), min_size=1, unique=True))
    subset = [submissions[i] for i in indices]
    twice = data.draw(st.sampled_from(subset), label="twice")
    once = combine(subset, initiative)
    again = combine([*subset, twice], initiative)
    assert summary(again) == summary(once)
    assert ignored_sources(again) == ignored_sources(once)
    assert len(again.duplicates) == len(once.duplicates) + 1


@SETTINGS
@given(data=st.data())
def test_no_contribution_is_lost(
    data: st.DataObject, submissions: tuple[Submission, ...], initiative: Initiative
) -> None:
    indices = data.draw(st.lists(st.sampled_from(range(len(submissions))), min_size=1, unique=True))
    merged = combine([submissions[i] for i in data.draw(st.permutations(indices))], initiative)
    found = {
        (r.worksheet, r.row, r.column, r.partner, r.source, r.text, r.status)
        for r in merged.contributions.itertuples(index=False)
    }
    for status, group in (("used", merged.accepted), ("superseded", merged.superseded)):
        for s in group:
            for c in s.cells[s.cells["text"] != ""].itertuples(index=False):
                assert (c.worksheet, c.row, c.column, s.partner_id, s.source, c.text, status) in found
    # and every cell of the master comes from some accepted partner's text
    used = merged.contributions[merged.contributions["status"] == "used"]
    assert set(merged.values) == set(zip(used["worksheet"], used["row"], used["column"], strict=True))
