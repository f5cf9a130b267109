"""Merge's lean paths (issue 13: memory at 10,000 copies) give the very same master as the plain ones.

`merge(partner_rows=False)` leaves out rows close_round rebuilds; `cell_groups` replaces a pandas groupby;
`object_frame` replaces `pd.DataFrame(rows, dtype=object)`; a Submission shares its where-and-kind columns
with other copies. Each is checked against what it replaces, on copies with every kind of row."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXED_NOW
from toolkit.answers import Answer
from toolkit.initiative import Initiative
from toolkit.merge import CONTRIBUTION_COLUMNS, cell_groups, combine, object_frame
from toolkit.rounds import PreviousRound, close_round, template_cells
from toolkit.submission import CELL_COLUMNS, Cell, Note, Submission

PARTNERS = ["cdc-hochelaga", "cpe-les-lucioles", "ecole-baril", None]  # None: a file nobody can attribute
TEXTS = st.sampled_from(["", "Oui", "Rien à signaler — voir le bilan", "=SUM(A1)", "Paul Lévesque"])


def fresh(text: str) -> str:
    """An equal string that is a new object (as a copy read in a worker process has)."""
    return text.encode("utf-8").decode("utf-8")


def copy(
    partner: str | None,
    cells: list[tuple[str, str, str]],
    texts: list[str],
    number: int,
    prefilled: frozenset[tuple[str, str, str]] = frozenset(),
    origin: str = "partner",
) -> Submission:
    columns: list[tuple[object, ...]] = []
    for i, (key, text) in enumerate(zip(cells, texts, strict=True)):
        problem = "formula" if text.startswith("=") else None
        value = None if problem or not text else text
        columns.append((*map(fresh, key), value, text, problem, fresh(f"Tab!B{i + 5}"), fresh(origin)))
    return Submission(
        source=f"copy-{partner}-{number}.xlsx",
        partner_id=partner,
        kit_id="collective_impact",
        language="fr",
        role="partner",
        modified=FIXED_NOW + dt.timedelta(days=number),
        generated_at=FIXED_NOW,
        cells=tuple(zip(*columns, strict=True)),  # given as columns, as pull gives them
        unmapped=(("Tab!Z1", f"note {number}"),) if number % 2 else (),
        prefilled=prefilled,
        notes=(Note("modified_unknown"),),
    )


@settings(max_examples=40, deadline=None)
@given(
    plan=st.lists(st.tuples(st.sampled_from(PARTNERS), st.lists(TEXTS, min_size=6, max_size=6)), max_size=7),
    carried=st.booleans(),
)
def test_lean_merge_closes_the_same_round(
    initiative: Initiative, plan: list[tuple[str | None, list[str]]], carried: bool
) -> None:
    cells = template_cells(initiative.kit)[:6]
    copies = [copy(partner, cells, texts, number) for number, (partner, texts) in enumerate(plan)]
    if carried:  # a copy pre-filled from last round's master, one value kept as it was
        copies.append(copy("ecole-baril", cells, ["Oui"] * 6, 9, frozenset(cells[:1]), origin="prefill"))
    previous = PreviousRound(
        "maitre.xlsx", "r1", (Answer(*cells[0], "ciusss-est", "Ancienne réponse", "r1"),)
    )
    for before in (None, previous):
        plain = close_round(combine(copies, initiative), before, "r2")
        lean = close_round(combine(copies, initiative, values=False, partner_rows=False), before, "r2")
        pd.testing.assert_frame_equal(lean.contributions, plain.contributions)
        assert lean.values == plain.values
        assert lean.answers == plain.answers
        assert (lean.accepted, lean.superseded) == (plain.accepted, plain.superseded)


def test_cell_groups_are_groupby_without_missing_keys() -> None:
    rows = [
        ("a", "r1", "c1", "used"),
        ("b", "r1", "c1", "used"),
        ("a", "r1", "c1", "carried_over"),
        (None, None, None, "used"),  # an unmapped text: no cell
        ("a", "r1", "c1", "superseded"),
        ("a", None, "c1", "used"),
        ("b", "r1", "c1", "used"),
        ("a", "r2", float("nan"), "used"),
    ]
    frame = pd.DataFrame(rows, columns=["worksheet", "row", "column", "status"], dtype=object)
    statuses = ("used", "carried_over")
    wanted = frame[frame["status"].isin(statuses)]
    expected = list(wanted.groupby(["worksheet", "row", "column"], sort=False))
    got = list(cell_groups(frame, statuses))
    assert [key for key, _ in got] == [key for key, _ in expected] == [("a", "r1", "c1"), ("b", "r1", "c1")]
    for (_, group), (_, want) in zip(got, expected, strict=True):
        pd.testing.assert_frame_equal(group, want)


def test_object_frame_is_the_plain_frame() -> None:
    when = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    rows: list[tuple[object, ...]] = [
        tuple([None] * 11 + ["used"]),
        ("a", "r", "c", "p", "P", dt.date(2026, 1, 2), "2/1", None, "T!A1", "f", when, "used"),
    ]
    for given_rows in (rows, []):
        made = object_frame(given_rows, CONTRIBUTION_COLUMNS)
        plain = pd.DataFrame(given_rows, columns=CONTRIBUTION_COLUMNS, dtype=object)
        pd.testing.assert_frame_equal(made, plain)
        assert {str(t) for t in made.dtypes} <= {"object"}  # dates and None stay objects, never NaT


def test_copies_share_where_and_kind_but_keep_their_own_text(initiative: Initiative) -> None:
    cells = template_cells(initiative.kit)[:3]
    one = copy("cdc-hochelaga", cells, ["Oui", "", "=A1"], 1)
    two = copy("ecole-baril", cells, ["Oui", "Non", ""], 2)
    for name in ("worksheet", "row", "column", "location", "origin"):
        assert one.column(name) is two.column(name)  # one tuple for both copies
    assert one.column("text") == ("Oui", "", "=A1") and two.column("text") == ("Oui", "Non", "")
    assert one.rows[2] == Cell(*cells[2], None, "=A1", "formula", "Tab!B7", "partner")
    assert one.filled_keys == {cells[0]} and two.filled_keys == {cells[0], cells[1]}
    assert list(one.cells.columns) == CELL_COLUMNS and one.cells["text"].tolist() == ["Oui", "", "=A1"]
    moved = copy("ciusss-est", cells[1:] + cells[:1], ["A", "B", "C"], 3)  # another layout: its own places
    assert list(moved.column("row")) == [c[1] for c in cells[1:] + cells[:1]] != list(one.column("row"))
    assert list(one.column("row")) == [c[1] for c in cells]  # the copies before are untouched
