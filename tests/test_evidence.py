"""The sender of a copy collected by email, checked against the partners' addresses (pure)."""

from __future__ import annotations

import pytest

from toolkit.evidence import sender_notes
from toolkit.initiative import Initiative


@pytest.mark.parametrize(
    ("sender", "partner", "expected"),
    [
        ("mdiallo@cdc-hochelaga.example", "cdc-hochelaga", []),
        ("MDiallo@CDC-Hochelaga.example", "cdc-hochelaga", []),
        ("info@cuisinecollective.example", "cuisine-collective", []),  # the partner's second address
        (None, "cdc-hochelaga", []),  # not from the mailbox
        (
            "coordination@hochelaga-ensemble.example",
            "cdc-hochelaga",
            [],
        ),  # forwarded inline by the coordinator
        (
            "direction@cpe-lucioles.example",
            "cdc-hochelaga",
            [
                (
                    "sender_other_partner",
                    {"sender": "direction@cpe-lucioles.example", "other": "CPE Les Lucioles"},
                )
            ],
        ),
        (
            "quelquun@gmail.example",
            "cdc-hochelaga",
            [("sender_unknown", {"sender": "quelquun@gmail.example"})],
        ),
        ("quelquun@gmail.example", None, [("sender_unknown", {"sender": "quelquun@gmail.example"})]),
        (
            "direction@cpe-lucioles.example",
            None,
            [
                (
                    "sender_other_partner",
                    {"sender": "direction@cpe-lucioles.example", "other": "CPE Les Lucioles"},
                )
            ],
        ),
    ],
    ids=[
        "own",
        "case",
        "second-address",
        "no-sender",
        "coordinator",
        "other-partner",
        "nobody",
        "nobody-unknown-copy",
        "partner-unknown-copy",
    ],
)
def test_sender_notes(
    initiative: Initiative,
    sender: str | None,
    partner: str | None,
    expected: list[tuple[str, dict[str, str]]],
) -> None:
    notes = sender_notes(sender, partner, initiative)
    assert [(n.code, dict(n.params)) for n in notes] == expected
