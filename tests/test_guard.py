"""Outputs never overwrite what is read or a partner's answers: refused with a clear message, or kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import EXAMPLE, fill
from toolkit import api
from toolkit.cli import main
from toolkit.errors import OutputRefused
from toolkit.initiative import Initiative

PROGRESS = "Canevas des progrès"
BARIL, CDC = "ecole-baril", "cdc-hochelaga"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled(copies: dict[str | None, Path]) -> dict[str | None, Path]:
    fill(copies[BARIL], {(PROGRESS, "B5"): "Ateliers de lecture", (PROGRESS, "B6"): "56 % rempli"})
    fill(copies[CDC], {(PROGRESS, "B5"): "Table créée en 2019"})
    return copies


def test_merge_out_a_source_is_refused_and_the_copy_untouched(filled: dict[str | None, Path]) -> None:
    target = filled[BARIL]
    before = digest(target)
    result = CliRunner().invoke(
        main, ["merge", str(filled[CDC]), str(target), "--config", str(EXAMPLE), "--out", str(target)]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : « {target} » est une des sources lues : refusé, rien n'a été écrit; "
        "choisissez un autre fichier\n"
    )
    assert digest(target) == before


def test_merge_out_a_file_inside_a_source_folder_is_refused(filled: dict[str | None, Path]) -> None:
    folder, target = filled[None].parent, filled[CDC]
    before = digest(target)
    result = CliRunner().invoke(main, ["merge", str(folder), "--config", str(EXAMPLE), "--out", str(target)])
    assert result.exit_code == 1 and "est une des sources lues" in result.stderr
    assert digest(target) == before


def test_merge_out_a_partner_copy_that_is_not_a_source_is_refused(
    filled: dict[str | None, Path], tmp_path: Path
) -> None:
    target = filled[BARIL]
    before = digest(target)
    result = CliRunner().invoke(
        main, ["merge", str(filled[CDC]), "--config", str(EXAMPLE), "--out", str(target)]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : « {target} » est une copie de partenaire : refusé, rien n'a été écrit; "
        "choisissez un autre fichier\n"
    )
    assert digest(target) == before


def test_library_merge_refuses_in_english_too(initiative: Initiative, filled: dict[str | None, Path]) -> None:
    english = Initiative(**{**initiative.__dict__, "language": "en"})
    target = filled[BARIL]
    before = digest(target)
    with pytest.raises(OutputRefused) as refused:
        api.merge([filled[CDC], target], english, out=target)
    assert str(refused.value) == (
        f"“{target}” is one of the sources being read: refused, nothing written; choose another file"
    )
    assert refused.value.code == "output_is_source" and digest(target) == before


def test_merge_replaces_its_own_earlier_master(filled: dict[str | None, Path], tmp_path: Path) -> None:
    out = tmp_path / "maitre.xlsx"
    args = ["merge", str(filled[CDC]), "--config", str(EXAMPLE), "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    again = CliRunner().invoke(main, [*args[:-2], "--out", str(out)])
    assert again.exit_code == 0, again.output


def test_a_master_overwritten_by_a_partner_copy_since_the_last_check_is_refused(
    initiative: Initiative, filled: dict[str | None, Path], tmp_path: Path
) -> None:
    """merge checks its target twice (before any work, before writing): the second check reads the
    file again as soon as it changed, however it changed (here in place: same inode, other bytes)."""
    out = tmp_path / "maitre.xlsx"
    api.merge([filled[CDC]], initiative, out=out)
    api.check_output(out, "master", initiative=initiative)  # its own master: replaceable
    api.check_output(out, "master", initiative=initiative)
    with out.open("r+b") as handle:  # the partner's copy written over it, in the same file
        handle.truncate(0)
        handle.write(filled[BARIL].read_bytes())
    with pytest.raises(OutputRefused) as refused:
        api.check_output(out, "master", initiative=initiative)
    assert refused.value.code == "output_holds_answers"


def test_the_quick_look_at_a_master_agrees_with_reading_it_whole(
    initiative: Initiative, filled: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last week's master is recognised by its metadata tab alone (after screening); any other file,
    a partner's copy above all, is read whole, as before."""
    from toolkit import guard

    out = tmp_path / "maitre.xlsx"
    api.merge([filled[CDC], filled[BARIL]], initiative, out=out)
    assert guard._own_master(out, initiative)
    assert not guard._own_master(filled[CDC], initiative)
    assert not guard._own_master(filled[None], initiative)  # the blank copy
    quick = [guard.classify(p, initiative) for p in (out, filled[CDC], filled[None])]
    monkeypatch.setattr(guard, "_own_master", lambda path, initiative: False)
    assert [guard.classify(p, initiative) for p in (out, filled[CDC], filled[None])] == quick
    assert [e.found for e in quick] == ["master", "filled_copy", "unfilled_copy"]


