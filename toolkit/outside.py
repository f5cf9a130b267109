"""Text a returned copy holds outside the worksheets' tables: kept and reported, never dropped (pure).

Every non-empty cell of every tab ends up either in a template cell (read_copy, locate) or here,
with its tab and cell: a tab the partner added, what the partner added to or changed on the cover
tab, in the hidden lists tab and in the hidden `_toolkit` tab (only what differs from what the
generator writes there), and cell comments other than the row notes the generator writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .answers import OTHERS_TAB
from .cells import a1
from .cover import SHARING, cover_lines, partner_lines
from .i18n import word
from .initiative import Initiative, Partner
from .metadata import CopyInfo
from .rawbook import RawSheet, RawWorkbook
from .templates import Kit
from .text import LANGUAGES, Language, Text
from .values import normalise_key

COMMENT = Text("commentaire", "comment")
# Rows of the _toolkit tab the generator writes: kind -> number of cells (metadata.records).
# Records ending in partner text (prefill, a master's answers) take as many cells as the text needs
# (metadata._parts), up to the width read back.
RECORD_WIDTHS = {
    "toolkit": 3,
    "copy": 3,
    "worksheet": 4,
    "cell": 5,
    "prefill": 16,
    "answers": 2,
    "answer": 16,
}
COPY_KEYS = frozenset(
    {
        "role",
        "initiative",
        "initiative_name",
        "kit",
        "kit_version",
        "partner",
        "language",
        "generated_at",
        "copy_id",
    }
)


def outside_text(
    raw: RawWorkbook,
    kit: Kit,
    language: Language,
    info: CopyInfo | None,
    initiative: Initiative | None,
    used: Iterable[str],
) -> list[tuple[str, str]]:
    """(location, text) of what the tabs not holding a worksheet (`used`) and the comments hold."""
    taken = set(used)
    found: list[tuple[str, str]] = []
    for sheet in raw.sheets:
        if sheet.name in taken:
            continue
        if is_metadata_tab(sheet):
            found += _metadata_extras(sheet)
        elif sheet.name in _words("readme_tab"):
            # two sets, not their union: the cover's holds every partner's lines (copying it for each
            # copy made pull quadratic in the number of partners)
            found += _not_known(sheet, _cover_texts(kit, info, initiative), _round_texts(info))
        elif sheet.name in _words("lists_tab"):
            found += _not_known(sheet, _list_items(kit, initiative))
        elif sheet.name in {OTHERS_TAB(lang) for lang in LANGUAGES}:
            continue  # the others' previous answers the generator wrote, read-only (round_master.py)
        else:
            found += _not_known(sheet, frozenset())  # a tab the partner added: everything in it
    found += _comments(raw, kit, language)
    return found


def is_metadata_tab(sheet: RawSheet) -> bool:
    return sheet.name == "_toolkit" or (sheet.value(1, 1), sheet.value(1, 2)) == ("toolkit", "format")


def is_text(value: object) -> bool:
    """Worth keeping: anything but empty or blank text."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def _words(key: str) -> set[str]:
    return {word(key, lang) for lang in LANGUAGES}


def _not_known(sheet: RawSheet, *known: frozenset[str]) -> list[tuple[str, str]]:
    return [
        (f"{sheet.name}!{a1(r, c)}", str(value))
        for r, c, value in sheet.items()
        if is_text(value) and not (isinstance(value, str) and _in_any(normalise_key(value), known))
    ]


def _in_any(key: str, sets: tuple[frozenset[str], ...]) -> bool:
    return any(key in known for known in sets)


