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
from collections.abc import Container, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import NamedTuple

from .initiative import Initiative, slugify
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


class Identity(NamedTuple):
    """What a copy says of whose it is (its hidden tab, or its document properties): all attribution
    weighs of a CopyInfo. A plain tuple: pull's cache rebuilds one per copy on every run."""

    partner_id: str | None
    role: str
    copy_id: str | None
    generated_at: dt.datetime


@dataclass(frozen=True)
class Attribution:
    partner_id: str | None
    copy_id: str | None
    evidence: tuple[Evidence, ...]
    notes: tuple[Note, ...]
    disputed: bool


def attribute(
    source: str,
    tab: Identity | None,
    properties: Identity | None,
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
        evidence.append(Evidence("filename", by_name, _file_name(source)))
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
    if partner_id and initiative and partner_id not in _index(initiative).ids:
        notes.append(Note("partner_not_in_initiative", params=(("partner", partner_id),)))
    notes += _modified_before_issued(modified, entry, info)
    return Attribution(partner_id, copy_id, tuple(evidence), tuple(notes), disputed)


def partner_by_sender(initiative: Initiative, sender: str) -> str | None:
    """The partner whose listed address the sender is (case does not matter), else None."""
    found = _index(initiative).by_address.get(_address(sender), ())
    return found[0] if len(found) == 1 else None


def partner_by_filename(initiative: Initiative, source: str) -> str | None:
    """The one partner a file name names, by id or by name (accents, case and spacing ignored).

    The initiative's own id is taken out first; a partner id inside a longer one that also matches
    (cdc in cdc-hochelaga) does not count; two partners named means no evidence."""
    index = _index(initiative)
    name = _file_name(source)
    dot = name.rfind(".")
    stem = slugify(name[:dot] if 0 < dot < len(name) - 1 else name)  # PurePath.stem, without a PurePath
    stem = stem.replace(index.initiative_slug, " ") if index.initiative_slug else stem
    first = _first_matches(stem, index.needle_lengths, index.by_needle)
    spans: dict[str, tuple[int, int]] = {}
    for partner_id, needles in index.needles_of(first):
        for needle in needles:
            match = first.get(needle)
            if match and (partner_id not in spans or _longer(match, spans[partner_id])):
                spans[partner_id] = match
    if len(spans) <= 1:  # the usual case: no partner or one, none inside another's span
        return next(iter(spans), None)
    named = {
        pid
        for pid, (start, end) in spans.items()
        if not any(
            o != pid and s <= start and end <= e and (e - s) > (end - start) for o, (s, e) in spans.items()
        )
    }
    return named.pop() if len(named) == 1 else None


def _file_name(source: str) -> str:
    """PurePath(source).name, \\ as a separator too (a path or address; a PurePath per copy showed)."""
    text = source.replace("\\", "/")
    name = text.rpartition("/")[2]
    return name if name not in ("", ".", "..") else PurePath(text).name  # those: as pathlib reads them


def _first_matches(stem: str, lengths: frozenset[int], needles: Container[str]) -> dict[str, tuple[int, int]]:
    """Span of the leftmost whole-word occurrence of each needle found in `stem`.

    Whole word: no letter or digit just before or after, as `(?<![a-z0-9])needle(?![a-z0-9])`
    would find it; one pass over the stem's word boundaries instead of one regex per partner."""
    cuts = [m.start() for m in _NOT_ALNUM.finditer(stem)]  # a word ends at a cut, the next starts after it
    starts = [0, *(cut + 1 for cut in cuts if cut + 1 < len(stem))]
    ends = {len(stem), *cuts}
    found: dict[str, tuple[int, int]] = {}
    for start in starts:
        for length in lengths:
            end = start + length
            if end in ends:
                piece = stem[start:end]
                if piece in needles and piece not in found:
                    found[piece] = (start, end)
    return found


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True)
class _PartnerIndex:
    """What attribution looks partners up by, built once per initiative (not once per copy:
    at 5,000 partners rebuilding it for each copy made pull quadratic)."""

    ids: frozenset[str]
    by_address: dict[str, tuple[str, ...]]  # address (lower case) -> partners listing it
    by_needle: dict[str, tuple[str, ...]]  # slug of an id or a name -> partners
    partner_needles: dict[str, tuple[str, ...]]  # partner -> its slugs, in the order they are weighed
    order: dict[str, int]  # partner -> its place in the initiative
    needle_lengths: frozenset[int]
    initiative_slug: str

    def needles_of(self, found: Mapping[str, object]) -> list[tuple[str, tuple[str, ...]]]:
        """(partner, its needles) of every partner one of `found` names, in the initiative's order."""
        named = {pid for needle in found for pid in self.by_needle[needle]}
        return [(pid, self.partner_needles[pid]) for pid in sorted(named, key=self.order.__getitem__)]


_INDEXES: dict[int, tuple[Initiative, _PartnerIndex]] = {}  # id -> (the initiative kept alive, its index)


def _index(initiative: Initiative) -> _PartnerIndex:
    kept = _INDEXES.get(id(initiative))
    if kept is not None and kept[0] is initiative:
        return kept[1]
    by_address: dict[str, list[str]] = {}
    by_needle: dict[str, list[str]] = {}
    partner_needles: dict[str, tuple[str, ...]] = {}
    for partner in initiative.partners:
        for address in {_address(e) for e in partner.emails}:
            by_address.setdefault(address, []).append(partner.id)
        needles = tuple(n for n in {slugify(partner.id), slugify(partner.name)} if len(n) >= 3)
        partner_needles[partner.id] = partner_needles.get(partner.id, ()) + needles
        for needle in needles:
            by_needle.setdefault(needle, []).append(partner.id)
    index = _PartnerIndex(
        ids=frozenset(p.id for p in initiative.partners),
        by_address={a: tuple(dict.fromkeys(p)) for a, p in by_address.items()},
        by_needle={n: tuple(p) for n, p in by_needle.items()},
        partner_needles=partner_needles,
        order={pid: i for i, pid in enumerate(partner_needles)},
        needle_lengths=frozenset(len(n) for n in by_needle),
        initiative_slug=slugify(initiative.id) if initiative.id else "",
    )
    if len(_INDEXES) >= 8:  # a few initiatives per process at most (tests make many)
        _INDEXES.clear()
    _INDEXES[id(initiative)] = (initiative, index)
    return index


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
    modified: dt.datetime | None, entry: IssuedCopy | None, info: Identity | None
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