def test_merge_refuses_a_damaged_file_that_may_hold_answers(
    filled: dict[str | None, Path], tmp_path: Path
) -> None:
    target = tmp_path / "maitre.xlsx"
    target.write_bytes(filled[BARIL].read_bytes()[:3000])  # a truncated copy: cannot tell what it holds
    before = digest(target)
    result = CliRunner().invoke(
        main, ["merge", str(filled[CDC]), "--config", str(EXAMPLE), "--out", str(target)]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Erreur : « {target} » existe et n'est pas un fichier que cette commande a écrit (fichier endommagé"
    )
    assert digest(target) == before


@pytest.mark.parametrize("suffix", [".xlsx", ".html"])
def test_report_out_a_source_is_refused_before_any_work(
    filled: dict[str | None, Path], tmp_path: Path, suffix: str
) -> None:
    target = filled[BARIL]
    before = digest(target)
    history = tmp_path / "h.sqlite"
    result = CliRunner().invoke(
        main,
        ["report", str(target), "--config", str(EXAMPLE), "--history", str(history), "--out", str(target)]
        + (["--format", "html"] if suffix == ".html" else []),
    )
    assert result.exit_code == 1 and "est une des sources lues : refusé" in result.stderr
    assert digest(target) == before and not history.exists()  # no run recorded either


def test_report_replaces_its_own_earlier_report(filled: dict[str | None, Path], tmp_path: Path) -> None:
    for name in ("rapport.xlsx", "rapport.html"):
        out = tmp_path / name
        args = ["report", str(filled[CDC]), "--config", str(EXAMPLE), "--no-record", "--out", str(out)]
        assert CliRunner().invoke(main, args).exit_code == 0
        again = CliRunner().invoke(main, args)
        assert again.exit_code == 0, again.output


def test_report_write_never_replaces_a_partner_copy(
    initiative: Initiative, filled: dict[str | None, Path], tmp_path: Path
) -> None:
    report = api.build_report(api.pull([filled[CDC]], initiative), initiative, history_path=tmp_path / "h")
    before = digest(filled[BARIL])
    with pytest.raises(OutputRefused):
        report.write(filled[BARIL], "xlsx")
    assert digest(filled[BARIL]) == before


def test_generate_keeps_filled_copies_and_says_so(filled: dict[str | None, Path]) -> None:
    folder = filled[None].parent
    kept, other = filled[BARIL], filled[CDC]
    before = {p: digest(p) for p in filled.values()}
    result = CliRunner().invoke(main, ["generate", "--config", str(EXAMPLE), "--out", str(folder)])
    assert result.exit_code == 0
    stderr = result.stderr.splitlines()
    assert f"⚠ {kept} : contient des réponses, conservé tel quel (jamais remplacé)" in stderr
    assert f"⚠ {other} : contient des réponses, conservé tel quel (jamais remplacé)" in stderr
    blank_kept = (
        f"⚠ {filled['cpe-les-lucioles']} : existe déjà, conservé; --force remplace une copie vierge "
        "(sauvegarde gardée)"
    )
    assert blank_kept in stderr
    assert result.stdout == f"0 classeurs écrits dans {folder}, 9 conservés\n"
    assert {p: digest(p) for p in filled.values()} == before


def test_generate_force_replaces_unfilled_copies_only_and_keeps_a_backup(
    filled: dict[str | None, Path],
) -> None:
    folder = filled[None].parent
    unfilled = filled["cpe-les-lucioles"]
    before = {p: digest(p) for p in filled.values()}
    result = CliRunner().invoke(main, ["generate", "--config", str(EXAMPLE), "--out", str(folder), "--force"])
    assert result.exit_code == 0
    assert digest(filled[BARIL]) == before[filled[BARIL]] and digest(filled[CDC]) == before[filled[CDC]]
    assert digest(unfilled) != before[unfilled]
    backups = sorted((folder / ".backup").iterdir())
    assert len(backups) == 7  # six unfilled partner copies and the blank one
    saved = next(b for b in backups if b.name.startswith("hochelaga-ensemble_cpe-les-lucioles."))
    assert digest(saved) == before[unfilled]
    assert f"⚠ {unfilled} : copie vierge remplacée (--force); l'ancienne est gardée dans {saved}" in (
        result.stderr.splitlines()
    )
    assert result.stdout.splitlines()[-1] == f"7 classeurs écrits dans {folder}, 2 conservés"
    pulled = api.pull(folder, api.load_initiative(EXAMPLE))  # backups are never read as returned copies
    assert len(pulled.submissions) == 9 and not pulled.errors