def _metadata_extras(sheet: RawSheet) -> list[tuple[str, str]]:
    """Cells beyond the records the generator writes (values inside a record are attribution's business)."""
    out = []
    for r in sheet.row_numbers():  # row by row: a record's width is decided once per row
        cells = sheet.row(r)
        kind = _text(cells.get(1, ""))
        width = RECORD_WIDTHS.get(kind, 0)
        if kind == "copy" and _text(cells.get(2, "")) not in COPY_KEYS:
            width = 0
        if max(cells) <= width:  # the usual record: nothing beyond its width
            continue
        for c, value in cells.items():
            if c > width and is_text(value):
                out.append((f"{sheet.name}!{a1(r, c)}", str(value)))
    return out


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def _cover_texts(kit: Kit, info: CopyInfo | None, initiative: Initiative | None) -> frozenset[str]:
    """Every line the generator may have written on a cover of this initiative, in either language."""
    if initiative is None:
        name = info.initiative_name if info else ""
        initiative_id = info.initiative_id if info else ""
        key: tuple[object, ...] = ("cover", initiative_id, name, id(kit))
        initiative = Initiative(id=initiative_id, name=name, language="fr", kit=kit, partners=())
    else:
        key = ("cover", id(initiative))
    return _cached(key, (kit, initiative), lambda: _cover_keys(initiative))


def _cover_keys(initiative: Initiative) -> frozenset[str]:
    # every partner's lines: the copy's own claim of whose it is may be false (attribution.py)
    kit = initiative.kit
    partners: list[Partner | None] = [None, *initiative.partners]
    lines = [line.text for lang in LANGUAGES for line in cover_lines(initiative, kit, None, lang)]
    lines += [line.text for p in partners for lang in LANGUAGES for line in partner_lines(p, lang)]
    lines += [text(lang) for text in SHARING.values() for lang in LANGUAGES]  # a pre-filled copy's cover
    return frozenset(normalise_key(t) for t in lines)


def _round_texts(info: CopyInfo | None) -> frozenset[str]:
    """The round line of the copy's own round (it may be an earlier round than the initiative's)."""
    if info is None or not info.round:
        return frozenset()
    return frozenset(normalise_key(t) for t in (f"Ronde : {info.round}", f"Round: {info.round}"))


def _list_items(kit: Kit, initiative: Initiative | None) -> frozenset[str]:
    """Every dropdown item the generator may put on the lists tab."""
    people = initiative.people if initiative else ()

    def build() -> frozenset[str]:
        items: list[str] = [word(k, lang) for k in ("yes", "no") for lang in LANGUAGES]
        items += [
            c(lang) for w in kit.worksheets for col in w.columns for c in col.choices for lang in LANGUAGES
        ]
        items += list(people)
        return frozenset(normalise_key(i) for i in items)

    return _cached(("lists", id(kit), id(initiative)), (kit, initiative), build)


def _note_keys(kit: Kit) -> frozenset[str]:
    """The row notes the generator writes as comments."""
    return _cached(
        ("notes", id(kit)),
        (kit,),
        lambda: frozenset(
            normalise_key(r.note(lang))
            for w in kit.worksheets
            for r in w.rows
            if r.note
            for lang in LANGUAGES
        ),
    )


# Known texts per kit and initiative, by identity: hashing a whole Kit per copy costs more than the work.
_CACHE: dict[tuple[object, ...], tuple[tuple[object, ...], frozenset[str]]] = {}


def _cached(
    key: tuple[object, ...], owners: tuple[object, ...], build: Callable[[], frozenset[str]]
) -> frozenset[str]:
    found = _CACHE.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], owners, strict=True)):
        return found[1]
    if len(_CACHE) > 64:
        _CACHE.clear()
    value = build()
    _CACHE[key] = (owners, value)  # the owners are kept alive, so their ids are not reused meanwhile
    return value


def _comments(raw: RawWorkbook, kit: Kit, language: Language) -> list[tuple[str, str]]:
    """Comments other than the row notes the generator writes, located by tab and cell."""
    notes = _note_keys(kit)
    return [
        (f"{tab}!{a1(row, column)} ({COMMENT(language)})", text)
        for tab, row, column, text in raw.comments
        if is_text(text) and normalise_key(text) not in notes
    ]
