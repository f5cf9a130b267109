"""Property: over random rounds of edits, no answer leaves the master unless its own partner withdrew it,
and no answer ever changes partner. Each round's master is read back from its own records."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXED_NOW
from toolkit.answers import Answer
from toolkit.initiative import Initiative
from toolkit.layout import workbook_layout
from toolkit.merge import combine
from toolkit.metadata import identity, parse_records, records
from toolkit.rounds import PreviousRound, close_round, template_cells
from toolkit.submission import CELL_COLUMNS, Submission

PARTNERS = ["cdc-hochelaga", "cpe-les-lucioles", "ecole-baril", "ciusss-est"]
# per partner and cell: keep (untouched), write (new text), clear (empty the cell); or the partner is absent
ACTION = st.sampled_from(["keep", "write", "clear"])
ROUND = st.one_of(st.none(), st.lists(ACTION, min_size=4, max_size=4))  # None: no copy returned


def submission(partner: str, cells: list[tuple[str, str, str]], shown: dict[tuple[str, str, str], str],
               typed: dict[tuple[str, str, str], str], number: int) -> Submission:  # fmt: skip
    rows = []
    for key in cells:
        text = typed.get(key, shown.get(key, ""))
        origin = "prefill" if key in shown and text == shown[key] else "partner"
        rows.append((*key, text or None, text, None, f"T!A{len(rows) + 1}", origin))
    return Submission(
        source=f"{partner}-{number}.xlsx",
        partner_id=partner,
        kit_id="collective_impact",
        language="fr",
        role="partner",
        modified=FIXED_NOW + dt.timedelta(days=number),
        generated_at=FIXED_NOW,
        cells=pd.DataFrame(rows, columns=CELL_COLUMNS, dtype=object),
        prefilled=frozenset(shown),
    )


def read_back(initiative: Initiative, answers: tuple[Answer, ...], label: str) -> PreviousRound:
    """The master's `_toolkit` records, written and parsed again (what next round reads)."""
    layout = workbook_layout(initiative.kit, "fr")
    info = identity(initiative, "fr", FIXED_NOW, None, "master")
    info = info.__class__(**{**info.__dict__, "round": label, "answers": answers})
    parsed = parse_records(records(info, layout))
    assert parsed is not None and parsed.answers is not None
    return PreviousRound("master.xlsx", parsed.round, tuple(a for a in parsed.answers if a.active))


@settings(max_examples=60, deadline=None)
@given(rounds=st.lists(st.lists(ROUND, min_size=4, max_size=4), min_size=1, max_size=4))
def test_answers_never_vanish_or_change_partner(initiative: Initiative, rounds: list[list[object]]) -> None:
    cells = [c for c in template_cells(initiative.kit) if c[2] in ("strengths", "weaknesses")][:4]
    expected: dict[tuple[str, str, str, str], str] = {}  # (cell, partner) -> text the master must hold
    previous: PreviousRound | None = None
    for number, plan in enumerate(rounds, start=1):
        label = f"r{number}"
        copies, withdrawn = [], set()
        for partner, actions in zip(PARTNERS, plan, strict=True):
            if actions is None:
                continue
            shown = {c: expected[(*c, partner)] for c in cells if (*c, partner) in expected}
            typed: dict[tuple[str, str, str], str] = {}
            for cell, action in zip(cells, actions, strict=True):  # type: ignore[call-overload]
                if action == "write":
                    typed[cell] = f"{partner} {label} {cell[1]}/{cell[2]}"
                    expected[(*cell, partner)] = typed[cell]
                elif action == "clear" and cell in shown:
                    typed[cell] = ""
                    withdrawn.add((*cell, partner))
                    del expected[(*cell, partner)]
            copies.append(submission(partner, cells, shown, typed, number))
        closed = close_round(combine(copies, initiative), previous, label)
        active = {a.key: a.text for a in closed.answers if a.active}
        assert active == expected  # nothing lost, nothing invented
        assert all(text.startswith(partner) for (*_, partner), text in active.items())  # never moved
        assert {a.key for a in closed.answers if a.change == "withdrawn"} == withdrawn
        previous = read_back(initiative, closed.answers, label)
