"""The pull cache: re-pulling unchanged copies reuses what their bytes said, and never anything else."""

from __future__ import annotations

import dataclasses
import io
import multiprocessing
import pickle
import shutil
import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLE, fill
from toolkit import api
from toolkit.attribution import IssuedCopy
from toolkit.initiative import Initiative
from toolkit.submission import PullResult

PROGRESS, BACKBONE = "Canevas des progrès", "Infrastructure de soutien"


def summary(result: PullResult) -> list[object]:
    """Everything a pull says, cells included (Submission equality leaves the table out)."""
    out: list[object] = [(e.source, e.code, e.message, e.detail) for e in result.errors]
    for s in result.submissions:
        out.append(dataclasses.replace(s, kit=None))
        out.append(s.cells.to_dict("list"))
    return out


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, reading any copy's bytes fails: only the cache can answer."""
    import toolkit.backends.local_files as local_files

    def refuse(*args: object) -> object:
        raise AssertionError("read again")

    monkeypatch.setattr(local_files, "read_bytes", refuse)


def test_a_warm_pull_reads_no_copy_and_says_the_same(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(copies["cdc-hochelaga"], {(BACKBONE, "B5"): "Mamadou Diallo", (PROGRESS, "C5"): "2 novembre 2026"})
    (copies[None].parent / "notes.txt").write_text("à relancer", encoding="utf-8")
    folder, cache = copies[None].parent, tmp_path / "cache.sqlite"
    cold = api.pull([folder], initiative)
    one = summary(api.pull([copies["cdc-hochelaga"]], initiative))
    first = api.pull([folder], initiative, cache=cache)
    no_reading(monkeypatch)
    warm = api.pull([folder], initiative, cache=cache)
    assert summary(first) == summary(cold) and summary(warm) == summary(cold)
    assert len(cold.errors) == 1  # the text file: its refusal is cached too
    # one copy among the many the cache holds (looked up by key, not by reading the whole file)
    assert summary(api.pull([copies["cdc-hochelaga"]], initiative, cache=cache)) == one


def test_a_changed_byte_is_read_again(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    path, cache = copies["cdc-hochelaga"], tmp_path / "cache.sqlite"
    fill(path, {(BACKBONE, "B5"): "Mamadou Diallo"})
    api.pull([path], initiative, cache=cache)
    fill(path, {(BACKBONE, "B5"): "Amina Traoré"})
    warm = api.pull([path], initiative, cache=cache)
    assert summary(warm) == summary(api.pull([path], initiative))
    assert "Amina Traoré" in set(warm.submissions[0].cells["text"])


def test_whose_copy_it_is_is_decided_again_on_every_run(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same bytes, another register, another file name: attribution follows this run, not the cache."""
    cache = tmp_path / "cache.sqlite"
    blank = copies[None]
    api.pull([blank], initiative, cache=cache)
    no_reading(monkeypatch)
    renamed = blank.with_name("retour-cdc-hochelaga.xlsx")
    shutil.copyfile(blank, renamed)
    register = {"other": IssuedCopy("other", initiative.id, "cdc-hochelaga", "partner", "2026-01-01", "x")}
    for issued in (None, {}, register):
        warm = api.pull([renamed], initiative, cache=cache, issued=issued)
        monkeypatch.undo()
        cold = api.pull([renamed], initiative, issued=issued)
        no_reading(monkeypatch)
        assert summary(warm) == summary(cold)
    assert warm.submissions[0].partner_id == "cdc-hochelaga"  # named by the file name, not cached


def test_the_provenance_beside_a_copy_is_read_again_on_every_run(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sidecar `collect` writes later, or one that no longer matches the bytes: the warm pull sees it."""
    from toolkit.mail.provenance import Provenance, sha256, write_sidecar

    folder, cache = tmp_path / "retours", tmp_path / "cache.sqlite"
    folder.mkdir()
    blank, other = folder / "copie.xlsx", folder / "autre.xlsx"
    shutil.copyfile(copies[None], blank)
    shutil.copyfile(copies["cdc-hochelaga"], other)
    api.pull([folder], initiative, cache=cache)
    no_reading(monkeypatch)
    sender = "direction@cdc-hochelaga.example"
    for digest in (sha256(blank.read_bytes()), "0" * 64):  # the bytes it describes, then other bytes
        at = "2026-11-19T14:00:00+00:00"
        write_sidecar(blank, Provenance(blank.name, digest, sender, at, "Re", "<m@x>", "c.xlsx"))
        warm = api.pull([folder], initiative, cache=cache)
        monkeypatch.undo()
        cold = api.pull([folder], initiative)
        in_workers = api.pull([folder], initiative, jobs=2)  # each worker lists the folder itself
        filling = api.pull([folder], initiative, cache=tmp_path / f"new-{digest[:4]}.sqlite")
        no_reading(monkeypatch)
        assert summary(warm) == summary(cold) == summary(in_workers) == summary(filling)
        senders = {Path(s.source).name: s.sender for s in warm.submissions}
        assert senders == {"autre.xlsx": None, "copie.xlsx": sender if digest != "0" * 64 else None}


def test_another_initiative_setting_is_a_miss(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    path, cache = copies["cdc-hochelaga"], tmp_path / "cache.sqlite"
    api.pull([path], initiative, cache=cache)
    english = dataclasses.replace(initiative, language="en")
    assert summary(api.pull([path], english, cache=cache)) == summary(api.pull([path], english))


def test_a_corrupt_cache_file_is_rebuilt_never_an_error(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    path, cache = copies["cdc-hochelaga"], tmp_path / "cache.sqlite"
    cache.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    cold = api.pull([path], initiative)
    assert summary(api.pull([path], initiative, cache=cache)) == summary(cold)
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone() == (1,)


def test_a_damaged_value_is_a_miss(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    path, cache = copies["cdc-hochelaga"], tmp_path / "cache.sqlite"
    fill(path, {(BACKBONE, "B5"): "Mamadou Diallo"})
    api.pull([path], initiative, cache=cache)
    with sqlite3.connect(cache) as db:
        (blob,) = db.execute("SELECT value FROM entries").fetchone()
        damaged = blob.replace(b"Mamadou", b"Mamadoo")
        assert damaged != blob
        db.execute("UPDATE entries SET value = ?", (damaged,))
    assert summary(api.pull([path], initiative, cache=cache)) == summary(api.pull([path], initiative))


def test_a_cached_value_cannot_run_code(capsys: pytest.CaptureFixture[str]) -> None:
    from toolkit.pull_cache import _checksum, _load

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("pwned",))

    evil = pickle.dumps(Evil())
    for blob in (evil, b"T" + evil, b"P" + evil):  # bare, as a plain value, as a pickled one
        assert _load(blob, _checksum(blob), {}) is None
    assert "pwned" not in capsys.readouterr().out


def _pull_in_process(args: tuple[str, str, str]) -> list[object]:
    folder, cache, config = args
    initiative = api.load_initiative(config)
    return summary(api.pull([folder], initiative, cache=Path(cache), jobs=1))


def test_two_runs_pulling_at_once_share_the_cache(
    initiative: Initiative, copies: dict[str | None, Path], tmp_path: Path
) -> None:
    fill(copies["cdc-hochelaga"], {(BACKBONE, "B5"): "Mamadou Diallo"})
    folder, cache = copies[None].parent, tmp_path / "cache.sqlite"
    cold = summary(api.pull([folder], initiative))
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for _ in range(3):  # empty cache, then both writing what the other wrote, then both reading
            got = pool.map(_pull_in_process, [(str(folder), str(cache), str(EXAMPLE))] * 4)
            assert all(g == cold for g in got)


def test_no_progress_bar_unless_stderr_is_a_terminal(
    copies: dict[str | None, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from toolkit.cli import main

    progress = importlib.import_module("toolkit.progress")
    monkeypatch.setattr(progress, "PROGRESS_FROM", 1)
    folder = str(copies[None].parent)
    result = CliRunner().invoke(main, ["pull", folder, "--config", str(EXAMPLE), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    api.pull([folder], api.load_initiative(EXAMPLE), jobs=1)
    assert "pull" in terminal.getvalue() and "copie" in terminal.getvalue()


def test_jobs_and_cache_options_give_the_same_table(copies: dict[str | None, Path]) -> None:
    from toolkit.cli import main

    fill(copies["cdc-hochelaga"], {(BACKBONE, "B5"): "Mamadou Diallo"})
    folder = str(copies[None].parent)
    runs = [
        CliRunner().invoke(main, ["pull", folder, "--config", str(EXAMPLE), *options])
        for options in (["--no-cache"], ["--jobs", "2", "--no-cache"], [], ["--jobs", "2"])
    ]
    assert all(r.exit_code == 0 for r in runs), [r.output for r in runs]
    assert len({r.stdout for r in runs}) == 1
    assert (EXAMPLE.parent / ".toolkit-pull-cache.sqlite").exists()


# --- property: for any change to a copy's bytes, a cached pull says what a cold pull says ---------


@pytest.fixture(scope="module")
def original(generated: dict[str | None, Path]) -> bytes:
    return generated["cdc-hochelaga"].read_bytes()


def _rezipped(data: bytes, member: str, old: bytes, new: bytes) -> bytes:
    """The package with one member's text changed (a valid zip: what an editor's save looks like)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, body.replace(old, new, 1) if info.filename == member else body)
    return out.getvalue()


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    if draw(st.booleans()):  # raw bytes changed: mostly damage screening must still name
        mutated = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            mutated[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(mutated)
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # a valid package whose XML says something else
        member = draw(st.sampled_from(sorted(n for n in z.namelist() if n.endswith(".xml"))))
        body = z.read(member)
    start = draw(st.integers(0, max(0, len(body) - 8)))
    old = body[start : start + draw(st.integers(1, 8))]
    new = draw(st.binary(min_size=0, max_size=8))
    return _rezipped(data, member, old, new)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_cached_pull_equals_a_cold_pull_for_any_change(
    initiative: Initiative, original: bytes, tmp_path: Path, data: st.DataObject
) -> None:
    path, cache = tmp_path / "copie-cdc-hochelaga.xlsx", tmp_path / "cache.sqlite"
    path.write_bytes(original)
    api.pull([path], initiative, cache=cache)  # the original is in the cache
    path.write_bytes(data.draw(mutations(original)))
    cold = summary(api.pull([path], initiative))
    assert summary(api.pull([path], initiative, cache=cache)) == cold  # a miss, then kept
    assert summary(api.pull([path], initiative, cache=cache)) == cold  # a hit
    # both kept side by side (their cells' layouts shared or not): the original is still itself
    path.write_bytes(original)
    assert summary(api.pull([path], initiative, cache=cache)) == summary(api.pull([path], initiative))


# --- the shortcuts that make a cold pull fast never change what it finds ----------------------------


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        st.sampled_from(list("abcAB09 .?:\t\u00a0\u200b\u2019'`é\u0301ﬁ…")) | st.characters(), max_size=60
    ),
    longest=st.integers(0, 30),
)
def test_a_text_is_skipped_only_when_its_key_is_longer_than_any_compared(text: str, longest: int) -> None:
    from toolkit.locate import _text_key
    from toolkit.values import normalise_key

    if _text_key(text, longest) != _text_key(text):
        assert _text_key(text, longest) == "" and len(normalise_key(text)) > longest


def _round_trip(entry: object) -> object:
    """`entry` stored and loaded back, as the cache file does (its layout stored apart)."""
    from toolkit.pull_cache import _dump, _layout, _load, layout_key

    blob, check, layout = _dump(entry)  # type: ignore[arg-type]
    layouts = {}
    if layout is not None:
        layouts[layout_key(layout)] = _layout(layout_key(layout), layout)
    return _load(blob, check, layouts)  # type: ignore[arg-type]


def test_a_value_comes_back_equal_in_the_plain_form_and_in_the_pickled_one() -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from toolkit.attribution import Identity
    from toolkit.pull_cache import CachedError, _dump
    from toolkit.read_copy import CopyContent
    from toolkit.submission import Note

    moment = dt.datetime(2026, 11, 2, 9, 30, 0, 12, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    info = Identity("p1", "partner", "c", moment)
    usual = CopyContent(
        tab_info=info,
        properties_info=info._replace(copy_id=None),
        kit_id="kit",
        language="fr",
        role="partner",
        generated_at=moment.astimezone(dt.UTC),
        round="2026",
        prefilled=frozenset({("w", "r", "c")}),
        columns=(
            ("w", "w"),
            ("r", "r2"),
            ("c", "c"),
            (dt.date(2026, 3, 1), 2.5),
            ("2026-03-01", "2,5"),
            (None, "not_a_date"),
            ("T!B2", None),
            ("partner", "prefill"),
        ),
        notes=(Note("tab_renamed", "w", params=(("old", "A"), ("new", "B"))),),
        unmapped=(("T!Z9", "\ud800 lone surrogate"),),
    )
    # a value the plain form cannot hold exactly (a time of day) is pickled whole
    columns = (*usual.columns[:3], (dt.time(9, 30), None), *usual.columns[4:])
    unusual = dataclasses.replace(usual, columns=columns)
    in_zone = dataclasses.replace(usual, generated_at=moment.astimezone(ZoneInfo("America/Montreal")))
    assert _round_trip(in_zone) is None  # a class the loader does not know: a miss, never a guess
    same_info = dataclasses.replace(usual, properties_info=info)
    for entry, form in (
        (usual, b"T"),
        (same_info, b"T"),
        (unusual, b"P"),
        (CachedError("not_zip", "bad"), b"T"),
    ):
        assert _dump(entry)[0][:1] == form
        back = _round_trip(entry)
        assert back == entry
        # every field, those equality leaves out too (made without __init__: none may be missing)
        assert back is not None and vars(back).keys() == vars(entry).keys()
        assert all(getattr(back, f.name) == getattr(entry, f.name) for f in dataclasses.fields(back))
        for name in ("tab_info", "properties_info"):
            got, want = getattr(back, name, None), getattr(entry, name, None)
            assert type(got) is type(want) and got == want
    tz = _round_trip(usual).generated_at.tzinfo  # type: ignore[attr-defined]
    assert tz is dt.UTC


def test_a_value_whose_layout_is_gone_or_altered_is_a_miss() -> None:
    from toolkit.pull_cache import _dump, _layout, _load, layout_key
    from toolkit.read_copy import CopyContent

    columns = (("w",), ("r",), ("c",), ("x",), ("x",), (None,), ("T!B2",), ("partner",))
    entry = CopyContent(None, None, "kit", "fr", "partner", None, None, frozenset(), columns, (), ())
    blob, check, layout = _dump(entry)
    assert layout is not None
    key = layout_key(layout)
    assert _load(blob, check, {}) is None  # its layout is not stored (any more)
    assert _layout(key, layout.replace(b"T!B2", b"T!B3")) is None  # not the bytes the key names
    other = pickle.dumps((("w", "w"), ("r", "r"), ("c", "c"), ("T!B2", "T!B3")))
    two_cells = _layout(layout_key(other), other)
    assert two_cells is not None and _load(blob, check, {key: two_cells}) is None  # 2 cells, not 1
    assert _load(blob, check, {key: _layout(key, layout)}) == entry  # type: ignore[dict-item]


def test_any_partner_field_is_in_the_fingerprint(initiative: Initiative) -> None:
    from toolkit.initiative import Partner
    from toolkit.pull_cache import fingerprint

    def with_partner(index: int, **changes: object) -> Initiative:
        partners = list(initiative.partners)
        partners[index] = dataclasses.replace(partners[index], **changes)  # type: ignore[arg-type]
        return dataclasses.replace(initiative, partners=tuple(partners))

    rebuilt = tuple(Partner(**dataclasses.asdict(p)) for p in initiative.partners)  # equal, new objects
    assert fingerprint(dataclasses.replace(initiative, partners=rebuilt)) == fingerprint(initiative)
    last = len(initiative.partners) - 1
    changed = [
        with_partner(0, emails=(*initiative.partners[0].emails, "x@y.example")),
        with_partner(last, contact=None if initiative.partners[last].contact else "None"),
        with_partner(last, short_name="None"),
        with_partner(0, name=initiative.partners[0].name + " "),
        dataclasses.replace(initiative, partners=initiative.partners[::-1]),
    ]
    prints = {fingerprint(i) for i in changed}
    assert len(prints) == len(changed) and fingerprint(initiative) not in prints
