"""The layout memo of locate: a sheet located like one seen before gets the same answer, never another.

Copies of one kit share their layout, so locate remembers what it found by the sheet's cells outside
the input cells. These tests compare the memo's answers with locating afresh, on sheets mutated at
random (labels changed, template text typed into answer cells, cells emptied, moved or added)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEMPLATES, fill
from tests.test_templates import OPEN_TEMPLATE
from toolkit import api, locate
from toolkit.backends.files import read_file
from toolkit.initiative import Initiative
from toolkit.rawbook import Cells, RawSheet
from toolkit.read_copy import copy_info
from toolkit.templates import Worksheet, load_kit
from toolkit.text import LANGUAGES

Recorded = dict[tuple[str, str], tuple[int, int]]


def _sheets(path: Path, worksheets: tuple[Worksheet, ...]) -> list[tuple[RawSheet, Worksheet, Recorded]]:
    raw = read_file(path)
    info = copy_info(raw)
    assert info is not None
    out = []
    for worksheet in worksheets:
        tab = next(t for w, _, t in info.templates if w == worksheet.id)
        recorded = {(r, c): rc for (w, r, c), rc in info.cells.items() if w == worksheet.id}
        sheet = raw.sheet(tab)
        assert sheet is not None
        out.append((sheet, worksheet, recorded))
    return out


@pytest.fixture(scope="module")
def fixed_sheets(
    initiative: Initiative, tmp_path_factory: pytest.TempPathFactory
) -> list[tuple[RawSheet, Worksheet, Recorded]]:
    folder = tmp_path_factory.mktemp("memo")
    path = Path(api.generate(initiative, folder, partners=["cdc-hochelaga"], blank=False)[0].where)
    return _sheets(path, initiative.kit.worksheets)


@pytest.fixture(scope="module")
def open_sheets(
    initiative: Initiative, tmp_path_factory: pytest.TempPathFactory
) -> list[tuple[RawSheet, Worksheet, Recorded]]:
    templates = tmp_path_factory.mktemp("templates") / "t"
    shutil.copytree(TEMPLATES, templates)
    (templates / "action_plan.yaml").write_text(OPEN_TEMPLATE, encoding="utf-8")
    (templates / "plan.kit.yaml").write_text(
        "id: plan\nversion: 1\ntitle: {fr: Plan, en: Plan}\nworksheets: [action_plan]\n", encoding="utf-8"
    )
    planning = dataclasses.replace(initiative, kit=load_kit("plan", templates))
    out = tmp_path_factory.mktemp("plan")
    path = Path(api.generate(planning, out, partners=["cdc-hochelaga"], blank=False)[0].where)
    fill(
        path,
        {
            ("Plan d'action", "A5"): "Politiques",
            ("Plan d'action", "B5"): "Rencontrer",
            ("Plan d'action", "B7"): "Fête",
        },
    )
    return _sheets(path, planning.kit.worksheets)


def _texts(worksheet: Worksheet) -> list[str]:
    """Text locate looks for, in both languages, and a few look-alikes."""
    texts = [worksheet.title(lang) for lang in LANGUAGES]
    texts += [c.header(lang) for c in worksheet.columns for lang in LANGUAGES]
    texts += [r.label(lang) for r in worksheet.rows for lang in LANGUAGES]
    texts += [q.text(lang) for q in worksheet.debrief for lang in LANGUAGES]
    texts += ["Débreffage", "Debrief", "Oui"]
    return texts + [t.upper() + " ?" for t in texts[:6]]


def _mutated(sheet: RawSheet, changes: list[tuple[int, int, object]]) -> RawSheet:
    by_row = {r: dict(cells) for r, cells in sheet.cells.by_row.items()}  # type: ignore[attr-defined]
    for r, c, value in changes:
        if value is None:
            by_row.get(r, {}).pop(c, None)
        else:
            by_row.setdefault(r, {})[c] = value
    cells = Cells.of(((r, c), v) for r, row in by_row.items() for c, v in row.items())
    return RawSheet(sheet.name, sheet.visible, cells, sheet.formulas)


def _same(a: locate.SheetMatch, b: locate.SheetMatch) -> None:
    assert a.sheet is b.sheet
    assert a.cells == b.cells and list(a.cells) == list(b.cells)
    assert a.notes == b.notes
    assert a.unmapped == b.unmapped


def _changes(data: st.DataObject, sheet: RawSheet, worksheet: Worksheet) -> list[tuple[int, int, object]]:
    existing = list(sheet.cells)
    position = st.one_of(st.sampled_from(existing), st.tuples(st.integers(1, 20), st.integers(1, 7)))
    value = st.one_of(
        st.none(),
        st.sampled_from(_texts(worksheet)),
        st.sampled_from(
            ["Réponse", "  ", "x" * 500, "Date " + " " * 500, 1, 1.0, True, "1", dt.date(2026, 1, 2)]
        ),
    )
    return [(r, c, v) for (r, c), v in data.draw(st.lists(st.tuples(position, value), max_size=4))]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_memo_answers_as_locating_afresh_for_any_change(
    data: st.DataObject,
    fixed_sheets: list[tuple[RawSheet, Worksheet, Recorded]],
    open_sheets: list[tuple[RawSheet, Worksheet, Recorded]],
) -> None:
    sheet, worksheet, recorded = data.draw(st.sampled_from(fixed_sheets + open_sheets))
    locate.locate(sheet, worksheet, recorded)  # the unchanged layout, remembered
    changed = _mutated(sheet, _changes(data, sheet, worksheet))
    if data.draw(st.booleans()):
        recorded = dict(list(recorded.items())[1:])  # a layout record lost
    fresh, _ = locate._locate(changed, worksheet, recorded)
    _same(locate.locate(changed, worksheet, recorded), fresh)
    _same(locate.locate(changed, worksheet, recorded), fresh)  # remembered now, if it may be


def test_a_sheet_like_one_seen_before_is_not_located_again(
    fixed_sheets: list[tuple[RawSheet, Worksheet, Recorded]], monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet, worksheet, recorded = fixed_sheets[0]
    first = locate.locate(sheet, worksheet, recorded)
    answers = sorted(first.cells.values())
    other = _mutated(sheet, [(r, c, f"Réponse {r}-{c}") for r, c in answers[:3]] + [(*answers[3], None)])

    def never(*_: object) -> object:
        raise AssertionError("located again")

    with monkeypatch.context() as patch:
        patch.setattr(locate, "_locate", never)
        again = locate.locate(other, worksheet, recorded)
    assert again.sheet is other
    _same(again, locate._locate(other, worksheet, recorded)[0])


def test_a_changed_label_is_located_afresh(fixed_sheets: list[tuple[RawSheet, Worksheet, Recorded]]) -> None:
    sheet, worksheet, recorded = fixed_sheets[0]
    locate.locate(sheet, worksheet, recorded)
    label = worksheet.rows[0].label("fr")
    where = next((r, c) for r, c, v in sheet.items() if v == label)
    renamed = _mutated(sheet, [(*where, label + " (modifié)")])
    found = locate.locate(renamed, worksheet, recorded)
    _same(found, locate._locate(renamed, worksheet, recorded)[0])
    assert [n.code for n in found.notes if n.row == worksheet.rows[0].id] == ["row_missing"]
    assert (f"{sheet.name}!A{where[0]}", label + " (modifié)") in found.unmapped


def test_header_text_typed_in_an_answer_cell_is_located_afresh(
    fixed_sheets: list[tuple[RawSheet, Worksheet, Recorded]], monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet, worksheet, recorded = fixed_sheets[0]
    locate.locate(sheet, worksheet, recorded)
    answer = sorted(locate.locate(sheet, worksheet, recorded).cells.values())[0]
    typed = _mutated(sheet, [(*answer, worksheet.columns[1].header("fr"))])
    calls: list[RawSheet] = []
    real = locate._locate

    def counted(sheet: RawSheet, worksheet: Worksheet, recorded: Recorded) -> object:
        calls.append(sheet)
        return real(sheet, worksheet, recorded)

    monkeypatch.setattr(locate, "_locate", counted)
    _same(locate.locate(typed, worksheet, recorded), real(typed, worksheet, recorded)[0])
    assert calls == [typed]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["cell", " cell", "cell "]),
            st.one_of(
                st.sampled_from(["B5", " C12 ", "b5", "XFD1048576", "XFE1", "A1048577", "A0", "5B", "B5.0"]),
                st.text(alphabet="AZaz09 .$", max_size=14),
                st.sampled_from([5.0, 12, True, None]),
            ),
        ),
        max_size=6,
    )
)
def test_cell_records_read_as_the_tolerant_parser_reads_them(records: list[tuple[str, object]]) -> None:
    from toolkit.cells import parse_a1
    from toolkit.metadata import MAX_COLUMN, MAX_ROW, _Problems, _text, parse_records

    def position_of(ref: str) -> tuple[int, int] | None:
        """The rule, stated apart: an A1 reference of at most 12 characters within the sheet."""
        try:
            row, column = parse_a1(ref) if len(ref) <= 12 else (0, 0)
        except ValueError:
            return None
        return (row, column) if 0 < row <= MAX_ROW and 0 < column <= MAX_COLUMN else None

    head: list[list[object]] = [["toolkit", "format", "1"], ["copy", "initiative", "i"]]
    rows = [[kind, "w", f"r{i}", "c", ref, ""] for i, (kind, ref) in enumerate(records)]
    info = parse_records(head + rows)
    assert info is not None
    expected = _Problems()
    cells = {}
    for row in rows:
        ref = row[4].strip() if isinstance(row[4], str) else _text(row[4])
        position = position_of(ref)
        if position is None:
            expected.bad(f"w {row[2]} c", ref)
        else:
            cells[("w", str(row[2]), "c")] = position
    assert info.cells == cells
    assert info.problems == tuple(expected.found)


@pytest.mark.parametrize(
    "layout", ["r=a:5,b:6;c=x:2,y:3;d=q:9", "r=a:0,b:x;c=y:99999999;d=q:-1", "r=" + "a:5," * 80]
)
def test_a_compact_layout_reads_the_same_every_time(layout: str) -> None:
    from toolkit.metadata import parse_properties

    props = {
        "toolkit.initiative": "i",
        "toolkit.kit": "k@1",
        "toolkit.templates": "w@1",
        "toolkit.layout.w": layout,
    }
    first = parse_properties(props)
    assert first is not None
    first.cells.clear()  # a caller's change stays its own
    again, fresh = parse_properties(props), parse_properties({**props, "toolkit.layout.w": layout + ";"})
    assert again is not None and fresh is not None
    assert again.cells == fresh.cells and again.problems == first.problems == fresh.problems
    assert bool(again.cells) == layout.startswith("r=a:5,b")


def test_the_memo_holds_a_bounded_amount_of_text(
    fixed_sheets: list[tuple[RawSheet, Worksheet, Recorded]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locate, "_MEMO_BUDGET", 3 * locate._MEMO_MAX_CHARS)
    sheet, worksheet, recorded = fixed_sheets[0]
    for i in range(12):  # a partner's long note beside the table, different in every copy
        noted = _mutated(sheet, [(30, 9, f"Note {i} " + "é" * (locate._MEMO_MAX_CHARS // 3))])
        _same(locate.locate(noted, worksheet, recorded), locate._locate(noted, worksheet, recorded)[0])
        assert locate._memo_chars <= locate._MEMO_BUDGET
    huge = _mutated(sheet, [(30, 9, "x" * (locate._MEMO_MAX_CHARS + 1))])
    _same(locate.locate(huge, worksheet, recorded), locate._locate(huge, worksheet, recorded)[0])
    assert locate._memo_chars <= locate._MEMO_BUDGET
