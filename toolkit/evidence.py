"""Evidence of whose copy this is, beyond the copy itself: for now, the address it came from.

Pure. A copy collected from the mailbox carries its sender's address (`RawWorkbook.sender`). When that
address is another partner's, or nobody's in the initiative, the copy is kept as read and flagged with a
note, never re-attributed here: the coordinator decides. The coordinator's own addresses (a copy they
forwarded inline) say nothing either way and are not flagged.
"""

from __future__ import annotations

from .initiative import Initiative
from .submission import Note


def sender_notes(sender: str | None, partner_id: str | None, initiative: Initiative | None) -> list[Note]:
    """A `sender_other_partner` or `sender_unknown` note when the address does not belong to the partner."""
    if not sender or initiative is None:
        return []
    address = sender.strip().lower()
    owners = [p for p in initiative.partners if address in {e.lower() for e in p.emails}]
    if partner_id is not None and any(p.id == partner_id for p in owners):
        return []
    if owners:
        return [Note("sender_other_partner", params=(("sender", address), ("other", owners[0].name)))]
    if address in _coordination(initiative):
        return []
    return [Note("sender_unknown", params=(("sender", address),))]


def _coordination(initiative: Initiative) -> set[str]:
    addresses = {initiative.return_to, initiative.smtp.sender if initiative.smtp else None}
    if initiative.coordinator:
        addresses.add(initiative.coordinator.email)
    if initiative.collect:
        addresses.add(initiative.collect.username)
    return {a.lower() for a in addresses if a and "@" in a}
