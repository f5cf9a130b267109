"""Whose copy is this? Attribution from every piece of evidence a returned copy carries (pure).

The hidden tab and the document properties are inside the copy, so a partner can edit them; the
register of issued copies is the coordinator's own record of each copy's random id; the sender and
the file name come from outside the copy. Each names a partner (or the blank copy). The copy goes
to the strongest evidence that names a partner (register, hidden tab, properties, sender, file
name); when two pieces disagree the copy is *disputed*: pull and gaps say so, and merge keeps it
apart instead of letting it replace another partner's copy.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath

from .initiative import Initiative, slugify
from .metadata import CopyInfo
from .submission import Evidence, Note
from .text import Text

INTERNAL = ("issued", "metadata", "properties")  # what identifies the issued copy itself
EXTERNAL = ("sender", "filename")  # where it came from
EVIDENCE_WORDS: dict[str, Text] = {
    "issued": Text("le registre des copies émises", "the register of issued copies"),
    "metadata": Text("l'onglet caché _toolkit", "the hidden _toolkit tab"),
    "properties": Text("les propriétés du document", "the document properties"),
    "sender": Text("l'expéditeur", "the sender"),
    "filename": Text("le nom du fichier", "the file name"),
}
BLANK_WORDS = Text("la copie vierge", "the blank copy")
CLOCK_SLACK = dt.timedelta(days=1)  # time zones and clocks that are a little off are not evidence


@dataclass(frozen=True)
class IssuedCopy:
    """One copy generate issued, as the register of issued copies records it."""

    copy_id: str
    initiative_id: str
    partner_id: str | None  # None: the blank copy
    role: str
    generated_at: str  # ISO 8601
    where: str  # the file written (or the spreadsheet's address)


@dataclass(frozen=True)
class Attribution:
    partner_id: str | None
    copy_id: str | None
    evidence: tuple[Evidence, ...]
    notes: tuple[Note, ...]
    disputed: bool


def attribute(
    source: str,
    tab: CopyInfo | None,
    properties: CopyInfo | None,
    initiative: Initiative | None,
    *,
    sender: str | None = None,
    modified: dt.datetime | None = None,
    issued: Mapping[str, IssuedCopy] | None = None,
) -> Attribution:
    """Decide whose copy `source` is from all its evidence; note every disagreement.

    `issued` is the register of this initiative's issued copies (None when there is none)."""
    info = tab or properties
    if info is not None and info.role == "master":
        return Attribution(info.partner_id, info.copy_id, (), (), False)
    evidence: list[Evidence] = []
    notes: list[Note] = []
    disputed = False
    copy_id = (tab.copy_id if tab else None) or (properties.copy_id if properties else None)
    if tab and properties and tab.copy_id and properties.copy_id and tab.copy_id != properties.copy_id:
        notes.append(
            Note("copy_id_mismatch", params=(("tab", tab.copy_id), ("properties", properties.copy_id)))
        )
        disputed = True
    entry = issued.get(copy_id) if issued is not None and copy_id else None
    if entry is not None:
        evidence.append(Evidence("issued", entry.partner_id, copy_id or ""))
    elif issued is not None and copy_id:
        notes.append(Note("copy_not_issued", params=(("copy_id", copy_id),)))
    for kind, found in (("metadata", tab), ("properties", properties)):
        if found is not None:
            evidence.append(Evidence(kind, found.partner_id))
    if initiative is not None and sender:
        by_sender = partner_by_sender(initiative, sender)
        if by_sender:
            evidence.append(Evidence("sender", by_sender, sender))
        elif not _is_coordinator(initiative, sender):
            notes.append(Note("sender_not_partner", params=(("sender", sender),)))
    by_name = partner_by_filename(initiative, source) if initiative is not None else None
    if by_name:
        evidence.append(Evidence("filename", by_name, PurePath(source.replace("\\", "/")).name))
    reference = next((e for e in evidence if e.partner_id), None)
    conflicts: dict[str | None, list[str]] = {}  # partner named against the reference -> by what
    for other in evidence:
        if reference is None or other.partner_id == reference.partner_id:
            continue
        if other.partner_id is None and reference.kind in EXTERNAL:
            continue  # the blank copy, filled by the partner its sender or file name names
        conflicts.setdefault(other.partner_id, []).append(other.kind)
    for other_partner, kinds in conflicts.items():
        assert reference is not None
        agreeing = [e.kind for e in evidence if e.partner_id == reference.partner_id]
        notes.append(
            Note(
                "attribution_disputed",
                params=(
                    ("partner_a", reference.partner_id or ""),
                    ("evidence_a", ",".join(agreeing)),
                    ("partner_b", other_partner or ""),
                    ("evidence_b", ",".join(kinds)),
                ),
            )
        )
        disputed = True
    partner_id = reference.partner_id if reference else None
    if reference is not None and reference.kind == "sender" and not disputed:
        notes.append(Note("partner_from_sender", params=(("sender", reference.detail),)))
    elif reference is not None and reference.kind == "filename" and not disputed:
        notes.append(Note("partner_from_filename", params=(("partner", reference.partner_id or ""),)))
    elif reference is None and (info is None or info.role == "partner"):
        notes.append(Note("unknown_partner", params=(("partner", ""),)))
    if partner_id and initiative and partner_id not in {p.id for p in initiative.partners}:
        notes.append(Note("partner_not_in_initiative", params=(("partner", partner_id),)))
    notes += _modified_before_issued(modified, entry, info)
    return Attribution(partner_id, copy_id, tuple(evidence), tuple(notes), disputed)