def test_generate_never_replaces_an_unreadable_file(initiative: Initiative, tmp_path: Path) -> None:
    target = tmp_path / "hochelaga-ensemble_ecole-baril.xlsx"
    target.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # damaged: it may hold answers
    made = api.generate(initiative, tmp_path, partners=[BARIL], blank=False, force=True)
    assert [(c.status, c.message) for c in made] == [  # type: ignore[attr-defined]
        (
            "kept",
            f"{target} : existe et n'est pas une copie vierge de cette initiative "
            "(fichier endommagé ou incomplet), conservé",
        )
    ]
    assert target.read_bytes() == b"PK\x03\x04" + b"\x00" * 200


def test_a_report_kept_in_the_returns_folder_is_replaced_next_week(
    filled: dict[str | None, Path],
) -> None:
    """Last week's HTML report among the returns is not a copy: this week's replaces it."""
    folder = filled[None].parent
    out = folder / "rapport.html"
    args = ["report", str(folder), "--config", str(EXAMPLE), "--no-record", "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output


def test_a_link_to_a_source_is_the_source(filled: dict[str | None, Path], tmp_path: Path) -> None:
    link = tmp_path / "maitre.xlsx"
    link.symlink_to(filled[BARIL])
    before = digest(filled[BARIL])
    result = CliRunner().invoke(
        main, ["merge", str(filled[BARIL]), "--config", str(EXAMPLE), "--out", str(link)]
    )
    assert result.exit_code == 1 and "est une des sources lues" in result.stderr
    assert digest(filled[BARIL]) == before


def _unpacked_size(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return sum(info.file_size for info in z.infolist())


def test_a_master_grown_past_the_reading_limits_is_still_replaced(
    initiative: Initiative, filled: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A master of a thousand or more copies outgrows screening's limits for any file read (100 MB of
    XML): merge still recognises its own last master (from its properties and tab names) and replaces
    it, and still refuses a partner's copy or another initiative's master that outgrew them too. The
    limit is lowered here to between a copy's size and the master's."""
    from toolkit import guard, screening

    out = tmp_path / "maitre.xlsx"
    api.merge([filled[CDC]], initiative, out=out)
    pulled = api.pull([filled[CDC], filled[BARIL]], initiative)  # read before the limit is lowered
    monkeypatch.setattr(screening, "MAX_TOTAL_UNCOMPRESSED", _unpacked_size(out) // 2)
    guard._last.clear()
    assert guard.classify(out, initiative).found == "master"
    assert guard.classify(filled[BARIL], initiative).found == "unreadable"  # the limit does bite

    api.merge(pulled, initiative, out=out)  # the weekly run, over last week's master
    assert _holds(out, "Ateliers de lecture")

    # without the properties' word, the same master is refused as a zip bomb, as it was before
    monkeypatch.setattr(guard, "own_master_by_properties", lambda path, data, initiative: False)
    guard._last.clear()
    with pytest.raises(OutputRefused) as refused:
        api.merge(pulled, initiative, out=out)
    assert refused.value.code == "output_not_replaceable"


def test_a_master_grown_past_the_reading_limits_is_named_as_such_when_read_back(
    initiative: Initiative, filled: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The weekly merge continues last week's master, which the history names. One grown past the
    limits on any file read cannot be read back: the coordinator is told that, in the initiative's
    language, with its size, not that their own master is a zip bomb. Other files past the limits are
    still refused as before."""
    from toolkit import guard, screening
    from toolkit.errors import ConfigError

    out, history = tmp_path / "maitre.xlsx", tmp_path / "historique.jsonl"
    pulled = api.pull([filled[CDC], filled[BARIL]], initiative)
    api.merge(pulled, initiative, out=out, history=history)
    before = digest(out)
    monkeypatch.setattr(screening, "MAX_TOTAL_UNCOMPRESSED", _unpacked_size(out) // 2)
    guard._last.clear()

    with pytest.raises(ConfigError) as said:
        api.merge(pulled, initiative, out=out, history=history)  # next week's run
    message = str(said.value)
    assert str(out) in message and "trop volumineux pour être relu" in message
    assert "bombe" not in message and "Mo de données" in message
    assert digest(out) == before  # last week's master untouched
    english = Initiative(**{**initiative.__dict__, "language": "en"})
    with pytest.raises(ConfigError, match="too large to be read back"):
        api.read_previous(out, english)

    # past the rows a sheet may hold (Contributions, from about 2,600 partners): said so too
    monkeypatch.setattr(screening, "MAX_TOTAL_UNCOMPRESSED", 100 * 2**20)
    monkeypatch.setattr(screening, "MAX_ROWS", 3)
    with pytest.raises(ConfigError, match="une feuille y dépasse ce que l'outil relit : 3 lignes"):
        api.read_previous(out, initiative)

    partner = tmp_path / "copie.xlsx"  # a partner's copy past the limits: refused as before
    partner.write_bytes(filled[BARIL].read_bytes())
    monkeypatch.setattr(screening, "MAX_TOTAL_UNCOMPRESSED", 1000)
    with pytest.raises(ConfigError, match="bombe zip"):
        api.read_previous(partner, initiative)


def test_the_weekly_report_says_why_it_shows_no_changes_since_last_round(
    initiative: Initiative, filled: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report shows what changed since last round's master, which the history names. When that
    master cannot be read back (grown past the limits, moved, deleted), the report is still made and
    says why the round's changes are missing: before, the section was left out without a word."""
    from toolkit import guard, screening

    out, history = tmp_path / "maitre.xlsx", tmp_path / "historique.jsonl"
    pulled = api.pull([filled[CDC], filled[BARIL]], initiative)
    api.merge(pulled, initiative, out=out, history=history)
    readable = api.build_report(pulled, initiative, history_path=history, record=False)
    assert readable.rounds is not None and readable.rounds_problem is None

    monkeypatch.setattr(screening, "MAX_TOTAL_UNCOMPRESSED", _unpacked_size(out) // 2)
    guard._last.clear()
    report = api.build_report(pulled, initiative, history_path=history, record=False)
    assert report.rounds is None and not report.history_failures  # made, and the run is no failure
    assert report.rounds_problem and "trop volumineux pour être relu" in report.rounds_problem
    assert report.to_dict()["rounds_problem"] == report.rounds_problem
    text = report.text()
    assert "Depuis la ronde précédente : changements non montrés" in text
    assert f"{out} : ce classeur maître de l'initiative est trop volumineux" in text
    assert "trop volumineux pour être relu" in report.html()

    monkeypatch.setattr(screening, "MAX_TOTAL_UNCOMPRESSED", 100 * 2**20)
    out.unlink()  # moved away since
    english = Initiative(**{**initiative.__dict__, "language": "en"})
    gone = api.build_report(pulled, english, history_path=history, record=False)
    assert gone.rounds is None and str(out) in (gone.rounds_problem or "")
    assert "Since the previous round: changes not shown" in gone.text()


def test_a_file_past_the_reading_limits_that_is_not_this_initiatives_master_is_refused(
    initiative: Initiative, filled: dict[str | None, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit import guard, screening

    other = Initiative(**{**initiative.__dict__, "id": "autre-initiative"})
    theirs = tmp_path / "leur-maitre.xlsx"
    api.merge([filled[CDC]], initiative, out=theirs)
    monkeypatch.setattr(screening, "MAX_TOTAL_UNCOMPRESSED", 1000)  # below any workbook
    guard._last.clear()
    assert not guard._own_master(theirs, other)  # another initiative's
    partner = tmp_path / "copie.xlsx"
    partner.write_bytes(filled[BARIL].read_bytes())
    assert not guard._own_master(partner, initiative)  # a partner's copy: role "partner"
    before = digest(partner)
    with pytest.raises(OutputRefused):
        api.check_output(partner, "master", initiative=initiative)
    assert digest(partner) == before


def _holds(path: Path, text: str) -> bool:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return any(
        text in str(value)
        for name in workbook.sheet_names
        for row in workbook.get_sheet_by_name(name).to_python()
        for value in row
    )