def partner_by_sender(initiative: Initiative, sender: str) -> str | None:
    """The partner whose listed address the sender is (case does not matter), else None."""
    address = _address(sender)
    found = {p.id for p in initiative.partners for e in p.emails if _address(e) == address}
    return found.pop() if len(found) == 1 else None


def partner_by_filename(initiative: Initiative, source: str) -> str | None:
    """The one partner a file name names, by id or by name (accents, case and spacing ignored).

    The initiative's own id is taken out first; a partner id inside a longer one that also matches
    (cdc in cdc-hochelaga) does not count; two partners named means no evidence."""
    stem = slugify(PurePath(source.replace("\\", "/")).stem)
    stem = stem.replace(slugify(initiative.id), " ") if initiative.id else stem
    spans: dict[str, tuple[int, int]] = {}
    for partner in initiative.partners:
        for needle in {slugify(partner.id), slugify(partner.name)}:
            if len(needle) < 3:
                continue
            match = re.search(rf"(?<![a-z0-9]){re.escape(needle)}(?![a-z0-9])", stem)
            if match and (partner.id not in spans or _longer(match.span(), spans[partner.id])):
                spans[partner.id] = match.span()
    named = {
        pid
        for pid, (start, end) in spans.items()
        if not any(
            o != pid and s <= start and end <= e and (e - s) > (end - start) for o, (s, e) in spans.items()
        )
    }
    return named.pop() if len(named) == 1 else None


def evidence_words(kinds: str) -> Text:
    """'issued,filename' -> 'le registre des copies émises et le nom du fichier' (and English)."""
    words = [EVIDENCE_WORDS.get(k, Text(k, k)) for k in kinds.split(",") if k]
    return Text(
        " et ".join(w.fr for w in words) or "?",
        " and ".join(w.en for w in words) or "?",
    )


def _longer(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[1] - a[0] > b[1] - b[0]


def _address(text: str) -> str:
    """'Name <a@b.c>' or 'a@b.c' -> 'a@b.c', lower case."""
    match = re.search(r"<([^<>]+)>", text)
    return (match[1] if match else text).strip().lower()


def _is_coordinator(initiative: Initiative, sender: str) -> bool:
    """The coordination's own addresses (a copy it forwarded) say nothing of whose copy it is."""
    own = {
        initiative.coordinator.email if initiative.coordinator else None,
        initiative.return_to,
        initiative.smtp.sender if initiative.smtp else None,
        initiative.collect.username if initiative.collect else None,
    }
    return _address(sender) in {_address(a) for a in own if a and "@" in a}


def _modified_before_issued(
    modified: dt.datetime | None, entry: IssuedCopy | None, info: CopyInfo | None
) -> list[Note]:
    issued_at: dt.datetime | None = None
    if entry is not None:
        try:
            issued_at = dt.datetime.fromisoformat(entry.generated_at)
        except ValueError:
            issued_at = None
    elif info is not None and info.generated_at.year > 1:
        issued_at = info.generated_at
    if modified is None or issued_at is None or issued_at.tzinfo is None or modified.tzinfo is None:
        return []  # a naive time cannot be compared with an aware one
    if modified >= issued_at - CLOCK_SLACK:
        return []
    return [
        Note(
            "modified_before_issued",
            params=(("modified", modified.date().isoformat()), ("issued", issued_at.date().isoformat())),
        )
    ]
